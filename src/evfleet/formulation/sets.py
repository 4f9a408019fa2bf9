"""Every index set of the model. Only live tuples are indexed (built in evfleet.inputs).

Index letters: d depot, k duty, j vehicle model, c vintage (cohort), y year, q charger model,
s supply (a charger model, public or swap), r representative day, h hour.
"""

from __future__ import annotations

import pyomo.environ as pyo

from evfleet.inputs import Inputs


def add_sets(m: pyo.ConcreteModel, inp: Inputs) -> None:
    """Declare the sets used by every topic module."""
    m.YEARS = pyo.Set(initialize=inp.years, ordered=True, doc="planning years y")
    m.DEPOTS = pyo.Set(initialize=inp.depots, ordered=True, doc="depots d")
    m.DAYS = pyo.Set(initialize=inp.days, ordered=True, doc="representative days r")
    m.HOURS = pyo.Set(initialize=inp.hours, ordered=True, doc="hours h of a representative day")
    m.DUTY_YEARS = pyo.Set(dimen=3, ordered=True, doc="(d, k, y) duty need in each year",
                           initialize=sorted(inp.need_count))
    m.COHORTS = pyo.Set(dimen=4, ordered=True, initialize=inp.cohorts,
                        doc="vehicle cohorts (d, k, j, c) that can hold vehicles")
    m.COHORT_YEARS = pyo.Set(dimen=5, ordered=True, initialize=inp.cohort_years,
                             doc="live cohort-years (d, k, j, c, y), c <= y < c + life")
    m.BUY_COHORTS = pyo.Set(dimen=4, ordered=True, initialize=inp.buy_cohorts,
                            doc="cohorts (d, k, j, c) bought in planning year c")
    m.CHARGER_MODELS = pyo.Set(initialize=inp.charger_models, ordered=True, doc="charger models q")
    m.DEPOT_CHARGERS = pyo.Set(dimen=2, ordered=True, initialize=inp.depot_chargers,
                               doc="(d, q): a vehicle at d can use charger model q, or d owns some")
    m.CHARGER_ADDS = pyo.Set(dimen=3, ordered=True, doc="(d, q, y) charger installations",
                             initialize=[(d, q, y) for (d, q) in inp.depot_chargers
                                         for y in inp.years])
    m.CHARGER_DAYS = pyo.Set(dimen=4, ordered=True, doc="(d, q, y, r) for depot chargers",
                             initialize=[(d, q, y, r) for (d, q) in inp.depot_chargers
                                         for y in inp.years for r in inp.days])
    m.CHARGER_HOURS = pyo.Set(dimen=5, ordered=True, doc="(d, q, y, r, h) for depot chargers",
                              initialize=[(d, q, y, r, h) for (d, q) in inp.depot_chargers
                                          for y in inp.years for r in inp.days for h in inp.hours])
    m.SHARED_CHARGER_HOURS = pyo.Set(
        dimen=5, ordered=True, doc="charger hours of models serving more than one vehicle a night",
        initialize=[t for t in m.CHARGER_HOURS if inp.vehicles_per_charger[t[1]] > 1])
    m.EV_PAIR_YEARS = pyo.Set(dimen=4, ordered=True, doc="(d, k, j, y): electric pair in service",
                              initialize=inp.ev_pair_years)
    m.SUPPLY_YEARS = pyo.Set(dimen=5, ordered=True, doc="(d, k, j, s, y): supply s of a pair",
                             initialize=[(d, k, j, s, y) for (d, k, j, y) in m.EV_PAIR_YEARS
                                         for s in inp.supply_options[d, k, j]])
    m.TOP_UP_DAYS = pyo.Set(
        dimen=6, ordered=True, doc="(d, k, j, q, y, r): a pair topping up on depot charger q at midday",
        initialize=[(d, k, j, s, y, r) for (d, k, j, s, y) in m.SUPPLY_YEARS
                    if s in inp.charger_power_kw and not inp.charger_any_hour[s]
                    for r in inp.days if (d, k, j, r) in inp.top_up_kwh_per_vehicle_day])
    m.TOP_UP_HOURS = pyo.Set(
        dimen=7, ordered=True, doc="(d, k, j, q, y, r, h): hours of a midday top-up",
        initialize=[(*t, h) for t in m.TOP_UP_DAYS for h in inp.hours
                    if (t[0], t[1], t[5], h) in inp.top_up_share])
    m.DEPOT_YEARS = pyo.Set(dimen=2, ordered=True, doc="(d, y)",
                            initialize=[(d, y) for d in inp.depots for y in inp.years])
    m.DEPOT_HOURS = pyo.Set(dimen=4, ordered=True, doc="(d, y, r, h)",
                            initialize=[(d, y, r, h) for d in inp.depots for y in inp.years
                                        for r in inp.days for h in inp.hours])
    m.PV_YEARS = pyo.Set(dimen=2, ordered=True, doc="(d, y) at depots with a usable roof",
                         initialize=[(d, y) for d in inp.pv_depots for y in inp.years])
    m.PV_FIRST = pyo.Set(dimen=2, ordered=True, doc="(d, y) where PV's fixed cost is still due",
                         initialize=[(d, y) for d in inp.pv_depots if inp.pv_needs_fixed[d]
                                     for y in inp.years])
    m.PV_HOURS = pyo.Set(dimen=4, ordered=True, doc="(d, y, r, h) at PV depots",
                         initialize=[(d, y, r, h) for d in inp.pv_depots for y in inp.years
                                     for r in inp.days for h in inp.hours])
    m.EXPORT_HOURS = pyo.Set(dimen=4, ordered=True, doc="(d, y, r, h) where export is allowed",
                             initialize=[(d, y, r, h) for d in inp.export_depots for y in inp.years
                                         for r in inp.days for h in inp.hours])
    m.OLD_EXPORT_DEPOTS = pyo.Set(initialize=old_export_depots(inp), ordered=True,
                                  doc="export depots with PV connected before the market rule")
    m.OLD_EXPORT_HOURS = pyo.Set(
        dimen=4, ordered=True, doc="(d, y, r, h) where PV connected before the market rule exports",
        initialize=[(d, y, r, h) for d in m.OLD_EXPORT_DEPOTS for y in inp.years
                    for r in inp.days for h in inp.hours])
    m.STORAGE_YEARS = pyo.Set(dimen=2, ordered=True, doc="(d, y) at depots allowing storage",
                              initialize=[(d, y) for d in inp.storage_depots for y in inp.years])
    m.STORAGE_HOURS = pyo.Set(dimen=4, ordered=True, doc="(d, y, r, h) at storage depots",
                              initialize=[(d, y, r, h) for d in inp.storage_depots
                                          for y in inp.years for r in inp.days for h in inp.hours])
    m.UPGRADE_YEARS = pyo.Set(dimen=2, ordered=True, doc="(d, y) at depots that may upgrade",
                              initialize=[(d, y) for d in inp.upgrade_depots for y in inp.years])
    m.DEMAND_YEARS = pyo.Set(dimen=2, ordered=True, initialize=sorted(inp.demand_cny_per_kw_year),
                             doc="(d, y) where a demand charge may be billed")
    m.TWO_PART_CHOICE = pyo.Set(dimen=2, ordered=True,
                                initialize=[t for t in sorted(inp.demand_cny_per_kw_year)
                                            if t not in inp.two_part_fixed],
                                doc="(d, y) where an upgrade may cross the two-part threshold")
    m.BUDGET_YEARS = pyo.Set(initialize=sorted(inp.budget_cny), ordered=True,
                             doc="years with a capital budget")
    m.SHARE_YEARS = pyo.Set(initialize=inp.years if inp.min_ev_share is not None else (),
                            ordered=True, doc="years with a minimum electric share of purchases")
    m.CAP_YEARS = pyo.Set(initialize=sorted(inp.carbon_cap_t), ordered=True,
                          doc="years with a carbon cap")


def old_export_depots(inp: Inputs) -> list[str]:
    """Export depots where PV connected before `market_export_from_year` may stand (the depot's
    own pv_kw, or a horizon starting earlier) and earns more than the market price."""
    early = inp.start_year < inp.market_export_from_year
    return [d for d in inp.export_depots
            if (inp.pv_existing_kw[d] > 0 or early)
            and inp.feed_in_cny_per_kwh[d] > inp.export_market_cny_per_kwh[d]]
