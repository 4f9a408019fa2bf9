"""docs/formulation.md names every component of the model, and every rule has a docstring."""

import dataclasses

import pyomo.environ as pyo

from evfleet.formulation import build_model
from evfleet.solver.diagnosis import TARGETS
from evfleet.inputs import load_inputs
from conftest import REPO


def test_every_component_is_documented():
    inp = load_inputs(REPO / "cases" / "network-east.yaml")
    # the network case has PV, storage, upgrades and a two-part choice; add every slack group too
    inp = dataclasses.replace(inp, slack_groups=frozenset(t.slack for t in TARGETS),
                              slack_penalty={t.slack: 1.0 for t in TARGETS})
    m = build_model(inp)
    text = (REPO / "docs" / "formulation.md").read_text(encoding="utf-8")
    missing = []
    for kind in (pyo.Set, pyo.Param, pyo.Var, pyo.Expression, pyo.Constraint, pyo.Objective):
        for comp in m.component_objects(kind, descend_into=False):
            name = comp.name
            if kind is pyo.Set and (name.endswith("_index") or "_index_" in name):
                continue  # Pyomo's implicit product sets
            if f"`{name}" not in text:
                missing.append(name)
    assert missing == []


def test_every_constraint_rule_documents_its_equation():
    inp = load_inputs(REPO / "cases" / "network-east.yaml")
    m = build_model(inp)
    for con in m.component_objects(pyo.Constraint, descend_into=False):
        rule = con.rule._fcn if hasattr(con.rule, "_fcn") else None
        assert con.doc, con.name
        if rule is not None:
            assert rule.__doc__ and ("math" in rule.__doc__ or ":math:" in rule.__doc__), con.name
