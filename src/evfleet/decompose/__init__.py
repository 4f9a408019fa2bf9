r"""`evfleet solve --decompose depot`: a network solved depot by depot, priced on the budget,
the carbon cap and the electric share of purchases that couple its depots, never building the
whole network's model.

Everything in the model except those three families of rows is separable by depot
(decompose/block.py). Relaxing them with prices lambda >= 0 (Lagrangian relaxation) splits the
network into one subproblem per depot, and for every lambda

.. math:: L(\lambda) = \sum_d \min_{x_d} \left[ c_d x_d + \lambda \cdot u_d(x_d) \right]
          - \lambda \cdot B \;\le\; \text{the network's optimum},

a bound proven by the subproblems alone (each subproblem's own lower bound is used, so a MIP
solved to a gap still gives a valid bound). The steps:

1. Alone. Each depot's best plan with no prices. If together they meet the network's rows, the
   plan is optimal within the subproblems' gaps.
2. Prices. Dantzig-Wolfe column generation (decompose/master.py): the master LP over the plans
   found gives prices; each depot's LP relaxation is solved at those prices (a new plan for the
   master and the bound L); repeated until the master's LP is within a quarter of the asked gap
   of the best bound, or no depot has a better plan.
3. Plans. Each depot's share of every row is what its mix of plans uses in the master LP's
   solution plus, of a row that solution leaves partly unused, a part of what is left in
   proportion to the depot's use of the row (_shares). Each depot's integer plan (MIP) is solved
   at the master's prices within its share, which it may overshoot only at the master's
   violation cost (so it overshoots only where whole vehicles or chargers leave no choice). The
   integer master then picks one plan per depot meeting every row. Where no mix does, what it
   overshoots is held back from the master LP's limits, shares are drawn again from that LP
   (which now holds the integer plans found), and only the depots whose chosen plan does not
   fit its new share are solved again; the integer master re-chooses (REPAIR_ROUNDS rounds at
   most).
4. Improve. While the gap is above the one asked: the budget, cap and electric share left over
   by the chosen plans are offered to every depot on top of what its plan uses (a MIP per depot
   within those limits); the integer master then re-chooses among all plans.
5. Tables. Each chosen depot plan is turned into result tables and its like-for-like baseline,
   in the workers; the network's tables are their union.

Depots are spread over the workers once (sweep executors: local processes or a Dask cluster) and
each worker keeps its depots' models between rounds (decompose/worker.py). The report gives the
plan's NPV, the bound L, the gap, the prices reached and the rounds.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evfleet.decompose.block import Column, coupling_keys, coupling_limits, rule_columns
from evfleet.decompose.master import Choice, Master
from evfleet.decompose.worker import Shard, forget, plan_shard, price_shard
from evfleet.errors import NoPlanError
from evfleet.inputs import Inputs, Loaded
from evfleet.parallel import make_executor
from evfleet.results.record import Summary
from evfleet.results.summary import plan_summary
from evfleet.single import refuse_certain_infeasibility
from evfleet.solver.highs import SolveOptions, Status

log = logging.getLogger(__name__)

SEPARABLE_SUMS = ("capex_cny", "opex_cny", "emissions_t", "ev_count", "ice_count", "chargers",
                  "pv_kw", "storage_kwh", "depot_charged_kwh", "public_kwh", "swap_kwh")
PRICE_ROUNDS = 60  # column-generation rounds at most (each: one LP per depot)
REPAIR_ROUNDS = 8  # step 3 at most this many times
USAGE_TOLERANCE = 1e-7  # of a row's scale: a plan within its share up to this fits
MIN_GAIN = 1e-9  # a plan enters the master when it improves it by more than this share of mu_d
GAP_TOLERANCE = 1e-9  # a gap this far above the one asked still counts as reached


@dataclass(frozen=True)
class DecomposeOptions:
    solve: SolveOptions = SolveOptions(threads=1)
    workers: int = 1
    scheduler: str | None = None
    rounds: int = 3  # improvement rounds at most (step 4)


class _Pool:
    """The depots spread over the executor's workers, each keeping its own (submit_to)."""

    def __init__(self, loaded: Loaded, opts: DecomposeOptions):
        self.executor = make_executor(opts.workers, opts.scheduler)
        inp, case = loaded.inputs, loaded.case
        self.name = inp.name
        network = case.model_copy(update={"depots": []})
        keys = tuple(coupling_keys(inp))
        cities = tuple(sorted(set(inp.depot_city.values())))
        load = [0.0] * self.executor.slots
        parts: list[list] = [[] for _ in load]
        size = {d.id: sum(duty.vehicles for duty in d.duties) for d in case.depots}
        for depot in sorted(case.depots, key=lambda d: -size[d.id]):  # largest first
            slot = int(np.argmin(load))
            parts[slot].append(depot)
            load[slot] += size[depot.id] + 1
        self.shards = [Shard(loaded.doc.path, network, tuple(p), cities, keys)
                       for p in parts if p]
        self.solves = 0

    def _each(self, fn, per_shard: list[tuple]) -> dict:
        """fn(shard, *args) on every shard's worker; a failed call is tried once more."""
        futures = {self.executor.submit_to(i, fn, s, *a): i
                   for i, (s, a) in enumerate(zip(self.shards, per_shard))}
        out = {}
        for future in self.executor.as_completed(list(futures)):
            i = futures[future]
            try:
                out.update(future.result())
            except Exception:  # noqa: BLE001 - a lost worker: once more, rebuilding its depots
                retry = self.executor.submit_to(i, fn, self.shards[i], *per_shard[i])
                try:
                    out.update(next(iter(self.executor.as_completed([retry]))).result())
                except Exception as exc:
                    lines = [f"decomposition: a worker failed twice: {type(exc).__name__}: {exc}"]
                    raise NoPlanError(Status.ERROR, lines, Summary(
                        self.name, Status.ERROR, conflicts=tuple(lines))) from exc
        return out

    def price(self, prices: np.ndarray, options: SolveOptions, integer: bool,
              limits: dict[str, np.ndarray] | None = None,
              overshoot_cny: np.ndarray | None = None) -> dict[str, Column | None]:
        out = self._each(price_shard, [(prices, options, integer, limits, overshoot_cny)]
                         * len(self.shards))
        self.solves += len(out)
        return out

    def plan(self, choice: Choice, options: SolveOptions) -> dict:
        chosen = {d: c.x for d, c in choice.columns.items()}
        return self._each(plan_shard, [(chosen, options)] * len(self.shards))

    def close(self) -> None:
        """Workers that outlive the run (a Dask cluster's) drop the depots; then shut down."""
        try:
            futures = [self.executor.submit_to(i, _forget, s) for i, s in enumerate(self.shards)]
            for future in self.executor.as_completed(futures):
                future.exception()  # a lost worker has nothing left to drop
        finally:
            self.executor.shutdown()


def _forget(shard: Shard) -> dict:
    forget(shard.network.name)
    return {}


def lagrangian_bound(columns: dict[str, Column | None], prices: np.ndarray,
                     limits: np.ndarray, rules_cny: float = 0.0) -> float | None:
    """L(lambda) = sum_d (min of c_d + lambda.u_d) + rules - lambda.B, rules: the share rule's
    blocks (Master.rule_bound_cny); None unless every depot proved its minimum."""
    if any(c is None or c.priced_bound_cny is None for c in columns.values()):
        return None
    return sum(c.priced_bound_cny for c in columns.values()) + rules_cny - float(prices @ limits)


class _Progress:
    """The best bound so far, its prices, and the log of rounds the summary reports."""

    def __init__(self, n_rows: int):
        self.start = time.perf_counter()
        self.best: float | None = None
        self.best_prices = np.zeros(n_rows)
        self.rounds: list[dict] = []

    def bound(self, found: dict[str, Column | None], prices: np.ndarray,
              limits: np.ndarray, master: Master | None = None) -> float | None:
        """L at these prices (when every depot proved its minimum), kept if the best."""
        rules = master.rule_bound_cny(prices) if master is not None else 0.0
        bound = lagrangian_bound(found, prices, limits, rules)
        if bound is not None and (self.best is None or bound > self.best):
            self.best, self.best_prices = bound, prices
        return bound

    def log(self, step: str, npv_cny: float | None, bound_cny: float | None, added: int) -> None:
        seconds = time.perf_counter() - self.start
        self.rounds.append({"step": step, "npv_cny": npv_cny, "bound_npv_cny": bound_cny,
                            "plans_added": added, "seconds": round(seconds, 1)})
        log.info("decompose: %s: NPV %s, bound %s, %d plans added, %.1f s", step, npv_cny,
                 bound_cny, added, seconds)


def solve_decomposed(loaded: Loaded,
                     opts: DecomposeOptions) -> tuple[Summary, dict[str, pd.DataFrame]]:
    """The network plan from depot plans, with the bound it proves. Raises NoPlanError (at
    once for a network the checks prove has no plan: single.refuse_certain_infeasibility)."""
    inp = loaded.inputs
    refuse_certain_infeasibility(inp)
    limits, keys = coupling_limits(inp), coupling_keys(inp)
    progress = _Progress(len(keys))
    deadline = (progress.start + opts.solve.time_limit_s) if opts.solve.time_limit_s else None
    pool = _Pool(loaded, opts)
    try:
        master = _alone(pool, inp, limits, opts, progress)
        _prices(pool, master, limits, opts, progress, deadline)
        choice = _plans(pool, master, limits, keys, opts, progress, deadline)
        if choice is not None and not choice.violation.any():
            choice = _improve(pool, master, limits, choice, opts, progress, deadline)
        if choice is None or choice.violation.any():
            lines = (_violations(choice, keys) if choice is not None else
                     ["no network plan among the depot plans found; raise --time-limit"])
            raise NoPlanError(Status.TIME_LIMIT if choice is None else Status.INFEASIBLE, lines,
                              Summary(inp.name, Status.INFEASIBLE, conflicts=tuple(lines),
                                      decomposition={"rounds": progress.rounds}))
        plans = pool.plan(choice, opts.solve)  # 5. tables
    finally:
        pool.close()
    return _network_result(inp, choice, plans, progress, keys, pool.solves, opts.solve)


def _alone(pool: _Pool, inp: Inputs, limits: np.ndarray, opts: DecomposeOptions,
           progress: _Progress) -> Master:
    """1. Each depot's LP relaxation with no prices: the master's first columns."""
    zero = np.zeros(len(limits))
    first = pool.price(zero, opts.solve, integer=False)
    missing = sorted(d for d, c in first.items() if c is None)
    if missing:
        lines = [f"depot {d} has no plan even on its own (evfleet solve on it alone says why)"
                 for d in missing]
        raise NoPlanError(Status.INFEASIBLE, lines, Summary(inp.name, Status.INFEASIBLE,
                                                            conflicts=tuple(lines)))
    master = Master(sorted(first), limits, first, rule_columns(inp))
    progress.log("alone", None, progress.bound(first, zero, limits, master), len(first))
    return master


def _prices(pool: _Pool, master: Master, limits: np.ndarray, opts: DecomposeOptions,
            progress: _Progress, deadline: float | None) -> None:
    """2. Column generation on the depots' LP relaxations, until the master LP is within a
    quarter of the asked gap of the best bound, or no depot has a better plan."""
    for _ in range(PRICE_ROUNDS):
        z, prices, mu = master.solve_lp()
        best = progress.best
        if best is not None and z - best <= opts.solve.mip_gap / 4 * abs(z) or _late(deadline):
            return
        found = pool.price(prices, opts.solve, integer=False)
        bound = progress.bound(found, prices, limits, master)
        new = [c for d, c in found.items() if c is not None and c.priced_bound_cny is not None
               and c.priced_bound_cny < mu[d] - MIN_GAIN * max(abs(mu[d]), 1.0)]
        progress.log("prices (LP); NPV: the master LP", z, bound, len(new))
        if not new:
            return
        master.add(new)


def _plans(pool: _Pool, master: Master, limits: np.ndarray, keys: list, opts: DecomposeOptions,
           progress: _Progress, deadline: float | None) -> Choice | None:
    """3. Integer plans within each depot's share of the master LP (_shares), chosen by the
    integer master; then, while the chosen mix overshoots a row, the overshoot is held back from
    the master LP's limits and the depots whose chosen plan does not fit their new share are
    solved again within it."""
    hold, choice = np.zeros(len(keys)), None
    for _ in range(REPAIR_ROUNDS):
        _, prices, _ = master.solve_lp(limits - hold)
        share = _shares(master, limits - hold)
        if choice is not None:
            fits = USAGE_TOLERANCE * master.row_scale
            share = {d: s for d, s in share.items() if np.any(choice.columns[d].usage > s + fits)}
            if not share:
                break  # every chosen plan fits the new shares: nothing to solve again
        found = pool.price(prices, opts.solve, integer=True, limits=share,
                           overshoot_cny=master.violation_cny())
        master.add([c for c in found.values() if c is not None])
        progress.log("plans (MIP)" if choice is None else "repair: overshoot held back", None,
                     None, sum(c is not None for c in found.values()))
        better = _choose(master, opts, deadline)
        if better is not None and (choice is None or _rank(master, better) < _rank(master, choice)):
            choice = better
        progress.log("choose; NPV: the plan chosen", choice.cost_cny if choice else None,
                     progress.best, 0)
        if choice is None or not choice.violation.any() or _late(deadline):
            break
        progress.rounds[-1]["overshoot"] = {f"{name} {y}": round(float(v), 3)
                                            for (name, y), v in zip(keys, choice.violation) if v}
        hold += choice.violation
    return choice


def _shares(master: Master, limits: np.ndarray) -> dict[str, np.ndarray]:
    """Each depot's share of every row: what its mix of plans uses in the master LP just
    solved (at `limits`) plus, of what that solution leaves unused of a row, a part in
    proportion to the depot's use of the row. The shares sum to the limits; a row the network
    does not need in full (no price) is no longer split so tightly that whole vehicles force a
    depot over its share of another row."""
    share = master.allocation()
    for block in master.rule_blocks:  # what the share rule's z frees is the depots' to share
        limits = limits - share.pop(block)
    depots = list(share)
    used = np.array([share[d] for d in depots])
    spare = np.maximum(limits - used.sum(axis=0), 0.0)
    weight, total = np.abs(used), np.abs(used).sum(axis=0)
    weight = np.where(total > 0, weight / np.where(total > 0, total, 1.0), 1.0 / len(depots))
    return dict(zip(depots, used + weight * spare))


def _improve(pool: _Pool, master: Master, limits: np.ndarray, choice: Choice,
             opts: DecomposeOptions, progress: _Progress, deadline: float | None) -> Choice:
    """4. While the gap is above the one asked: what the chosen plans leave of each row is
    offered to every depot on top of what its plan uses; the master re-chooses."""
    for _ in range(opts.rounds):
        if _gap(choice.cost_cny, progress.best) <= opts.solve.mip_gap or _late(deadline):
            break
        used = sum(c.usage for c in [*choice.columns.values(), *choice.rules.values()])
        spare = np.maximum(limits - used, 0.0)
        within = {d: c.usage + spare for d, c in choice.columns.items()}
        found = pool.price(np.zeros(len(limits)), opts.solve, integer=True, limits=within)
        master.add([c for c in found.values() if c is not None])
        better = _choose(master, opts, deadline)
        gained = better is not None and better.cost_cny < choice.cost_cny * (1 - 1e-9)
        choice = better if gained else choice
        progress.log("improve; NPV: the plan chosen", choice.cost_cny, None,
                     sum(c is not None for c in found.values()))
        if not gained:
            break
    return choice


def _late(deadline: float | None) -> bool:
    return deadline is not None and time.perf_counter() > deadline


def _gap(npv: float, bound: float | None) -> float | None:
    # a bound above the plan is solver tolerance, not a negative gap
    return None if bound is None else max(npv - bound, 0.0) / max(abs(npv), 1.0)


def _choose(master: Master, opts: DecomposeOptions, deadline) -> Choice | None:
    left = None if deadline is None else max(deadline - time.perf_counter(), 10.0)
    return master.solve_integer(opts.solve.mip_gap / 10, left)


def _rank(master: Master, choice: Choice) -> tuple[float, float]:
    """Choices compared by overshoot (each row in its scale), then by NPV."""
    return float(np.sum(choice.violation / master.row_scale)), choice.cost_cny


def _violations(choice: Choice, keys) -> list[str]:
    unit = {"budget": "CNY", "carbon_cap": "t CO2", "ev_share": "electric vehicles",
            "ev_share_electric_only": "combustion vehicles"}
    return [f"{name} {y}: no mix of the depot plans found meets it (short by {v:,.1f} {unit[name]});"
            " evfleet solve without --decompose names the targets in conflict"
            for (name, y), v in zip(keys, choice.violation) if v > 0]


def _network_result(inp, choice, plans, progress, keys, solves,
                    options) -> tuple[Summary, dict[str, pd.DataFrame]]:
    depots = sorted(plans)
    tables = {}
    for name in plans[depots[0]][0]:
        frame = pd.concat([plans[d][0][name] for d in depots], ignore_index=True)
        if "depot" not in frame.columns and not frame.empty:  # network totals (costs)
            group = [k for k in frame.columns if not pd.api.types.is_float_dtype(frame[k])]
            frame = frame.groupby(group, sort=False, as_index=False).sum()
        order = [k for k in ("year", "depot", "duty", "model", "day", "hour") if k in frame.columns]
        tables[name] = frame.sort_values(order, kind="stable").reset_index(drop=True)
    npv, bound, prices = choice.cost_cny, progress.best, progress.best_prices
    gap = _gap(npv, bound)
    unit = {"budget": "CNY per CNY", "carbon_cap": "CNY per t CO2", "ev_share": "CNY per vehicle",
            "ev_share_electric_only": "CNY per vehicle"}
    decomposition = {
        "bound": "Lagrangian: the depots priced on the budget, carbon cap and electric share",
        "prices": {f"{name} {y}": {"value": round(float(p), 6), "unit": unit[name]}
                   for (name, y), p in zip(keys, prices)},
        "rounds": progress.rounds,
    }
    summary = plan_summary(
        inp, tables, _baseline([plans[d][1] for d in depots]),
        status=Status.OPTIMAL if gap is not None and gap <= options.mip_gap + GAP_TOLERANCE
        else Status.TIME_LIMIT,
        objective_npv_cny=npv, mip_gap=gap, bound_npv_cny=bound,
        # step 1 builds every depot's model (and solves its first LP): the build of this method
        build_seconds=progress.rounds[0]["seconds"],
        solve_seconds=round(time.perf_counter() - progress.start, 3),
        method=f"decomposed by depot: {len(depots)} depots, {solves} depot solves",
        decomposition=decomposition)
    return summary, tables


def _baseline(parts: list[dict]) -> dict:
    """The like-for-like plan is separable by depot: the network's is the sum of the depots'."""
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
