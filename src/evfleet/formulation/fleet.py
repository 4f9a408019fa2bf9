"""Fleet: vehicle cohorts bought, kept, sold early or retired at end of life; duty needs met.

Variables: buy_count[d,k,j,c] (integer, vehicles bought in year c) and
vehicles_count[d,k,j,c,y] (integer, vehicles of cohort c in service in year y).
Vehicles sold early are the drop in a cohort from one year to the next (retire_count).
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from evfleet.inputs import Inputs


def add_fleet(m: pyo.ConcreteModel, inp: Inputs) -> None:
    """Fleet variables, constraints and the per-year fleet cost and emission expressions."""
    def count_bounds(m, d, k, j, c, y):
        bought = inp.buy_max_count.get((d, k, j), 0) if c >= inp.start_year else 0
        return (0, inp.initial_count.get((d, k, j, c), 0) + bought)

    m.buy_count = pyo.Var(m.BUY_COHORTS, within=pyo.NonNegativeIntegers,
                          bounds=lambda m, d, k, j, c: (0, inp.buy_max_count[d, k, j]),
                          doc="vehicles bought, at most buy_max_count [count]")
    m.vehicles_count = pyo.Var(m.COHORT_YEARS, within=pyo.NonNegativeIntegers, bounds=count_bounds,
                               doc="vehicles of a cohort in service [count]")

    m.cohort_start = pyo.Constraint(m.COHORTS, rule=cohort_start_rule,
                                    doc="a cohort starts with what was owned plus what was bought")
    m.bought_serve = pyo.Constraint(m.BUY_COHORTS, rule=bought_serve_rule,
                                    doc="vehicles bought serve at least their purchase year")
    m.COHORT_LATER_YEARS = pyo.Set(dimen=5, ordered=True, doc="cohort-years after the first",
                                   initialize=[t for t in inp.cohort_years
                                               if t[4] > inp.first_year[t[:4]]])
    m.cohort_shrinks = pyo.Constraint(m.COHORT_LATER_YEARS, rule=cohort_shrinks_rule,
                                      doc="a cohort never grows after its first year")

    m.COHORT_HELD_YEARS = pyo.Set(dimen=5, ordered=True, doc="cohort-years too young to sell",
                                  initialize=[t for t in inp.cohort_years
                                              if t[4] < inp.sale_from_year.get(t[:4], t[4])])

    if "need_slack" in inp.slack_groups:
        m.need_slack = pyo.Var(m.DUTY_YEARS, within=pyo.NonNegativeReals,
                               doc="diagnosis: vehicles missing to meet a duty [count]")
    m.need_met = pyo.Constraint(m.DUTY_YEARS, rule=need_met_rule,
                                doc="each duty has the vehicles it needs every year")

    _add_fleet_expressions(m, inp)
    m.held = pyo.Constraint(m.COHORT_HELD_YEARS, rule=held_rule,
                            doc="no vehicle is sold before min_years_before_sale")


def cohort_start_rule(m, d, k, j, c):
    r"""Vehicles in service in a cohort's first planning year cannot exceed those owned or bought.

    .. math:: n_{dkjc,\,y_0} \le N^0_{dkjc} + b_{dkjc}, \quad y_0 = \max(c, y^{start})

    Units: vehicles. b exists only for cohorts bought in a planning year.
    """
    inp = m.inp
    y0 = inp.first_year[d, k, j, c]
    bought = m.buy_count[d, k, j, c] if (d, k, j, c) in m.BUY_COHORTS else 0
    return m.vehicles_count[d, k, j, c, y0] <= inp.initial_count.get((d, k, j, c), 0) + bought


def bought_serve_rule(m, d, k, j, c):
    r"""Vehicles bought in year c are in service in year c: none is resold in its purchase year.

    .. math:: n_{dkjcc} \ge b_{dkjc}

    Without it a purchase resold at once would cost nothing and could pad the electric share.
    Units: vehicles.
    """
    return m.vehicles_count[d, k, j, c, c] >= m.buy_count[d, k, j, c]


def cohort_shrinks_rule(m, d, k, j, c, y):
    r"""A cohort only shrinks: vehicles leave by early sale, never join after the first year.

    .. math:: n_{dkjcy} \le n_{dkjc,y-1} \quad \forall y > y_0

    Units: vehicles. The drop is the number sold at the start of year y.
    """
    return m.vehicles_count[d, k, j, c, y] <= m.vehicles_count[d, k, j, c, y - 1]


def held_rule(m, d, k, j, c, y):
    r"""No vehicle of a cohort is sold while younger than the holding period.

    .. math:: o_{dkjcy} = 0 \quad \forall y < c + \max(H^{case}, H_j)

    o: vehicles sold at the start of y (retire_count); H: min_years_before_sale of the case and
    of the model. Units: vehicles.
    """
    return m.retire_count[d, k, j, c, y] <= 0


def need_met_rule(m, d, k, y):
    r"""Every duty has at least the vehicles it needs in every planning year.

    .. math:: \sum_{j,c} n_{dkjcy} + s^{need}_{dky} \ge N_{dky}

    Units: vehicles. N = ceil(vehicles x (1+growth)^(y - start)); s only when diagnosing.
    """
    slack = m.need_slack[d, k, y] if "need_slack" in m.inp.slack_groups else 0
    return (pyo.quicksum(m.vehicles_count[t] for t in m.inp.cohort_years_by_duty.get((d, k, y), ()))
            + slack
            >= m.inp.need_count[d, k, y])


def _add_fleet_expressions(m: pyo.ConcreteModel, inp: Inputs) -> None:
    """Per-year fleet cash flows (CNY), emissions (t) and counts, defined once and reused."""

    def retire(t):
        d, k, j, c, y = t
        if y == inp.first_year[d, k, j, c]:
            before = inp.initial_count.get((d, k, j, c), 0) + (
                m.buy_count[d, k, j, c] if (d, k, j, c) in m.BUY_COHORTS else 0)
        else:
            before = m.vehicles_count[d, k, j, c, y - 1]
        return before - m.vehicles_count[t]

    m.retire_count = pyo.Expression(m.COHORT_YEARS, rule=lambda m, *t: retire(t),
                                    doc="vehicles sold at the start of year y [count]")
    buys, sales, exits, terminal = defaultdict(list), defaultdict(list), defaultdict(list), []
    for t in inp.buy_cohorts:
        buys[t[3]].append(t)
    for t in inp.cohort_years:
        sales[t[4]].append(t)
    for t in inp.cohorts:
        e = inp.exit_year[t]
        last = (*t, e - 1)
        if last not in m.COHORT_YEARS:
            continue
        (exits[e] if e <= inp.end_year else terminal).append(last)

    m.vehicle_capex_cny = pyo.Expression(m.YEARS, doc="vehicle purchases net of subsidy [CNY]",
                                         rule=lambda m, y: pyo.quicksum(
                                             inp.buy_price_cny[t] * m.buy_count[t] for t in buys[y]))
    m.purchase_tax_cny = pyo.Expression(m.YEARS, doc="purchase tax on the vehicles bought [CNY]",
                                        rule=lambda m, y: pyo.quicksum(
                                            inp.purchase_tax_cny[t[2], y] * m.buy_count[t]
                                            for t in buys[y]))

    def resale(m, y):
        early = pyo.quicksum(inp.resale_value_cny[t] * m.retire_count[t] for t in sales[y])
        end_of_life = pyo.quicksum(inp.exit_value_cny[t[:4]] * m.vehicles_count[t] for t in exits[y])
        past = inp.past_life_resale_cny if y == inp.start_year else 0.0
        return early + end_of_life + past

    m.vehicle_resale_cny = pyo.Expression(m.YEARS, rule=resale,
                                          doc="market value of vehicles sold early or at end of life [CNY]")
    m.vehicle_terminal_cny = pyo.Expression(
        expr=pyo.quicksum(inp.exit_value_cny[t[:4]] * m.vehicles_count[t] for t in terminal),
        doc="market value of vehicles in service at end_year + 1 [CNY]")
    m.fuel_cny = pyo.Expression(m.YEARS, doc="fuel bought [CNY]", rule=lambda m, y: pyo.quicksum(
        inp.run_cost_cny[t[0], t[1], t[2], y]["fuel"] * m.vehicles_count[t]
        for t in sales[y] if inp.run_cost_cny[t[0], t[1], t[2], y]["fuel"]))
    m.maintenance_cny = pyo.Expression(m.YEARS, doc="vehicle maintenance [CNY]",
                                       rule=lambda m, y: pyo.quicksum(
                                           inp.run_cost_cny[t[0], t[1], t[2], y]["maintenance"]
                                           * m.vehicles_count[t] for t in sales[y]))
    fuel_burning = defaultdict(list)  # (d, y) -> live cohort-years that burn fuel
    for t in inp.cohort_years:
        if (t[0], t[1], t[2], t[4]) in inp.fuel_tco2_per_vehicle:
            fuel_burning[t[0], t[4]].append(t)
    m.fuel_emissions_depot_t = pyo.Expression(
        m.DEPOT_YEARS, doc="CO2 from fuel burnt at a depot [t]",
        rule=lambda m, d, y: pyo.quicksum(inp.fuel_tco2_per_vehicle[t[0], t[1], t[2], y]
                                          * m.vehicles_count[t] for t in fuel_burning[d, y]))
    m.fuel_emissions_t = pyo.Expression(m.YEARS, doc="CO2 from fuel burnt [t]",
                                        rule=lambda m, y: pyo.quicksum(
                                            m.fuel_emissions_depot_t[d, y] for d in inp.depots))
    electric = {j for j, e in inp.vehicle_energy.items() if e == "electricity"}
    m.ev_count = pyo.Expression(m.DEPOT_YEARS, doc="electric vehicles in service [count]",
                                rule=lambda m, d, y: pyo.quicksum(
                                    m.vehicles_count[t]
                                    for t in inp.ev_cohort_years_by_depot.get((d, y), ())))
    m.ev_sold_early = pyo.Expression(m.YEARS, doc="electric vehicles sold before end of life [count]",
                                     rule=lambda m, y: pyo.quicksum(
                                         m.retire_count[t] for t in sales[y] if t[2] in electric))
    m.ev_bought = pyo.Expression(m.YEARS, doc="electric vehicles bought [count]",
                                 rule=lambda m, y: pyo.quicksum(
                                     m.buy_count[t] for t in buys[y] if t[2] in electric))
    m.all_bought = pyo.Expression(m.YEARS, doc="vehicles bought [count]",
                                  rule=lambda m, y: pyo.quicksum(m.buy_count[t] for t in buys[y]))
