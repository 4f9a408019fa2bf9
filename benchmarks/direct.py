"""The reference for the build benchmark: evfleet's model built directly as HiGHS matrices.

The performance issue measures evfleet's Pyomo build and hand-off against "the identical model
built directly as matrices for highspy". This module is that reference: it reads the same
resolved Inputs and writes the same columns, rows, bounds, costs and integrality as
evfleet.formulation, but as numpy arrays (hourly blocks vectorised, fleet cohorts in one Python
loop) assembled into one sparse matrix and passed to highspy with passModel. It is a benchmark
tool, not a second way to solve cases: evfleet itself stays a Pyomo model.

Every column and row carries a key (component name, index) so that `compare` can check, row by
row, that the two builds are the same model; `scale.py` also compares their LP optima.
Diagnosis slacks are not built (the benchmark never diagnoses).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import highspy
import numpy as np
import scipy.sparse as sp

from evfleet.inputs import Inputs
from evfleet.inputs.supply import PUBLIC, SWAP

INF = highspy.kHighsInf


class Matrix:
    """Columns and rows appended block by block; terms kept as coordinate triplets."""

    def __init__(self) -> None:
        self.lower, self.upper, self.integer, self.col_keys = [], [], [], []
        self.row_lower, self.row_upper, self.row_keys = [], [], []
        self.r, self.c, self.v = [], [], []
        self.n_col = self.n_row = 0
        self.cost: dict[int, float] = defaultdict(float)  # sparse until finish()
        self.cost_terms: list[tuple[np.ndarray, np.ndarray]] = []
        self.offset = 0.0

    def cols(self, name: str, index: list, lower, upper, integer: bool = False) -> np.ndarray:
        """Add one column per index; returns their positions (same shape as `lower`)."""
        n = len(index)
        lower = np.broadcast_to(np.asarray(lower, dtype=float), (n,))
        upper = np.broadcast_to(np.asarray(upper, dtype=float), (n,))
        self.lower.append(lower)
        self.upper.append(upper)
        self.integer.append(np.full(n, integer))
        self.col_keys.append((name, index))
        out = np.arange(self.n_col, self.n_col + n)
        self.n_col += n
        return out

    def rows(self, name: str, index: list, lower, upper) -> np.ndarray:
        n = len(index)
        self.row_lower.append(np.broadcast_to(np.asarray(lower, dtype=float), (n,)))
        self.row_upper.append(np.broadcast_to(np.asarray(upper, dtype=float), (n,)))
        self.row_keys.append((name, index))
        out = np.arange(self.n_row, self.n_row + n)
        self.n_row += n
        return out

    def terms(self, rows, cols, vals) -> None:
        """a[rows, cols] += vals (broadcast)."""
        rows, cols = np.asarray(rows), np.asarray(cols)
        rows, cols, vals = np.broadcast_arrays(rows, cols, np.asarray(vals, dtype=float))
        self.r.append(rows.ravel())
        self.c.append(cols.ravel())
        self.v.append(vals.ravel())

    def objective(self, cols, vals) -> None:
        cols, vals = np.broadcast_arrays(np.asarray(cols), np.asarray(vals, dtype=float))
        self.cost_terms.append((cols.ravel(), vals.ravel()))

    def lp(self) -> highspy.HighsLp:
        """The assembled model (duplicate entries summed, zeros dropped, as Pyomo's compiler)."""
        r, c, v = (np.concatenate(x) if x else np.zeros(0) for x in (self.r, self.c, self.v))
        a = sp.csc_matrix((v, (r.astype(np.int64), c.astype(np.int64))),
                          shape=(self.n_row, self.n_col))
        a.sum_duplicates()
        a.eliminate_zeros()
        cost = np.zeros(self.n_col)
        for cols, vals in self.cost_terms:
            np.add.at(cost, cols, vals)
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = self.n_col, self.n_row
        lp.col_cost_ = cost
        lp.offset_ = self.offset
        lp.col_lower_ = np.concatenate(self.lower)
        lp.col_upper_ = np.concatenate(self.upper)
        lp.row_lower_ = np.concatenate(self.row_lower)
        lp.row_upper_ = np.concatenate(self.row_upper)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = a.indptr
        lp.a_matrix_.index_ = a.indices
        lp.a_matrix_.value_ = a.data
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = self.n_col, self.n_row
        integer = np.concatenate(self.integer)
        if integer.any():
            lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
                               for i in integer]
        return lp


@dataclass
class Hourly:
    """A block of columns indexed (depot in `depots`, y, r, h), as an array of positions."""

    depots: tuple[str, ...]
    pos: np.ndarray  # shape (len(depots), Y, R, H)
    row_of: dict[str, int] = field(init=False)  # depot -> its position along the first axis

    def __post_init__(self) -> None:
        self.row_of = {d: i for i, d in enumerate(self.depots)}

    def at(self, d: str) -> np.ndarray:
        return self.pos[self.row_of[d]]


def _grid(depots, inp: Inputs) -> list:
    return [(d, y, r, h) for d in depots for y in inp.years for r in inp.days for h in inp.hours]


def _hourly(mx: Matrix, name: str, depots: tuple[str, ...], inp: Inputs) -> Hourly:
    shape = (len(depots), len(inp.years), len(inp.days), len(inp.hours))
    pos = mx.cols(name, _grid(depots, inp), 0.0, INF).reshape(shape)
    return Hourly(depots, pos)


def _lengths(inp: Inputs) -> np.ndarray:
    """Hours in each block of the day, shaped to broadcast over (..., R, H)."""
    return np.array([inp.hour_length_h[h] for h in inp.hours])[None, :]


def _drh(table: dict, depots, inp: Inputs) -> np.ndarray:
    """(d, r, h) data as an array of shape (D, 1, R, H) that broadcasts over years."""
    out = np.array([[[table[d, r, h] for h in inp.hours] for r in inp.days] for d in depots])
    return out.reshape(len(depots), 1, len(inp.days), len(inp.hours))


class Ledger:
    """Per-year cash flows and emissions: each goes to the objective (discounted), and capex and
    emissions also to the budget and carbon-cap rows."""

    def __init__(self, mx: Matrix, inp: Inputs) -> None:
        self.mx, self.inp = mx, inp
        self.scale = inp.objective_scale_cny
        self.budget_row = dict(zip(sorted(inp.budget_cny), mx.rows(
            "budget", sorted(inp.budget_cny), -INF,
            [inp.budget_cny[y] / inp.money_scale_cny for y in sorted(inp.budget_cny)])))
        self.cap_row = dict(zip(sorted(inp.carbon_cap_t), mx.rows(
            "carbon_cap", sorted(inp.carbon_cap_t), -INF,
            [inp.carbon_cap_t[y] for y in sorted(inp.carbon_cap_t)])))

    def cost(self, y: int, cols, coefs) -> None:
        """Operating cost (or minus income) of year y [CNY]."""
        self.mx.objective(cols, np.asarray(coefs, dtype=float) * self.inp.discount_factor[y] / self.scale)

    def capex(self, y: int, cols, coefs) -> None:
        self.cost(y, cols, coefs)
        if y in self.budget_row:
            self.mx.terms(self.budget_row[y], cols, np.asarray(coefs, dtype=float) / self.inp.money_scale_cny)

    def emissions(self, y: int, cols, coefs) -> None:
        self.cost(y, cols, np.asarray(coefs, dtype=float) * self.inp.carbon_price_cny_per_t)
        if y in self.cap_row:
            self.mx.terms(self.cap_row[y], cols, coefs)

    def terminal(self, cols, coefs) -> None:
        """Value left at end_year + 1 [CNY] (income)."""
        df = self.inp.discount_factor[self.inp.end_year + 1]
        self.mx.objective(cols, -np.asarray(coefs, dtype=float) * df / self.scale)

    def constant(self, y: int, cny: float) -> None:
        self.mx.offset += cny * self.inp.discount_factor[y] / self.scale


def build(inp: Inputs) -> Matrix:
    """Inputs -> the evfleet model as matrices (see evfleet.formulation for each equation)."""
    mx = Matrix()
    ledger = Ledger(mx, inp)
    fleet = _fleet(mx, ledger, inp)
    charge_kw = _charging(mx, ledger, inp, fleet)
    pv_used, pv_export = _solar(mx, ledger, inp)
    storage = _storage(mx, ledger, inp)
    _grid_block(mx, ledger, inp, charge_kw, pv_used, pv_export, storage)
    _ev_share(mx, inp, fleet)
    return mx


@dataclass
class Fleet:
    buy: dict  # (d, k, j, c) -> column
    count: dict  # (d, k, j, c, y) -> column


def _fleet(mx: Matrix, ledger: Ledger, inp: Inputs) -> Fleet:
    buys = list(inp.buy_cohorts)
    buy = dict(zip(buys, mx.cols("buy_count", buys, 0.0, [inp.buy_max_count[t[:3]] for t in buys],
                                 True)))
    cys = list(inp.cohort_years)
    count = dict(zip(cys, mx.cols("vehicles_count", cys, 0.0, [
        inp.initial_count.get(t[:4], 0)
        + (inp.buy_max_count.get(t[:3], 0) if t[3] >= inp.start_year else 0)
        for t in cys], True)))

    rows, cols, vals = [], [], []
    # cohort_start: n[y0] - b <= N0
    start = mx.rows("cohort_start", list(inp.cohorts), -INF,
                    [inp.initial_count.get(t, 0) for t in inp.cohorts])
    for row, t in zip(start, inp.cohorts):
        rows.append(row), cols.append(count[(*t, inp.first_year[t])]), vals.append(1.0)
        if t in buy:
            rows.append(row), cols.append(buy[t]), vals.append(-1.0)
    # bought_serve: n[c] - b >= 0
    serve = mx.rows("bought_serve", buys, 0.0, INF)
    for row, t in zip(serve, buys):
        rows += [row, row]
        cols += [count[(*t, t[3])], buy[t]]
        vals += [1.0, -1.0]
    # cohort_shrinks: n[y] - n[y-1] <= 0
    later = [t for t in cys if t[4] > inp.first_year[t[:4]]]
    for row, t in zip(mx.rows("cohort_shrinks", later, -INF, 0.0), later):
        rows += [row, row]
        cols += [count[t], count[(*t[:4], t[4] - 1)]]
        vals += [1.0, -1.0]
    # held: the vehicles sold at the start of y (retire_count) <= 0 while too young to sell
    held = [t for t in cys if t[4] < inp.sale_from_year.get(t[:4], t[4])]
    for row, t in zip(mx.rows("held", held, -INF, [_retire_constant(inp, t) * -1.0 for t in held]),
                      held):
        for col, val in _retire_terms(inp, t, buy, count):
            rows.append(row), cols.append(col), vals.append(val)
    # need_met: sum n >= N
    duty_years = sorted(inp.need_count)
    for row, key in zip(mx.rows("need_met", duty_years, [inp.need_count[t] for t in duty_years], INF),
                        duty_years):
        for t in inp.cohort_years_by_duty.get(key, ()):
            rows.append(row), cols.append(count[t]), vals.append(1.0)
    mx.terms(rows, cols, vals)

    # cash flows and emissions
    for t in buys:
        ledger.capex(t[3], buy[t], inp.buy_price_cny[t] + inp.purchase_tax_cny[t[2], t[3]])
    exits_last = {}
    for t in inp.cohorts:
        last = (*t, inp.exit_year[t] - 1)
        if last in count:
            exits_last[last] = inp.exit_value_cny[t]
    for t in cys:
        d, k, j, c, y = t
        col = count[t]
        # resale of vehicles sold early at the start of y: value x (before - n[y])
        value = inp.resale_value_cny[t]
        if value:
            ledger.cost(y, col, value)  # income value x (before - n[y]) enters the cost negated
            if y == inp.first_year[t[:4]]:
                ledger.constant(y, -value * inp.initial_count.get(t[:4], 0))
                if t[:4] in buy:
                    ledger.cost(y, buy[t[:4]], -value)
            else:
                ledger.cost(y, count[(d, k, j, c, y - 1)], -value)
        if t in exits_last:
            e = inp.exit_year[t[:4]]
            if e <= inp.end_year:
                ledger.cost(e, col, -exits_last[t])
            else:
                ledger.terminal(col, exits_last[t])
        run = inp.run_cost_cny[d, k, j, y]
        if run["fuel"] or run["maintenance"]:
            ledger.cost(y, col, run["fuel"] + run["maintenance"])
        fuel_t = inp.fuel_tco2_per_vehicle.get((d, k, j, y))
        if fuel_t is not None:
            ledger.emissions(y, col, fuel_t)
    ledger.constant(inp.start_year, -inp.past_life_resale_cny)
    return Fleet(buy, count)


def _retire_constant(inp: Inputs, t) -> float:
    """The constant of retire_count[t]: vehicles owned at start when y is the cohort's first."""
    return float(inp.initial_count.get(t[:4], 0)) if t[4] == inp.first_year[t[:4]] else 0.0


def _retire_terms(inp: Inputs, t, buy: dict, count: dict) -> list[tuple[int, float]]:
    """The linear terms of retire_count[t] = before - n[t] (formulation/fleet.py)."""
    terms = [(count[t], -1.0)]
    if t[4] == inp.first_year[t[:4]]:
        if t[:4] in buy:
            terms.append((buy[t[:4]], 1.0))
    else:
        terms.append((count[(*t[:4], t[4] - 1)], 1.0))
    return terms


def _in_service(life: int, inp: Inputs) -> np.ndarray:
    """alive[y, c] = 1 when an addition in year c is in service in year y."""
    ys = np.array(inp.years)
    return ((ys[None, :] <= ys[:, None]) & (ys[:, None] < ys[None, :] + life)).astype(float)


@dataclass
class Charging:
    """Charging columns: hourly blocks per (depot, charger model), and the supply counts."""

    hourly: dict  # (d, q) -> positions of shape (Y, R, H)
    supplied: dict  # (d, k, j, s, y) -> column


def _charging(mx: Matrix, ledger: Ledger, inp: Inputs, fleet: Fleet) -> Charging:
    years, R, H = inp.years, len(inp.days), len(inp.hours)
    Y = len(years)
    keys = [(d, k, j, s, y) for (d, k, j, y) in inp.ev_pair_years for s in inp.supply_options[d, k, j]]
    supplied = dict(zip(keys, mx.cols("supplied_count", keys, 0.0, INF, True)))
    # supply_all: sum_s a - sum_c n = 0
    pair_years = list(inp.ev_pair_years)
    rows, cols, vals = [], [], []
    for row, (d, k, j, y) in zip(mx.rows("supply_all", pair_years, 0.0, 0.0), pair_years):
        for s in inp.supply_options[d, k, j]:
            rows.append(row), cols.append(supplied[d, k, j, s, y]), vals.append(1.0)
        for t in inp.cohort_years_by_duty[d, k, y]:
            if t[2] == j:
                rows.append(row), cols.append(fleet.count[t]), vals.append(-1.0)
    mx.terms(rows, cols, vals)

    adds = [(d, q, y) for (d, q) in inp.depot_chargers for y in years]
    added = dict(zip(adds, mx.cols("chargers_added", adds, 0.0, INF, True)))
    charger_kw = dict(zip(adds, mx.cols("charger_kw", adds, 0.0, INF)))
    intake_kw = dict(zip(adds, mx.cols("intake_kw", adds, 0.0, INF)))
    hours = [(d, q, y, r, h) for (d, q) in inp.depot_chargers for y in years for r in inp.days
             for h in inp.hours]
    pos = mx.cols("charge_kw", hours, 0.0, INF).reshape(len(inp.depot_chargers), Y, R, H)
    hourly = {dq: pos[i] for i, dq in enumerate(inp.depot_chargers)}
    existing = {t: inp.charger_existing.get(t, 0) for t in adds}
    kw_rows = dict(zip(adds, mx.rows("charger_kw_def", adds,
                                     [inp.charger_power_kw[q] * existing[d, q, y] for d, q, y in adds],
                                     [inp.charger_power_kw[q] * existing[d, q, y] for d, q, y in adds])))
    intake_rows = dict(zip(adds, mx.rows("intake_kw_def", adds, 0.0, 0.0)))
    with_pairs = [t for t in adds if inp.pairs_on_charger.get(t)]
    enough = dict(zip(with_pairs, mx.rows("chargers_enough", with_pairs, -INF,
                                          [existing[t] for t in with_pairs])))
    days = [(d, q, y, r) for (d, q, y) in adds for r in inp.days]
    energy = dict(zip(adds, mx.rows("charge_energy", days, 0.0, 0.0).reshape(len(adds), R)))
    rows, cols, vals = [], [], []
    for t in adds:
        d, q, y = t
        rows += [kw_rows[t], intake_rows[t]]
        cols += [charger_kw[t], intake_kw[t]]
        vals += [1.0, 1.0]
        for c in years:
            if c <= y < c + inp.charger_life[q]:
                rows.append(kw_rows[t]), cols.append(added[d, q, c])
                vals.append(-inp.charger_power_kw[q])
                if t in enough:
                    rows.append(enough[t]), cols.append(added[d, q, c]), vals.append(-1.0)
        for (k, j) in inp.pairs_on_charger.get(t, ()):
            col = supplied[d, k, j, q, y]
            rows += [intake_rows[t], enough[t]]
            cols += [col, col]
            vals += [-inp.charge_rate_kw[j, q], 1.0 / inp.vehicles_per_charger_of[d, k, j, q]]
            rows.extend(energy[t])
            cols.extend([col] * R)
            vals.extend([-inp.charge_kwh_per_vehicle_day[d, k, j] * inp.day_energy_factor[d, j, r]
                         for r in inp.days])
    mx.terms(rows, cols, vals)
    length = _lengths(inp)
    for i, (d, q) in enumerate(inp.depot_chargers):
        block = hourly[d, q]  # (Y, R, H)
        e_rows = np.array([energy[d, q, y] for y in years])  # (Y, R)
        mx.terms(e_rows[..., None], block, np.broadcast_to(length, block.shape))
        keys_dq = [(d, q, y, r, h) for y in years for r in inp.days for h in inp.hours]
        if inp.vehicles_per_charger[q] > 1:
            cp = mx.rows("charger_power", keys_dq, -INF, 0.0).reshape(block.shape)
            mx.terms(cp, block, 1.0)
            kw = np.array([charger_kw[d, q, y] for y in years])[:, None, None]
            mx.terms(cp, np.broadcast_to(kw, block.shape), -1.0)
        vi = mx.rows("vehicle_intake", keys_dq, -INF, 0.0).reshape(block.shape)
        mx.terms(vi, block, 1.0)
        share = (np.ones(block.shape) if inp.charger_any_hour[q] else
                 np.broadcast_to(_drh(inp.plugged_share, [d], inp)[0], block.shape))
        ik = np.array([intake_kw[d, q, y] for y in years])[:, None, None]
        mx.terms(vi, np.broadcast_to(ik, block.shape), -np.maximum(share, 0.0))

    for (d, q, y), col in added.items():
        ledger.capex(y, col, inp.charger_price_cny[q, y])
        share_left = inp.charger_terminal_share[q, y]
        if share_left > 0:
            ledger.terminal(col, share_left * inp.charger_price_cny[q, y])
    mx.offset -= (inp.charger_existing_terminal_cny * inp.discount_factor[inp.end_year + 1]
                  / inp.objective_scale_cny)
    _away(mx, ledger, inp, fleet, supplied)
    return Charging(hourly, supplied)


def _away(mx: Matrix, ledger: Ledger, inp: Inputs, fleet: Fleet, supplied: dict) -> None:
    """Public charging and swap: cost and CO2 per vehicle-year; public_share rows."""
    cost = {PUBLIC: inp.public_cny_per_vehicle_year, SWAP: inp.swap_cny_per_vehicle_year}
    for (d, k, j, s, y), col in supplied.items():
        if s in cost:
            ledger.cost(y, col, cost[s][d, k, j])
            ledger.emissions(y, col, inp.grid_tco2_per_kwh[d, y] * inp.charge_kwh_per_vehicle_year[d, k, j])
    if inp.public_max_share >= 1:
        return
    capped = sorted({(d, k, y) for (d, k, j, s, y) in supplied if s == PUBLIC})
    rows, cols, vals = [], [], []
    for row, (d, k, y) in zip(mx.rows("public_share", capped, -INF, 0.0), capped):
        for t in inp.cohort_years_by_duty[d, k, y]:
            if t[:3] in inp.supply_options:
                rows.append(row), cols.append(fleet.count[t])
                vals.append(-inp.public_max_share * inp.charge_kwh_per_vehicle_year[t[:3]])
        for j in sorted({t[2] for t in inp.cohort_years_by_duty[d, k, y]}):
            if (d, k, j, PUBLIC, y) in supplied:
                rows.append(row), cols.append(supplied[d, k, j, PUBLIC, y])
                vals.append(inp.charge_kwh_per_vehicle_year[d, k, j])
    mx.terms(rows, cols, vals)


def _left(life: int, inp: Inputs) -> np.ndarray:
    return np.array([max(c + life - (inp.end_year + 1), 0) / life for c in inp.years])


def _solar(mx: Matrix, ledger: Ledger, inp: Inputs) -> tuple[Hourly, Hourly]:
    pvd, years = inp.pv_depots, inp.years
    Y = len(years)
    dy = [(d, y) for d in pvd for y in years]
    roof = np.array([inp.pv_roof_kw[d] for d in pvd])
    added = mx.cols("pv_added_kw", dy, 0.0, np.repeat(roof, Y)).reshape(len(pvd), Y)
    first_depots = [d for d in pvd if inp.pv_needs_fixed[d]]
    first = mx.cols("pv_first", [(d, y) for d in first_depots for y in years], 0.0, 1.0,
                    True).reshape(len(first_depots), Y)
    pv_kw = mx.cols("pv_kw", dy, 0.0, INF).reshape(len(pvd), Y)
    existing = np.array([inp.pv_existing_kw[d] for d in pvd])
    rows = mx.rows("pv_kw_def", dy, np.repeat(existing, Y), np.repeat(existing, Y)).reshape(len(pvd), Y)
    mx.terms(rows, pv_kw, 1.0)
    yy, cc = np.nonzero(_in_service(inp.pv_life, inp))
    mx.terms(rows[:, yy], added[:, cc], -1.0)
    mx.terms(mx.rows("roof_limit", dy, -INF, np.repeat(roof, Y)), pv_kw.ravel(), 1.0)
    fi = [i for i, d in enumerate(pvd) if inp.pv_needs_fixed[d]]
    needs = mx.rows("pv_needs_first", [(d, y) for d in first_depots for y in years], -INF,
                    0.0).reshape(len(first_depots), Y)
    mx.terms(needs, added[fi], 1.0)
    yy, cc = np.nonzero(np.tril(np.ones((Y, Y))))
    mx.terms(needs[:, yy], first[:, cc], -roof[fi][:, None])

    used = _hourly(mx, "pv_used_kw", pvd, inp)
    export = _hourly(mx, "export_kw", inp.export_depots, inp)
    avail = mx.rows("pv_available", _grid(pvd, inp), -INF, 0.0).reshape(used.pos.shape)
    mx.terms(avail, used.pos, 1.0)
    for d in inp.export_depots:
        mx.terms(avail[used.row_of[d]], export.at(d), 1.0)
    out = np.broadcast_to(_drh(inp.pv_kw_per_kwp, pvd, inp), avail.shape)
    mx.terms(avail, np.broadcast_to(pv_kw[:, :, None, None], avail.shape), -out)

    # pv_self_use: sum_r w_r sum_h L_h ((1 - phi) u - phi x) >= 0
    floors = sorted(inp.pv_self_use_min_share)
    su = mx.rows("pv_self_use", [(d, y) for d in floors for y in years], 0.0, INF)
    w_len = (np.array([inp.day_weight[r] for r in inp.days])[:, None] * _lengths(inp))  # (R, H)
    for i, d in enumerate(floors):
        phi = inp.pv_self_use_min_share[d]
        rows = np.broadcast_to(su[i * Y:(i + 1) * Y][:, None, None], used.at(d).shape)
        mx.terms(rows, used.at(d), (1 - phi) * np.broadcast_to(w_len, used.at(d).shape))
        mx.terms(rows, export.at(d), -phi * np.broadcast_to(w_len, export.at(d).shape))
    left = _left(inp.pv_life, inp)
    for yi, y in enumerate(years):
        ledger.capex(y, added[:, yi], inp.pv_capex_cny_per_kw[y])
        ledger.capex(y, first[:, yi], inp.pv_fixed_cny)
        ledger.cost(y, pv_kw[:, yi], inp.pv_om_cny_per_kw_year)
        if left[yi] > 0:
            ledger.terminal(added[:, yi], left[yi] * inp.pv_capex_cny_per_kw[y])
            ledger.terminal(first[:, yi], left[yi] * inp.pv_fixed_cny)
    return used, export


@dataclass
class Storage:
    charge: Hourly
    discharge: Hourly


def _storage(mx: Matrix, ledger: Ledger, inp: Inputs) -> Storage:
    sd, years = inp.storage_depots, inp.years
    Y = len(years)
    dy = [(d, y) for d in sd for y in years]
    smax = np.array([inp.storage_max_kwh[d] for d in sd])
    added = mx.cols("storage_added_kwh", dy, 0.0, np.repeat(smax, Y)).reshape(len(sd), Y)
    if inp.storage_module_kwh:  # storage_in_modules: added - M N = 0
        module = inp.storage_module_kwh
        n_max = np.repeat([inp.storage_max_kwh[d] // module for d in sd], Y)
        modules = mx.cols("storage_modules_added", dy, 0.0, n_max, True).reshape(len(sd), Y)
        in_modules = mx.rows("storage_in_modules", dy, 0.0, 0.0).reshape(len(sd), Y)
        mx.terms(in_modules, added, 1.0)
        mx.terms(in_modules, modules, -module)
    kwh = mx.cols("storage_kwh", dy, 0.0, INF).reshape(len(sd), Y)
    rows = mx.rows("storage_kwh_def", dy, 0.0, 0.0).reshape(len(sd), Y)
    mx.terms(rows, kwh, 1.0)
    yy, cc = np.nonzero(_in_service(inp.storage_life, inp))
    mx.terms(rows[:, yy], added[:, cc], -1.0)
    mx.terms(mx.rows("storage_limit", dy, -INF, np.repeat(smax, Y)), kwh.ravel(), 1.0)
    ch = _hourly(mx, "storage_charge_kw", sd, inp)
    dis = _hourly(mx, "storage_discharge_kw", sd, inp)
    soc = _hourly(mx, "storage_soc_kwh", sd, inp)
    hours = _grid(sd, inp)
    shape = soc.pos.shape
    eta = inp.storage_efficiency
    bal = mx.rows("storage_balance", hours, 0.0, 0.0).reshape(shape)
    mx.terms(bal, soc.pos, 1.0)
    mx.terms(bal, np.roll(soc.pos, 1, axis=3), -1.0)
    length = np.broadcast_to(_lengths(inp), shape)
    mx.terms(bal, ch.pos, -(length * eta))
    mx.terms(bal, dis.pos, length / eta)
    cap = np.broadcast_to(kwh[:, :, None, None], shape)
    for name, block, coef in (("storage_energy_limit", soc, 1.0),
                              ("storage_charge_limit", ch, inp.storage_power_kw_per_kwh),
                              ("storage_discharge_limit", dis, inp.storage_power_kw_per_kwh)):
        lim = mx.rows(name, hours, -INF, 0.0).reshape(shape)
        mx.terms(lim, block.pos, 1.0)
        mx.terms(lim, cap, -coef)
    left = _left(inp.storage_life, inp)
    for yi, y in enumerate(years):
        ledger.capex(y, added[:, yi], inp.storage_capex_cny_per_kwh[y])
        ledger.cost(y, kwh[:, yi], inp.storage_om_cny_per_kwh_year)
        if left[yi] > 0:
            ledger.terminal(added[:, yi], left[yi] * inp.storage_capex_cny_per_kwh[y])
    return Storage(ch, dis)


def _grid_block(mx: Matrix, ledger: Ledger, inp: Inputs, charge: Charging, pv_used: Hourly,
                pv_export: Hourly, storage: Storage) -> None:
    depots, years = inp.depots, inp.years
    Y = len(years)
    g = _hourly(mx, "grid_import_kw", depots, inp)
    shape = g.pos.shape
    bal = mx.rows("site_balance", _grid(depots, inp),
                  np.broadcast_to(_drh(inp.building_load_kw, depots, inp), shape).ravel(),
                  np.broadcast_to(_drh(inp.building_load_kw, depots, inp), shape).ravel()
                  ).reshape(shape)
    mx.terms(bal, g.pos, 1.0)
    for block, sign in ((pv_used, 1.0), (storage.discharge, 1.0), (storage.charge, -1.0)):
        mx.terms(bal[[g.row_of[d] for d in block.depots]], block.pos, sign)
    for (d, q), block in charge.hourly.items():
        mx.terms(bal[g.row_of[d]], block, -1.0)

    ud = inp.upgrade_depots
    span = np.array([inp.upgrade_max_kw[d] - inp.grid_kw[d] for d in ud])
    udy = [(d, y) for d in ud for y in years]
    upgrade = mx.cols("upgrade_kw", udy, 0.0, np.repeat(span, Y)).reshape(len(ud), Y)
    built = mx.cols("upgrade_built", udy, 0.0, 1.0, True).reshape(len(ud), Y)
    upgraded = mx.cols("upgraded_kw", udy, 0.0, np.repeat(span, Y)).reshape(len(ud), Y)
    rows = mx.rows("upgraded_kw_def", udy, 0.0, 0.0).reshape(len(ud), Y)
    mx.terms(rows, upgraded, 1.0)
    yy, cc = np.nonzero(np.tril(np.ones((Y, Y))))
    mx.terms(rows[:, yy], upgrade[:, cc], -1.0)
    needs = mx.rows("upgrade_needs_build", udy, -INF, 0.0).reshape(len(ud), Y)
    mx.terms(needs, upgrade, 1.0)
    mx.terms(needs, built, -span[:, None])
    grid_kw = np.array([inp.grid_kw[d] for d in depots])
    gl = mx.rows("grid_limit", _grid(depots, inp), -INF,
                 np.broadcast_to(grid_kw[:, None, None, None], shape).ravel()).reshape(shape)
    mx.terms(gl, g.pos, 1.0)
    ui = [g.row_of[d] for d in ud]
    mx.terms(gl[ui], np.broadcast_to(upgraded[:, :, None, None], gl[ui].shape), -1.0)

    demand_years = sorted(inp.demand_cny_per_kw_year)
    peak = dict(zip(demand_years, mx.cols("peak_kw", demand_years, 0.0, INF)))
    R, H = len(inp.days), len(inp.hours)
    pd_rows = mx.rows("peak_def", [(d, y, r, h) for (d, y) in demand_years for r in inp.days
                                   for h in inp.hours], 0.0, INF).reshape(len(demand_years), R, H)
    yi_of = {y: i for i, y in enumerate(years)}
    di_of = {d: i for i, d in enumerate(depots)}
    for i, (d, y) in enumerate(demand_years):
        mx.terms(pd_rows[i], peak[d, y], 1.0)
        mx.terms(pd_rows[i], g.pos[di_of[d], yi_of[y]], -1.0)
    choice = [t for t in demand_years if t not in inp.two_part_fixed]
    two_part = dict(zip(choice, mx.cols("two_part", choice, 0.0, 1.0, True)))
    billed = dict(zip(choice, mx.cols("billed_peak_kw", choice, 0.0, INF)))
    threshold = inp.single_part_max_kw  # the largest connection still single-part
    tp_rows = mx.rows("two_part_rule", choice, -INF, [threshold - inp.grid_kw[d] for d, _ in choice])
    bp_rows = mx.rows("billed_peak", choice, [-inp.upgrade_max_kw[d] for d, _ in choice], INF)
    uidx = {d: i for i, d in enumerate(ud)}
    for row_t, row_b, (d, y) in zip(tp_rows, bp_rows, choice):
        mx.terms(row_t, [upgraded[uidx[d], yi_of[y]], two_part[d, y]],
                 [1.0, -(inp.upgrade_max_kw[d] - threshold)])
        mx.terms(row_b, [billed[d, y], peak[d, y], two_part[d, y]],
                 [1.0, -1.0, -inp.upgrade_max_kw[d]])

    w = np.array([inp.day_weight[r] for r in inp.days])[None, :, None]
    length = _lengths(inp)
    left = _left(inp.upgrade_life, inp)
    for yi, y in enumerate(years):
        price = np.array([[[inp.price_cny_per_kwh[inp.tariff_of[d, y], r, h] for h in inp.hours]
                           for r in inp.days] for d in depots])  # (D, R, H), the year's tariff
        ledger.cost(y, g.pos[:, yi], w * length * price)
        factor = np.array([inp.grid_tco2_per_kwh[d, y] for d in depots])[:, None, None]
        ledger.emissions(y, g.pos[:, yi], factor * w * length)
        for d in pv_export.depots:
            ledger.cost(y, pv_export.at(d)[yi], -((w * length)[0] * inp.export_market_cny_per_kwh[d]))
        for d in depots:
            if (d, y) in inp.demand_cny_per_kw_year:
                col = peak[d, y] if (d, y) in inp.two_part_fixed else billed[d, y]
                ledger.cost(y, col, inp.demand_cny_per_kw_year[d, y])
        cost_kw = np.array([inp.upgrade_cost_cny_per_kw[d] for d in ud])
        fixed = np.array([inp.upgrade_fixed_cny[d] for d in ud])
        ledger.capex(y, upgrade[:, yi], cost_kw)
        ledger.capex(y, built[:, yi], fixed)
        ledger.terminal(upgrade[:, yi], left[yi] * cost_kw)
        ledger.terminal(built[:, yi], left[yi] * fixed)


def _ev_share(mx: Matrix, inp: Inputs, fleet: Fleet) -> None:
    """ev_share: B - s T - (1 - s) A + (1 - s) Abar z >= 0; ev_share_electric_only:
    T - B + Ibar z <= Ibar (formulation/policy.py)."""
    if inp.min_ev_share is None:
        return
    s = inp.min_ev_share
    years = list(inp.years)
    electric = {j for j, e in inp.vehicle_energy.items() if e == "electricity"}
    sold_constant = defaultdict(float)
    for t in inp.cohort_years:
        if t[2] in electric:
            sold_constant[t[4]] += _retire_constant(inp, t)
    rows = dict(zip(years, mx.rows("ev_share", years, [(1 - s) * sold_constant[y] for y in years],
                                   INF)))
    only = dict(zip(years, mx.rows("ev_share_electric_only", years, -INF,
                                   [inp.ice_buy_max_count[y] for y in years])))
    z = dict(zip(years, mx.cols("electric_only", years, 0.0, 1.0, True)))
    r, c, v = [], [], []
    for t, col in fleet.buy.items():
        is_ev = t[2] in electric
        r += [rows[t[3]], only[t[3]]]
        c += [col, col]
        v += [(1.0 if is_ev else 0.0) - s, 0.0 if is_ev else 1.0]
    for t in inp.cohort_years:
        if t[2] in electric:
            for col, val in _retire_terms(inp, t, fleet.buy, fleet.count):
                r.append(rows[t[4]]), c.append(col), v.append(-(1 - s) * val)
    for y in years:
        r += [rows[y], only[y]]
        c += [z[y], z[y]]
        v += [(1 - s) * inp.ev_sale_max_count[y], inp.ice_buy_max_count[y]]
    mx.terms(r, c, v)


def to_highs(mx: Matrix) -> highspy.Highs:
    """passModel into a fresh Highs object (output off)."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.passModel(mx.lp())
    return h


def compare(mx: Matrix, lp: highspy.HighsLp, pyomo_cols: list, pyomo_rows: list,
            rel_tol: float = 1e-9) -> list[str]:
    """Differences between the direct build and evfleet's (its HighsLp from solve.to_highs, with
    the Pyomo variables and constraints in column and row order); [] when they are one model.

    Columns and rows are matched by (component name, index); a row may be the other's negation
    (Pyomo keeps `a >= b` as written). Compared: bounds, integrality, objective, every matrix entry.
    """
    problems = []
    col_at = {(name, key): i for name, keys in _expand(mx.col_keys) for i, key in keys}
    row_at = {(name, key): i for name, keys in _expand(mx.row_keys) for i, key in keys}
    cnames = [(v.parent_component().name, v.index()) for v in pyomo_cols]
    rnames = [(c.parent_component().name, c.index()) for c in pyomo_rows]
    try:
        cperm = np.array([col_at[key] for key in cnames])
        rperm = np.array([row_at[key] for key in rnames])
    except KeyError as err:
        return [f"evfleet has {err.args[0]}, the direct build has not"]
    if len(cperm) != mx.n_col or len(rperm) != mx.n_row:
        problems.append(f"size: evfleet {len(cperm)} columns x {len(rperm)} rows, direct "
                        f"{mx.n_col} x {mx.n_row}")
        return problems
    d = mx.lp()

    def close(a, b):
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        both_inf = np.isinf(a) & np.isinf(b) & (np.sign(a) == np.sign(b))
        with np.errstate(invalid="ignore"):
            return both_inf | (np.abs(a - b) <= rel_tol * np.maximum(1.0, np.abs(b)))

    def mismatch(label, ok, keys):
        bad = np.flatnonzero(~ok)
        if len(bad):
            problems.append(f"{label}: {len(bad)} differ, first {keys[bad[0]]}")

    d_lower, d_upper = np.asarray(d.col_lower_)[cperm], np.asarray(d.col_upper_)[cperm]
    mismatch("column lower bound", close(lp.col_lower_, d_lower), cnames)
    mismatch("column upper bound", close(lp.col_upper_, d_upper), cnames)
    mismatch("objective", close(np.asarray(lp.col_cost_), np.asarray(d.col_cost_)[cperm]), cnames)
    if not close([lp.offset_], [d.offset_])[0]:
        problems.append(f"objective constant: evfleet {lp.offset_}, direct {d.offset_}")
    p_int = np.array([t == highspy.HighsVarType.kInteger for t in lp.integrality_]) \
        if len(lp.integrality_) else np.zeros(len(cperm), bool)
    d_int = np.concatenate(mx.integer)[cperm]
    mismatch("integrality", p_int == d_int, cnames)

    def csc(x):
        return sp.csc_matrix((np.asarray(x.a_matrix_.value_), np.asarray(x.a_matrix_.index_),
                              np.asarray(x.a_matrix_.start_)), shape=(x.num_row_, x.num_col_))
    a_p = csc(lp).tocsr()
    a_d = csc(d).tocsr()[rperm][:, cperm]
    same = abs(a_p - a_d).max(axis=1).toarray().ravel()
    negated = abs(a_p + a_d).max(axis=1).toarray().ravel()
    scale = np.maximum(1.0, abs(a_p).max(axis=1).toarray().ravel())
    lo_p, up_p = np.asarray(lp.row_lower_), np.asarray(lp.row_upper_)
    lo_d, up_d = np.asarray(d.row_lower_)[rperm], np.asarray(d.row_upper_)[rperm]
    ok_same = (same <= rel_tol * scale) & close(lo_p, lo_d) & close(up_p, up_d)
    ok_neg = (negated <= rel_tol * scale) & close(lo_p, -up_d) & close(up_p, -lo_d)
    mismatch("row", ok_same | ok_neg, rnames)
    return problems


def _expand(keys):
    start = 0
    for name, index in keys:
        yield name, list(zip(range(start, start + len(index)), index))
        start += len(index)
