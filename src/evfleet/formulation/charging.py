"""Charging: how every electric vehicle gets its energy. Each vehicle of a duty-model pair is
served by one supply s: a depot charger model that fits its class, a public station, or a
battery-swap plan. Depot chargers serve their vehicles within their count, power and the hours the
vehicles are plugged in, model by model and hour by hour; public charging and swapping cost per
vehicle-year and never touch the depot's chargers or grid connection.

A duty with a midday top-up charges in its window what one battery cannot carry (top_up_kw).

Variables: supplied_count[d,k,j,s,y] (integer, vehicles of a pair on supply s),
chargers_added[d,q,y] (integer), charge_kw[d,q,y,r,h] (what model q's chargers deliver),
top_up_kw[d,k,j,q,y,r,h] (the part of it that is a midday top-up).
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from evfleet.inputs import Inputs
from evfleet.inputs.supply import PUBLIC, SWAP


def add_charging(m: pyo.ConcreteModel, inp: Inputs) -> None:
    """Supply choice, depot chargers, hourly charging per charger model, and the charging costs."""
    m.supplied_count = pyo.Var(m.SUPPLY_YEARS, within=pyo.NonNegativeIntegers,
                               doc="vehicles of a pair served by supply s [count]")
    m.supply_all = pyo.Constraint(m.EV_PAIR_YEARS, rule=supply_all_rule,
                                  doc="every electric vehicle has one supply")
    _add_depot_chargers(m, inp)
    m.PUBLIC_CAPPED = pyo.Set(dimen=3, ordered=True, doc="(d, k, y) where public charging is capped",
                              initialize=sorted({(d, k, y) for (d, k, j, s, y) in m.SUPPLY_YEARS
                                                 if s == PUBLIC}) if inp.public_max_share < 1
                              else [])
    m.public_share = pyo.Constraint(m.PUBLIC_CAPPED, rule=public_share_rule,
                                    doc="a duty's public charging within its allowed share")
    _add_charging_expressions(m, inp)


def _add_depot_chargers(m: pyo.ConcreteModel, inp: Inputs) -> None:
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
    m.chargers_enough = pyo.Constraint(m.CHARGER_ADDS, rule=chargers_enough_rule,
                                       doc="vehicles on a charger model within what its chargers serve")
    m.charger_kw = pyo.Var(m.CHARGER_ADDS, within=pyo.NonNegativeReals,
                           doc="power of a charger model's chargers in service [kW]")
    m.charger_kw_def = pyo.Constraint(m.CHARGER_ADDS, rule=charger_kw_def_rule,
                                      doc="charger power in service, defined once per year")
    m.intake_kw = pyo.Var(m.CHARGER_ADDS, within=pyo.NonNegativeReals,
                          doc="what the vehicles on a charger model take, all plugged in [kW]")
    m.intake_kw_def = pyo.Constraint(m.CHARGER_ADDS, rule=intake_kw_def_rule,
                                     doc="vehicles' intake on a charger model, defined once per year")
    m.charge_kw = pyo.Var(m.CHARGER_HOURS, within=pyo.NonNegativeReals,
                          doc="charging delivered by a charger model's chargers [kW]")
    if "charge_slack_kwh" in inp.slack_groups:
        m.charge_slack_kwh = pyo.Var(m.CHARGER_DAYS, within=pyo.NonNegativeReals,
                                     doc="diagnosis: daily charging energy not delivered [kWh]")
    m.charge_energy = pyo.Constraint(m.CHARGER_DAYS, rule=charge_energy_rule,
                                     doc="each day a charger model delivers its vehicles' need")
    m.charger_power = pyo.Constraint(m.SHARED_CHARGER_HOURS, rule=charger_power_rule,
                                     doc="charging within the charger model's power in service")
    _add_top_up(m)
    m.vehicle_intake = pyo.Constraint(m.CHARGER_HOURS, rule=vehicle_intake_rule,
                                      doc="charging within the plugged-in vehicles' intake")
    m.charger_capex_cny = pyo.Expression(m.YEARS, doc="chargers installed net of subsidy [CNY]",
                                         rule=lambda m, y: pyo.quicksum(
                                             inp.charger_price_cny[q, y] * m.chargers_added[d, q, y]
                                             for (d, q) in inp.depot_chargers))
    m.charger_terminal_cny = pyo.Expression(
        doc="book value of chargers at end_year + 1, straight line to zero [CNY]",
        expr=inp.charger_existing_terminal_cny + pyo.quicksum(
            inp.charger_terminal_share[q, c] * inp.charger_price_cny[q, c] * m.chargers_added[d, q, c]
            for (d, q, c) in m.CHARGER_ADDS if inp.charger_terminal_share[q, c] > 0))


def _add_top_up(m: pyo.ConcreteModel) -> None:
    """The midday top-up of duties with `top_up:` whose day needs more than one battery: what
    they charge in their window, part of their charger model's charging."""
    m.top_up_kw = pyo.Var(m.TOP_UP_HOURS, within=pyo.NonNegativeReals,
                          doc="midday top-up of a pair's vehicles on charger model q [kW]")
    at = defaultdict(list)  # (d, q, y, r, h) -> (k, j) topping up then
    for (d, k, j, q, y, r, h) in m.TOP_UP_HOURS:
        at[d, q, y, r, h].append((k, j))
    m.top_up_at = dict(at)
    m.top_up_energy = pyo.Constraint(m.TOP_UP_DAYS, rule=top_up_energy_rule,
                                     doc="what one battery cannot carry, charged in the window")
    m.top_up_intake = pyo.Constraint(m.TOP_UP_HOURS, rule=top_up_intake_rule,
                                     doc="a top-up within the vehicles back in the window")
    m.top_up_within = pyo.Constraint(sorted(at), rule=top_up_within_rule,
                                     doc="the top-ups are part of the charger model's charging")


def top_up_energy_rule(m, d, k, j, q, y, r):
    r"""The vehicles of a top-up pair charge in their midday window what one battery cannot carry
    through a working day of day r.

    .. math:: \sum_h L_h\, u_{dkjqyrh} \ge \sigma_{dkjr}\, a_{dkjqy}

    sigma = max(0, daily_km x kWh/100 km / 100 x f_{djr} - usable battery) x days_per_year / 365.
    Units: kWh per day.
    """
    inp = m.inp
    return (pyo.quicksum(inp.hour_length_h[h] * m.top_up_kw[d, k, j, q, y, r, h]
                         for h in m.HOURS if (d, k, j, q, y, r, h) in m.TOP_UP_HOURS)
            >= inp.top_up_kwh_per_vehicle_day[d, k, j, r] * m.supplied_count[d, k, j, q, y])


def top_up_intake_rule(m, d, k, j, q, y, r, h):
    r"""A top-up never exceeds what the pair's vehicles back in the window can take.

    .. math:: u_{dkjqyrh} \le \omega_{dkrh} \min(P_q, \bar P_j)\, a_{dkjqy}

    omega: the block's share of hours in the window x (1 - pi_{drh}), the vehicles not already
    counted plugged in. Units: kW.
    """
    inp = m.inp
    return (m.top_up_kw[d, k, j, q, y, r, h]
            <= inp.top_up_share[d, k, r, h] * inp.charge_rate_kw[j, q] * m.supplied_count[d, k, j, q, y])


def top_up_within_rule(m, d, q, y, r, h):
    r"""The top-ups in an hour are part of what the charger model delivers then.

    .. math:: \sum_{k,j} u_{dkjqyrh} \le p_{dqyrh}

    Units: kW.
    """
    return pyo.quicksum(m.top_up_kw[d, k, j, q, y, r, h] for (k, j) in m.top_up_at[d, q, y, r, h]) \
        <= m.charge_kw[d, q, y, r, h]


def supply_all_rule(m, d, k, j, y):
    r"""Every electric vehicle of a pair in service has exactly one supply.

    .. math:: \sum_{s \in S_{dkj}} a_{dkjsy} = \sum_c n_{dkjcy}

    S: the charger models that fit the class and can deliver the vehicle's daily energy in the
    hours it is plugged in, public stations, a swap plan (inputs/supply.py). Units: vehicles.
    """
    fleet = pyo.quicksum(m.vehicles_count[t] for t in m.inp.cohort_years_by_duty[d, k, y]
                         if t[2] == j)
    supplies = m.inp.supply_options[d, k, j]
    return pyo.quicksum(m.supplied_count[d, k, j, s, y] for s in supplies) == fleet


def _on_charger(m, d, q, y):
    """The (k, j) pairs that may use charger model q at depot d in year y."""
    return m.inp.pairs_on_charger.get((d, q, y), ())


def chargers_enough_rule(m, d, q, y):
    r"""The vehicles on a charger model fit its chargers: one charger serves n_{dkjq} of a pair.

    .. math:: \sum_{k,j} a_{dkjqy} / n_{dkjq} \le x_{dqy}

    n = min(V_q, floor(min(P_q, \bar P_j) H_d / e_{dkj})): V the vehicles it serves a night,
    P-bar the vehicle's intake, H_d the hours all vehicles are plugged in, e the daily kWh of a
    working day. Exact when one pair uses a model at a depot (docs/formulation.md). Units: chargers.
    """
    inp = m.inp
    used = pyo.quicksum(m.supplied_count[d, k, j, q, y] / inp.vehicles_per_charger_of[d, k, j, q]
                        for (k, j) in _on_charger(m, d, q, y))
    if isinstance(used, (int, float)):
        return pyo.Constraint.Skip
    return used <= m.chargers_count[d, q, y]


def charger_kw_def_rule(m, d, q, y):
    r"""Power of a charger model's chargers in service, a state variable so that each hourly row
    has one term for it.

    .. math:: P^{chg}_{dqy} = P_q\, x_{dqy}

    Units: kW.
    """
    return m.charger_kw[d, q, y] == m.inp.charger_power_kw[q] * m.chargers_count[d, q, y]


def intake_kw_def_rule(m, d, q, y):
    r"""What the vehicles on charger model q take when all are plugged in.

    .. math:: I_{dqy} = \sum_{k,j} \min(P_q, \bar P_j)\, a_{dkjqy}

    Units: kW.
    """
    inp = m.inp
    return m.intake_kw[d, q, y] == pyo.quicksum(inp.charge_rate_kw[j, q] * m.supplied_count[d, k, j, q, y]
                                                for (k, j) in _on_charger(m, d, q, y))


def charge_energy_rule(m, d, q, y, r):
    r"""Each representative day, a charger model's chargers deliver what its vehicles need.

    .. math:: \sum_h L_h\, p_{dqyrh} + s^{ch}_{dqyr} = \sum_{k,j} e_{dkj}\, f_{djr}\, a_{dkjqy}

    L_h: hours in the block starting at h; e = daily_km x kWh/100 km / 100 x days_per_year / 365;
    f: the day's energy per km relative to 20 °C (inputs/climate.py). Units: kWh per day.
    """
    inp = m.inp
    need = pyo.quicksum(inp.charge_kwh_per_vehicle_day[d, k, j] * inp.day_energy_factor[d, j, r]
                        * m.supplied_count[d, k, j, q, y] for (k, j) in _on_charger(m, d, q, y))
    slack = m.charge_slack_kwh[d, q, y, r] if "charge_slack_kwh" in inp.slack_groups else 0
    return (pyo.quicksum(inp.hour_length_h[h] * m.charge_kw[d, q, y, r, h] for h in m.HOURS)
            + slack == need)


def charger_power_rule(m, d, q, y, r, h):
    r"""Charging never exceeds the power of the model's chargers in service (needed only where a
    charger serves several vehicles a night: with one each, the intake row implies it).

    .. math:: p_{dqyrh} \le P^{chg}_{dqy}

    Units: kW.
    """
    return m.charge_kw[d, q, y, r, h] <= m.charger_kw[d, q, y]


def vehicle_intake_rule(m, d, q, y, r, h):
    r"""Charging never exceeds what the model's vehicles plugged in at that hour can take.

    .. math:: p_{dqyrh} \le \pi_{dqrh}\, I_{dqy} + \sum_{k,j} u_{dkjqyrh}

    pi: the share of the fleet plugged in (1 at every hour for a swap cabinet, whose packs stay
    in it); u: the midday top-ups then (top_up_intake_rule bounds them). Units: kW.
    """
    inp = m.inp
    share = 1.0 if inp.charger_any_hour[q] else inp.plugged_share[d, r, h]
    top_up = pyo.quicksum(m.top_up_kw[d, k, j, q, y, r, h]
                          for (k, j) in m.top_up_at.get((d, q, y, r, h), ()))
    plugged = share * m.intake_kw[d, q, y] if share > 0 else 0
    return m.charge_kw[d, q, y, r, h] <= plugged + top_up


def public_share_rule(m, d, k, y):
    r"""A duty charges at most its allowed share of its energy at public stations.

    .. math:: \sum_j E_{dkj}\, a_{dkj,pub,y} \le \phi \sum_j E_{dkj} \sum_c n_{dkjcy}

    E: a vehicle's charging energy over the year; phi: public_charging.max_share_of_duty_energy.
    Units: kWh per year.
    """
    inp = m.inp
    year_kwh = inp.charge_kwh_per_vehicle_year
    electric = [t for t in inp.cohort_years_by_duty[d, k, y] if t[:3] in inp.supply_options]
    public = pyo.quicksum(year_kwh[d, k, j] * m.supplied_count[d, k, j, PUBLIC, y]
                          for j in sorted({t[2] for t in electric})
                          if PUBLIC in inp.supply_options[d, k, j])
    fleet = pyo.quicksum(year_kwh[t[:3]] * m.vehicles_count[t] for t in electric)
    return public <= inp.public_max_share * fleet


def _add_charging_expressions(m: pyo.ConcreteModel, inp: Inputs) -> None:
    """Public charging and swap costs (CNY) and the CO2 of their energy (t), per year."""
    by_year = defaultdict(list)  # y -> supply tuples
    for t in m.SUPPLY_YEARS:
        by_year[t[4]].append(t)
    cost = {PUBLIC: inp.public_cny_per_vehicle_year, SWAP: inp.swap_cny_per_vehicle_year}
    for name, s, what in (("public_charging_cny", PUBLIC, "public charging: energy, fees, detours"),
                          ("swap_cny", SWAP, "battery-swap subscriptions")):
        setattr(m, name, pyo.Expression(
            m.YEARS, doc=f"{what} [CNY]", rule=lambda m, y, s=s: pyo.quicksum(
                cost[s][t[:3]] * m.supplied_count[t] for t in by_year[y] if t[3] == s)))
    away = defaultdict(list)  # (d, y) -> public and swap supply tuples
    for t in m.SUPPLY_YEARS:
        if t[3] in (PUBLIC, SWAP):
            away[t[0], t[4]].append(t)
    m.away_emissions_depot_t = pyo.Expression(
        m.DEPOT_YEARS, doc="CO2 of the energy charged in public or swapped, at the grid factor [t]",
        rule=lambda m, d, y: pyo.quicksum(
            inp.grid_tco2_per_kwh[d, y] * inp.charge_kwh_per_vehicle_year[t[:3]] * m.supplied_count[t]
            for t in away[d, y]))
    m.away_emissions_t = pyo.Expression(m.YEARS, doc="CO2 of public charging and swapping [t]",
                                        rule=lambda m, y: pyo.quicksum(
                                            m.away_emissions_depot_t[d, y] for d in inp.depots))
