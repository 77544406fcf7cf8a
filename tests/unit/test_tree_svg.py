"""The decision tree drawn as SVG for the beamer: every question and end, the taken routes marked."""

import xml.etree.ElementTree as ET

from pztraining.content import load_tree
from pztraining.domain.decision_tree import tree_svg, walk

NS = {"s": "http://www.w3.org/2000/svg"}
TREE = load_tree("beslisboom-expertise")


def _drawn(svg: str) -> tuple[dict[str, ET.Element], dict[tuple[str, str], ET.Element]]:
    root = ET.fromstring(svg)
    nodes = {g.get("data-node"): g for g in root.iter("{http://www.w3.org/2000/svg}g")}
    edges = {
        (p.get("data-from"), p.get("data-to")): p
        for p in root.iter("{http://www.w3.org/2000/svg}path")
        if p.get("data-from")
    }
    return nodes, edges


def _taken(element: ET.Element) -> bool:
    return "pz-tree-taken" in element.get("class", "").split()


def test_every_node_and_choice_is_drawn_and_nothing_is_marked_without_walks():
    nodes, edges = _drawn(tree_svg(TREE))
    assert set(nodes) == {node.id for node in TREE.nodes}
    assert set(edges) == {(node.id, choice.next) for node in TREE.nodes for choice in node.choices}
    assert not any(_taken(e) for e in [*nodes.values(), *edges.values()])


def test_the_taken_path_is_marked_with_how_many_walked_it():
    consultant = walk(TREE, ["Nee", "Een medisch-inhoudelijke vraag", "Nee"])
    central = walk(TREE, ["Ja"])
    nodes, edges = _drawn(tree_svg(TREE, [consultant, consultant, central]))
    on_path = set(consultant) | set(central)
    assert {n for n, g in nodes.items() if _taken(g)} == on_path
    assert {e for e, p in edges.items() if _taken(p)} == {
        ("centrale-zorgverlener", "soort-vraag"),
        ("soort-vraag", "bekend-in-ziekenhuis"),
        ("bekend-in-ziekenhuis", "consulent"),
        ("centrale-zorgverlener", "via-centrale-zorgverlener"),
    }
    assert nodes["centrale-zorgverlener"].get("data-count") == "3"
    assert nodes["consulent"].get("data-count") == "2" and nodes["via-centrale-zorgverlener"].get("data-count") == "1"
    assert edges[("bekend-in-ziekenhuis", "consulent")].get("data-count") == "2"
    assert edges[("bekend-in-ziekenhuis", "specialist-of-team")].get("data-count") == "0"
    # The advice reached is in the drawing, with the region's names filled in.
    assert "Fibula-consulent" in "".join(nodes["consulent"].itertext())


def test_a_route_the_tree_does_not_allow_is_left_out():
    nodes, edges = _drawn(tree_svg(TREE, [["centrale-zorgverlener", "consulent"], "geen pad", []]))
    assert not any(_taken(e) for e in [*nodes.values(), *edges.values()])


def test_texts_are_escaped():
    svg = tree_svg(TREE, title="<script>alert(1)</script>")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
