"""Charts as inline SVG strings: no image files, no scripts, nothing fetched; they print well.

Used by the results page and the HTML export. Pure functions over report frames.
"""

from __future__ import annotations

from html import escape

import pandas as pd

from pztraining.content import AGREEMENT_LABELS
from pztraining.core.texts import t

#: From "helemaal oneens" to "helemaal eens": red, light red, grey, light blue, blue
#: (a colour-blind-safe diverging palette).
AGREEMENT_COLOURS = ("#b2182b", "#ef8a62", "#bdbdbd", "#67a9cf", "#2166ac")
WIDTH = 720
FONT = "font-family='DejaVu Sans, Arial, sans-serif'"


def _short(text: str, length: int = 48) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def agreement_chart(counts: pd.DataFrame) -> str:
    """Diverging stacked bars (the usual picture for Likert data), one bar per agreement item.

    ``counts`` has columns item_key, item_text, point (1–5), count (from ``report.scale_counts``).
    Disagreement goes left of the centre line, agreement right; "neutraal" straddles it.
    """
    items = counts[counts["point"].between(1, 5)]
    if items.empty:
        return ""
    keys = list(dict.fromkeys(items["item_key"]))
    label_w, bar_w, row_h, top = 300, WIDTH - 310, 30, 34
    centre = label_w + bar_w / 2
    height = top + row_h * len(keys) + 40
    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' class='pz-chart' viewBox='0 0 {WIDTH} {height}' "
        f"width='100%' style='max-width:{WIDTH}px' role='img' {FONT} font-size='12'>"
    ]
    for i, (label, colour) in enumerate(zip(AGREEMENT_LABELS, AGREEMENT_COLOURS)):
        x = 10 + i * ((WIDTH - 20) / 5)
        parts.append(
            f"<rect x='{x:.1f}' y='6' width='12' height='12' fill='{colour}'/>"
            f"<text x='{x + 16:.1f}' y='16'>{escape(label)}</text>"
        )
    for row, key in enumerate(keys):
        mine = items[items["item_key"] == key].set_index("point")["count"]
        total = int(mine.sum())
        y = top + row * row_h
        text = items.loc[items["item_key"] == key, "item_text"].iloc[0]
        parts.append(
            f"<text x='{label_w - 8}' y='{y + 18}' text-anchor='end'>"
            f"<title>{escape(text)}</title>{escape(_short(text, 38))} (n={total})</text>"
        )
        if total == 0:
            continue
        share = {p: mine.get(p, 0) / total for p in range(1, 6)}
        # A bar of 100 % is half the plot wide, so it fits whichever way it leans.
        scale = bar_w / 2
        x = centre - (share[1] + share[2] + share[3] / 2) * scale
        for p in range(1, 6):
            w = share[p] * scale
            if w > 0:
                parts.append(
                    f"<rect x='{x:.1f}' y='{y + 4}' width='{w:.1f}' height='{row_h - 8}' "
                    f"fill='{AGREEMENT_COLOURS[p - 1]}'><title>{escape(AGREEMENT_LABELS[p - 1])}: "
                    f"{mine.get(p, 0)}</title></rect>"
                )
                if w > 26:
                    ink = "#fff" if p in (1, 5) else "#111"  # readable on dark and light segments
                    parts.append(
                        f"<text x='{x + w / 2:.1f}' y='{y + 19}' text-anchor='middle' fill='{ink}'>"
                        f"{share[p] * 100:.0f}%</text>"
                    )
            x += w
    parts.append(
        f"<line x1='{centre}' y1='{top - 4}' x2='{centre}' y2='{top + row_h * len(keys)}' "
        f"stroke='#333' stroke-width='1'/>"
    )
    parts.append("</svg>")
    return "".join(parts)


def distribution_chart(counts: pd.DataFrame, title: str) -> str:
    """Bars for how often each point 0–10 was chosen on one 0–10 item."""
    points = counts.sort_values("point")
    if points.empty:
        return ""
    height, top, bottom, left = 180, 30, 30, 30
    most = max(int(points["count"].max()), 1)
    bar_space = (WIDTH - left - 10) / len(points)
    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' class='pz-chart' viewBox='0 0 {WIDTH} {height}' "
        f"width='100%' style='max-width:{WIDTH}px' role='img' {FONT} font-size='12'>",
        f"<text x='{left}' y='16' font-weight='bold'>{escape(_short(title, 90))} "
        f"(n={int(points['count'].sum())})</text>",
    ]
    for i, (_, row) in enumerate(points.iterrows()):
        h = (height - top - bottom) * row["count"] / most
        x = left + i * bar_space + 4
        y = height - bottom - h
        parts.append(
            f"<rect x='{x:.1f}' y='{y:.1f}' width='{bar_space - 8:.1f}' height='{h:.1f}' fill='#2166ac'>"
            f"<title>{escape(str(row['label']))}: {row['count']}</title></rect>"
        )
        parts.append(
            f"<text x='{x + (bar_space - 8) / 2:.1f}' y='{height - bottom + 16}' "
            f"text-anchor='middle'>{escape(str(row['label']))}</text>"
        )
        if row["count"]:
            parts.append(
                f"<text x='{x + (bar_space - 8) / 2:.1f}' y='{y - 3:.1f}' text-anchor='middle'>{row['count']}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def before_after_chart(pairs: pd.DataFrame, title: str, low: int = 0, high: int = 10) -> str:
    """One line per participant from the answer before to the answer after."""
    if pairs.empty:
        return ""
    row_h, top, left, right = 22, 40, 70, 30
    height = top + row_h * len(pairs) + 30
    span = WIDTH - left - right

    def x(value: float) -> float:
        return left + (value - low) / (high - low) * span

    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' class='pz-chart' viewBox='0 0 {WIDTH} {height}' "
        f"width='100%' style='max-width:{WIDTH}px' role='img' {FONT} font-size='12'>",
        f"<text x='{left}' y='16' font-weight='bold'>{escape(_short(title, 90))}</text>",
        f"<circle cx='{left}' cy='28' r='5' fill='#ef8a62'/>"
        f"<text x='{left + 9}' y='32'>{escape(t('chart.before'))}</text>"
        f"<circle cx='{left + 60}' cy='28' r='5' fill='#2166ac'/>"
        f"<text x='{left + 69}' y='32'>{escape(t('chart.after'))}</text>",
    ]
    for tick in range(low, high + 1):
        parts.append(f"<text x='{x(tick):.1f}' y='{height - 8}' text-anchor='middle' fill='#555'>{tick}</text>")
    for i, (_, row) in enumerate(pairs.iterrows()):
        y = top + i * row_h + 10
        parts.append(
            f"<text x='{left - 8}' y='{y + 4}' text-anchor='end'>{escape(str(row['participant']))}</text>"
            f"<line x1='{x(row['before']):.1f}' y1='{y}' x2='{x(row['after']):.1f}' y2='{y}' "
            f"stroke='#888' stroke-width='2'/>"
            f"<circle cx='{x(row['before']):.1f}' cy='{y}' r='5' fill='#ef8a62'/>"
            f"<circle cx='{x(row['after']):.1f}' cy='{y}' r='5' fill='#2166ac'/>"
        )
    parts.append("</svg>")
    return "".join(parts)


def period_chart(
    labels: list[str], values: list[float], title: str, target: float | None = None, percent: bool = False
) -> str:
    """Bars of one indicator per period (half-year or year), with the target as a dashed line.

    A period without a value (NaN) gets no bar and "–"; negative values go below the zero line.
    """
    if not labels:
        return ""
    height, top, bottom, left = 200, 34, 34, 40
    known = [v for v in values if v == v]
    high = max(known + [0.0] + ([target] if target is not None else []))
    low = min(known + [0.0])
    span = (high - low) or 1.0
    plot = height - top - bottom
    bar_space = (WIDTH - left - 10) / len(labels)

    def y(value: float) -> float:
        return top + (high - value) / span * plot

    def shown(value: float) -> str:
        if value != value:
            return "–"
        text = f"{value * 100:.0f}%" if percent else (f"{value:.0f}" if value == int(value) else f"{value:.1f}")
        return text.replace(".", ",")

    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' class='pz-chart pz-period-chart' viewBox='0 0 {WIDTH} {height}' "
        f"width='100%' style='max-width:{WIDTH}px' role='img' {FONT} font-size='12'>",
        f"<text x='{left}' y='16' font-weight='bold'>{escape(_short(title, 90))}</text>",
        f"<line x1='{left}' y1='{y(0):.1f}' x2='{WIDTH - 10}' y2='{y(0):.1f}' stroke='#333' stroke-width='1'/>",
    ]
    for i, (label, value) in enumerate(zip(labels, values)):
        x = left + i * bar_space + 6
        w = bar_space - 12
        centre = x + w / 2
        if value == value and value != 0:
            top_y, bar_h = min(y(value), y(0)), abs(y(value) - y(0))
            parts.append(
                f"<rect x='{x:.1f}' y='{top_y:.1f}' width='{w:.1f}' height='{bar_h:.1f}' fill='#2166ac'>"
                f"<title>{escape(label)}: {escape(shown(value))}</title></rect>"
            )
        label_y = (min(y(value), y(0)) - 4) if value == value else y(0) - 4
        parts.append(
            f"<text x='{centre:.1f}' y='{label_y:.1f}' text-anchor='middle' class='pz-chart-value'>"
            f"{escape(shown(value))}</text>"
        )
        parts.append(f"<text x='{centre:.1f}' y='{height - bottom + 16}' text-anchor='middle'>{escape(label)}</text>")
    if target is not None:
        parts.append(
            f"<line x1='{left}' y1='{y(target):.1f}' x2='{WIDTH - 10}' y2='{y(target):.1f}' "
            f"stroke='#b2182b' stroke-width='1.5' stroke-dasharray='6 4'><title>doel: {escape(shown(target))}"
            f"</title></line>"
        )
    parts.append("</svg>")
    return "".join(parts)
