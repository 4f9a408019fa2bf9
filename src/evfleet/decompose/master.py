r"""The master problem of the decomposition: choose one plan per depot among the plans found.

With plans k of depot d (cost c_{dk} [CNY], usage u_{dk} of each coupling row r), weights
w_{dk} and penalised violations s_r:

.. math::
    \min\ \sum_{d,k} c_{dk} w_{dk} + \sum_r P_r s_r
    \quad\text{s.t.}\quad \sum_{d,k} u_{dkr} w_{dk} - s_r \le B_r \ (\lambda_r),
    \qquad \sum_k w_{dk} = 1 \ (\mu_d), \qquad w, s \ge 0

Its LP gives the prices lambda_r >= 0 at which the depots are priced again (Dantzig-Wolfe);
with w binary over the integer plans only it chooses the network plan. Each row r is divided by
its scale S_r (the larger of |B_r| and the first plans' total |usage|) and costs by the first
plans' total NPV C, so HiGHS sees coefficients near 1; P_r = 10 in those units: a violation of
one S_r costs ten times the whole network, so s_r > 0 in the integer master means no mix of the
plans found meets row r. Blocks that are not depots (the share rule's z_y: block.rule_columns)
come with all their plans at once and are chosen the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np

from evfleet.decompose.block import Column
from evfleet.solver.highs import FEASIBLE, MS, new_highs

FEASIBILITY_TOLERANCE = 1e-7  # HiGHS's primal_feasibility_tolerance, on the scaled rows
VIOLATION_PENALTY = 10.0  # per scaled unit of a coupling row, in units of the network's NPV


@dataclass(frozen=True)
class Choice:
    """The integer master's answer: one column per depot."""

    cost_cny: float
    columns: dict[str, Column]  # the depots' plans
    rules: dict[str, Column]  # the plans chosen for the blocks that are not depots
    violation: np.ndarray  # s_r in the row's natural units; all zero for a network plan
    proven_optimal: bool  # among the plans found


class Master:
    def __init__(self, depots: list[str], limits: np.ndarray, first: dict[str, Column],
                 rules: list[Column] = ()):
        self.rule_blocks = sorted({c.depot for c in rules})
        self.depots = depots
        self.limits = limits
        self.row = {d: len(limits) + i for i, d in enumerate(depots + self.rule_blocks)}
        total_usage = np.sum([np.abs(first[d].usage) for d in depots], axis=0)
        self.row_scale = np.maximum(np.maximum(np.abs(limits), total_usage), 1e-9)
        self.cost_scale = 1.0 / max(sum(abs(first[d].cost_cny) for d in depots), 1.0)
        self.columns: list[Column] = []
        self.h = new_highs()
        self.h.setOptionValue("output_flag", False)
        n_rows = len(limits) + len(self.row)
        lower = np.concatenate([np.full(len(limits), -highspy.kHighsInf), np.ones(len(self.row))])
        upper = np.concatenate([limits / self.row_scale, np.ones(len(self.row))])
        self.h.addRows(n_rows, lower, upper, 0, np.zeros(n_rows, dtype=np.int32),
                       np.array([], dtype=np.int32), np.array([], dtype=float))
        r = len(limits)  # the violations s_r: one column each, -1 in its row
        self.h.addCols(r, np.full(r, VIOLATION_PENALTY), np.zeros(r), np.full(r, highspy.kHighsInf),
                       r, np.arange(r, dtype=np.int32), np.arange(r, dtype=np.int32), -np.ones(r))
        self.rules = list(rules)
        self.add(list(first.values()) + self.rules)

    def add(self, columns: list[Column]) -> None:
        starts, index, value = [], [], []
        for col in columns:
            starts.append(len(index))
            nz = np.flatnonzero(col.usage)
            index.extend(nz.tolist())
            value.extend((col.usage[nz] / self.row_scale[nz]).tolist())
            index.append(self.row[col.depot])
            value.append(1.0)
        n = len(columns)
        if not n:
            return
        costs = np.array([c.cost_cny for c in columns]) * self.cost_scale
        self.h.addCols(n, costs, np.zeros(n), np.full(n, highspy.kHighsInf), len(index),
                       np.array(starts, dtype=np.int32), np.array(index, dtype=np.int32),
                       np.array(value, dtype=float))
        self.columns.extend(columns)

    def solve_lp(self, limits: np.ndarray | None = None) -> tuple[float, np.ndarray, dict[str, float]]:
        """The master LP (with other right-hand sides B when given): its objective [CNY], the
        prices lambda_r [CNY per unit of row r] and mu_d [CNY] (a new plan of depot d improves
        the master if c + lambda.u < mu_d)."""
        h = self.h
        r = len(self.limits)
        upper = (self.limits if limits is None else limits) / self.row_scale
        h.changeRowsBounds(r, np.arange(r, dtype=np.int32), np.full(r, -highspy.kHighsInf), upper)
        h.solve()
        if h.getModelStatus() != MS.kOptimal:
            raise RuntimeError(f"master LP: {h.modelStatusToString(h.getModelStatus())}")
        y = np.asarray(h.getSolution().row_dual)
        prices = np.maximum(-y[:r] / (self.cost_scale * self.row_scale), 0.0)
        mu = {d: y[self.row[d]] / self.cost_scale for d in self.depots}
        return h.getInfo().objective_function_value / self.cost_scale, prices, mu

    def rule_bound_cny(self, prices: np.ndarray) -> float:
        """The blocks that are not depots in the Lagrangian bound: sum over them of the least
        lambda.u among their plans [CNY] (their plans cost nothing)."""
        least: dict[str, float] = {}
        for col in self.rules:
            least[col.depot] = min(least.get(col.depot, np.inf), float(prices @ col.usage))
        return sum(least.values())

    def allocation(self) -> dict[str, np.ndarray]:
        """Each block's usage of the coupling rows in the last master LP: sum_k w_dk u_dk."""
        w = np.asarray(self.h.getSolution().col_value)[len(self.limits):]
        out = {d: np.zeros(len(self.limits)) for d in self.row}
        for weight, col in zip(w, self.columns):
            if weight > 0:
                out[col.depot] += weight * col.usage
        return out

    def violation_cny(self) -> np.ndarray:
        """What one unit of violation of each row costs in the master [CNY per row unit]."""
        return VIOLATION_PENALTY / (self.cost_scale * self.row_scale)

    def solve_integer(self, gap: float, time_limit_s: float | None) -> Choice | None:
        """One integer column per depot (binary weights), violations penalised."""
        lp = self.h.getLp()
        integer = np.array([c.integer for c in self.columns])
        r = len(self.limits)
        upper = np.array(lp.col_upper_, dtype=float)
        upper[r:][~integer] = 0.0  # relaxed plans are not plans
        upper[r:][integer] = 1.0
        lp.col_upper_ = upper
        row_upper = np.array(lp.row_upper_, dtype=float)
        row_upper[:r] = self.limits / self.row_scale  # the network's rows, whatever the LP held
        lp.row_upper_ = row_upper
        lp.integrality_ = ([highspy.HighsVarType.kContinuous] * r
                           + [highspy.HighsVarType.kInteger if i else
                              highspy.HighsVarType.kContinuous for i in integer])
        h = new_highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("mip_rel_gap", gap)
        if time_limit_s is not None:
            h.setOptionValue("time_limit", float(time_limit_s))
        h.passModel(lp)
        h.solve()
        if h.getInfo().primal_solution_status != FEASIBLE:
            return None
        x = np.asarray(h.getSolution().col_value)
        chosen, rules = {}, {}
        for j in np.flatnonzero(x[r:] > 0.5):
            col = self.columns[j]
            (rules if col.depot in self.rule_blocks else chosen)[col.depot] = col
        # below HiGHS's feasibility tolerance (1e-7 of the row's scale) a violation is rounding
        violation = np.where(x[:r] > FEASIBILITY_TOLERANCE, x[:r], 0.0) * self.row_scale
        return Choice(sum(c.cost_cny for c in chosen.values()), chosen, rules, violation,
                      h.getModelStatus() == MS.kOptimal)
