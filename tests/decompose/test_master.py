"""The master problem (decompose/master.py) against enumeration and an independent LP."""

import itertools

import numpy as np
import pytest
from scipy.optimize import linprog

from evfleet.decompose.block import Column
from evfleet.decompose.master import Master

# depot -> plans (capex [CNY], NPV [CNY]); one coupling row: a budget
PLANS = {"a": [(4, 10), (2, 13), (0, 17)], "b": [(3, 8), (1, 12)], "c": [(5, 20), (2, 24), (0, 30)]}


def columns(depot, integer=True):
    return [Column(depot, float(cost), np.array([float(capex)]), integer)
            for capex, cost in PLANS[depot]]


def master(budget):
    first = {d: columns(d)[-1] for d in PLANS}  # the cheapest in capex: a start within budget
    m = Master(sorted(PLANS), np.array([float(budget)]), first)
    m.add([c for d in PLANS for c in columns(d)[:-1]])
    return m


@pytest.mark.parametrize("budget", [1, 3, 7, 9, 12])
def test_integer_master_is_the_best_combination(budget):
    best = min((sum(p[1] for p in combo), combo) for combo in itertools.product(*PLANS.values())
               if sum(p[0] for p in combo) <= budget)
    got = master(budget).solve_integer(gap=0.0, time_limit_s=None)
    assert got.cost_cny == pytest.approx(best[0])
    assert not got.violation.any()
    assert sum(c.usage[0] for c in got.columns.values()) <= budget
    assert got.proven_optimal


def test_violation_names_what_no_mix_can_meet():
    got = master(-2).solve_integer(gap=0.0, time_limit_s=None)  # the least capex is 0 + 1 + 0
    assert got.violation == pytest.approx([3.0])


def test_lp_prices_are_the_budget_row_dual():
    # the same LP written out for scipy: weights per plan, one convexity row per depot
    budget = 7.0
    plans = [(d, capex, cost) for d in PLANS for capex, cost in PLANS[d]]
    a_ub = [[capex for _, capex, _ in plans]]
    a_eq = [[1.0 if p[0] == d else 0.0 for p in plans] for d in sorted(PLANS)]
    ref = linprog([cost for *_, cost in plans], A_ub=a_ub, b_ub=[budget], A_eq=a_eq,
                  b_eq=[1.0] * len(PLANS), method="highs")
    z, prices, mu = master(budget).solve_lp()
    assert z == pytest.approx(ref.fun)
    assert prices == pytest.approx([-ref.ineqlin.marginals[0]])
    # every plan's reduced cost c + lambda u - mu_d is >= 0 at the optimum
    for d, capex, cost in plans:
        assert cost + prices[0] * capex - mu[d] >= -1e-6


def test_integer_master_meets_the_network_rows_whatever_the_lp_held_back():
    m = master(8)
    m.solve_lp(np.array([1.0]))  # a hold-back leaves the LP's rows tighter than the network's
    best = min(sum(p[1] for p in combo) for combo in itertools.product(*PLANS.values())
               if sum(p[0] for p in combo) <= 8)
    assert m.solve_integer(gap=0.0, time_limit_s=None).cost_cny == pytest.approx(best)
