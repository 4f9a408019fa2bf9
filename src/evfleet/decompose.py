"""`evfleet solve --decompose city`: a network case solved city by city, coordinated on the
budget, the carbon cap and the electric share of purchases that couple its depots.

Everything else in the model is separable by depot, so:

1. Network. The whole network is solved by LP-and-fix (solve.HighsModel.solve_lp_fix): its LP
   relaxation bounds the NPV from below (the bound reported), and fixing the integers the LP
   left integral gives a first network plan.
2. Cities. Each city is solved again on its own (in parallel), within what the network plan
   gives it: its yearly capital spend and emissions in that plan as its budget and cap, and the
   electric share on its own purchases. The city's part of the network plan fits these limits,
   so each city can only do better, and the union still meets the network's targets.
3. Improve. The budget and cap the cities leave unused are offered, all of it, to every city
   (in parallel); the city whose plan gains most takes it, and the round repeats (`rounds`,
   default 1). The others keep what they use, so the union stays feasible.

A city's model is the network model restricted to its depots (the same representative days:
resolve(..., day_cities)), so the union's NPV is the network model's NPV of that plan. The
report gives the plan's NPV, the bound, the gap between them, and each city's share and status.
Cities are solved through the sweep executors: local processes or a Dask cluster.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from evfleet.errors import NoPlanError
from evfleet.inputs import Inputs
from evfleet.results.summary import compliance, per_year
from evfleet.solve import SolveOptions
from evfleet.studies.executors import make_executor
from evfleet.studies.worker import Outcome, Task, network_plan, solve_variant

PLANNED = ("optimal", "time_limit")
SEPARABLE_SUMS = ("capex_cny", "opex_cny", "emissions_t", "ev_count", "ice_count", "chargers",
                  "pv_kw", "storage_kwh")


@dataclass(frozen=True)
class DecomposeOptions:
    solve: SolveOptions = SolveOptions(threads=1)
    workers: int = 1
    scheduler: str | None = None
    rounds: int = 1


def city_data(data: dict, inp: Inputs, city: str, budget: dict | None, cap: dict | None,
              share: float | None) -> dict:
    """The network case restricted to `city`'s depots, with its own targets (None: none)."""
    out = {k: copy.deepcopy(v) for k, v in data.items()
           if k not in ("depots", "budget_cny", "carbon_cap_t", "min_ev_share_of_purchases")}
    out["name"] = f"{data['name']}-{city}"
    out["depots"] = [copy.deepcopy(d) for d in data["depots"] if inp.depot_city[d["id"]] == city]
    for key, value in (("budget_cny", budget), ("carbon_cap_t", cap),
                       ("min_ev_share_of_purchases", share)):
        if value is not None:
            out[key] = value
    return out


def _by_city(inp: Inputs, cities: list[str], per_depot: dict) -> dict[str, dict[int, float]]:
    out = {c: dict.fromkeys(inp.years, 0.0) for c in cities}
    for d, years in per_depot.items():
        for y, v in years.items():
            out[inp.depot_city[d]][int(y)] += v
    return out


def _use(outcome: Outcome, field: str) -> dict[int, float]:
    return {int(y): v[field] for y, v in outcome.summary["per_year"].items()}


class _Runner:
    """Submit city solves to one executor and collect them by name."""

    def __init__(self, case_path: Path, opts: DecomposeOptions, day_cities: tuple[str, ...]):
        self.case_path, self.opts, self.day_cities = str(case_path), opts, day_cities
        self.executor = make_executor(opts.workers, opts.scheduler)
        self.solves = 0

    def run(self, jobs: dict[str, tuple]) -> dict[str, Outcome]:
        """jobs: name -> (function, case data); all at once, results by name."""
        futures = {}
        for name, (fn, data) in jobs.items():
            task = Task(name, self.case_path, data, self.opts.solve, reuse=False,
                        day_cities=self.day_cities)
            futures[self.executor.submit(fn, task)] = name
        out = {}
        for future in self.executor.as_completed(list(futures)):
            name = futures[future]
            try:
                out[name] = future.result()
            except Exception as exc:  # noqa: BLE001 - a lost worker: this city has no answer
                out[name] = Outcome(name, "error", reason=f"{type(exc).__name__}: {exc}")
            self.solves += 1
        return out


def solve_decomposed(inp: Inputs, data: dict, case_path: Path,
                     opts: DecomposeOptions) -> tuple[dict, dict[str, pd.DataFrame]]:
    """The network plan from city plans, with the bound it proves. Raises NoPlanError."""
    start = time.perf_counter()
    cities = sorted(set(inp.depot_city.values()))
    runner = _Runner(case_path, opts, tuple(cities))
    share = inp.min_ev_share
    try:
        # 1. the network by LP-and-fix: a bound and a first plan
        network = runner.run({"network": (network_plan, data)})["network"]
        if network.status not in PLANNED or not (network.summary or {}).get("by_depot"):
            raise NoPlanError(network.status if network.status == "infeasible" else "time_limit",
                              [f"LP-and-fix found no network plan to start from: {network.reason}"],
                              {"case": inp.name})
        bound = network.summary["bound_npv_cny"]
        split = network.summary["by_depot"]
        budget = _by_city(inp, cities, split["capex_cny"]) if inp.budget_cny else {c: {} for c in cities}
        cap = _by_city(inp, cities, split["emissions_t"]) if inp.carbon_cap_t else {c: {} for c in cities}
        budget = {c: {y: v for y, v in b.items() if y in inp.budget_cny} for c, b in budget.items()}
        cap = {c: {y: v for y, v in e.items() if y in inp.carbon_cap_t} for c, e in cap.items()}

        # 2. each city again, within its part of the network plan
        jobs = {c: (solve_variant, city_data(data, inp, c, budget[c] or None, cap[c] or None,
                                             share)) for c in cities}
        plans = runner.run(jobs)
        failed = {c: f"{c} ({plans[c].status}{': ' + plans[c].reason if plans[c].reason else ''})"
                  for c in cities if plans[c].status not in PLANNED}
        if failed:
            raise NoPlanError("time_limit", [
                f"no city plan within its part of the network plan: {'; '.join(failed.values())}"
                "; raise --time-limit"], {"case": inp.name})

        # 3. improve: offer what is left unused to the city that gains most
        history = []
        for _ in range(opts.rounds):
            step = _improve(runner, inp, data, cities, plans, budget, cap, share)
            if step is None:
                break
            history.append(step)
    finally:
        runner.executor.shutdown()
    return _network_result(inp, cities, plans, budget, cap, bound, history, runner.solves,
                           time.perf_counter() - start, opts.solve)


def _improve(runner, inp, data, cities, plans, budget, cap, share):
    """One round: every city tries its plan with all the unused budget and cap added to what it
    uses; the largest gain is kept. Returns what happened, or None when nobody gains."""
    used_capex = {c: _use(plans[c], "capex_cny") for c in cities}
    used_t = {c: _use(plans[c], "emissions_t") for c in cities}
    spare_b = {y: b - sum(used_capex[c].get(y, 0.0) for c in cities) for y, b in inp.budget_cny.items()}
    spare_t = {y: e - sum(used_t[c].get(y, 0.0) for c in cities) for y, e in inp.carbon_cap_t.items()}
    spare = any(v > 1.0 for v in spare_b.values()) or any(v > 1e-3 for v in spare_t.values())
    if not spare:
        return None
    trial_budget = {c: {y: used_capex[c].get(y, 0.0) + max(spare_b[y], 0.0) for y in spare_b}
                    for c in cities}
    trial_cap = {c: {y: used_t[c].get(y, 0.0) + max(spare_t[y], 0.0) for y in spare_t}
                 for c in cities}
    jobs = {c: (solve_variant, city_data(data, inp, c, trial_budget[c] or None,
                                         trial_cap[c] or None, share)) for c in cities}
    trials = runner.run(jobs)
    gains = {c: plans[c].summary["objective_npv_cny"] - t.summary["objective_npv_cny"]
             for c, t in trials.items() if t.status in PLANNED}
    best = max(gains, key=lambda c: (gains[c], c), default=None)
    if best is None or gains[best] <= 1e-6 * abs(plans[best].summary["objective_npv_cny"]):
        return None
    plans[best] = trials[best]
    # the others keep exactly what they use; the winner holds the rest
    for c in cities:
        if c != best:
            budget[c] = dict(used_capex[c]) if inp.budget_cny else {}
            cap[c] = dict(used_t[c]) if inp.carbon_cap_t else {}
    budget[best], cap[best] = trial_budget[best], trial_cap[best]
    return {"city": best, "gain_cny": gains[best], "tried": len(trials)}


def _network_result(inp, cities, plans, budget, cap, bound, history, solves, seconds,
                    options) -> tuple[dict, dict[str, pd.DataFrame]]:
    tables = {}
    for name in plans[cities[0]].tables:
        frames = [plans[c].tables[name] for c in cities]
        frame = pd.concat(frames, ignore_index=True)
        if "depot" not in frame.columns and not frame.empty:  # network totals (costs)
            keys = [k for k in frame.columns if not pd.api.types.is_float_dtype(frame[k])]
            frame = frame.groupby(keys, sort=False, as_index=False).sum()
        keys = [k for k in ("year", "depot", "duty", "model", "day", "hour") if k in frame.columns]
        tables[name] = frame.sort_values(keys, kind="stable").reset_index(drop=True)
    tables["compliance"] = compliance(tables, inp)
    npv = sum(plans[c].summary["objective_npv_cny"] for c in cities)
    # a bound above the plan is solver tolerance, not a negative gap
    gap = max(npv - bound, 0.0) / max(abs(npv), 1.0) if bound is not None else None
    summary = {
        "case": inp.name,
        "status": "optimal" if gap is not None and gap <= options.mip_gap else "time_limit",
        "objective_npv_cny": npv, "mip_gap": gap, "bound_npv_cny": bound,
        "build_seconds": round(sum(plans[c].summary["build_seconds"] for c in cities), 3),
        "solve_seconds": round(seconds, 3),
        "method": f"decomposed by city: {len(cities)} cities, {solves} city solves",
        "decomposition": {
            "bound": "the network's LP relaxation", "improvements": history,
            "cities": {c: {"status": plans[c].status,
                           "objective_npv_cny": plans[c].summary["objective_npv_cny"],
                           "mip_gap": plans[c].summary["mip_gap"],
                           "budget_cny": {str(y): round(v, 2) for y, v in budget[c].items()},
                           "carbon_cap_t": {str(y): round(v, 3) for y, v in cap[c].items()}}
                       for c in cities}},
        "model": {k: sum(plans[c].summary["model"][k] for c in cities)
                  for k in plans[cities[0]].summary["model"]},
    }
    summary["per_year"] = per_year(tables, inp)
    summary["baseline"] = _baseline(plans, cities)
    return summary, tables


def _baseline(plans, cities) -> dict:
    """The like-for-like plan is separable by depot: the network's is the sum of the cities'."""
    parts = [plans[c].summary["baseline"] for c in cities]
    if any(p["objective_npv_cny"] is None for p in parts):
        return {"status": "infeasible", "objective_npv_cny": None, "per_year": None}
    years = {}
    for y in parts[0]["per_year"]:
        row = {k: sum(p["per_year"][y][k] for p in parts) for k in SEPARABLE_SUMS}
        fleet = row["ev_count"] + row["ice_count"]
        row["ev_share"] = row["ev_count"] / fleet if fleet else None
        years[y] = row
    return {"status": "optimal" if all(p["status"] == "optimal" for p in parts) else "time_limit",
            "objective_npv_cny": sum(p["objective_npv_cny"] for p in parts), "per_year": years}
