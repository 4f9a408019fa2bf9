"""The solve's progress: the phases a solve reports, HiGHS's best plan and bound as it searches,
and the status line on a terminal (quiet elsewhere)."""

import io

import pytest

from conftest import TINY, merge, write_case
from evfleet.pipeline import solve_case
from evfleet.solver.highs import SolveOptions
from evfleet.writers.progress import CLEAR_LINE, TerminalProgress, status_line


class Recorder:
    def __init__(self):
        self.events = []

    def phase(self, name):
        self.events.append(("phase", name))

    def search(self, best, bound):
        self.events.append(("search", best, bound))

    def done(self):
        self.events.append(("done",))


def test_a_solve_reports_its_phases_in_order_and_a_search_that_ends_at_the_plan(tmp_path):
    # TINY, electric only: two electric vans (2 x 2,000 CNY), one charger for both (100 CNY) and
    # 20 kWh a day each for 365 days at 0.1 CNY/kWh (2 x 730 CNY): NPV 5,560
    path = write_case(tmp_path, merge(TINY, {"min_ev_share_of_purchases": 1.0}))
    progress = Recorder()
    run = solve_case(path, tmp_path / "out", SolveOptions(mip_gap=0.0, threads=1),
                     progress=progress)
    phases = [e[1] for e in progress.events if e[0] == "phase"]
    assert phases[:3] == ["reading and checking the case",
                          "building the model and handing it to HiGHS", "LP relaxation"]
    assert phases[-2:] == ["the like-for-like baseline", "writing the plan"]
    assert run.summary.objective_npv_cny == pytest.approx(2 * 2000 + 100 + 2 * 730)
    searches = [e for e in progress.events if e[0] == "search" and e[1] is not None]
    for _, best, bound in searches:  # a bound never above the plan it bounds
        assert bound is None or bound <= best + 1e-6
    if searches:
        assert searches[-1][1] == pytest.approx(run.summary.objective_npv_cny)


def test_the_status_line_shows_best_bound_and_gap():
    # best 23.55 M, bound 23.38 M: gap (23.55 - 23.38) / 23.55 = 0.72 %
    line = status_line(42.4, "MIP, whole model", 23.55e6, 23.38e6)
    assert line == "   42 s  MIP, whole model  |  best 23.55 M CNY  bound 23.38 M CNY  gap 0.72%"
    assert status_line(3, "LP relaxation", None, None) == "    3 s  LP relaxation"


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_drawn_on_a_terminal_and_cleared_at_the_end():
    stream = FakeTerminal()
    progress = TerminalProgress(stream, tick_s=3600)
    progress.phase("LP relaxation")
    progress.search(2.0e6, 1.0e6)
    progress.done()
    text = stream.getvalue()
    assert text.startswith(CLEAR_LINE + "    0 s  LP relaxation")
    assert "best 2.00 M CNY  bound 1.00 M CNY  gap 50.00%" in text
    assert text.endswith(CLEAR_LINE)


def test_quiet_when_not_a_terminal():
    stream = io.StringIO()
    progress = TerminalProgress(stream, tick_s=0.01)
    progress.phase("LP relaxation")
    progress.search(2.0e6, 1.0e6)
    progress.done()
    assert stream.getvalue() == ""


def test_highs_search_is_reported_with_bounds_of_the_whole_model():
    # The Shenzhen depot branches: HiGHS reports improving plans. Every bound shown is a bound of
    # the whole model (never the fixed MIP's own), so none lies above the optimum found.
    from conftest import REPO
    from evfleet.formulation import build_model
    from evfleet.inputs import load_inputs
    from evfleet.solver.highs import HighsModel

    model = HighsModel(build_model(load_inputs(REPO / "cases" / "shenzhen-depot.yaml")),
                       SolveOptions(mip_gap=1e-4, threads=1, strategy="direct"))
    progress = Recorder()
    model.watch(progress)
    outcome = model.solve()
    searches = [e for e in progress.events if e[0] == "search" and e[1] is not None]
    assert searches, progress.events
    assert searches[-1][1] == pytest.approx(outcome.objective_cny, rel=1e-9)
    assert all(bound is None or bound <= outcome.objective_cny * (1 + 1e-9)
               for _, _, bound in searches)
    assert any(e == ("phase", "LP relaxation") for e in progress.events)
    # while the integers the LP left whole are fixed, the bound shown is the LP relaxation's
    lp_bound = HighsModel(model.m, SolveOptions(threads=1)).solve_lp_fix().bound_cny
    phase, fixed_phase = None, []
    for e in progress.events:
        phase = e[1] if e[0] == "phase" else phase
        if e[0] == "search" and "fixed by the LP" in phase:
            fixed_phase.append(e[2])
    assert fixed_phase and all(b == pytest.approx(lp_bound, rel=1e-9) for b in fixed_phase)
