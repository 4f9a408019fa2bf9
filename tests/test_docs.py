"""docs/formulation.md names every component of the model, and every rule has a docstring."""

import dataclasses
import re

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
            if not documented(name, text):
                missing.append(name)
    assert missing == []


def documented(name: str, text: str) -> bool:
    """`name` stands in the text as a code span of its own: `name` or `name[index]`, not as the
    start of a longer name (`budget` is not documented by `budget_limit_cny`)."""
    return re.search(r"`" + re.escape(name) + r"(`|\[)", text) is not None


def test_the_documentation_check_tells_names_apart():
    text = "`budget_limit_cny[y]` and `budget_slack_cny` and `carbon_cap[y]`"
    assert not documented("budget", text)
    assert documented("carbon_cap", text) and documented("budget_slack_cny", text)


def test_every_constraint_rule_documents_its_equation():
    inp = load_inputs(REPO / "cases" / "network-east.yaml")
    m = build_model(inp)
    for con in m.component_objects(pyo.Constraint, descend_into=False):
        rule = con.rule._fcn if hasattr(con.rule, "_fcn") else None
        assert con.doc, con.name
        if rule is not None:
            assert rule.__doc__ and ("math" in rule.__doc__ or ":math:" in rule.__doc__), con.name
