"""Objective: minimum net present cost of the plan (spec §4).

NPV = sum_y DF_y (capex - resale + fuel + electricity + maintenance + O&M + carbon price x emissions)
      - DF_{end+1} x value left at end_year + 1.
In diagnosis mode the objective is instead the sum of the named slacks, each divided by a scale
from the data so that the groups are comparable.
"""

from __future__ import annotations

import pyomo.environ as pyo

from evfleet.inputs import Inputs


def add_objective(m: pyo.ConcreteModel, inp: Inputs) -> None:
    """Per-year operating cost, terminal value and the objective."""
    m.electricity_cny = pyo.Expression(m.YEARS, doc="energy + demand charge - export revenue [CNY]",
                                       rule=lambda m, y: m.energy_cny[y] + m.demand_charge_cny[y]
                                       - m.export_revenue_cny[y])
    m.om_cny = pyo.Expression(m.YEARS, doc="PV and storage O&M [CNY]",
                              rule=lambda m, y: m.pv_om_cny[y] + m.storage_om_cny[y])
    m.carbon_cost_cny = pyo.Expression(m.YEARS, doc="carbon price x emissions [CNY]",
                                       rule=lambda m, y: inp.carbon_price_cny_per_t * m.emissions_t[y])
    m.opex_cny = pyo.Expression(m.YEARS, doc="operating cost [CNY]",
                                rule=lambda m, y: m.fuel_cny[y] + m.electricity_cny[y]
                                + m.maintenance_cny[y] + m.om_cny[y] + m.carbon_cost_cny[y])
    m.terminal_value_cny = pyo.Expression(doc="value left at end_year + 1 [CNY]",
                                          expr=m.vehicle_terminal_cny + m.charger_terminal_cny
                                          + m.pv_terminal_cny + m.storage_terminal_cny
                                          + m.grid_terminal_cny)
    df = inp.discount_factor
    m.npv_cny = pyo.Expression(doc="net present cost [CNY]", expr=pyo.quicksum(
        df[y] * (m.capex_cny[y] - m.vehicle_resale_cny[y] + m.opex_cny[y]) for y in inp.years)
        - df[inp.end_year + 1] * m.terminal_value_cny)
    if inp.slack_groups:
        m.objective_scale_cny = pyo.Param(initialize=1.0, doc="diagnosis: objective not in CNY")
        m.objective = pyo.Objective(expr=slack_penalty(m, inp), sense=pyo.minimize,
                                    doc="diagnosis: smallest scaled relaxation")
    else:
        m.objective_scale_cny = pyo.Param(initialize=inp.objective_scale_cny,
                                          doc="the objective is NPV divided by this [CNY]")
        m.objective = pyo.Objective(expr=m.npv_cny / inp.objective_scale_cny, sense=pyo.minimize,
                                    doc="net present cost / money scale [-]")


SLACKS = {  # component -> (group, unit) named in the infeasibility report
    "budget_slack_cny": ("budget", "CNY"),
    "carbon_slack_t": ("carbon cap", "t CO2"),
    "ev_share_slack": ("electric share", "vehicles"),
    "need_slack": ("duty need", "vehicles"),
    "grid_slack_kw": ("grid", "kW"),
    "charge_slack_kwh": ("charger power", "kWh/day"),
}


def slack_penalty(m: pyo.ConcreteModel, inp: Inputs) -> pyo.Expression:
    r"""Sum of slacks, each divided by its scale: the mean budget (CNY), the mean cap (t), one
    vehicle, the mean connection (kW) and the mean daily charging need (kWh)."""
    scale = inp.slack_penalty
    terms = []
    for name in SLACKS:
        var = getattr(m, name, None)
        if var is not None:
            terms.append(pyo.quicksum(var.values()) / scale[name])
    return pyo.quicksum(terms)
