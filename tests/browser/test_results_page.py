"""The results page in a real browser: live counts, charts, open answers, export, paper forms.

The test data goes straight into the database (one module server, ``served``); the page is
the trainer server's ``results.ipynb``. Participant names must never reach an export made
without names, and an open answer is shown as text, never as HTML.
"""

from __future__ import annotations

import re

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from pztraining.content import load_form, load_program
from pztraining.domain.forms import form_spec
from pztraining.services import forms
from pztraining.store import Store, Training
from tests.browser.helpers import (
    EVALUATION,
    FIRST_RENDER_MS,
    MEETING,
    PREPARATION,
    explained,
    now,
)

#: The first render waits for a Voila kernel to start (seconds on a 2-core machine).
#: What the kernel does after a click (build a report, write an export).
KERNEL_MS = 30_000

NAMES = ["Anouk Jansen", "Bilal Ouali", "Cornelia Visscher"]
OPEN_ANSWER = "<b>vet</b> & <img src=x onerror=alert(1)>"


# ------------------------------------------------------------------------- helpers


def title(form_id: str) -> str:
    return load_form(form_id).title


def training_label(training: Training) -> str:
    # ipywidgets 8 puts the option *label* in <option value>, not the Python value.
    return f"{training.name} ({load_program(training.program_id).title})"


def results_url(served) -> str:
    assert "trainer.ipynb" in served.trainer_url, served.trainer_url
    return served.trainer_url.replace("trainer.ipynb", "results.ipynb")


def add_filled_training(store: Store, name: str) -> Training:
    """A mySupport training with three participants who sent both forms (not anonymous)."""
    training = store.add_training(name, "mysupport", now())
    for form_id in (PREPARATION, EVALUATION):
        forms.open_form(store, training.id, MEETING, form_id, False, now(), spec=form_spec(load_form(form_id)))
    for number, person in enumerate(NAMES):
        participant = store.add_participant(training.id, person, f"device-{training.id}-{number}", now())
        key = f"p:{participant.id}"
        forms.submit(
            store,
            training.id,
            MEETING,
            PREPARATION,
            key,
            {
                "gids-gelezen": "Helemaal",
                "indruk-gids": f"Indruk {number + 1}",
                "werken-met-gids": "Goed.",
                "voorbereid": ["Ja", "Gedeeltelijk", "Nee"][number],
                "vertrouwen-gesprek": 3 + number,
            },
            now(),
            participant_id=participant.id,
        )
        values = {
            item_id: 1 + (number + offset) % 5
            for offset, item_id in enumerate(
                ["relevantie", "duidelijkheid", "trainer", "materialen", "tijd", "oefenen"]
            )
        }
        values.update({"aanbevelen": 7 + number, "vertrouwen-gesprek": 6 + number})
        values["geleerd"] = OPEN_ANSWER if number == 0 else f"Antwoord {number + 1}: vaker doorvragen."
        forms.submit(store, training.id, MEETING, EVALUATION, key, values, now(), participant_id=participant.id)
    assert store.response_counts(training.id, MEETING) == {PREPARATION: 3, EVALUATION: 3}
    return training


def open_results(page: Page, served, training: Training) -> None:
    page.goto(results_url(served), wait_until="domcontentloaded", timeout=FIRST_RENDER_MS)
    with explained(page, served):
        expect(page.locator(".pz-results-app")).to_be_visible(timeout=FIRST_RENDER_MS)
        select = page.locator(".pz-training-select select")
        expect(select).to_be_attached(timeout=FIRST_RENDER_MS)
        select.select_option(value=training_label(training))
        expect(select).to_have_value(training_label(training))


def paper_item(page: Page, item_id: str):
    return page.locator(f".pz-paper-form .pz-form-root fieldset.pz-item[data-item='{item_id}']")


# ------------------------------------------------------------------------- tests


def test_results_show_counts_charts_and_open_answers_as_text_export_pseudonymized_and_take_paper_forms(
    page: Page, served, store: Store, tmp_path
):
    training = add_filled_training(store, "Resultaten bekijken")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_results(page, served, training)

    with explained(page, served):
        counts = page.locator(".pz-live-counts")
        expect(counts).to_contain_text(f"{title(EVALUATION)}: 3")
        expect(counts).to_contain_text(f"{title(PREPARATION)}: 3")

        page.locator("button.pz-show").click()
        report = page.locator(".pz-results")
        expect(report.locator("svg.pz-chart").first).to_be_visible(timeout=KERNEL_MS)
        assert report.locator("svg.pz-chart").count() >= 1

        # The open answer, literally: no element made from it, no script run.
        answers = report.locator("ul.pz-open-answers li")
        expect(answers.filter(has_text=OPEN_ANSWER)).to_have_count(1)
        expect(report.locator("img")).to_have_count(0)
        # The page itself marks the item text bold (<b>Wat heb je geleerd?</b>); the answer's <b> must not be there.
        expect(report.locator("b", has_text=re.compile(r"^\s*vet\s*$"))).to_have_count(0)
        item_texts = {item.text for form_id in (PREPARATION, EVALUATION) for item in load_form(form_id).items}
        bold = [text.strip() for text in report.locator("b").all_inner_texts()]
        assert set(bold) <= item_texts, f"<b> elements not from the page's own markup: {set(bold) - item_texts}"
        # Without names: the report never shows a participant's name.
        for person in NAMES:
            expect(report).not_to_contain_text(person)

        # Export as Excel: a download link with the workbook inline.
        page.locator(".pz-export-format select").select_option(value="xlsx")
        page.locator("button.pz-export").click()
        link = page.locator(".pz-download a.pz-download-link")
        expect(link).to_be_attached(timeout=KERNEL_MS)
        href = link.get_attribute("href")
        assert href.startswith("data:application/vnd.openxmlformats"), href[:80]
        assert link.get_attribute("download").endswith(".xlsx")
        with page.expect_download(timeout=KERNEL_MS) as info:
            link.click()
        download = info.value
        assert download.suggested_filename.endswith(".xlsx"), download.suggested_filename
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)

    workbook = load_workbook(saved, read_only=True)
    try:
        assert workbook.sheetnames[0] == "Samenvatting", workbook.sheetnames
        cells = [
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        ]
    finally:
        workbook.close()
    assert OPEN_ANSWER in cells, "the open answer is missing from the export"
    for person in NAMES:
        for part in person.split():
            leaked = [cell for cell in cells if part in cell]
            assert not leaked, f"{part!r} (of {person!r}) in the export without names: {leaked[:3]}"

    # A printed evaluation, entered by the trainer.
    with explained(page, served):
        page.locator(".pz-form-select select").select_option(value=title(EVALUATION))
        expect(page.locator(".pz-form-select select")).to_have_value(title(EVALUATION))
        page.locator("button.pz-paper").click()
        form = page.locator(".pz-paper-form .pz-form-root")
        expect(form).to_be_visible(timeout=KERNEL_MS)
        expect(form.locator(".pz-form-title")).to_have_text(title(EVALUATION))
        for offset, item_id in enumerate(["relevantie", "duidelijkheid", "trainer", "materialen", "tijd", "oefenen"]):
            paper_item(page, item_id).locator(f"input[value='{1 + offset % 5}']").check()
        paper_item(page, "aanbevelen").locator("input[value='9']").check()
        paper_item(page, "vertrouwen-gesprek").locator("input[value='8']").check()
        paper_item(page, "geleerd").locator("textarea").fill("Van papier overgenomen.")
        form.locator("button.pz-form-submit").click()
        expect(form).to_have_attribute("data-status", "submitted", timeout=KERNEL_MS)
        expect(page.locator(".pz-paper-message")).to_contain_text("Papieren formulier opgeslagen (4 ingevoerd)")
        expect(counts).to_contain_text(f"{title(EVALUATION)}: 4", timeout=KERNEL_MS)
        expect(counts).to_contain_text(f"{title(PREPARATION)}: 3")

    assert store.response_counts(training.id, MEETING) == {PREPARATION: 3, EVALUATION: 4}
    assert dialogs == [], dialogs
    assert not page.js_errors, page.js_errors
