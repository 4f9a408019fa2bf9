"""Solve a built model with HiGHS: Pyomo's linear standard-form compiler hands the matrices to
highspy (the fastest route measured, benchmarks/handoff.py); statuses are mapped to the spec's;
infeasibility is explained by re-solving with named, penalised slacks."""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import highspy
import numpy as np
import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC

from evfleet.formulation import build_model
from evfleet.formulation.objective import SLACKS
from evfleet.inputs import Inputs
from evfleet.standard_form import compile_model

log = logging.getLogger(__name__)

MS = highspy.HighsModelStatus
INFEASIBLE = {MS.kInfeasible, MS.kUnboundedOrInfeasible}
LIMITS = {MS.kTimeLimit, MS.kIterationLimit, MS.kSolutionLimit, MS.kMemoryLimit}
INTERRUPTED = {MS.kInterrupt, MS.kHighsInterrupt}
FEASIBLE = 2  # HiGHS primal_solution_status: a feasible solution is available
LP_INTEGRAL_TOLERANCE = 1e-6  # an LP value this close to an integer is fixed by LP-and-fix


@dataclass(frozen=True)
class SolveOptions:
    """What the user may set on the command line."""

    time_limit_s: float | None = None
    mip_gap: float = 5e-3  # relative; tests use 0
    threads: int | None = None
    log_file: Path | None = None  # HiGHS's own log, for diagnosis and tests
    strategy: str | None = None  # direct | lp-fix (HighsModel.solve_lp_fix); None: the case's


@dataclass(frozen=True)
class SolveOutcome:
    """How a solve ended. `has_plan` says whether variable values were loaded into the model."""

    status: str  # optimal | time_limit | infeasible | error
    has_plan: bool
    objective_cny: float | None
    bound_cny: float | None
    mip_gap: float | None
    solve_seconds: float
    message: str = ""
    handoff_seconds: float = 0.0


def to_highs(m: pyo.ConcreteModel, compiler=compile_model) -> tuple[highspy.HighsLp, list, list]:
    """The model as a HiGHS LP/MIP, through evfleet's standard-form reader (standard_form.py;
    `compiler=standard_form.pyomo_compile` takes Pyomo's own compiler, the same arrays slower).

    Rows keep their sense (mixed form); columns keep their Pyomo bounds and integrality. Returns
    the LP, the Pyomo variables in column order (to load the solution back) and the Pyomo
    constraints in row order (to name an infeasible subset).
    """
    with PauseGC():  # see formulation.build_model
        return _to_highs(compiler(m))


def _to_highs(form) -> tuple[highspy.HighsLp, list, list]:
    cols = form.columns
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(cols), len(form.rows)
    lp.col_cost_ = form.c
    lp.offset_ = form.offset
    bounds = np.array([v.bounds for v in cols], dtype=float).reshape(len(cols), 2)
    lp.col_lower_ = np.nan_to_num(bounds[:, 0], nan=-highspy.kHighsInf)
    lp.col_upper_ = np.nan_to_num(bounds[:, 1], nan=highspy.kHighsInf)
    sense = np.array([mult for _, mult in form.rows], dtype=int)
    rhs = form.rhs
    lp.row_lower_ = np.where(sense >= 0, np.where(sense == 0, rhs, -highspy.kHighsInf), rhs)
    lp.row_upper_ = np.where(sense <= 0, np.where(sense == 0, rhs, highspy.kHighsInf), rhs)
    a = form.a
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a.indptr
    lp.a_matrix_.index_ = a.indices
    lp.a_matrix_.value_ = a.data.astype(float)
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = len(cols), len(form.rows)
    integer = _integrality(cols)
    if integer.any():
        lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
                           for i in integer]
    return lp, cols, [con for con, _ in form.rows]


def _integrality(cols: list) -> np.ndarray:
    """True per integer or binary column; asked once per domain, not once per variable."""
    integer_domain: dict[int, bool] = {}
    out = np.zeros(len(cols), dtype=bool)
    for i, v in enumerate(cols):
        domain = v.domain
        known = integer_domain.get(id(domain))
        if known is None:
            known = integer_domain[id(domain)] = v.is_integer() or v.is_binary()
        out[i] = known
    return out


def _new_highs() -> highspy.Highs:
    """A Highs object; the first one of a process prints a banner from C to stdout, kept out of
    evfleet's own output by pointing file descriptor 1 at /dev/null meanwhile."""
    import os
    import sys

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
        self.h = _new_highs()
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
        self.handoff_seconds = time.perf_counter() - start

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
        """Solve; load the incumbent into the model's variables when there is one. With
        `warm_start`, the previous solve's plan is offered to HiGHS as a starting incumbent.

        Ctrl-C stops HiGHS cleanly and raises KeyboardInterrupt with nothing loaded.
        """
        h = self.h
        if self._last_outcome is not None:  # nothing changed since: the same answer, loaded
            return dataclasses.replace(self._last_outcome, solve_seconds=0.0)
        if warm_start and self._last_solution is not None:
            h.setSolution(self._last_solution)
        start = time.perf_counter()
        if self._options.strategy == "lp-fix" and self.is_mip:
            self._last_outcome = self.solve_lp_fix()
            return self._last_outcome
        status_code = self._run()
        self._last_outcome = self._outcome(status_code, time.perf_counter() - start)
        return self._last_outcome

    def _run(self) -> highspy.HighsModelStatus:
        self.h.HandleKeyboardInterrupt = True
        self.h.solve()
        status_code = self.h.getModelStatus()
        if status_code in INTERRUPTED:
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
            status = "optimal"
        elif status_code in INFEASIBLE:
            status = "infeasible"
        elif status_code in LIMITS or has_plan:
            status = "time_limit"  # a plan, not proven within the gap
        else:
            status = "error"
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
        try:
            lp_status = self._run()
        finally:
            h.changeColsIntegrality(len(integer), integer,
                                    np.array([highspy.HighsVarType.kInteger] * len(integer)))
        if lp_status != MS.kOptimal:  # infeasible, or out of time before the relaxation ended
            return self._outcome(lp_status, time.perf_counter() - start)
        lp_objective = h.getInfo().objective_function_value
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
        try:
            status = self._run()
            outcome = self._outcome(status, time.perf_counter() - start, lp_objective)
        finally:
            h.changeColsBounds(len(fixed), fixed, lower, upper)
            if limit is not None:
                h.setOptionValue("time_limit", float(limit))
        if outcome.status == "infeasible":  # the fixing, not the model: say so
            return dataclasses.replace(outcome, status="error", message="LP-and-fix: no plan "
                                       f"with the {len(fixed)} integers the LP left integral fixed")
        return outcome


def run_highs(m: pyo.ConcreteModel, options: SolveOptions) -> SolveOutcome:
    """Hand `m` to HiGHS and solve it once (see HighsModel.solve)."""
    return HighsModel(m, options).solve()


def slack_scales(inp: Inputs) -> dict[str, float]:
    """Scale of each slack group from the data, so that one unit of each weighs alike."""
    def mean(values, floor=1.0):
        values = [v for v in values if v > 0]
        return max(sum(values) / len(values), floor) if values else floor

    daily = [inp.charge_kwh_per_vehicle_day[k] for k in inp.charge_kwh_per_vehicle_day]
    return {
        "budget_slack_cny": mean(inp.budget_cny.values()),
        "carbon_slack_t": mean(inp.carbon_cap_t.values()),
        "ev_share_slack": 1.0,
        "need_slack": 1.0,
        "grid_slack_kw": mean(inp.grid_kw.values()),
        "charge_slack_kwh": mean(daily),
    }


def relaxable_groups(inp: Inputs) -> list[str]:
    """The slack components that make sense for this case (objective.SLACKS keys)."""
    groups = ["need_slack", "grid_slack_kw"]
    if inp.budget_cny:
        groups.append("budget_slack_cny")
    if inp.carbon_cap_t:
        groups.append("carbon_slack_t")
    if inp.min_ev_share is not None:
        groups.append("ev_share_slack")
    if inp.ev_depots:
        groups.append("charge_slack_kwh")
    return groups


def _relaxed_solve(inp: Inputs, groups: frozenset[str], options: SolveOptions) -> dict | None:
    """Smallest scaled relaxation of `groups`; None if still infeasible. {group: {index: (v, unit)}}."""
    relaxed = dataclasses.replace(inp, slack_groups=groups, slack_penalty=slack_scales(inp))
    m = build_model(relaxed)
    if not run_highs(m, options).has_plan:
        return None
    found: dict[str, dict] = defaultdict(dict)
    for name in groups:
        group, unit = SLACKS[name]
        for index, v in getattr(m, name).items():
            if (v.value or 0.0) > 1e-6:
                found[group][index] = (v.value, unit)
    return found


# constraint component -> the planner's target it belongs to (SLACKS' group names); others are
# structure (cohort bookkeeping, balances) that no planner would relax.
TARGETS = {"budget": "budget", "carbon_cap": "carbon cap", "ev_share": "electric share",
           "need_met": "duty need", "grid_limit": "grid", "charge_energy": "charger power"}
IIS_STRATEGY_TRUE = 4  # HiGHS iis_strategy: find a true irreducible infeasible subset


def infeasible_subset(m: pyo.ConcreteModel, options: SolveOptions) -> list[str]:
    """Names of the rows of HiGHS's irreducible infeasible subset (empty if none was found)."""
    lp, _, rows = to_highs(m)
    h = _new_highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("iis_strategy", IIS_STRATEGY_TRUE)
    if options.time_limit_s is not None:
        h.setOptionValue("iis_time_limit", float(options.time_limit_s))
    h.passModel(lp)
    status, iis = h.getIis()
    if status != highspy.HighsStatus.kOk or not iis.valid_:
        return []
    return [rows[i].name for i in iis.row_index_]


def diagnose(inp: Inputs, options: SolveOptions) -> list[str]:
    """Name the targets in conflict and by how much, in a planner's words.

    HiGHS's irreducible infeasible subset names the rows in conflict; the targets among them
    (budget, carbon cap, electric share, duty need, grid, charger power) are then relaxed one at a
    time with penalised slacks, and each whose relaxation alone restores a plan is reported with the
    amount it needs. With no target in the subset, every target is tried.
    """
    iis = infeasible_subset(build_model(inp), options)
    in_iis = {TARGETS[name.split("[")[0]] for name in iis if name.split("[")[0] in TARGETS}
    groups = [g for g in relaxable_groups(inp) if not in_iis or SLACKS[g][0] in in_iis]
    alone = {}
    for name in groups:
        found = _relaxed_solve(inp, frozenset([name]), options)
        if found:
            alone[SLACKS[name][0]] = found[SLACKS[name][0]]
    if not alone:
        found = _relaxed_solve(inp, frozenset(relaxable_groups(inp)), options)
        if found is None:
            return ["the model stays infeasible even with every target relaxed; "
                    "check the case's fixed data (existing fleet, roof, connection)"]
        alone = dict(found)
        lines = [f"constraints in conflict: {', '.join(sorted(alone))} (all must give way together)"]
    else:
        lines = [f"constraints in conflict: {', '.join(sorted(alone))}; any one of these changes "
                 "makes a plan possible:"]
    for group in sorted(alone):
        lines.extend(_describe(group, alone[group]))
    if iis:
        shown = ", ".join(iis[:8]) + (f" and {len(iis) - 8} more" if len(iis) > 8 else "")
        lines.append(f"  HiGHS irreducible infeasible subset: {shown}")
    return lines


# slack component -> (index position of the year, labeller of where, per-day quantity?)
WHERE = {
    "budget_slack_cny": (0, lambda i: "", False),
    "carbon_slack_t": (0, lambda i: "", False),
    "ev_share_slack": (0, lambda i: "", False),
    "need_slack": (2, lambda i: f"{i[0]}/{i[1]}", False),
    "grid_slack_kw": (1, lambda i: i[0], False),
    "charge_slack_kwh": (1, lambda i: i[0], True),
}
VERBS = {"budget": "needs a budget {amount} higher",
         "carbon cap": "needs a cap {amount} higher",
         "electric share": "electric purchases short by {amount}",
         "duty need": "vehicles short by {amount}",
         "grid": "needs {amount} more grid connection",
         "charger power": "charging energy short by {amount} on the worst day"}


def _describe(group: str, items: dict) -> list[str]:
    """One line per year: where the target gives way and by how much."""
    name = next(n for n, (g, _) in SLACKS.items() if g == group)
    year_at, where, per_day = WHERE[name]
    unit = SLACKS[name][1]
    amounts: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for index, (value, _) in items.items():
        index = index if isinstance(index, tuple) else (index,)
        place = where(index)
        if per_day:  # the worst representative day, not a sum over days
            amounts[index[year_at]][place] = max(amounts[index[year_at]][place], value)
        else:
            amounts[index[year_at]][place] += value
    lines = []
    for year in sorted(amounts):
        places = {p: v for p, v in amounts[year].items()}
        total = sum(places.values())
        at = f" at {', '.join(sorted(p for p in places if p))}" if any(places) else ""
        lines.append(f"  {group} {year}{at}: " + VERBS[group].format(amount=_amount(total, unit)))
    return lines


def _amount(value: float, unit: str) -> str:
    if unit == "CNY":
        return f"{value / 1e6:.2f} M CNY" if value >= 1e5 else f"{value:,.0f} CNY"
    if unit == "vehicles":
        return f"{value:.1f} vehicles"
    return f"{value:,.1f} {unit}"
