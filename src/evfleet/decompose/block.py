"""One depot of a network as a subproblem of the decomposition (decompose/__init__.py).

A depot's model is the network model restricted to that depot (its own case, the network's
representative days) with the three network-wide rows left out: the yearly budget, the yearly
carbon cap and the electric share of purchases. What the depot contributes to them is read from
the model's own yearly expressions (`capex_cny`, `emissions_t`, `ev_bought`, `all_bought`), so
the decomposition couples exactly the quantities the whole network's constraints sum:

    budget[y]:     u_{d,y} = K_{d,y}                         [CNY]     sum_d u <= B_y
    carbon_cap[y]: u_{d,y} = E_{d,y}                         [t CO2]   sum_d u <= Ebar_y
    ev_share[y]:   u_{d,y} = sigma T_{d,y} + (1 - sigma) A_{d,y} - B_{d,y}   [vehicles]
                   sum_d u - (1 - sigma) Abar_y z_y <= 0
    ev_share_electric_only[y]: u_{d,y} = T_{d,y} - B_{d,y}   [vehicles]
                   sum_d u + Ibar_y z_y <= Ibar_y

(formulation/policy.py: B electric and T all bought, A electric sold early.) The network's binary
z_y is a block of its own with two fixed plans, z = 0 and z = 1 (rule_columns), so the master
chooses it like a depot's plan and the Lagrangian bound takes the cheaper of the two.

Each u is linear in the depot's columns: u = G x + k. The block keeps only HiGHS's arrays (no
Pyomo objects), so thousands of depots fit in a worker; the plan chosen for a depot is turned
back into result tables by building its model again and loading the column values
(`DepotBlock.tables`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import highspy
import numpy as np
import pyomo.environ as pyo
import scipy.sparse as sp
from pyomo.repn.standard_repn import generate_standard_repn

from evfleet.formulation import build_model
from evfleet.formulation.policy import release_network_rows
from evfleet.inputs import Inputs
from evfleet.solver.handoff import to_highs
from evfleet.solver.highs import FEASIBLE, LP_INTEGRAL_TOLERANCE, MS, SolveOptions, new_highs

def coupling_keys(inp: Inputs) -> list[tuple[str, int]]:
    """The network's coupling rows, in a fixed order: (component, year)."""
    keys = [("budget", y) for y in sorted(inp.budget_cny)]
    keys += [("carbon_cap", y) for y in sorted(inp.carbon_cap_t)]
    if inp.min_ev_share is not None:
        keys += [("ev_share", y) for y in inp.years]
        keys += [("ev_share_electric_only", y) for y in inp.years]
    return keys


def coupling_limits(inp: Inputs) -> np.ndarray:
    """Right-hand side of each coupling row (coupling_keys order) for the whole network."""
    limit = {"budget": inp.budget_cny, "carbon_cap": inp.carbon_cap_t,
             "ev_share_electric_only": inp.ice_buy_max_count}
    return np.array([limit[name][y] if name in limit else 0.0 for name, y in coupling_keys(inp)])


RULE_BLOCK = "share rule {year}"  # the name of year y's z block in the master


def rule_columns(inp: Inputs) -> list[Column]:
    """The network's z_y of the no-churn share rule as blocks of two fixed plans each: z = 0 uses
    nothing, z = 1 uses -(1 - sigma) Abar_y of ev_share and Ibar_y of ev_share_electric_only."""
    keys = coupling_keys(inp)
    index = {key: i for i, key in enumerate(keys)}
    out = []
    for y in (inp.years if inp.min_ev_share is not None else ()):
        name = RULE_BLOCK.format(year=y)
        one = np.zeros(len(keys))
        one[index["ev_share", y]] = -(1 - inp.min_ev_share) * inp.ev_sale_max_count[y]
        one[index["ev_share_electric_only", y]] = inp.ice_buy_max_count[y]
        out += [Column(name, 0.0, np.zeros(len(keys)), True, 0.0), Column(name, 0.0, one, True, 0.0)]
    return out


def depot_model(inp: Inputs) -> pyo.ConcreteModel:
    """A depot's model without the network-wide rows (their terms: _usage_expression)."""
    m = build_model(inp)
    release_network_rows(m)
    return m


def _usage_expression(m: pyo.ConcreteModel, name: str, y: int):
    """The depot's term of coupling row (name, y), in the row's natural units."""
    if name == "budget":
        return m.capex_cny[y]
    if name == "carbon_cap":
        return m.emissions_t[y]
    if name == "ev_share_electric_only":
        return m.all_bought[y] - m.ev_bought[y]
    s = m.inp.min_ev_share
    return s * m.all_bought[y] + (1 - s) * m.ev_sold_early[y] - m.ev_bought[y]


@dataclass
class Column:
    """One plan of one depot: its NPV, what it uses of each coupling row, and (for the priced
    solve that produced it) a lower bound on min NPV + prices . usage over the depot's plans."""

    depot: str
    cost_cny: float
    usage: np.ndarray
    integer: bool
    priced_bound_cny: float | None = None
    x: np.ndarray | None = None  # column values (integer columns only: the plan may be chosen)


class DepotBlock:
    """A depot's model as HiGHS arrays, with its coupling terms u = G x + k."""

    def __init__(self, inp: Inputs, keys: list[tuple[str, int]]):
        self.inp_name = inp.name
        self.depot = inp.depots[0]
        self.keys = keys
        m = depot_model(inp)
        exprs = [_usage_expression(m, name, y) for name, y in keys]
        self.lp, cols, _ = to_highs(m)
        self.scale_cny = float(pyo.value(m.objective_scale_cny))
        self.cost = np.array(self.lp.col_cost_, dtype=float)  # own copy: lp.col_cost_ is rewritten
        self.integer = np.array([v.is_integer() or v.is_binary() for v in cols], dtype=bool)
        self.g, self.k = _linear_rows(exprs, cols)
        self.basis: highspy.HighsBasis | None = None  # of the last LP solve: the next starts there

    def price(self, h: highspy.Highs, prices: np.ndarray, options: SolveOptions, integer: bool,
              limits: np.ndarray | None = None, overshoot_cny: np.ndarray | None = None
              ) -> Column | None:
        """min NPV + prices . usage over this depot's plans (LP relaxation unless `integer`).

        With `limits`, the usage stays within them: u <= limits; with `overshoot_cny` too, it
        may exceed them at that cost per unit: u - s <= limits, s >= 0, + overshoot_cny . s
        (an infinite cost keeps that row within its limit).
        None when no plan was found."""
        lp = self.lp
        lp.col_cost_ = self.cost + (self.g.T @ prices) / self.scale_cny
        if not integer:
            lp.integrality_ = []
        h.passModel(lp)
        lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
                           for i in self.integer]
        if limits is not None:
            self._add_limits(h, limits, overshoot_cny)
        h.setOptionValue("mip_rel_gap", options.mip_gap)
        h.setOptionValue("time_limit", float(options.time_limit_s) if options.time_limit_s
                         else highspy.kHighsInf)
        if not integer and self.basis is not None and limits is None:
            h.setBasis(self.basis)
        h.solve()
        status, info = h.getModelStatus(), h.getInfo()
        if info.primal_solution_status != FEASIBLE or status not in (MS.kOptimal, MS.kTimeLimit):
            return None
        x = np.array(h.getSolution().col_value)[:lp.num_col_]  # not the overshoots
        if integer:
            bound = info.mip_dual_bound if np.isfinite(info.mip_dual_bound) else None
        else:
            if limits is None:
                self.basis = h.getBasis()
            bound = info.objective_function_value if status == MS.kOptimal else None
        # an LP plan whose integer columns came out integral is a plan too
        is_plan = integer or bool(np.all(np.abs(x[self.integer] - np.round(x[self.integer]))
                                         <= LP_INTEGRAL_TOLERANCE))
        if is_plan:
            x[self.integer] = np.round(x[self.integer])
        usage = self.g @ x + self.k
        cost = (float(self.cost @ x) + lp.offset_) * self.scale_cny
        priced = None  # HiGHS's objective values include the offset
        if bound is not None and limits is None:
            priced = bound * self.scale_cny + float(prices @ self.k)
        return Column(self.depot, cost, usage, is_plan, priced, x if is_plan else None)


    def _add_limits(self, h: highspy.Highs, limits: np.ndarray,
                    overshoot_cny: np.ndarray | None) -> None:
        """Rows G x (- s) <= limits - k on the model passed to `h`."""
        g = self.g.tocsr()
        n_rows = len(limits)
        if overshoot_cny is not None:  # one overshoot column per row, -1 in that row
            soft = np.isfinite(overshoot_cny)  # an infinite cost: no overshoot of that row
            h.addCols(n_rows, np.where(soft, overshoot_cny, 0.0) / self.scale_cny,
                      np.zeros(n_rows), np.where(soft, highspy.kHighsInf, 0.0), 0,
                      np.zeros(n_rows, dtype=np.int32), np.array([], dtype=np.int32),
                      np.array([], dtype=float))
            g = sp.hstack([g, -sp.identity(n_rows)], format="csr")
        h.addRows(n_rows, np.full(n_rows, -highspy.kHighsInf), limits - self.k, g.nnz,
                  g.indptr[:-1].astype(np.int32), g.indices.astype(np.int32), g.data)


def _linear_rows(exprs: list, cols: list) -> tuple[sp.csr_matrix, np.ndarray]:
    """Each expression as a row over the model's columns: G and the constants k."""
    col_of = {id(v): j for j, v in enumerate(cols)}
    rows, idx, vals, consts = [], [], [], []
    for r, expr in enumerate(exprs):
        repn = generate_standard_repn(expr, compute_values=True)
        for v, coef in zip(repn.linear_vars, repn.linear_coefs):
            j = col_of.get(id(v))
            if j is None:
                raise ValueError(f"coupling term {v.name} is in no row or cost of the depot model")
            rows.append(r)
            idx.append(j)
            vals.append(coef)
        consts.append(float(repn.constant))
    g = sp.csr_matrix((vals, (rows, idx)), shape=(len(exprs), len(cols)))
    return g, np.array(consts)


def subproblem_highs(threads: int = 1) -> highspy.Highs:
    """A quiet HiGHS for the blocks of one worker (one model at a time). HiGHS's thread pool is
    set once per process and refuses a different `threads` later (a solve then returns without
    running), so the pool is reset first: the process may have solved with other threads."""
    highspy.Highs.resetGlobalScheduler(True)
    h = new_highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", threads)
    # HiGHS's root reduced-cost heuristic spent about half of a centre's MIP within its shares
    # (15-depot network: 10.6 s instead of 17.6 s for the same plan, 17.7 s instead of 33 s;
    # docs/performance.md); the sub-MIP heuristics find the plans without it.
    h.setOptionValue("mip_heuristic_run_root_reduced_cost", False)
    return h


def depot_options(options: SolveOptions) -> SolveOptions:
    """Subproblems are solved to a quarter of the gap asked of the network, one thread each,
    with no time limit of their own: a time limit would make the plan depend on the machine's
    load (a tenth of the gap took up to eight times longer on the pilot's centres, for plans
    no better)."""
    return dataclasses.replace(options, mip_gap=options.mip_gap / 4, threads=1, time_limit_s=None)
