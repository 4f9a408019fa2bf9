"""Why a case has no plan, in a planner's words: the targets are relaxed one at a time with
penalised slacks, and each whose relaxation alone restores a plan is reported with the amount it
needs; when none does, all give way together. Each relaxed model is solved by LP-and-fix first (a
relaxation whose LP is still infeasible is refused in the LP's time), the whole MIP only when the
fixing leaves no plan. HiGHS's irreducible infeasible subset, which can take minutes on a network,
is sought last, within IIS_MAX_S and what is left of the time limit.

Everything diagnosis knows about a target is in one registry, TARGETS: the planner's name, the
formulation's slack component, its unit and wording, the scale of one
unit of slack and where and in which year a slack index falls.
"""

from __future__ import annotations

import dataclasses
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import highspy
import pyomo.environ as pyo

from evfleet.formulation import build_model
from evfleet.inputs import Inputs
from evfleet.solver.handoff import to_highs
from evfleet.solver.highs import HighsModel, SolveOptions, Status, new_highs

IIS_STRATEGY_TRUE = 4  # HiGHS iis_strategy: find a true irreducible infeasible subset
SLACK_FOUND = 1e-6  # a slack above this is a target giving way
SHOWN_IIS_ROWS = 8  # rows of the infeasible subset named in the message
IIS_MAX_S = 20.0  # the subset only adds rows to the message: never minutes for it


def _mean(values, floor: float = 1.0) -> float:
    """Mean of the positive values, at least `floor` (the scale of one unit of slack)."""
    values = [v for v in values if v > 0]
    return max(sum(values) / len(values), floor) if values else floor


@dataclass(frozen=True)
class Target:
    """A target a planner sets and diagnosis may relax."""

    name: str  # as the planner reads it
    slack: str  # the formulation's slack component (added when diagnosing)
    unit: str
    wording: str  # what giving way means, with {amount}
    scale: Callable[[Inputs], float]  # one unit of slack, so that the targets weigh alike
    applies: Callable[[Inputs], bool]  # the case has this target
    year_at: int  # position of the year in the slack's index
    where: Callable[[tuple], str] = lambda index: ""  # the depot (and duty) of a slack index
    per_day: bool = False  # a per-day quantity: the worst day is reported, not the sum


TARGETS = (
    Target("budget", "budget_slack_cny", "CNY", "needs a budget {amount} higher",
           lambda inp: _mean(inp.budget_cny.values()), lambda inp: bool(inp.budget_cny), 0),
    Target("carbon cap", "carbon_slack_t", "t CO2", "needs a cap {amount} higher",
           lambda inp: _mean(inp.carbon_cap_t.values()), lambda inp: bool(inp.carbon_cap_t), 0),
    Target("electric share", "ev_share_slack", "vehicles",
           "electric purchases short by {amount}", lambda inp: 1.0,
           lambda inp: inp.min_ev_share is not None, 0),
    Target("duty need", "need_slack", "vehicles", "vehicles short by {amount}",
           lambda inp: 1.0, lambda inp: True, 2, where=lambda i: f"{i[0]}/{i[1]}"),
    Target("grid", "grid_slack_kw", "kW", "needs {amount} more grid connection",
           lambda inp: _mean(inp.grid_kw.values()), lambda inp: True, 1, where=lambda i: i[0]),
    Target("charger power", "charge_slack_kwh", "kWh/day",
           "charging energy short by {amount} on the worst day",
           lambda inp: _mean(inp.charge_kwh_per_vehicle_day.values()),
           lambda inp: bool(inp.depot_chargers), 2, where=lambda i: f"{i[0]} ({i[1]})",
           per_day=True),
)


def relaxable(inp: Inputs) -> list[Target]:
    """The targets this case has."""
    return [t for t in TARGETS if t.applies(inp)]


def infeasible_subset(m: pyo.ConcreteModel, options: SolveOptions) -> list[str]:
    """Names of the rows of HiGHS's irreducible infeasible subset (empty if none was found)."""
    lp, _, rows = to_highs(m)
    h = new_highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("iis_strategy", IIS_STRATEGY_TRUE)
    if options.time_limit_s is not None:
        h.setOptionValue("iis_time_limit", float(options.time_limit_s))
    h.passModel(lp)
    status, iis = h.getIis()
    if status != highspy.HighsStatus.kOk or not iis.valid_:
        return []
    return [rows[i].name for i in iis.row_index_]


def relaxed_solve(inp: Inputs, targets: list[Target],
                  options: SolveOptions) -> dict[Target, dict] | None:
    """The smallest scaled relaxation of `targets`; None if still infeasible.
    {target: {slack index: amount}} for the slacks that gave way."""
    relaxed = dataclasses.replace(inp, slack_groups=frozenset(t.slack for t in targets),
                                  slack_penalty={t.slack: t.scale(inp) for t in targets})
    m = build_model(relaxed)
    model = HighsModel(m, dataclasses.replace(options, strategy="lp-fix"))
    outcome = model.solve()
    if outcome.status is Status.ERROR:  # the LP's integral columns fixed left no plan
        model.set_options(dataclasses.replace(options, strategy="direct"))
        outcome = model.solve()
    if not outcome.has_plan:
        return None
    found: dict[Target, dict] = defaultdict(dict)
    for t in targets:
        for index, v in getattr(m, t.slack).items():
            if (v.value or 0.0) > SLACK_FOUND:
                found[t][index] = v.value
    return found


class Clock:
    """What is left of the command's time limit (None: no limit): each diagnosis solve gets
    the rest, and none starts once it is spent."""

    def __init__(self, options: SolveOptions, deadline: float | None):
        self.options, self.deadline = options, deadline

    def left_s(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.perf_counter()

    @property
    def spent(self) -> bool:
        left = self.left_s()
        return left is not None and left <= 0

    def bounded(self) -> SolveOptions:
        left = self.left_s()
        return self.options if left is None else dataclasses.replace(
            self.options, time_limit_s=max(left, MIN_SOLVE_S))


MIN_SOLVE_S = 0.1  # HiGHS needs a positive time limit


def diagnose(inp: Inputs, options: SolveOptions, deadline: float | None = None) -> list[str]:
    """Name the targets in conflict and by how much, in a planner's words. `deadline`
    (time.perf_counter seconds): the command's time limit; when it cuts diagnosis short, the
    lines say so and what was found."""
    clock = Clock(options, deadline)
    targets = relaxable(inp)
    alone, tried = {}, []
    for t in targets:
        if clock.spent:
            break
        tried.append(t)
        found = relaxed_solve(inp, [t], clock.bounded())
        if found:
            alone[t] = found[t]
    if clock.spent:
        return _cut_short(options, alone, tried, targets)
    if alone:
        lines = [f"constraints in conflict: {', '.join(sorted(t.name for t in alone))}; any one "
                 "of these changes makes a plan possible:"]
    else:
        found = relaxed_solve(inp, targets, clock.bounded())
        if found is None and clock.spent:
            return _cut_short(options, alone, tried, targets)
        if found is None:
            return ["the model stays infeasible even with every target relaxed; "
                    "check the case's fixed data (existing fleet, roof, connection)"]
        alone = dict(found)
        lines = [f"constraints in conflict: {', '.join(sorted(t.name for t in alone))} (all must "
                 "give way together)"]
    for t in sorted(alone, key=lambda t: t.name):
        lines.extend(describe(t, alone[t]))
    left = clock.left_s()
    iis_s = IIS_MAX_S if left is None else min(IIS_MAX_S, left)
    if iis_s > MIN_SOLVE_S:
        iis = infeasible_subset(build_model(inp), dataclasses.replace(options, time_limit_s=iis_s))
        if iis:
            lines.append(_iis_line(iis))
    return lines


def _iis_line(iis: list[str]) -> str:
    shown = ", ".join(iis[:SHOWN_IIS_ROWS]) + (
        f" and {len(iis) - SHOWN_IIS_ROWS} more" if len(iis) > SHOWN_IIS_ROWS else "")
    return f"  HiGHS irreducible infeasible subset: {shown}"


def _cut_short(options: SolveOptions, alone: dict, tried: list, targets: list) -> list[str]:
    """What diagnosis found before the time limit ended it."""
    untried = [t.name for t in targets if t not in tried]
    lines = [f"diagnosis cut short by --time-limit {options.time_limit_s:g} s; targets relaxed: "
             f"{', '.join(t.name for t in tried) or 'none'}"
             + (f"; not reached: {', '.join(untried)}" if untried else "")
             + "; raise --time-limit for the whole diagnosis"]
    if alone:
        lines.append(f"constraints in conflict so far: {', '.join(sorted(t.name for t in alone))}"
                     "; any one of these changes makes a plan possible:")
        for t in sorted(alone, key=lambda t: t.name):
            lines.extend(describe(t, alone[t]))
    return lines


def describe(t: Target, items: dict) -> list[str]:
    """One line per year: where the target gives way and by how much."""
    amounts: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for index, value in items.items():
        index = index if isinstance(index, tuple) else (index,)
        year, place = index[t.year_at], t.where(index)
        if t.per_day:  # the worst representative day, not a sum over days
            amounts[year][place] = max(amounts[year][place], value)
        else:
            amounts[year][place] += value
    lines = []
    for year in sorted(amounts):
        places = amounts[year]
        at = f" at {', '.join(sorted(p for p in places if p))}" if any(places) else ""
        lines.append(f"  {t.name} {year}{at}: "
                     + t.wording.format(amount=amount(sum(places.values()), t.unit)))
    return lines


MILLION = 1e6
SHOWN_IN_MILLIONS_CNY = 1e5  # amounts of money from this size on are shown in M CNY


def amount(value: float, unit: str) -> str:
    """An amount as a planner reads it: M CNY for large sums, vehicles to a tenth."""
    if unit == "CNY":
        return f"{value / MILLION:.2f} M CNY" if value >= SHOWN_IN_MILLIONS_CNY else f"{value:,.0f} CNY"
    if unit == "vehicles":
        return f"{value:.1f} vehicles"
    return f"{value:,.1f} {unit}"
