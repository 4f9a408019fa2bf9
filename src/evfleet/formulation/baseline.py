"""The like-for-like plan (spec §5 `baseline`): every vehicle leaving at end of life is replaced by
the same model as far as the duty still needs it (a fleet above its need is not renewed beyond
it; a peak is rented where it can be, else owned), growth is met with the duty's main model, and no PV or storage is added. Chargers
and grid upgrades stay free so that electric vehicles already owned can charge; budget, carbon cap
and electric share do not apply. It is the same model with those decisions fixed."""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from evfleet.formulation.policy import release_network_rows
from evfleet.inputs import Inputs


def like_for_like(inp: Inputs) -> tuple[dict, dict]:
    """Cohort counts {(d,k,j,c,y): n} and purchases {(d,k,j,c): n} of the like-for-like plan."""
    servable = set(inp.servable)
    live = frozenset(inp.cohort_years)
    counts: dict = {}
    buys: dict = defaultdict(int)
    for (d, k) in inp.duties:
        owned = defaultdict(int)
        for (dd, kk, j, c), n in inp.initial_count.items():
            if (dd, kk) == (d, k):
                owned[j] += n
        for (dd, kk, j, c, n) in inp.past_life:
            if (dd, kk) == (d, k):
                owned[j] += n
        usable = [j for (dd, kk, j) in servable if (dd, kk) == (d, k)]
        main = max(owned, key=lambda j: (owned[j], j)) if owned else None
        if main not in usable:
            main = min(usable, key=lambda j: (inp.buy_price_cny[d, k, j, inp.start_year], j))

        def same(j: str) -> str:
            return j if j in usable else main

        def buy(j: str, y: int, n: int) -> None:
            key = (d, k, j, y)
            cohorts[key] = cohorts.get(key, 0) + n
            buys[key] += n

        cohorts = {t: n for t, n in inp.initial_count.items() if t[:2] == (d, k)}
        for y in inp.years:
            # vehicles leaving this year (those past their life at the start in the first year)
            leaving = [(t[2], n) for t, n in cohorts.items()
                       if t[3] < y and inp.exit_year[t] == y and n]
            if y == inp.start_year:
                leaving += [(j, n) for (dd, kk, j, c, n) in inp.past_life if (dd, kk) == (d, k)]
            in_service = sum(n for t, n in cohorts.items() if (*t, y) in live)
            short = _target(inp, d, k, y) - in_service
            for j, n in leaving:  # replaced by the same model, as far as the duty needs them
                again = min(n, max(short, 0))
                if again:
                    buy(same(j), y, again)
                    short -= again
            if short > 0:  # growth: the duty's main model
                buy(main, y, short)
        for t, n in cohorts.items():
            for y in inp.years:
                if (*t, y) in live:
                    counts[(*t, y)] = n
    return counts, dict(buys)


def _target(inp: Inputs, d: str, k: str, y: int) -> int:
    """The vehicles like-for-like keeps: the need, or the peak's vehicles where the duty has a
    peak no rental can meet (formulation/peak.py)."""
    rents = any(kk == k for kk, _ in inp.rentals_at.get(d, ()))
    if (d, k, y) in inp.peak_need_count and not rents:
        return inp.peak_need_count[d, k, y]
    return inp.need_count[d, k, y]


def fix_like_for_like(m: pyo.ConcreteModel, inp: Inputs) -> None:
    """Fix the fleet to the like-for-like plan; no new PV or storage; policies off."""
    counts, buys = like_for_like(inp)
    for t, var in m.vehicles_count.items():
        var.fix(counts.get(t, 0))
    for t, var in m.buy_count.items():
        var.fix(buys.get(t, 0))
    for var in (*m.pv_added_kw.values(), *m.pv_first.values(), *m.storage_added_kwh.values()):
        var.fix(0)
    release_network_rows(m)
