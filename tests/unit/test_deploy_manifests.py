"""What an administrator deploys on Kubernetes is valid: the manifests against a current Kubernetes
version's schemas (kubernetes-validate, offline), the Zero to JupyterHub values against that chart's
own values schema (vendored with its version in tests/deploy/)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
KUBERNETES = ROOT / "deploy" / "kubernetes"
#: The Kubernetes version the manifests are held to: the newest kubernetes-validate knows.
KUBERNETES_VERSION = "1.37.0"
#: The chart version whose schema the values must pass (see its README for where it comes from).
Z2JH = ROOT / "tests" / "deploy" / "z2jh-4.4.0"


def manifests() -> list[tuple[str, dict]]:
    """Every Kubernetes object in deploy/kubernetes (not the Helm values), with its file and kind."""
    found = []
    for path in sorted(KUBERNETES.glob("*.yaml")):
        if path.name == "values.yaml":
            continue
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if document:
                found.append((f"{path.name}:{document['kind']}/{document['metadata']['name']}", document))
    return found


def helm_merge(defaults: dict, values: dict) -> dict:
    """The values Helm validates: the chart's defaults with ours merged over them (maps merge, the rest replaces)."""
    merged = copy.deepcopy(defaults)
    for key, value in values.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = helm_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def z2jh_errors(values: dict) -> list[str]:
    """Where ``values`` (merged over the chart's defaults) break the chart's values schema."""
    schema = json.loads((Z2JH / "values.schema.json").read_text(encoding="utf-8"))
    defaults = yaml.safe_load((Z2JH / "values.yaml").read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    return sorted(
        f"{'.'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(helm_merge(defaults, values))
    )


def test_kubernetes_validate_knows_the_version_the_manifests_are_held_to():
    # A newer kubernetes-validate brings newer schemas: then raise KUBERNETES_VERSION with it.
    assert kubernetes_validate.latest_version() == KUBERNETES_VERSION


def test_there_are_manifests_to_validate():
    assert {name.split(":")[1].split("/")[0] for name, _ in manifests()} >= {"Deployment", "Service"}


@pytest.mark.parametrize(("name", "document"), manifests(), ids=[name for name, _ in manifests()])
def test_every_manifest_is_valid_for_a_current_kubernetes(name, document):
    # strict: a misspelt or misplaced field is an error, not silently ignored by the cluster.
    kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def test_a_misplaced_field_in_a_manifest_is_caught():
    _, deployment = next(item for item in manifests() if item[1]["kind"] == "Deployment")
    broken = copy.deepcopy(deployment)
    broken["spec"]["template"]["spec"]["containers"][0]["env"][0]["valueFrom"]["secretRef"] = {"name": "x"}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def test_the_jupyterhub_values_pass_the_charts_values_schema():
    values = yaml.safe_load((KUBERNETES / "values.yaml").read_text(encoding="utf-8"))
    assert z2jh_errors(values) == []


def test_the_chart_version_in_the_values_header_is_the_schema_checked():
    header = (KUBERNETES / "values.yaml").read_text(encoding="utf-8")
    assert f"--version {Z2JH.name.removeprefix('z2jh-')} " in header


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda v: v["singleuser"].update(memory={"guarantee": "300M", "limits": "1G"}), "singleuser.memory"),
        (lambda v: v["proxy"]["https"].update(hosts="training.example.nl"), "proxy.https.hosts"),
        (lambda v: v["hub"]["db"].update(type="postgresql"), "hub.db.type"),
        (lambda v: v["singleuser"].update(notebookDir="/srv"), "singleuser"),
        (lambda v: v.update(culling={"enabled": True}), ""),
    ],
)
def test_a_wrong_value_is_caught_by_the_schema(change, where):
    values = yaml.safe_load((KUBERNETES / "values.yaml").read_text(encoding="utf-8"))
    change(values)
    errors = z2jh_errors(values)
    assert errors and any(error.startswith(f"{where}:") for error in errors), errors
