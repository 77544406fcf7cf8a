"""Accessibility checks the browser tests share: axe-core (shipped inside the PyPI package
axe-playwright-python, injected into the page: nothing is fetched at run time), the spoken
names of controls (Chromium's accessibility tree over CDP), and a phone's text size.
"""

from __future__ import annotations

from playwright.sync_api import Page

#: axe impacts that fail a test (WCAG 2.1 AA rules; "moderate" and "minor" are reported only).
FAILING_IMPACTS = ("serious", "critical")
#: The rule sets axe checks: WCAG 2.0 and 2.1, levels A and AA.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
#: Roles of controls a person operates: each needs a name a screen reader can say.
CONTROL_ROLES = {
    "button",
    "textbox",
    "radio",
    "checkbox",
    "link",
    "combobox",
    "listbox",
    "slider",
    "spinbutton",
    "switch",
    "tab",
    "menuitem",
    "searchbox",
}


def axe_violations(page: Page, context: object = None) -> list[dict]:
    """The serious and critical WCAG 2.1 AA violations axe-core finds on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]}
    results = Axe().run(page, context=context, options=options)
    return [v for v in results.response["violations"] if v.get("impact") in FAILING_IMPACTS]


def describe(violations: list[dict]) -> str:
    """One line per violation and node: rule, impact, selector and axe's own summary."""
    lines = []
    for violation in violations:
        for node in violation["nodes"][:5]:
            lines.append(
                f"{violation['id']} ({violation['impact']}): {node['target']} — "
                f"{node.get('failureSummary', '').replace(chr(10), ' ')[:240]}"
            )
    return "\n".join(lines)


def unnamed_controls(page: Page) -> list[str]:
    """Controls in Chromium's accessibility tree without a name (what a screen reader says)."""
    session = page.context.new_cdp_session(page)
    try:
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()
    missing = []
    for node in nodes:
        role = (node.get("role") or {}).get("value", "")
        if node.get("ignored") or role not in CONTROL_ROLES:
            continue
        name = str((node.get("name") or {}).get("value", "")).strip()
        if not name:
            missing.append(f"{role} (backend node {node.get('backendDOMNodeId')})")
    return missing


def controls(page: Page) -> list[tuple[str, str]]:
    """(role, name) of every control in the accessibility tree, in document order."""
    session = page.context.new_cdp_session(page)
    try:
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()
    return [
        ((node.get("role") or {}).get("value", ""), str((node.get("name") or {}).get("value", "")))
        for node in nodes
        if not node.get("ignored") and (node.get("role") or {}).get("value") in CONTROL_ROLES
    ]


def set_text_size(page: Page, percent: int) -> None:
    """The browser's own text size (Chrome's "font size" setting; a phone's text scaling)."""
    session = page.context.new_cdp_session(page)
    standard = round(16 * percent / 100)
    session.send("Page.setFontSizes", {"fontSizes": {"standard": standard, "fixed": round(13 * percent / 100)}})
