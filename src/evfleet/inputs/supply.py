"""How each electric vehicle gets its energy, for Inputs: the supplies a duty-model pair may use
(depot charger models that fit its class, public stations, a battery-swap plan), how many of its
vehicles one charger serves, and what public charging and swapping cost per vehicle-year.

A charger serves its vehicles one at a time at min(charger kW, the vehicle's max_charge_kw) over
the hours every vehicle is plugged in, and at most vehicles_per_charger of them a night: so one
charger of model q serves n = min(V_q, floor(rate x hours / daily kWh)) vehicles of a pair, and a
pair with n = 0 cannot use q (docs/formulation.md, charging).
"""

from __future__ import annotations

import math

from evfleet.case.schema import Case
from evfleet.catalog.load import Catalog
from evfleet.inputs.climate import day_factors
from evfleet.inputs.fleet import PERCENT

PUBLIC = "public"  # the supply of public stations (a depot charger's supply is its model name)
SWAP = "swap"  # the supply of a battery-swap subscription
PLUGGED_ALL = 1.0 - 1e-9  # a plugged-in share this close to 1: every vehicle is at the depot
MINUTES_PER_HOUR = 60.0
MONTHS_PER_YEAR = 12


def supply_fields(case: Case, catalog: Catalog, f: dict) -> dict:
    """The supply fields of Inputs (see record.Inputs) from the resolved fleet, charger and
    hourly fields `f`."""
    duty_of = {(dp.id, duty.name): duty for dp in case.depots for duty in dp.duties}
    electric_pairs = sorted(f["charge_kwh_per_vehicle_day"])
    window = {d: plugged_hours(f, d) for d in f["ev_depots"]}
    public = _public(case, catalog)
    options, per_charger, rate, energy_year, public_cny, swap_cny = {}, {}, {}, {}, {}, {}
    factor = day_energy_factors(catalog, f, electric_pairs)
    for (d, k, j) in electric_pairs:
        duty, vehicle = duty_of[d, k], catalog.vehicles[j]
        by_day = {r: factor[d, j, r] for r in f["days"]}
        # a working day's kWh on the hardest day: what a charger must deliver in a night
        day_kwh = duty.daily_km * vehicle.kwh_per_100km / PERCENT * max(by_day.values())
        energy_year[d, k, j] = f["charge_kwh_per_vehicle_day"][d, k, j] * sum(
            f["day_weight"][r] * by_day[r] for r in f["days"])
        found = []
        for q, charger in catalog.chargers.items():
            if charger.classes is not None and vehicle.vehicle_class not in charger.classes:
                continue
            kw = min(charger.power_kw, vehicle.max_charge_kw)
            hours = 24.0 if charger.charges_any_hour else window[d]
            n = min(int(charger.vehicles_per_charger), math.floor(kw * hours / day_kwh + 1e-9))
            if n >= 1:
                found.append(q)
                per_charger[d, k, j, q] = n
                rate[j, q] = kw
        # one stop a working day for each battery-full of the hardest day's energy
        stops = duty.days_per_year * math.ceil(
            day_kwh / (vehicle.battery_kwh * catalog.policy.usable_battery_share) - 1e-9)
        if case.public_charging.allowed and vehicle.vehicle_class in public["classes"]:
            found.append(PUBLIC)
            detour = (stops * public["detour_minutes"] / MINUTES_PER_HOUR
                      * public["driver_cny_per_hour"])
            public_cny[d, k, j] = detour + energy_year[d, k, j] * public_price(f, catalog, case, d)
        if case.battery_swap and vehicle.swap is not None:
            found.append(SWAP)
            plan = vehicle.swap
            per_kwh = (public_price(f, catalog, case, d) if plan.energy_cny_per_kwh is None
                       else plan.energy_cny_per_kwh)
            swap_cny[d, k, j] = (MONTHS_PER_YEAR * plan.fee_cny_per_month
                                 + energy_year[d, k, j] * per_kwh
                                 + stops * plan.detour_minutes_per_swap / MINUTES_PER_HOUR
                                 * public["driver_cny_per_hour"])
        options[d, k, j] = tuple(found)
    usable = {(d, q) for (d, k, j), found in options.items() for q in found
              if q in catalog.chargers}
    owned = {(d, q) for (d, q, y) in f["charger_existing"]}
    return dict(supply_options=options, depot_chargers=tuple(sorted(usable | owned)),
                day_energy_factor=factor,
                vehicles_per_charger_of=per_charger,
                charge_rate_kw=rate, charge_kwh_per_vehicle_year=energy_year,
                public_cny_per_vehicle_year=public_cny, swap_cny_per_vehicle_year=swap_cny,
                public_max_share=case.public_charging.max_share_of_duty_energy,
                plugged_hours_h=window,
                charger_any_hour={q: m.charges_any_hour for q, m in catalog.chargers.items()},
                charger_classes={q: tuple(m.classes) if m.classes else () for q, m in
                                 catalog.chargers.items()})


def day_energy_factors(catalog: Catalog, f: dict, pairs) -> dict[tuple[str, str, str], float]:
    """(d, j, r) -> the energy per km of model j on representative day r at depot d's city,
    relative to 20 °C (inputs/climate.py)."""
    out = {}
    for (d, j) in sorted({(d, j) for (d, k, j) in pairs}):
        city = catalog.cities[f["depot_city"][d]]
        for r, x in day_factors(catalog.vehicles[j], catalog.policy, city,
                                f["day_members"]).items():
            out[d, j, r] = x
    return out


def unsupplied(f: dict) -> tuple[tuple[str, str, str, str], ...]:
    """Electric pairs no supply can serve, with why, for excluded.csv (their vehicles are held
    at zero by the formulation's supply_all row)."""
    out, servable = [], set(f["servable"])
    for (d, k, j), found in sorted(f["supply_options"].items()):
        if not found and (d, k, j) in servable:
            out.append((d, k, j, f"no depot charger can deliver its daily energy in the "
                                  f"{f['plugged_hours_h'][d]:g} h all vehicles are plugged in, "
                                  f"and no public station or swap plan serves it"))
    return tuple(out)


def plugged_hours(f: dict, d: str) -> float:
    """Hours of the day every vehicle of depot d is plugged in (the least over the days) [h]."""
    return min(sum(f["hour_length_h"][h] for h in f["hours"]
                   if f["plugged_share"][d, r, h] >= PLUGGED_ALL) for r in f["days"])


def public_price(f: dict, catalog: Catalog, case: Case, d: str) -> float:
    """A kWh at a public station near depot d: the station's energy price (the city's override,
    else the city's time-of-use tariff averaged over the hours the vehicles are away from the
    depot, when they could charge in public, and over the horizon's years where the tariff
    changes) plus the service fee (the case's, else the city's, else the policy's) [CNY/kWh]."""
    city = catalog.cities[f["depot_city"][d]]
    fee_cny_per_kwh = _first(case.public_charging.service_fee_cny_per_kwh,
                             city.public_charging_service_fee_cny_per_kwh,
                             catalog.policy.public_charging.service_fee_cny_per_kwh)
    if city.public_charging_energy_cny_per_kwh is not None:
        return city.public_charging_energy_cny_per_kwh + fee_cny_per_kwh
    weight = {(r, h): f["day_weight"][r] * f["hour_length_h"][h] * (1 - f["plugged_share"][d, r, h])
              for r in f["days"] for h in f["hours"]}
    total = sum(weight.values())
    if total <= 0:  # vehicles never away: the plain mean
        weight = {(r, h): f["day_weight"][r] * f["hour_length_h"][h] for r in f["days"]
                  for h in f["hours"]}
        total = sum(weight.values())
    tariffs = [f["tariff_of"][d, y] for y in case.years]  # one per year: a change counts by its years
    energy = sum(w * f["price_cny_per_kwh"][t, r, h] for t in tariffs
                 for (r, h), w in weight.items()) / (total * len(tariffs))
    return energy + fee_cny_per_kwh


def _public(case: Case, catalog: Catalog) -> dict:
    """Public charging's detour figures: the case's, else the policy's (the price: public_price)."""
    given, policy = case.public_charging, catalog.policy.public_charging
    return {"classes": set(given.classes if given.classes is not None else policy.classes),
            "detour_minutes": _first(given.detour_minutes_per_session,
                                     policy.detour_minutes_per_session),
            "driver_cny_per_hour": _first(given.driver_cny_per_hour, policy.driver_cny_per_hour)}


def _first(*values):
    return next(v for v in values if v is not None)
