"""The parcel peak (Double 11, 618; new-features §G): a duty with a peak has, for its peak days,
ceil(extra_share x need) more vehicles on the road, from the vehicles it owns or rented by energy
for the peak at a price per vehicle-day that includes the rental's fuel or depot electricity."""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from evfleet.inputs import Inputs


ENERGIES = ("diesel", "gasoline", "electricity")


def add_peak(m: pyo.ConcreteModel, inp: Inputs) -> None:
    """Peak sets, the rented vehicles, the peak rule, and the rentals' cost and CO2."""
    m.PEAK_YEARS = pyo.Set(dimen=3, ordered=True, initialize=sorted(inp.peak_need_count),
                           doc="(d, k, y) of duties with a parcel peak")
    m.RENTAL_YEARS = pyo.Set(dimen=4, ordered=True, initialize=sorted(inp.rental_cny_per_vehicle_day),
                             doc="(d, k, e, y): vehicles of energy e a peak duty may rent")
    m.rented_count = pyo.Var(m.RENTAL_YEARS, within=pyo.NonNegativeIntegers,
                             doc="vehicles rented for the peak [count]")
    m.peak_met = pyo.Constraint(m.PEAK_YEARS, rule=peak_met_rule,
                                doc="the peak's vehicles: owned in service plus rented")
    by_year = defaultdict(list)
    for t in m.RENTAL_YEARS:
        by_year[t[3]].append(t)
    m.peak_rental_cny = pyo.Expression(m.YEARS, doc="peak rentals with their energy [CNY]",
                                       rule=lambda m, y: pyo.quicksum(
                                           inp.peak_days[t[0], t[1]] * inp.rental_cny_per_vehicle_day[t]
                                           * m.rented_count[t] for t in by_year[y]))
    m.rental_emissions_depot_t = pyo.Expression(m.DEPOT_YEARS, rule=rental_emissions_rule,
                                                doc="CO2 of the rentals' fuel and electricity [t]")
    m.rental_emissions_t = pyo.Expression(m.YEARS, doc="CO2 of peak rentals [t]",
                                          rule=lambda m, y: pyo.quicksum(
                                              m.rental_emissions_depot_t[d, y] for d in inp.depots))


def peak_met_rule(m, d, k, y):
    r"""In its peak a duty has its peak vehicles on the road: those it owns and those it rents.

    .. math:: \sum_{j,c} n_{dkjcy} + \sum_e \rho_{dkey} \ge \lceil (1 + \sigma_{dk}) N_{dky} \rceil

    sigma: the peak's extra_share; rho: rented vehicles of energy e. Units: vehicles.
    """
    inp = m.inp
    owned = pyo.quicksum(m.vehicles_count[t] for t in inp.cohort_years_by_duty.get((d, k, y), ()))
    rented = pyo.quicksum(m.rented_count[d, k, e, y] for e in ENERGIES
                          if (d, k, e, y) in m.RENTAL_YEARS)
    return owned + rented >= inp.peak_need_count[d, k, y]


def rental_emissions_rule(m, d, y):
    r"""CO2 of the rentals of depot d in year y: fuel burnt, and the electric rentals' kWh at the
    grid factor.

    .. math:: E^{rent}_{dy} = \sum_{k,e} D_{dk}\, \rho_{dkey}\, (\epsilon^{fuel}_{dke} + \gamma_{dy} e^{rent}_{dk})

    D: peak days; epsilon: fuel CO2 of a rental's day; gamma: grid t/kWh; e: an electric rental's
    kWh a day (each term only for its energy). Units: t.
    """
    inp = m.inp
    terms = []
    for (k, e) in inp.rentals_at.get(d, ()):
        if (d, k, e, y) not in m.RENTAL_YEARS:
            continue
        per_day = (inp.grid_tco2_per_kwh[d, y] * inp.rental_kwh_per_vehicle_day[d, k]
                   if e == "electricity" else inp.rental_fuel_tco2_per_vehicle_day[d, k, e])
        terms.append(inp.peak_days[d, k] * per_day * m.rented_count[d, k, e, y])
    return pyo.quicksum(terms)
