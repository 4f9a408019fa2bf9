"""Charging: chargers installed, enough chargers for the electric fleet, and hourly charging on
representative days within plugged-in hours, charger power and the vehicles' own intake."""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from evfleet.inputs import Inputs


def add_charging(m: pyo.ConcreteModel, inp: Inputs) -> None:
    """Charger variables, hourly charging and the charger cost expressions."""
    m.chargers_added = pyo.Var(m.CHARGER_ADDS, within=pyo.NonNegativeIntegers,
                               doc="chargers installed in year y [count]")
    alive = defaultdict(list)  # (d, q, y) -> installation years c still in service in y
    for (d, q, c) in m.CHARGER_ADDS:
        for y in inp.years:
            if c <= y < c + inp.charger_life[q]:
                alive[d, q, y].append(c)
    m.chargers_count = pyo.Expression(
        m.CHARGER_ADDS, doc="chargers in service [count]",
        rule=lambda m, d, q, y: inp.charger_existing.get((d, q, y), 0)
        + pyo.quicksum(m.chargers_added[d, q, c] for c in alive[d, q, y]))
    m.charger_kw = pyo.Var(m.EV_DEPOT_YEARS, within=pyo.NonNegativeReals,
                           doc="power of the chargers in service [kW]")
    m.charger_kw_def = pyo.Constraint(m.EV_DEPOT_YEARS, rule=charger_kw_def_rule,
                                      doc="charger power in service, defined once per depot-year")
    m.ev_intake_kw = pyo.Var(m.EV_DEPOT_YEARS, within=pyo.NonNegativeReals,
                             doc="charging power the electric fleet can take, all plugged in [kW]")
    m.ev_intake_kw_def = pyo.Constraint(m.EV_DEPOT_YEARS, rule=ev_intake_kw_def_rule,
                                        doc="fleet intake power, defined once per depot-year")
    m.charge_kw = pyo.Var(m.EV_DEPOT_HOURS, within=pyo.NonNegativeReals,
                          doc="fleet charging power at the depot [kW]")

    m.chargers_enough = pyo.Constraint(m.EV_DEPOT_YEARS, rule=chargers_enough_rule,
                                       doc="electric vehicles <= chargers x vehicles per charger")
    if "charge_slack_kwh" in inp.slack_groups:
        m.charge_slack_kwh = pyo.Var(m.EV_DEPOT_DAYS, within=pyo.NonNegativeReals,
                                     doc="diagnosis: daily charging energy not delivered [kWh]")
    m.charge_energy = pyo.Constraint(m.EV_DEPOT_DAYS, rule=charge_energy_rule,
                                     doc="each day's charging equals the electric fleet's need")
    m.charger_power = pyo.Constraint(m.EV_DEPOT_HOURS, rule=charger_power_rule,
                                     doc="charging within installed charger power")
    m.vehicle_intake = pyo.Constraint(m.EV_DEPOT_HOURS, rule=vehicle_intake_rule,
                                      doc="charging within the plugged-in vehicles' intake")

    m.charger_capex_cny = pyo.Expression(m.YEARS, doc="chargers installed net of subsidy [CNY]",
                                         rule=lambda m, y: pyo.quicksum(
                                             inp.charger_price_cny[q, y] * m.chargers_added[d, q, y]
                                             for d in inp.ev_depots for q in inp.charger_models))
    m.charger_terminal_cny = pyo.Expression(
        doc="book value of chargers at end_year + 1, straight line to zero [CNY]",
        expr=inp.charger_existing_terminal_cny + pyo.quicksum(
            inp.charger_terminal_share[q, c] * inp.charger_price_cny[q, c] * m.chargers_added[d, q, c]
            for (d, q, c) in m.CHARGER_ADDS if inp.charger_terminal_share[q, c] > 0))


def chargers_enough_rule(m, d, y):
    r"""Every electric vehicle at a depot has a share of a charger.

    .. math:: \sum_{k,j \in EV,c} n_{dkjcy} \le \sum_q V_q \, x_{dqy}

    V_q: vehicles one charger serves; x: chargers in service. Units: vehicles.
    """
    inp = m.inp
    return m.ev_count[d, y] <= pyo.quicksum(inp.vehicles_per_charger[q] * m.chargers_count[d, q, y]
                                            for q in inp.charger_models)


def charger_kw_def_rule(m, d, y):
    r"""Power of the chargers in service, a state variable so that each hourly row has one term
    for it instead of the sum over models and installation years.

    .. math:: P^{chg}_{dy} = \sum_q P_q \, x_{dqy}

    Units: kW.
    """
    inp = m.inp
    return m.charger_kw[d, y] == pyo.quicksum(inp.charger_power_kw[q] * m.chargers_count[d, q, y]
                                              for q in inp.charger_models)


def ev_intake_kw_def_rule(m, d, y):
    r"""What the depot's electric fleet can take when every vehicle is plugged in.

    .. math:: I_{dy} = \sum_{k,j \in EV,c} \bar P_j\, n_{dkjcy}

    P-bar: the model's max_charge_kw. Units: kW.
    """
    inp = m.inp
    return m.ev_intake_kw[d, y] == pyo.quicksum(inp.max_charge_kw[t[2]] * m.vehicles_count[t]
                                                for t in inp.ev_cohort_years_by_depot.get((d, y), ()))


def charge_energy_rule(m, d, y, r):
    r"""Each representative day, the depot delivers its electric fleet's charging need.

    .. math:: \sum_h L_h\, p^{ch}_{dyrh} + s^{ch}_{dyr} = \sum_{k,j \in EV,c} e_{dkj}\, n_{dkjcy}

    L_h: hours in the block starting at h (1 unless hours are merged); e = daily_km x kWh/100 km
    / 100 x days_per_year / 365. Units: kWh per day.
    """
    inp = m.inp
    need = pyo.quicksum(inp.charge_kwh_per_vehicle_day[t[:3]] * m.vehicles_count[t]
                        for t in inp.ev_cohort_years_by_depot.get((d, y), ()))
    slack = m.charge_slack_kwh[d, y, r] if "charge_slack_kwh" in inp.slack_groups else 0
    return pyo.quicksum(inp.hour_length_h[h] * m.charge_kw[d, y, r, h] for h in m.HOURS) + slack == need


def charger_power_rule(m, d, y, r, h):
    r"""Charging power never exceeds the power of the chargers in service.

    .. math:: p^{ch}_{dyrh} \le P^{chg}_{dy}

    Units: kW.
    """
    return m.charge_kw[d, y, r, h] <= m.charger_kw[d, y]


def vehicle_intake_rule(m, d, y, r, h):
    r"""Charging power never exceeds what the vehicles plugged in at that hour can take.

    .. math:: p^{ch}_{dyrh} \le \pi_{drh}\, I_{dy}

    pi: share of the fleet plugged in. Units: kW.
    """
    share = m.inp.plugged_share[d, r, h]
    if share <= 0:
        return m.charge_kw[d, y, r, h] <= 0
    return m.charge_kw[d, y, r, h] <= share * m.ev_intake_kw[d, y]
