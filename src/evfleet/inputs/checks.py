"""Checks run before any model is built: conditions that make a valid case infeasible for
certain. They are no input error (the case is valid, exit 1 not 2): each is one line located at
the field that causes it (file, line, field), in the planner's terms, carried in
`Inputs.no_plan_because`; a solve then reports them as its infeasibility without building."""

from __future__ import annotations

from collections import defaultdict

from evfleet.document import Document
from evfleet.case.schema import Case
from evfleet.errors import InputProblem
from evfleet.inputs.record import Inputs


def certain_infeasibility(case: Case, inp: Inputs, doc: Document) -> tuple[str, ...]:
    """Every certain infeasibility found, one line each (empty: none found)."""
    return tuple(str(p) for p in _electric_only_duties(case, inp, doc)
                 + _budget_below_replacements(inp, doc) + _cap_below_fuel_floor(inp, doc))


def duties_without_electric(inp: Inputs) -> list[str]:
    """One line per duty that an electric model of its class would serve but for the range
    (inputs/fleet.py's exclusions): the first thing a planner must know of a case with no plan,
    since the duty can then only be served by fuel."""
    electric = {(d, k) for (d, k, j) in inp.servable if inp.vehicle_energy[j] == "electricity"}
    lines = []
    for key in inp.duties:
        why = [f"{j}: {reason}" for (d, k, j, reason) in inp.excluded
               if (d, k) == key and inp.vehicle_energy[j] == "electricity"]
        if why and key not in electric:
            lines.append(f"{key[0]}/{key[1]}: no electric model can serve this duty ("
                         + "; ".join(why) + "), so only fuel vehicles can")
    return lines


def _first_purchase_year(inp: Inputs, d: str, k: str) -> int | None:
    """The first year a duty needs more vehicles than it owns (None: never)."""
    for y in inp.years:
        if inp.need_count[d, k, y] > inp.owned_alive_count[d, k, y]:
            return y
    return None


def _electric_only_duties(case: Case, inp: Inputs, doc: Document) -> list[InputProblem]:
    """With min_ev_share_of_purchases = 1 every purchase is electric: a duty that must buy and has
    no electric model with enough range cannot be served."""
    if inp.min_ev_share is None or inp.min_ev_share < 1:
        return []
    electric = {(d, k) for (d, k, j) in inp.servable if inp.vehicle_energy[j] == "electricity"}
    problems = []
    for i, dp in enumerate(case.depots):
        for n, duty in enumerate(dp.duties):
            key = (dp.id, duty.name)
            if key in electric or key not in set(inp.duties):
                continue
            year = _first_purchase_year(inp, *key)
            if year is None:
                continue
            problems.append(doc.problem(("depots", i, "duties", n, "daily_km"),
                                        f"vehicles must be bought in {year} and min_ev_share_of_purchases "
                                        f"1 allows only electric ones, but none covers {duty.daily_km:g} km"))
    return problems


def _budget_below_replacements(inp: Inputs, doc: Document) -> list[InputProblem]:
    """By each year y, vehicles in service that were not owned at start must have been bought:
    at least (need - owned still alive) per duty, at the cheapest usable model's price. If the
    budgets of start..y cannot pay for that, no plan exists."""
    if not inp.budget_cny:
        return []
    cheapest = defaultdict(lambda: float("inf"))
    for t, price in inp.buy_price_cny.items():
        cheapest[t[0], t[1], t[3]] = min(cheapest[t[0], t[1], t[3]], price)
    spent, short = 0.0, []
    for y in inp.years:
        spent += inp.budget_cny.get(y, float("inf"))
        must = sum(max(inp.need_count[d, k, y] - inp.owned_alive_count[d, k, y], 0)
                   * min(cheapest[d, k, c] for c in inp.years if c <= y)
                   for (d, k) in inp.duties)
        if must > spent * (1 + 1e-9):
            short.append(f"by {y} {must:,.0f} CNY needed, {spent:,.0f} given, "
                         f"{must - spent:,.0f} short")
    if not short:
        return []
    return [doc.problem(("budget_cny",), "the budget cannot pay for the vehicles that must be "
                        "bought to replace those at end of life and meet growth, at the "
                        f"cheapest usable model's price (budgets summed from {inp.start_year}): "
                        + "; ".join(short))]


def _cap_below_fuel_floor(inp: Inputs, doc: Document) -> list[InputProblem]:
    """A duty no electric model can serve runs on fuel: its need N_dky times the least tCO2 a
    servable fuel model emits in a year, F_dky = min_j fuel_tco2_per_vehicle[d, k, j, y], is
    emitted whatever the plan. If the sum over such duties exceeds a year's cap, no plan exists."""
    if not inp.carbon_cap_t:
        return []
    electric = {(d, k) for (d, k, j) in inp.servable if inp.vehicle_energy[j] == "electricity"}
    fuel_only = [key for key in inp.duties if key not in electric]
    over = []
    for y, cap in sorted(inp.carbon_cap_t.items()):
        floor = sum(inp.need_count[d, k, y] * min(
            (inp.fuel_tco2_per_vehicle[d, k, j, y] for (d2, k2, j) in inp.servable
             if (d2, k2) == (d, k) and (d, k, j, y) in inp.fuel_tco2_per_vehicle), default=0.0)
            for (d, k) in fuel_only)
        if floor > cap * (1 + 1e-9):
            over.append(f"{y} at least {floor:,.0f} t, cap {cap:,.0f} t")
    if not over:
        return []
    duties = ", ".join(f"{d}/{k}" for d, k in fuel_only)
    return [doc.problem(("carbon_cap_t",), "the duties only fuel vehicles can serve ("
                        f"{duties}) emit more than the cap whatever the plan: " + "; ".join(over))]
