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
from evfleet.inputs.fleet import DAYS_PER_YEAR, PERCENT

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
    top_up_share = top_up_shares(case, f)
    top_up_hours = {(d, k): min(sum(f["hour_length_h"][h] * top_up_share.get((d, k, r, h), 0.0)
                                    for h in f["hours"]) for r in f["days"])
                    for (d, k) in {(d, k) for (d, k, r, h) in top_up_share}}
    top_up_kwh = {}
    for (d, k, j) in electric_pairs:
        duty, vehicle = duty_of[d, k], catalog.vehicles[j]
        by_day = {r: factor[d, j, r] for r in f["days"]}
        # a working day's kWh on the hardest day: what a charger must deliver in a night
        day_kwh = duty.daily_km * vehicle.kwh_per_100km / PERCENT * max(by_day.values())
        energy_year[d, k, j] = f["charge_kwh_per_vehicle_day"][d, k, j] * sum(
            f["day_weight"][r] * by_day[r] for r in f["days"])
        battery_kwh = vehicle.battery_kwh * catalog.policy.usable_battery_share
        if duty.top_up:
            for r in f["days"]:  # what one battery cannot carry through a working day
                extra = duty.daily_km * vehicle.kwh_per_100km / PERCENT * by_day[r] - battery_kwh
                if extra > 0:
                    top_up_kwh[d, k, j, r] = extra * duty.days_per_year / DAYS_PER_YEAR
        midday_kwh = max(0.0, day_kwh - battery_kwh) if duty.top_up else 0.0
        found = []
        for q, charger in catalog.chargers.items():
            if charger.classes is not None and vehicle.vehicle_class not in charger.classes:
                continue
            kw = min(charger.power_kw, vehicle.max_charge_kw)
            hours = 24.0 if charger.charges_any_hour else window[d] + (
                duty.top_up.hours if duty.top_up else 0)
            n = min(int(charger.vehicles_per_charger), math.floor(kw * hours / day_kwh + 1e-9))
            if midday_kwh > 0 and not charger.charges_any_hour:  # the top-up in its window too
                n = min(n, math.floor(kw * top_up_hours[d, k] / midday_kwh + 1e-9))
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
                day_energy_factor=factor, top_up_share=top_up_share,
                top_up_kwh_per_vehicle_day=top_up_kwh,
                vehicles_per_charger_of=per_charger,
                charge_rate_kw=rate, charge_kwh_per_vehicle_year=energy_year,
                public_cny_per_vehicle_year=public_cny, swap_cny_per_vehicle_year=swap_cny,
                public_max_share=case.public_charging.max_share_of_duty_energy,
                plugged_hours_h=window,
                charger_any_hour={q: m.charges_any_hour for q, m in catalog.chargers.items()},
                charger_classes={q: tuple(m.classes) if m.classes else () for q, m in
                                 catalog.chargers.items()})


def top_up_shares(case: Case, f: dict) -> dict[tuple[str, str, str, int], float]:
    """(d, k, r, h) -> the share of a top-up duty's vehicles plugged in for their midday top-up
    in hour block h: the block's share of hours inside the window, times the share of the fleet
    away then (1 - plugged_share: the plugged-in share already charges), where positive."""
    out = {}
    for dp in case.depots:
        for duty in dp.duties:
            if not duty.top_up:
                continue
            start, end = duty.top_up.start_hour, duty.top_up.start_hour + duty.top_up.hours
            for r in f["days"]:
                for h in f["hours"]:
                    length = f["hour_length_h"][h]
                    inside = max(0.0, min(end, h + length) - max(start, h)) / length
                    share = inside * (1.0 - f["plugged_share"][dp.id, r, h])
                    if share > 0:
                        out[dp.id, duty.name, r, h] = share
    return out


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
            midday = (" and its top-up in the midday window" if any(
                t[:3] == (d, k, j) for t in f["top_up_kwh_per_vehicle_day"]) else "")
            out.append((d, k, j, f"no depot charger can deliver its daily energy in the "
                                  f"{f['plugged_hours_h'][d]:g} h all vehicles are plugged in"
                                  f"{midday}, and no public station or swap plan serves it"))
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
