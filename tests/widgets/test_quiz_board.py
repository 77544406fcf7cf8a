"""The trainer's quiz board: the room's answers as bars, and the right answer only after "toon antwoord"."""

import json

import ipywidgets as w
from ipywidgets.widgets.widget import _instances

from pztraining.content import load_form, load_program
from pztraining.services import participation as part
from pztraining.ui.forms_panel import FormsPanel

QUIZ = "zorgkaart-quiz"


def _all_state(root: w.Widget) -> str:
    """Every synced value of ``root`` and the widgets below it, as one JSON text (what the browser gets)."""
    seen, todo, states = set(), [root], []
    while todo:
        widget = todo.pop()
        if widget.model_id in seen:
            continue
        seen.add(widget.model_id)
        state = widget.get_state()
        states.append(state)
        for value in state.values():
            found = value if isinstance(value, (list, tuple)) else [value]
            for item in found:
                if isinstance(item, str) and item.startswith("IPY_MODEL_"):
                    todo.append(_instances[item[len("IPY_MODEL_") :]])
    return json.dumps(states, ensure_ascii=False)


def test_the_board_counts_answers_and_reveals_the_right_one_only_when_asked(store, clock):
    training = store.add_training("Regio-avond", "zorgkaart", clock())
    panel = FormsPanel(store, clock)
    panel.show(training, load_program("zorgkaart").meeting(1))
    panel.toggle(QUIZ)
    form = load_form(QUIZ)
    first = form.items[0]
    wrong = next(o for o in first.options if o != first.correct)
    board = panel._widgets[QUIZ]["quiz"]
    bars, button = board._parts[first.id]
    for number, answer in enumerate([wrong, first.correct, first.correct]):
        secret = f"{number + 1:032x}"
        person = part.register(store, training, secret, f"Deelnemer {number}", clock())
        assert part.submit(store, training, person, secret, 1, QUIZ, {first.id: answer}, clock()).status == "submitted"
        panel.refresh()
        assert f"data-total='{number + 1}'" in bars.value  # the count grows with every answer
    state = _all_state(panel.root)
    assert first.explanation not in state and "pz-quiz-right-mark" not in state
    assert "pz-quiz-bar-right" not in state and '"correct"' not in state
    button.click()
    assert store.revealed_items(training.id, 1, QUIZ) == {first.id}
    state = _all_state(panel.root)
    assert first.explanation in bars.value and "pz-quiz-bar-right" in bars.value and button.disabled
    assert first.explanation in state
    # Only the item shown: the next item's explanation is still nowhere.
    assert form.items[1].explanation not in state


def test_a_tree_walked_on_the_screen_is_stored_as_its_path_and_the_quiz_screen_form_has_no_answer(store, clock):
    from pztraining.ui.results_app import ResultsApp

    training = store.add_training("Regio-avond", "zorgkaart", clock())
    app = ResultsApp(store, clock=clock)
    app.training_select.value = training.id
    app.form_select.value = "zorgkaart-quiz"
    app.start_paper()
    state = _all_state(app.paper_form)
    assert all(item.explanation not in state for item in load_form(QUIZ).items) and '"correct"' not in state
    app.form_select.value = "zorgkaart-beslisboom"
    app.start_paper()
    tree = app.paper_form.form["items"][0]["tree"]
    assert tree["start"] == "centrale-zorgverlener" and "Fibula-consulent" in tree["nodes"]["consulent"]["advice"]
    path = ["centrale-zorgverlener", "soort-vraag", "paramedisch"]
    app.paper_form.submit({"route-pijn": path})
    assert app.paper_form.status == "submitted", app.paper_form.errors
    assert store.list_item_answers(training.id, 1, "zorgkaart-beslisboom", "route-pijn") == [path]


def test_the_decision_tree_is_drawn_for_the_beamer_with_the_rooms_routes(store, clock):
    tree_form = "zorgkaart-beslisboom"
    training = store.add_training("Regio-avond", "zorgkaart", clock())
    panel = FormsPanel(store, clock)
    panel.show(training, load_program("zorgkaart").meeting(1))
    panel.toggle(tree_form)
    form = load_form(tree_form)
    item = next(i for i in form.items if i.type == "tree")
    drawing = panel._widgets[tree_form]["trees"]._views[item.id]
    assert "<svg" in drawing.value and "pz-tree-taken'" not in drawing.value  # no route marked yet
    path = ["centrale-zorgverlener", "soort-vraag", "bekend-in-ziekenhuis", "consulent"]
    person = part.register(store, training, f"{1:032x}", "Deelnemer", clock())
    answers = {i.id: path if i.id == item.id else "Ja" for i in form.items if i.required}
    assert part.submit(store, training, person, f"{1:032x}", 1, tree_form, answers, clock()).status == "submitted"
    panel.refresh()
    assert "data-node='consulent' data-count='1'" in drawing.value
    assert "pz-tree-edge pz-tree-taken' data-from='bekend-in-ziekenhuis' data-to='consulent'" in drawing.value
