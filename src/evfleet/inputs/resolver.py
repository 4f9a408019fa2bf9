"""Resolve a validated Case and its Catalog into one frozen Inputs record.

Every default, interpolation and unit conversion of evfleet happens in this package and nowhere
else: the formulation reads coefficients from Inputs and never computes them. Index sets hold
only live tuples (cohorts that exist, duty-model pairs that can be used); the pairs excluded and
the reason for each are kept for the run output (excluded.csv). One module per concern: fleet,
chargers, hourly, grid, scales; validate gathers every cross-reference problem first.
"""

from __future__ import annotations

import math

from evfleet.case.schema import Case
from evfleet.catalog.load import Catalog
from evfleet.document import Document
from evfleet.errors import InputError
from evfleet.inputs.chargers import charger_fields
from evfleet.inputs.climate import day_months_and_temperatures
from evfleet.inputs.fleet import fleet_fields
from evfleet.inputs.grid import grid_fields
from evfleet.inputs.hourly import hourly_fields
from evfleet.inputs.record import Inputs
from evfleet.inputs.scales import scale_fields
from evfleet.inputs.peak import peak_fields
from evfleet.inputs.supply import supply_fields, unsupplied
from evfleet.inputs.validate import cross_reference_problems
from evfleet.yearly import by_year


def resolve(case: Case, catalog: Catalog, doc: Document,
            day_cities: tuple[str, ...] | None = None) -> Inputs:
    """Case + catalog -> Inputs. Raises InputError with every cross-reference problem found.

    `day_cities`: cluster the representative days over these cities instead of the case's own
    (one depot of a network case keeps the network's days: decompose/worker.py)."""
    problems = cross_reference_problems(case, catalog, doc)
    if problems:
        raise InputError(problems)
    years = tuple(case.years)
    horizon = tuple(range(case.start_year, case.end_year + 2))  # incl. end + 1: terminal values
    depot_city = {dp.id: dp.city or case.city for dp in case.depots}
    f = fleet_fields(case, catalog, years, horizon)
    f |= charger_fields(case, catalog, years, horizon, f["cohorts"], f["vehicle_energy"])
    f |= hourly_fields(case, catalog, depot_city, day_cities)
    f |= day_months_and_temperatures(catalog.cities, catalog.policy, depot_city, f["day_members"])
    f |= supply_fields(case, catalog, {**f, "depot_city": depot_city})
    f["excluded"] += unsupplied(f)
    f |= peak_fields(case, catalog, f)
    f |= _solar_storage_fields(case, catalog, years)
    f |= grid_fields(case, catalog, years, depot_city, f["pv_depots"])
    f |= _policy_fields(case, catalog, years)
    f |= scale_fields(f)
    rate = case.discount_rate
    return Inputs(
        name=case.name, years=years, start_year=case.start_year, end_year=case.end_year,
        discount_factor={y: 1.0 / (1.0 + rate) ** (y - case.start_year) for y in horizon},
        depots=tuple(dp.id for dp in case.depots), depot_city=depot_city,
        city_names={c: " ".join(filter(None, (catalog.cities[c].name, catalog.cities[c].name_zh)))
                    for c in sorted(set(depot_city.values()))},
        strategy=case.strategy, **f)


def _solar_storage_fields(case: Case, catalog: Catalog, years: tuple[int, ...]) -> dict:
    solar, storage = catalog.solar, catalog.storage
    return dict(
        pv_depots=tuple(dp.id for dp in case.depots if dp.roof_m2 > 0 or dp.pv_kw > 0),
        pv_existing_kw={dp.id: dp.pv_kw for dp in case.depots},
        pv_roof_kw={dp.id: dp.roof_m2 * solar.kw_per_m2 for dp in case.depots},
        pv_capex_cny_per_kw=by_year(solar.capex_cny_per_kw, years),
        pv_fixed_cny=solar.fixed_cny,
        pv_needs_fixed={dp.id: dp.pv_kw <= 0 for dp in case.depots},
        pv_om_cny_per_kw_year=solar.om_cny_per_kw_year, pv_life=solar.life_years,
        storage_depots=tuple(dp.id for dp in case.depots if dp.max_storage_kwh > 0),
        storage_max_kwh={dp.id: dp.max_storage_kwh for dp in case.depots},
        storage_capex_cny_per_kwh=by_year(storage.capex_cny_per_kwh, years),
        storage_power_kw_per_kwh=storage.power_kw_per_kwh,
        storage_efficiency=math.sqrt(storage.round_trip_efficiency),  # one way
        storage_om_cny_per_kwh_year=storage.om_cny_per_kwh_year,
        storage_life=storage.life_years, storage_module_kwh=storage.module_kwh,
    )


def _policy_fields(case: Case, catalog: Catalog, years: tuple[int, ...]) -> dict:
    policy = catalog.policy
    return dict(
        budget_cny=by_year(case.budget_cny, years) if case.budget_cny is not None else {},
        carbon_cap_t=by_year(case.carbon_cap_t, years) if case.carbon_cap_t is not None else {},
        carbon_price_cny_per_t=case.carbon_price_cny_per_t,
        min_ev_share=case.min_ev_share_of_purchases,
        pilot_ev_share=policy.pilot_ev_share_of_purchases,
        pilot_chargers_per_ev=policy.pilot_chargers_per_ev,
    )
