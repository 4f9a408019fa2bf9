"""Limits and Ctrl-C: a solve stopped early keeps its best plan; an interrupted one leaves the\noutput folder as it was."""

import json

import pytest
from click.testing import CliRunner

from conftest import REPO
from evfleet.cli import main
from evfleet.formulation import build_model
from evfleet.inputs import load_inputs
from evfleet.solver import highs

def test_a_solve_stopped_by_a_limit_returns_its_best_plan_with_gap(tmp_path, monkeypatch):
    # HiGHS stopped by a limit before it proves the gap asked: here at the first plan it finds
    # (mip_max_improving_sols 1), which stops at the same point on any machine. Asked for gap 0,
    # that first plan of the Shenzhen depot is not proven optimal: it is kept, reported as
    # time_limit with its gap.
    quick = highs.new_highs

    def first_plan_only():
        h = quick()
        h.setOptionValue("mip_max_improving_sols", 1)
        return h

    monkeypatch.setattr(highs, "new_highs", first_plan_only)
    result = CliRunner().invoke(main, ["solve", str(REPO / "cases" / "shenzhen-depot.yaml"),
                                       "--out", str(tmp_path / "out"), "--gap", "0"])
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["status"] == "time_limit"
    assert summary["mip_gap"] > 0 and summary["bound_npv_cny"] < summary["objective_npv_cny"]
    assert "warning: time limit reached" in result.output and "Traceback" not in result.output


def test_the_time_limit_reaches_highs():
    inp = load_inputs(REPO / "cases" / "shenzhen-depot.yaml")
    model = highs.HighsModel(build_model(inp), highs.SolveOptions(time_limit_s=7, mip_gap=0.02))
    assert model.h.getOptionValue("time_limit")[1] == 7.0
    assert model.h.getOptionValue("mip_rel_gap")[1] == 0.02


def test_ctrl_c_during_solve_leaves_output_as_it_was(tmp_path, monkeypatch):
    # Ctrl-C reaches HiGHS, which stops and reports an interrupt; HighsModel._run then raises
    # KeyboardInterrupt (the next test). Raised here at once, so that the test does not depend on
    # when HiGHS next checks for the interrupt.
    def solve_interrupted(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(highs.HighsModel, "_run", solve_interrupted)
    out = tmp_path / "out"
    out.mkdir()
    earlier = json.dumps({"case": "shenzhen-depot", "status": "optimal"})
    (out / "summary.json").write_text(earlier)
    result = CliRunner().invoke(main, ["solve", str(REPO / "cases" / "shenzhen-depot.yaml"),
                                       "--out", str(out)])
    assert result.exit_code == 130
    assert "interrupted: nothing was written for the case being solved" in result.output
    assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temporary folder left
    assert [p.name for p in out.iterdir()] == ["summary.json"]
    assert (out / "summary.json").read_text() == earlier


def test_highs_reporting_an_interrupt_raises_keyboard_interrupt(monkeypatch):
    inp = load_inputs(REPO / "cases" / "shenzhen-depot.yaml")
    model = highs.HighsModel(build_model(inp), highs.SolveOptions())
    monkeypatch.setattr(model.h, "solve", lambda: None)
    monkeypatch.setattr(model.h, "getModelStatus", lambda: highs.MS.kInterrupt)
    with pytest.raises(KeyboardInterrupt):
        model.solve()


def test_ctrl_c_during_a_solve_that_ends_before_highs_looks_is_not_lost(monkeypatch):
    # highspy catches Ctrl-C and only asks HiGHS to stop (its flag STOP_REQUESTED); a solve that
    # ends before HiGHS looks returns "optimal". The request must still stop evfleet (a sweep
    # interrupted between two quick variants once ran on to the end and exited 0).
    inp = load_inputs(REPO / "cases" / "shenzhen-depot.yaml")
    model = highs.HighsModel(build_model(inp), highs.SolveOptions(threads=1))
    solve = model.h.solve

    def solve_then_ctrl_c():
        status = solve()
        setattr(model.h, highs.STOP_REQUESTED, True)  # as highspy's joinSolve does
        return status

    monkeypatch.setattr(model.h, "solve", solve_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        model.solve()


def test_ctrl_c_while_the_model_is_built_prints_no_pyomo_error(caplog):
    # Pyomo logs "Constructing component ... failed" for any exception in a rule; Ctrl-C is the
    # planner's, answered by exit 130, so its line is filtered (formulation/__init__.py) while a
    # real fault in a rule is still logged
    import importlib
    import logging

    import pyomo.environ as pyo
    import pytest

    importlib.import_module("evfleet.formulation")  # importing it installs the filter

    def interrupted(m, i):
        raise KeyboardInterrupt

    def broken(m, i):
        raise ValueError("a fault")

    m = pyo.ConcreteModel()
    with caplog.at_level(logging.ERROR, logger="pyomo.core"):
        with pytest.raises(KeyboardInterrupt):
            m.a = pyo.Param([1], initialize=interrupted)
        assert not caplog.records
        with pytest.raises(ValueError):
            m.b = pyo.Param([1], initialize=broken)
        assert any("Constructing component 'b'" in r.getMessage() for r in caplog.records)
