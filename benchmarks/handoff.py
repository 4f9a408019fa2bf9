"""Measure the routes from a built Pyomo model to HiGHS (issue: keep the fastest).

Times, for one case, the build and the hand-off + presolve of each route with a 1 s solver time
limit, so that the transfer dominates: evfleet's standard-form reader passed to highspy (evfleet's
route, evfleet.solver.handoff.to_highs), Pyomo's linear standard-form compiler passed to highspy the same
way, Pyomo's contrib.solver `highs`, the appsi `Highs` class
(used directly: the SolverFactory('appsi_highs') wrapper did not pass the time limit) and an LP
file read by highspy. Usage: python benchmarks/handoff.py cases/network-east.yaml
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import highspy
from pyomo.contrib.solver.common.factory import SolverFactory

from evfleet.formulation import build_model
from evfleet.inputs import load_inputs
from evfleet.solver.handoff import to_highs
from evfleet.solver.standard_form import compile_model, pyomo_compile


def timed(label: str, fn) -> None:
    t = time.perf_counter()
    fn()
    print(f"{label:<28}{time.perf_counter() - t:8.2f} s")


def main(case: str) -> None:
    inp = load_inputs(case)
    t = time.perf_counter()
    build_model(inp)
    print(f"{'build (Pyomo)':<28}{time.perf_counter() - t:8.2f} s")

    def via(compiler):
        lp, _, _ = to_highs(build_model(inp), compiler)
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("time_limit", 1.0)
        h.passModel(lp)
        h.run()

    def contrib():
        SolverFactory("highs").solve(build_model(inp), time_limit=1, load_solutions=False,
                                     raise_exception_on_nonoptimal_result=False)

    def appsi():
        from pyomo.contrib.appsi.solvers.highs import Highs

        solver = Highs()
        solver.config.time_limit = 1
        solver.config.load_solution = False
        solver.solve(build_model(inp))

    def lp_file():
        m = build_model(inp)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "m.lp"
            m.write(str(path), io_options={"symbolic_solver_labels": False})
            h = highspy.Highs()
            h.setOptionValue("output_flag", False)
            h.setOptionValue("time_limit", 1.0)
            h.readModel(str(path))
            h.run()

    timed("build + reader (evfleet)", lambda: via(compile_model))
    timed("build + Pyomo standard form", lambda: via(pyomo_compile))
    timed("build + contrib highs", contrib)
    timed("build + appsi Highs", appsi)
    timed("build + LP file + highspy", lp_file)


if __name__ == "__main__":
    main(sys.argv[1])
