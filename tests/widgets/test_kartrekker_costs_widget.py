"""The Kosten tab explains itself: each field and line says where its number comes from, the
totals per year and over the run, and how the estimate relates to the source's guide amount."""

from tests.widgets.test_kartrekker_widget import app  # noqa: F401 - the page fixture

MARK = "(voorstel van pztraining)"


def test_the_costs_tab_shows_origins_totals_per_year_and_the_relation_to_the_guide_amount(app):  # noqa: F811
    app.tabs.selected_index = 1
    costs = app.costs
    assert "(bron)" in costs._origins["uren-training"].value
    assert MARK in costs._origins["tarief-verzorgende"].value
    assert "nog in te vullen" in costs._origins["trainingsprijs"].value
    costs._inputs["tarief-verzorgende"].value = "41"
    assert "(eigen cijfer)" in costs._origins["tarief-verzorgende"].value  # typed: the organisation's own
    assert "€41 (eigen cijfer)" in costs.lines.value and "5 uur (bron)" in costs.lines.value
    assert f"Jaar 1 van de looptijd {MARK}" in costs.lines.value
    assert "Totaal over de looptijd (56 weken)" in costs.lines.value
    assert "van het richtbedrag van €35.000" in costs.total.value
    assert "geen norm" in costs.total.value  # the content's word on how the guide amount relates
    costs._inputs["trainingsprijs"].value = "-5"
    assert "Geen totaal" in costs.total.value and "Totaal over de looptijd" not in costs.lines.value
