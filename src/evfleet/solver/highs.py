"""Solve a model handed to HiGHS: the user's options, HiGHS's verdict mapped to the contract's
statuses, the plan loaded back into the Pyomo variables, re-solves after right-hand sides move
(sweeps) and LP-and-fix (large networks)."""

from __future__ import annotations

import dataclasses
import enum
import logging
import math
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import highspy
import numpy as np
import pyomo.environ as pyo

from evfleet.solver.handoff import to_highs
from evfleet.solver.progress import PROGRESS_EVERY_S, QUIET, Progress

log = logging.getLogger(__name__)

MS = highspy.HighsModelStatus
INFEASIBLE = {MS.kInfeasible, MS.kUnboundedOrInfeasible}
LIMITS = {MS.kTimeLimit, MS.kIterationLimit, MS.kSolutionLimit, MS.kMemoryLimit}
INTERRUPTED = {MS.kInterrupt, MS.kHighsInterrupt}
FEASIBLE = 2  # HiGHS primal_solution_status: a feasible solution is available
LP_INTEGRAL_TOLERANCE = 1e-6  # an LP value this close to an integer is fixed by LP-and-fix
DEFAULT_MIP_GAP = 5e-3  # relative gap at which a solve stops unless told otherwise
STOP_REQUESTED = "_Highs__solver_should_stop"  # highspy's flag: Ctrl-C came during this solve


class Status(str, enum.Enum):
    """How a solve ended, in the contract's words (summary.json `status`)."""

    OPTIMAL = "optimal"  # a plan proven within the gap asked
    TIME_LIMIT = "time_limit"  # a plan, not proven within the gap
    INFEASIBLE = "infeasible"  # no plan meets every target
    ERROR = "error"  # no plan, and no proof that none exists

    def __str__(self) -> str:
        return self.value

    @property
    def has_plan(self) -> bool:
        return self in (Status.OPTIMAL, Status.TIME_LIMIT)


@dataclass(frozen=True)
class SolveOptions:
    """What the user may set on the command line."""

    time_limit_s: float | None = None
    mip_gap: float = DEFAULT_MIP_GAP  # relative; tests use 0
    threads: int | None = None
    log_file: Path | None = None  # HiGHS's own log, for diagnosis and tests
    strategy: str | None = None  # direct | lp-fix (HighsModel.solve_lp_fix); None: the case's


@dataclass(frozen=True)
class SolveOutcome:
    """How a solve ended. `has_plan` says whether variable values were loaded into the model."""

    status: Status
    has_plan: bool
    objective_cny: float | None
    bound_cny: float | None
    mip_gap: float | None
    solve_seconds: float
    message: str = ""
    handoff_seconds: float = 0.0


def new_highs() -> highspy.Highs:
    """A Highs object; the first one of a process prints a banner from C to stdout, kept out of
    evfleet's own output by pointing file descriptor 1 at /dev/null meanwhile."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    return h


class HighsModel:
    """A built model handed to HiGHS once, solvable again after its right-hand sides move.

    Sweeps keep one per worker: a variant that changes only a mutable right-hand side (the
    budget, the carbon cap: formulation.policy.MUTABLE_RHS) shifts those rows' bounds in the
    HiGHS model already loaded instead of rebuilding and handing over the whole model.
    """

    def __init__(self, m: pyo.ConcreteModel, options: SolveOptions):
        start = time.perf_counter()
        self.m = m
        self.lp, self.cols, self.rows = to_highs(m)
        self.h = new_highs()
        self.h.passModel(self.lp)
        self._last_outcome: SolveOutcome | None = None
        self._options: SolveOptions | None = None
        self.set_options(options)
        self.is_mip = self.lp.integrality_ is not None and len(self.lp.integrality_) > 0
        self._row_index: dict | None = None
        # own copies: HighsLp hands out copies of its arrays, so writing into them changes nothing
        self.row_lower = np.array(self.lp.row_lower_, dtype=float)
        self.row_upper = np.array(self.lp.row_upper_, dtype=float)
        self._last_solution = None
        self.progress: Progress = QUIET
        self._watching = False
        self._search_bound: float | None = None  # while set, the bound progress reports
        self._lp_bound: float | None = None  # the LP relaxation's, once solved (scaled units)
        self.handoff_seconds = time.perf_counter() - start

    def watch(self, progress: Progress) -> None:
        """Report each phase and, while HiGHS searches, its best plan and bound (in CNY) to
        `progress`: at every improving plan and at most every PROGRESS_EVERY_S in between."""
        self.progress = progress
        if progress is QUIET or self._watching:
            return
        self._watching = True
        scale = pyo.value(self.m.objective_scale_cny)
        last = [-math.inf]

        def cny(value: float) -> float | None:
            return value * scale if math.isfinite(value) and abs(value) < highspy.kHighsInf else None

        def report(event) -> None:
            now = time.monotonic()
            improving = event.callback_type == highspy.cb.HighsCallbackType.kCallbackMipImprovingSolution
            if improving or now - last[0] >= PROGRESS_EVERY_S:
                last[0] = now
                out = event.data_out
                bound = out.mip_dual_bound if self._search_bound is None else self._search_bound
                if self._lp_bound is not None:  # the LP relaxation's bound holds throughout
                    bound = max(bound, self._lp_bound)
                self.progress.search(cny(out.mip_primal_bound), cny(bound))

        self.h.cbMipImprovingSolution += report
        self.h.cbMipInterrupt += report

    @property
    def last_outcome(self) -> SolveOutcome | None:
        """How the last solve ended (None before the first, or after a change voided it)."""
        return self._last_outcome

    def set_options(self, options: SolveOptions) -> None:
        """Apply the user's options; a change of options voids the remembered answer."""
        if options == self._options:
            return
        self._options = options
        self._last_outcome = None
        h = self.h
        h.setOptionValue("output_flag", options.log_file is not None)
        h.setOptionValue("log_to_console", False)
        if options.log_file is not None:
            h.setOptionValue("log_file", str(options.log_file))
        h.setOptionValue("mip_rel_gap", options.mip_gap)
        h.setOptionValue("time_limit", float(options.time_limit_s) if options.time_limit_s
                         else highspy.kHighsInf)
        if options.threads is not None:
            h.setOptionValue("threads", int(options.threads))

    def shift_rows(self, shifts: dict) -> None:
        """Move each given constraint's finite bounds by its amount (in the row's own units)."""
        if self._row_index is None:
            self._row_index = {con: i for i, con in enumerate(self.rows)}
        for con, delta in shifts.items():
            if not delta:
                continue
            i = self._row_index.get(con)
            if i is None:  # deactivated (e.g. the baseline's policies): not in the HiGHS model
                continue
            lower, upper = self.row_lower[i], self.row_upper[i]
            lower = lower + delta if math.isfinite(lower) else lower
            upper = upper + delta if math.isfinite(upper) else upper
            self.row_lower[i], self.row_upper[i] = lower, upper
            self.h.changeRowBounds(i, lower, upper)
            self._last_outcome = None  # the model changed: the last answer no longer holds

    def solve(self, warm_start: bool = False) -> SolveOutcome:
        """Solve; load the incumbent into the model's variables when there is one.

        A MIP is first solved by LP-and-fix (solve_lp_fix): its plan, when within the gap
        asked of the LP bound, is the answer; otherwise (strategy `direct`) HiGHS solves the
        whole MIP started from that plan, so a time limit never leaves a case without the plan
        LP-and-fix found. With `warm_start` and no LP-and-fix plan, the previous solve's plan is
        offered instead (sweeps).

        Ctrl-C stops HiGHS cleanly and raises KeyboardInterrupt with nothing loaded.
        """
        if self._last_outcome is not None:  # nothing changed since: the same answer, loaded
            return dataclasses.replace(self._last_outcome, solve_seconds=0.0)
        previous = self._last_solution if warm_start else None
        start = time.perf_counter()
        self._lp_bound = None  # rows may have moved since the last solve
        if not self.is_mip:
            self.progress.phase("LP")
            status_code = self._run()
            self._last_outcome = self._outcome(status_code, time.perf_counter() - start)
            return self._last_outcome
        seed = self.solve_lp_fix()
        if (self._options.strategy == "lp-fix"
                or seed.status in (Status.OPTIMAL, Status.INFEASIBLE)):
            self._last_outcome = seed
        else:
            self._last_outcome = self._solve_seeded(seed, previous, start)
        return self._last_outcome

    def _solve_seeded(self, seed: SolveOutcome, previous, start: float) -> SolveOutcome:
        """The whole MIP, started from LP-and-fix's plan (or, without one, from the previous
        solve's plan), within what is left of the time limit. HiGHS keeps the seed as its
        incumbent, so a plan found by LP-and-fix is never lost to a time limit."""
        h, limit = self.h, self._options.time_limit_s
        elapsed = time.perf_counter() - start
        if limit is not None and elapsed >= limit:
            return dataclasses.replace(seed, solve_seconds=elapsed)
        start_from = self._last_solution if seed.has_plan else previous
        if start_from is not None:
            h.setSolution(start_from)
        if limit is not None:
            h.setOptionValue("time_limit", max(limit - elapsed, 1.0))
        self.progress.phase("MIP, whole model, from that plan" if seed.has_plan else
                            "MIP, whole model")
        try:
            status_code = self._run()
        finally:
            if limit is not None:
                h.setOptionValue("time_limit", float(limit))
        outcome = self._outcome(status_code, time.perf_counter() - start)
        if outcome.has_plan and seed.bound_cny is not None and (
                outcome.bound_cny is None or seed.bound_cny > outcome.bound_cny):
            # cut short before its root ended: the LP bound LP-and-fix proved still holds
            gap = max(outcome.objective_cny - seed.bound_cny, 0.0) / max(
                abs(outcome.objective_cny), 1.0)
            outcome = dataclasses.replace(outcome, bound_cny=seed.bound_cny, mip_gap=gap)
        return outcome

    def _run(self) -> highspy.HighsModelStatus:
        self.h.HandleKeyboardInterrupt = True
        self.h.solve()
        status_code = self.h.getModelStatus()
        # highspy catches Ctrl-C in its wait loop and asks HiGHS to stop; a solve that ends before
        # HiGHS looks (a small LP) returns its own status, so the request is read back as well
        if status_code in INTERRUPTED or getattr(self.h, STOP_REQUESTED, False):
            raise KeyboardInterrupt
        return status_code

    def _outcome(self, status_code, seconds: float, lp_bound: float | None = None) -> SolveOutcome:
        """Map HiGHS's verdict; load the plan into the Pyomo variables when there is one.
        `lp_bound` (scaled objective units): a bound proved before this run (solve_lp_fix)."""
        h, m = self.h, self.m
        info = h.getInfo()
        scale = pyo.value(m.objective_scale_cny)
        has_plan = (status_code == MS.kModelEmpty
                    or (info.primal_solution_status == FEASIBLE and status_code not in INFEASIBLE))
        objective = bound = gap = None
        if has_plan:
            solution = h.getSolution()
            self._last_solution = solution
            for var, value in zip(self.cols, solution.col_value):
                var.set_value(round(value) if var.is_integer() or var.is_binary() else value,
                              skip_validation=True)
            objective = pyo.value(m.objective) * scale
            if lp_bound is not None:
                bound = lp_bound * scale
                gap = max(objective - bound, 0.0) / max(abs(objective), 1.0)
            elif self.is_mip and math.isfinite(info.mip_dual_bound):
                bound = info.mip_dual_bound * scale
                gap = abs(objective - bound) / max(abs(objective), 1.0)
            elif status_code == MS.kOptimal:
                bound, gap = objective, 0.0
        if status_code in (MS.kOptimal, MS.kModelEmpty) and (gap is None or lp_bound is None
                                                             or gap <= self._options.mip_gap):
            status = Status.OPTIMAL
        elif status_code in INFEASIBLE:
            status = Status.INFEASIBLE
        elif status_code in LIMITS or has_plan:
            status = Status.TIME_LIMIT
        else:
            status = Status.ERROR
        return SolveOutcome(status, has_plan, objective, bound, gap, seconds,
                            h.modelStatusToString(status_code), self.handoff_seconds)

    def solve_lp_fix(self) -> SolveOutcome:
        r"""LP-and-fix, for models whose MIP HiGHS cannot find a first plan for in time (the
        60-depot pilot): solve the LP relaxation (its optimum z_LP bounds the NPV from below),
        fix every integer column the LP left integral (|x_j - round(x_j)| <= 1e-6) at that
        value, and solve the remaining, much smaller MIP. Its plan is a plan of the whole model;
        the gap reported is (NPV - z_LP) / NPV. The columns are freed again afterwards.
        """
        h, start = self.h, time.perf_counter()
        integer = np.array([i for i, v in enumerate(self.cols) if v.is_integer() or v.is_binary()],
                           dtype=np.int32)
        kinds = [highspy.HighsVarType.kContinuous] * len(integer)
        h.changeColsIntegrality(len(integer), integer, np.array(kinds))
        self.progress.phase("LP relaxation")
        try:
            lp_status = self._run()
        finally:
            h.changeColsIntegrality(len(integer), integer,
                                    np.array([highspy.HighsVarType.kInteger] * len(integer)))
        if lp_status != MS.kOptimal:  # infeasible, or out of time before the relaxation ended
            return self._outcome(lp_status, time.perf_counter() - start)
        lp_objective = h.getInfo().objective_function_value
        self._lp_bound = lp_objective
        x = np.asarray(h.getSolution().col_value)[integer]
        fixed = integer[np.abs(x - np.round(x)) <= LP_INTEGRAL_TOLERANCE]
        log.info("LP-and-fix: LP relaxation solved in %.1f s; %d of %d integers integral, fixed",
                 time.perf_counter() - start, len(fixed), len(integer))
        values = np.round(np.asarray(h.getSolution().col_value)[fixed])
        limit = self._options.time_limit_s
        if limit is not None:
            h.setOptionValue("time_limit", max(limit - (time.perf_counter() - start), 1.0))
        lower = np.array(self.lp.col_lower_, dtype=float)[fixed]
        upper = np.array(self.lp.col_upper_, dtype=float)[fixed]
        h.changeColsBounds(len(fixed), fixed, values, values)
        self.progress.phase(f"MIP, {len(fixed):,} of {len(integer):,} integers fixed by the LP")
        self._search_bound = lp_objective  # the fixed MIP's own bound is no bound of the model
        try:
            status = self._run()
            outcome = self._outcome(status, time.perf_counter() - start, lp_objective)
        finally:
            self._search_bound = None
            h.changeColsBounds(len(fixed), fixed, lower, upper)
            if limit is not None:
                h.setOptionValue("time_limit", float(limit))
        if outcome.status is Status.INFEASIBLE:  # the fixing, not the model: say so
            return dataclasses.replace(outcome, status=Status.ERROR, message="LP-and-fix: no plan "
                                       f"with the {len(fixed)} integers the LP left integral fixed")
        return outcome


def run_highs(m: pyo.ConcreteModel, options: SolveOptions) -> SolveOutcome:
    """Hand `m` to HiGHS and solve it once (see HighsModel.solve)."""
    return HighsModel(m, options).solve()
