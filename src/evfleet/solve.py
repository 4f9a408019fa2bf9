"""Solve a built model with HiGHS through Pyomo's HiGHS interface; map statuses to the spec's;
explain infeasibility by re-solving with named, penalised slacks."""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from collections import defaultdict
from dataclasses import dataclass

import pyomo.environ as pyo
from pyomo.contrib.solver.common.factory import SolverFactory
from pyomo.contrib.solver.common.results import TerminationCondition as TC

from evfleet.formulation import build_model
from evfleet.formulation.objective import SLACKS
from evfleet.inputs import Inputs

log = logging.getLogger(__name__)

INFEASIBLE = {TC.provenInfeasible, TC.locallyInfeasible, TC.infeasibleOrUnbounded}
LIMITS = {TC.maxTimeLimit, TC.iterationLimit, TC.interrupted, TC.minStepLength}


@dataclass(frozen=True)
class SolveOptions:
    """What the user may set on the command line."""

    time_limit_s: float | None = None
    mip_gap: float = 5e-3  # relative; tests use 0
    threads: int | None = None


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


def run_highs(m: pyo.ConcreteModel, options: SolveOptions) -> SolveOutcome:
    """Solve `m` with HiGHS; load the incumbent when there is one."""
    solver = SolverFactory("highs")
    kwargs = {"rel_gap": options.mip_gap, "load_solutions": False,
              "raise_exception_on_nonoptimal_result": False, "tee": False}
    if options.time_limit_s is not None:
        kwargs["time_limit"] = options.time_limit_s
    if options.threads is not None:
        kwargs["threads"] = options.threads
    start = time.perf_counter()
    res = solver.solve(m, **kwargs)
    seconds = time.perf_counter() - start
    tc = res.termination_condition
    scale = pyo.value(m.objective_scale_cny)
    objective = res.incumbent_objective * scale if res.incumbent_objective is not None else None
    has_plan = objective is not None and tc not in INFEASIBLE
    if has_plan:
        res.solution_loader.load_vars()
    bound = res.objective_bound * scale if res.objective_bound is not None and math.isfinite(
        res.objective_bound) else None
    gap = None
    if has_plan and bound is not None:
        gap = abs(objective - bound) / max(abs(objective), 1.0)
    if tc == TC.convergenceCriteriaSatisfied:
        status = "optimal"
    elif tc in INFEASIBLE:
        status = "infeasible"
    elif tc in LIMITS:
        status = "time_limit"
    else:
        status = "error"
    return SolveOutcome(status, has_plan, objective, bound, gap, seconds, str(tc.name))


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


def diagnose(inp: Inputs, options: SolveOptions) -> list[str]:
    """Name the targets in conflict and by how much, in a planner's words.

    Each relaxable group is relaxed alone: every group whose relaxation alone restores a plan is
    in conflict with the others, and its slacks size the change needed. If no single group
    suffices, all are relaxed together.
    """
    groups = relaxable_groups(inp)
    alone = {}
    for name in groups:
        found = _relaxed_solve(inp, frozenset([name]), options)
        if found:
            alone[SLACKS[name][0]] = found[SLACKS[name][0]]
    if not alone:
        found = _relaxed_solve(inp, frozenset(groups), options)
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
    return lines


def _describe(group: str, items: dict) -> list[str]:
    by_year: dict[int, float] = defaultdict(float)
    unit = ""
    where: dict[int, set] = defaultdict(set)
    for index, (value, u) in items.items():
        unit = u
        index = index if isinstance(index, tuple) else (index,)
        year = next(i for i in index if isinstance(i, int))
        by_year[year] += value
        where[year].update(str(i) for i in index if isinstance(i, str))
    lines = []
    for year in sorted(by_year):
        amount = _amount(by_year[year], unit)
        at = f" at {', '.join(sorted(where[year]))}" if where[year] else ""
        verb = {"budget": "needs a budget", "carbon cap": "needs a cap",
                "electric share": "needs a lower electric share: electric purchases short by",
                "duty need": "cannot meet duty need: vehicles short by",
                "grid": "needs a larger grid connection:",
                "charger power": "cannot deliver the charging energy: short by"}[group]
        higher = " higher" if group in ("budget", "carbon cap") else ""
        lines.append(f"  {group} {year}{at}: {verb} {amount}{higher}")
    return lines


def _amount(value: float, unit: str) -> str:
    if unit == "CNY":
        return f"{value / 1e6:.2f} M CNY" if value >= 1e5 else f"{value:,.0f} CNY"
    if unit == "vehicles":
        return f"{value:.1f} vehicles"
    return f"{value:,.1f} {unit}"
