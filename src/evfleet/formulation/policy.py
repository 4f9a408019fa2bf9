"""Policy: the yearly capital budget, the yearly carbon cap and the minimum electric share of
purchases. Capital spend and emissions are defined here once, as per-year expressions that the
constraints, the objective and the reports all use."""

from __future__ import annotations

import pyomo.environ as pyo

from evfleet.inputs import Inputs

# Inputs field -> (mutable Param, constraint whose right-hand side it is). A variant of a case that
# differs only in these fields is the same model with those rows' bounds moved (solver/cache.py).
MUTABLE_RHS = {
    "budget_cny": ("budget_limit_cny", "budget"),
    "carbon_cap_t": ("carbon_cap_limit_t", "carbon_cap"),
}
# The rows that span the whole network, by year: the like-for-like baseline releases them
# (formulation/baseline.py) and the depot decomposition prices them (decompose/block.py).
NETWORK_ROWS = ("budget", "carbon_cap", "ev_share", "ev_share_electric_only")


def release_network_rows(m: pyo.ConcreteModel) -> None:
    """Deactivate the budget, carbon cap and electric share rows (NETWORK_ROWS)."""
    for name in NETWORK_ROWS:
        getattr(m, name).deactivate()


def add_policy(m: pyo.ConcreteModel, inp: Inputs) -> None:
    """Per-year capital spend and emissions, and the three policy constraints."""
    m.capex_cny = pyo.Expression(m.YEARS, doc="capital spend net of subsidies [CNY]",
                                 rule=lambda m, y: m.vehicle_capex_cny[y] + m.purchase_tax_cny[y]
                                 - m.trade_in_subsidy_cny[y] + m.charger_capex_cny[y]
                                 + m.pv_capex_cny[y] + m.storage_capex_cny[y] + m.grid_capex_cny[y])
    m.emissions_t = pyo.Expression(m.YEARS, doc="CO2 of fuel burnt, grid imports and the energy "
                                   "charged in public or swapped [t]",
                                   rule=lambda m, y: m.fuel_emissions_t[y] + m.grid_emissions_t[y]
                                   + m.away_emissions_t[y] + m.rental_emissions_t[y])

    m.budget_limit_cny = pyo.Param(m.BUDGET_YEARS, mutable=True, initialize=inp.budget_cny,
                                   doc="capital budget [CNY]")
    m.carbon_cap_limit_t = pyo.Param(m.CAP_YEARS, mutable=True, initialize=inp.carbon_cap_t,
                                     doc="carbon cap [t CO2]")
    if "budget_slack_cny" in inp.slack_groups:
        m.budget_slack_cny = pyo.Var(m.BUDGET_YEARS, within=pyo.NonNegativeReals,
                                     doc="diagnosis: capital spend above the budget [CNY]")
    if "carbon_slack_t" in inp.slack_groups:
        m.carbon_slack_t = pyo.Var(m.CAP_YEARS, within=pyo.NonNegativeReals,
                                   doc="diagnosis: emissions above the cap [t]")
    if "ev_share_slack" in inp.slack_groups:
        m.ev_share_slack = pyo.Var(m.YEARS, within=pyo.NonNegativeReals,
                                   doc="diagnosis: electric purchases missing [count]")
    m.budget = pyo.Constraint(m.BUDGET_YEARS, rule=budget_rule, doc="yearly capital budget [CNY]")
    m.carbon_cap = pyo.Constraint(m.CAP_YEARS, rule=carbon_cap_rule, doc="yearly carbon cap [t CO2]")
    m.electric_only = pyo.Var(m.SHARE_YEARS, within=pyo.Binary,
                              doc="1: the year buys no combustion vehicle, so electric vehicles "
                                  "sold early may outnumber those bought [-]")
    m.ev_share = pyo.Constraint(m.SHARE_YEARS, rule=ev_share_rule,
                                doc="electric vehicles >= share of all vehicles bought, no churn")
    m.ev_share_electric_only = pyo.Constraint(m.SHARE_YEARS, rule=ev_share_electric_only_rule,
                                              doc="a year marked electric-only buys no combustion")


def budget_rule(m, y):
    r"""Capital spend in year y stays within the budget; resale proceeds are income, not budget.

    .. math:: (K^{veh}_y + K^{chg}_y + K^{pv}_y + K^{sto}_y + K^{grid}_y) / \kappa
              \le (B_y + s^{B}_y) / \kappa

    Units: CNY per year, net of subsidies, divided by kappa = money_scale_cny (a power of ten
    from the case's prices) so that HiGHS sees coefficients near 1.
    """
    slack = m.budget_slack_cny[y] if "budget_slack_cny" in m.inp.slack_groups else 0
    scale = m.inp.money_scale_cny
    return m.capex_cny[y] / scale <= (m.budget_limit_cny[y] + slack) / scale


def carbon_cap_rule(m, y):
    r"""Fleet-wide emissions in year y stay within the carbon cap.

    .. math:: E^{fuel}_y + E^{grid}_y \le \overline{E}_y + s^{E}_y

    E^fuel: litres x kg CO2 per litre / 1000; E^grid: imported kWh x grid factor. Units: t CO2.
    """
    slack = m.carbon_slack_t[y] if "carbon_slack_t" in m.inp.slack_groups else 0
    return m.emissions_t[y] <= m.carbon_cap_limit_t[y] + slack


def ev_share_rule(m, y):
    r"""Electric vehicles are at least the required share of the vehicles bought in year y,
    counting no churn (contract §4): electric vehicles bought to replace electric vehicles sold
    early count on neither side. With A sold early, B electric and T all bought, r = min(A, B):

    .. math:: B - r \ge \sigma (T - r)

    holds exactly when either B - \sigma T - (1-\sigma) A \ge 0 (the case A <= B) or T = B
    (A > B: nothing but electric vehicles bought). One binary z_y picks the second:

    .. math:: B_y + s^{EV}_y - \sigma T_y - (1-\sigma) A_y + (1-\sigma) \bar A_y z_y \ge 0

    Ā: ev_sale_max_count, the most electric vehicles year y could sell early, so z = 1 relaxes
    the row fully whenever T = B. Units: vehicles.
    """
    inp = m.inp
    slack = m.ev_share_slack[y] if "ev_share_slack" in inp.slack_groups else 0
    s = inp.min_ev_share
    return (m.ev_bought[y] + slack - s * m.all_bought[y] - (1 - s) * m.ev_sold_early[y]
            + (1 - s) * inp.ev_sale_max_count[y] * m.electric_only[y] >= 0)


def ev_share_electric_only_rule(m, y):
    r"""A year marked electric-only (z_y = 1) buys no combustion vehicle.

    .. math:: T_y - B_y \le \bar I_y (1 - z_y)

    Ī: ice_buy_max_count, the most combustion vehicles year y could buy. Units: vehicles.
    """
    inp = m.inp
    return m.all_bought[y] - m.ev_bought[y] <= inp.ice_buy_max_count[y] * (1 - m.electric_only[y])
