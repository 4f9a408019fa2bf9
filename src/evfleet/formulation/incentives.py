"""The old-truck trade-in (new-features §F.1): an eligible combustion truck sold early and a
new-energy truck bought at the same depot in the same year of the scheme earn the scrapping
subsidy and the new truck's subsidy, pair by pair, up to the smaller count. The subsidies lower
the year's capital spend."""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from evfleet.inputs import Inputs


def add_incentives(m: pyo.ConcreteModel, inp: Inputs) -> None:
    """Trade-in sets, the vehicles counted in pairs, the pairing rules and the subsidy."""
    m.TRADE_SCRAP = pyo.Set(dimen=5, ordered=True, initialize=sorted(inp.trade_scrap_cny),
                            doc="(d, k, j, c, y): eligible vehicles a sale in y scraps early")
    m.TRADE_NEW = pyo.Set(dimen=4, ordered=True, initialize=sorted(inp.trade_new_cny),
                          doc="(d, k, j, c): eligible new-energy trucks bought in c")
    m.TRADE_DEPOT_YEARS = pyo.Set(dimen=2, ordered=True, initialize=inp.trade_depot_years,
                                  doc="(d, y) where both may happen")
    m.scrapped_traded = pyo.Var(m.TRADE_SCRAP, within=pyo.NonNegativeReals,
                                doc="vehicles sold early that earn the scrapping subsidy [count]")
    m.bought_traded = pyo.Var(m.TRADE_NEW, within=pyo.NonNegativeReals,
                              doc="new-energy trucks bought that earn the new-truck subsidy [count]")
    m.scrap_within_sales = pyo.Constraint(m.TRADE_SCRAP, rule=scrap_within_sales_rule,
                                          doc="scrapped for the subsidy: sold early")
    m.new_within_buys = pyo.Constraint(m.TRADE_NEW, rule=new_within_buys_rule,
                                       doc="new trucks for the subsidy: bought")
    m.trade_pairs = pyo.Constraint(m.TRADE_DEPOT_YEARS, rule=trade_pairs_rule,
                                   doc="one new-energy truck per truck scrapped, depot by depot")
    scrap_in, new_in = defaultdict(list), defaultdict(list)
    for t in m.TRADE_SCRAP:
        scrap_in[t[4]].append(t)
    for t in m.TRADE_NEW:
        new_in[t[3]].append(t)
    m.trade_in_subsidy_cny = pyo.Expression(
        m.YEARS, doc="trade-in subsidies received [CNY]", rule=lambda m, y: pyo.quicksum(
            inp.trade_scrap_cny[t] * m.scrapped_traded[t] for t in scrap_in[y])
        + pyo.quicksum(inp.trade_new_cny[t] * m.bought_traded[t] for t in new_in[y]))


def scrap_within_sales_rule(m, d, k, j, c, y):
    r"""A truck earns the scrapping subsidy only if it is sold before its end of life.

    .. math:: \tau^{old}_{dkjcy} \le r_{dkjcy}

    r: vehicles of the cohort sold at the start of y (retire_count; a vehicle leaving at its end
    of life is not a sale, so it earns nothing). Units: vehicles.
    """
    return m.scrapped_traded[d, k, j, c, y] <= m.retire_count[d, k, j, c, y]


def new_within_buys_rule(m, d, k, j, c):
    r"""A new-energy truck earns the new-truck subsidy only if it is bought.

    .. math:: \tau^{new}_{dkjc} \le b_{dkjc}

    Units: vehicles.
    """
    return m.bought_traded[d, k, j, c] <= m.buy_count[d, k, j, c]


def trade_pairs_rule(m, d, y):
    r"""Subsidies are paid per pair: as many new-energy trucks as trucks scrapped, at the depot
    in the year (the optimum pairs min(scrapped early, bought), the subsidy being a gain).

    .. math:: \sum_{k,j,c} \tau^{old}_{dkjcy} = \sum_{k,j} \tau^{new}_{dkjy}

    Units: vehicles.
    """
    old = pyo.quicksum(m.scrapped_traded[t] for t in m.TRADE_SCRAP if t[0] == d and t[4] == y)
    new = pyo.quicksum(m.bought_traded[t] for t in m.TRADE_NEW if t[0] == d and t[3] == y)
    return old == new
