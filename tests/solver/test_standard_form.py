"""evfleet's standard-form reader gives exactly the arrays of Pyomo's own compiler."""

import logging

import numpy as np
import pyomo.environ as pyo
import pytest

from evfleet.formulation import build_model
from evfleet.formulation.baseline import fix_like_for_like
from conftest import REPO
from evfleet.inputs import load_inputs
from evfleet.solver.handoff import to_highs
from evfleet.solver.standard_form import compile_model, pyomo_compile

CASES = REPO / "cases"


def assert_same(a, b):
    """Same columns and rows in the same order, same coefficients, costs and right-hand sides."""
    assert [id(v) for v in a.columns] == [id(v) for v in b.columns]
    assert [(id(c), s) for c, s in a.rows] == [(id(c), s) for c, s in b.rows]
    assert a.a.shape == b.a.shape
    assert abs(a.a - b.a).max() <= 1e-12 * max(1.0, abs(b.a).max())
    np.testing.assert_allclose(a.c, b.c, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(a.rhs, b.rhs, rtol=1e-12, atol=1e-12)
    assert a.offset == pytest.approx(b.offset, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("case", ["shenzhen-depot.yaml", "network-east.yaml"])
def test_reader_matches_pyomo_on_cases_and_their_baselines(case):
    inp = load_inputs(CASES / case)
    m = build_model(inp)
    assert_same(compile_model(m), pyomo_compile(m))
    fix_like_for_like(m, inp)  # fixed variables become constants, deactivated rows vanish
    assert_same(compile_model(m), pyomo_compile(m))


def small_model():
    """Every node kind the reader knows, with hand-worked rows (see the test below)."""
    m = pyo.ConcreteModel()
    m.x = pyo.Var([1, 2], bounds=(0, 10))
    m.y = pyo.Var(within=pyo.NonNegativeIntegers, bounds=(0, 5))
    m.z = pyo.Var()  # fixed below: a constant
    m.unused = pyo.Var()
    m.p = pyo.Param(initialize=4.0, mutable=True)
    m.e = pyo.Expression(expr=2 * m.x[1] + m.x[2] + 1)
    m.z.fix(3)
    m.o = pyo.Objective(expr=(m.e - m.y) / 2)
    m.ranged = pyo.Constraint(expr=pyo.inequality(1, m.x[1] - m.x[2], m.p))  # 2 rows
    m.left_constant = pyo.Constraint(expr=pyo.inequality(-5, -m.y + m.z * m.x[1]))  # lower bound
    m.both = pyo.Constraint(expr=m.e <= m.p * m.y)  # 2 x1 + x2 + 1 - 4 y <= 0
    m.equal = pyo.Constraint(expr=m.x[2] == m.x[1] / 4 + m.z)
    m.trivial = pyo.Constraint(expr=m.z <= 7)  # no variables, holds: dropped
    return m


def test_reader_on_every_node_kind():
    m = small_model()
    form = compile_model(m)
    assert_same(form, pyomo_compile(m))
    # Hand-worked: columns x1, x2, y (z fixed, `unused` in no row).
    assert [v.name for v in form.columns] == ["x[1]", "x[2]", "y"]
    np.testing.assert_allclose(form.c, [1.0, 0.5, -0.5])
    assert form.offset == pytest.approx(0.5)
    dense = form.a.toarray()
    assert [(c.name, s) for c, s in form.rows] == [
        ("ranged", 1), ("ranged", -1), ("left_constant", -1), ("both", 1), ("equal", 0)]
    np.testing.assert_allclose(dense, [[1, -1, 0], [1, -1, 0], [3, 0, -1], [2, 1, -4],
                                       [-0.25, 1, 0]])
    np.testing.assert_allclose(form.rhs, [4, 1, -5, -1, 3])


def test_an_unknown_node_falls_back_to_pyomo(caplog):
    m = small_model()
    m.one = pyo.Param(initialize=1, mutable=True)
    m.power = pyo.Constraint(expr=m.x[1] ** m.one <= 9)  # linear only to Pyomo's own compiler
    with caplog.at_level(logging.DEBUG, logger="evfleet.solver.standard_form"):
        form = compile_model(m)
    assert "LinearStandardFormCompiler" in caplog.text
    assert_same(form, pyomo_compile(m))


def test_a_row_left_without_variables_and_violated_stays_for_highs_to_refuse():
    m = small_model()
    m.impossible = pyo.Constraint(expr=m.z >= 4)  # 3 >= 4 once z is fixed
    lp, _, rows = to_highs(m)
    assert rows[-1] is m.impossible
    assert np.asarray(lp.row_lower_)[-1] == 4 - 3
