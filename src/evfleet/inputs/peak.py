"""The parcel-peak part of Inputs: each peak duty's vehicles on the road in its peak, and what a
vehicle rented for the peak costs and emits per day (new-features §G).

A duty with `peak:` needs, for `days` days a year, ceil(extra_share x need) vehicles more than its
need. Vehicles it owns count (every vehicle in service works, as for the rest of the year); the
rest are rented, by energy, at the policy's price per vehicle-day for the duty's class (or the
duty's own), plus the energy of a day's rounds: fuel at the city's price for a combustion rental;
for an electric one, the kWh of a day at the peak month's temperature, charged at the depot at
the tariff of that year over the hours its vehicles are plugged in. A rental stands for the
catalog model of its class and energy that uses least energy per km.
"""

from __future__ import annotations

from evfleet.case.schema import Case
from evfleet.catalog.load import Catalog
from evfleet.catalog.schema import VehicleModel
from evfleet.inputs.climate import factors, month_mean_c
from evfleet.inputs.fleet import KG_PER_T, PERCENT, fuel_kgco2, fuel_price, need_count, peak_count


def peak_fields(case: Case, catalog: Catalog, f: dict) -> dict:
    """The peak fields of Inputs (see record.Inputs); `f` holds the hourly fields."""
    depot_city = {dp.id: dp.city or case.city for dp in case.depots}
    need, days, cost, fuel_t, kwh = {}, {}, {}, {}, {}
    for dp in case.depots:
        city = catalog.cities[depot_city[dp.id]]
        for duty in dp.duties:
            if duty.peak is None:
                continue
            dk, peak = (dp.id, duty.name), duty.peak
            days[dk] = peak.days
            for y in case.years:
                need[(*dk, y)] = peak_count(need_count(duty.vehicles, duty.growth,
                                                       y - case.start_year), peak)
            prices = (peak.rental_cny_per_vehicle_day if peak.rental_cny_per_vehicle_day is not None
                      else catalog.policy.peak_rental.cny_per_vehicle_day.get(duty.vehicle_class, {}))
            for energy, day_cny in sorted(prices.items()):
                model = rental_model(catalog, duty.vehicle_class, energy)
                if model is None:
                    continue
                if energy == "electricity":
                    temp = month_mean_c(city, peak.month)
                    per_km, _ = factors(model, catalog.policy, None if temp is None
                                        else temp + catalog.policy.operating_above_mean_c)
                    day_kwh = duty.daily_km * model.kwh_per_100km / PERCENT * per_km
                    kwh[dk] = day_kwh
                    for y in case.years:
                        cost[(*dk, energy, y)] = day_cny + day_kwh * depot_price(f, dp.id, y)
                else:
                    litres = duty.daily_km * model.l_per_100km / PERCENT
                    fuel_t[(*dk, energy)] = litres * fuel_kgco2(city, energy, catalog.policy) / KG_PER_T
                    for y in case.years:
                        cost[(*dk, energy, y)] = day_cny + litres * fuel_price(city, energy)
    rentals_at = {}
    for (d, k, e, _) in cost:
        rentals_at.setdefault(d, set()).add((k, e))
    return dict(peak_need_count=need, peak_days=days, rental_cny_per_vehicle_day=cost,
                rentals_at={d: tuple(sorted(v)) for d, v in rentals_at.items()},
                rental_fuel_tco2_per_vehicle_day=fuel_t, rental_kwh_per_vehicle_day=kwh)


def rental_model(catalog: Catalog, vehicle_class: str, energy: str) -> VehicleModel | None:
    """The catalog model a rental of this class and energy stands for: the least energy per km."""
    models = [v for v in catalog.vehicles.values()
              if v.vehicle_class == vehicle_class and v.energy == energy]
    per_km = (lambda v: v.kwh_per_100km) if energy == "electricity" else (lambda v: v.l_per_100km)
    return min(models, key=per_km) if models else None


def depot_price(f: dict, d: str, y: int) -> float:
    """A kWh charged at depot d in year y over the hours its vehicles are plugged in: the tariff in
    force, weighted by day weight, hour length and plugged-in share [CNY/kWh]."""
    tariff = f["tariff_of"][d, y]
    weight = {(r, h): f["day_weight"][r] * f["hour_length_h"][h] * f["plugged_share"][d, r, h]
              for r in f["days"] for h in f["hours"]}
    return sum(w * f["price_cny_per_kwh"][tariff, r, h] for (r, h), w in weight.items()) / sum(
        weight.values())
