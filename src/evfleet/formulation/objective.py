"""Objective: minimum net present cost of the plan (spec §4).

NPV = sum_y DF_y (capex - resale + fuel + electricity + public charging + swap subscriptions
                 + peak rentals + maintenance + O&M + carbon price x emissions)
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
                                + m.public_charging_cny[y] + m.swap_cny[y] + m.peak_rental_cny[y]
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


def slack_penalty(m: pyo.ConcreteModel, inp: Inputs) -> pyo.Expression:
    r"""Diagnosis: the sum of the slacks asked for, each divided by its scale from the data
    (solver/diagnosis.py TARGETS: the mean budget in CNY, the mean cap in t, one vehicle, the
    mean connection in kW, the mean daily charging need in kWh), so that one unit of each weighs
    alike.

    .. math:: \min \sum_{g} \frac{1}{\sigma_g} \sum_i s_{g,i}
    """
    return pyo.quicksum(pyo.quicksum(getattr(m, name).values()) / scale
                        for name, scale in inp.slack_penalty.items())
