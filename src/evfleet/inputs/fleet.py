"""The fleet part of Inputs: duties and their yearly need, the duty-model pairs that can serve
(and those excluded, with why), vehicle cohorts and the years they live, prices and market
values, running costs, fuel emissions and the electric vehicles' daily charging energy."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable

from evfleet.case.schema import Case, Duty, Peak
from evfleet.catalog.load import Catalog
from evfleet.catalog.schema import City, Policy, VehicleModel
from evfleet.inputs.climate import shortest_range
from evfleet.inputs.incentives import purchase_tax, trade_in_fields
from evfleet.inputs.record import DK, DKJ, DKJC
from evfleet.yearly import by_year

KG_PER_T = 1000.0
DAYS_PER_YEAR = 365
PERCENT = 100.0
TOP_UP_BATTERIES = 2  # a day with a midday top-up: a full battery out, one more charged at noon


def need_count(vehicles: int, growth: float, years_from_start: int) -> int:
    """Spec §1: need(y) = ceil(vehicles x (1 + growth)^(y - start_year)), robust to float noise."""
    return math.ceil(round(vehicles * (1.0 + growth) ** years_from_start, 9))


def peak_count(need: int, peak: Peak) -> int:
    """Vehicles a duty has on the road in its peak: its need and ceil(extra_share x need) more."""
    return need + math.ceil(round(peak.extra_share * need, 9))


def range_km(v: VehicleModel, usable_share: float) -> float:
    """An electric model's daily range: usable battery / consumption [km]."""
    return v.battery_kwh * usable_share / (v.kwh_per_100km / PERCENT)


def leg_km(duty: Duty) -> float:
    """The km an electric vehicle must drive on one battery: the day's, or with a midday top-up
    the day on two batteries at most, so half of it [km]."""
    return duty.daily_km / TOP_UP_BATTERIES if duty.top_up else duty.daily_km



def fleet_fields(case: Case, catalog: Catalog, years: tuple[int, ...],
                 horizon: tuple[int, ...]) -> dict:
    """The fleet fields of Inputs (see record.Inputs); the case is valid (validate.py)."""
    start, end = case.start_year, case.end_year
    vehicles = catalog.vehicles
    duties, duty_of, servable, excluded = _duties(case, catalog)
    need = {(d, k, y): need_count(duty_of[d, k].vehicles, duty_of[d, k].growth, y - start)
            for (d, k) in duties for y in years}
    initial, past_life = _owned(case, vehicles)
    net_price = {(j, y): max(p - s, 0.0) for j, v in vehicles.items()
                 for (y, p), s in zip(by_year(v.price_cny, horizon).items(),
                                      by_year(v.subsidy_cny, horizon).values())}
    value = _market_value(vehicles, net_price)

    buy_cohorts = [(d, k, j, c) for (d, k, j) in servable for c in years]
    cohorts = tuple(sorted(set(initial) | set(buy_cohorts)))
    cohort_years, first_year, exit_year = [], {}, {}
    for (d, k, j, c) in cohorts:
        life = vehicles[j].life_years
        first_year[d, k, j, c] = max(c, start)
        exit_year[d, k, j, c] = min(c + life, end + 1)
        cohort_years.extend((d, k, j, c, y) for y in years if c <= y < c + life)
    electric = {j for j, v in vehicles.items() if v.energy == "electricity"}
    on_road = {(d, k, y): n if duty_of[d, k].peak is None else peak_count(n, duty_of[d, k].peak)
               for (d, k, y), n in need.items()}  # a peak may be met by vehicles bought
    buy_max = buy_max_count(on_road, servable, electric, case.min_ev_share_of_purchases)
    buy_max = with_trade_in(buy_max, catalog, initial, start)
    return dict(
        buy_max_count=buy_max,
        sale_from_year=sale_from_year(cohorts, first_year, vehicles, case.min_years_before_sale),
        **share_rule_bounds(cohort_years, initial, buy_max, electric, start),
        duties=tuple(duties), need_count=need, servable=tuple(servable), excluded=tuple(excluded),
        vehicle_energy={j: v.energy for j, v in vehicles.items()},
        cohorts=cohorts, cohort_years=tuple(cohort_years),
        cohort_years_by_duty=group(cohort_years, lambda t: (t[0], t[1], t[4])),
        ev_cohort_years_by_depot=group([t for t in cohort_years if t[2] in electric],
                                       lambda t: (t[0], t[4])),
        initial_count=dict(initial),
        owned_alive_count=_owned_alive(initial, duties, years, vehicles),
        buy_cohorts=tuple(sorted(buy_cohorts)), first_year=first_year, exit_year=exit_year,
        buy_price_cny={t: net_price[t[2], t[3]] for t in buy_cohorts},
        purchase_tax_cny=purchase_tax(catalog, {j for (_, _, j) in servable}, years),
        **trade_in_fields(catalog, cohort_years, buy_cohorts, years),
        resale_value_cny={t: value(t[2], t[3], t[4]) for t in cohort_years},
        exit_value_cny={t: value(t[2], t[3], exit_year[t]) for t in cohorts},
        **_running(case, catalog, duties, duty_of, cohorts, years),
        max_charge_kw={j: vehicles[j].max_charge_kw for j in electric},
        past_life_resale_cny=sum(n * value(j, c, start) for (_, _, j, c, n) in past_life),
        past_life=tuple(past_life),
        past_life_value_cny={(j, c): value(j, c, start) for (_, _, j, c, _) in past_life},
    )


def with_trade_in(buy_max: dict[DKJ, int], catalog: Catalog, initial: dict, start: int) -> dict[DKJ, int]:
    """Purchase bounds that leave the trade-in open: an eligible new-energy truck may also be
    bought beyond its duty's need, once for each eligible truck the depot owns at the start (its
    pair's subsidies may pay for it; formulation/incentives.py)."""
    vehicles = catalog.vehicles
    scrappable = defaultdict(int)  # depot -> eligible combustion trucks owned at the start
    for (d, k, j, c), n in initial.items():
        if vehicles[j].trade_in_class is not None and vehicles[j].energy != "electricity" and c < start:
            scrappable[d] += n
    return {(d, k, j): n + (scrappable[d] if vehicles[j].trade_in_class is not None
                            and vehicles[j].energy == "electricity" else 0)
            for (d, k, j), n in buy_max.items()}


def buy_max_count(need: dict[tuple[str, str, int], int], servable: list[DKJ], electric: set[str],
                  min_share: float | None) -> dict[DKJ, int]:
    """The most vehicles of a duty-model pair one year's purchase may ever hold (contract §4:
    need is a lower bound; a duty may hold more, e.g. to meet the share).

    A combustion vehicle beyond a duty's largest need N_dk only adds cost and weighs on the share:
    N_dk. An electric one may stand in the fleet to lift the share of purchases: with share s < 1,
    buying the combustion vehicles I of a year asks for at most s / (1 - s) x I electric ones, and
    I is at most the largest needs of the duties a combustion model can serve, so
    N_dk + ceil(s / (1 - s) x sum of those needs). With s = 1 (all purchases electric) or no
    share, no surplus is ever needed: N_dk.
    """
    need_max: dict[DK, int] = defaultdict(int)
    for (d, k, y), n in need.items():
        need_max[d, k] = max(need_max[d, k], n)
    combustion_need = sum(need_max[d, k] for (d, k) in {(d, k) for (d, k, j) in servable
                                                        if j not in electric})
    surplus = 0
    if min_share is not None and min_share < 1:
        surplus = math.ceil(round(min_share / (1 - min_share) * combustion_need, 9))
    return {(d, k, j): need_max[d, k] + (surplus if j in electric else 0)
            for (d, k, j) in servable}


def sale_from_year(cohorts, first_year: dict[DKJC, int], vehicles: dict[str, VehicleModel],
                   case_years: int) -> dict[DKJC, int]:
    """The first year a cohort's vehicles may be sold (contract §4, min_years_before_sale): bought
    in c, held at least max(case, model) years, so c + that; only cohorts held past their first
    planning year are listed."""
    out = {}
    for t in cohorts:
        year = t[3] + max(case_years, vehicles[t[2]].min_years_before_sale)
        if year > first_year[t]:
            out[t] = year
    return out


def share_rule_bounds(cohort_years, initial: dict[DKJC, int], buy_max: dict[DKJ, int],
                      electric: set[str], start: int) -> dict:
    """Bounds for the no-churn share rule's binary (formulation/policy.py): in each year, the
    most electric vehicles that could be sold early (every live electric cohort bought before y,
    at its largest size) and the most combustion vehicles that could be bought."""
    sale, buy = defaultdict(int), defaultdict(int)
    for (d, k, j, c, y) in cohort_years:
        largest = initial.get((d, k, j, c), 0) + (buy_max.get((d, k, j), 0) if c >= start else 0)
        if j in electric and c < y:
            sale[y] += largest
        if j not in electric and c == y:
            buy[y] += buy_max.get((d, k, j), 0)
    years = sorted({t[4] for t in cohort_years})
    return dict(ev_sale_max_count={y: sale[y] for y in years},
                ice_buy_max_count={y: buy[y] for y in years})


def _duties(case: Case, catalog: Catalog) -> tuple[list[DK], dict, list[DKJ], list[tuple]]:
    """Duties in case order, each duty's record, the pairs that can serve, those excluded."""
    usable = catalog.policy.usable_battery_share
    duties, duty_of, servable, excluded = [], {}, [], []
    for dp in case.depots:
        for duty in dp.duties:
            dk = (dp.id, duty.name)
            duties.append(dk)
            duty_of[dk] = duty
            for j, v in catalog.vehicles.items():
                if v.vehicle_class != duty.vehicle_class:
                    continue
                need_km, what = leg_km(duty), _leg_text(duty)
                if v.energy == "electricity" and range_km(v, usable) < need_km:
                    excluded.append((*dk, j, f"range {range_km(v, usable):.0f} km < {what}"))
                    continue
                if v.energy == "electricity":
                    city = catalog.cities[dp.city or case.city]
                    cold_km, month = shortest_range(v, catalog.policy, city, range_km(v, usable))
                    if cold_km < need_km:
                        excluded.append((*dk, j, f"range {cold_km:.0f} km in {month} < {what}"))
                        continue
                servable.append((*dk, j))
    return duties, duty_of, servable, excluded


def _leg_text(duty: Duty) -> str:
    """What the range is compared with, in excluded.csv's words."""
    if duty.top_up:
        return (f"half of daily_km {duty.daily_km:g} km (a midday top-up gives a day two "
                f"batteries at most)")
    return f"daily_km {duty.daily_km:g} km"


def _owned(case: Case, vehicles: dict[str, VehicleModel]) -> tuple[dict[DKJC, int], list]:
    """Vehicles owned at start_year by cohort, and those already past their life then."""
    initial: dict[DKJC, int] = defaultdict(int)
    past_life = []
    for dp in case.depots:
        for duty in dp.duties:
            for entry in duty.fleet:
                if entry.bought + vehicles[entry.model].life_years <= case.start_year:
                    past_life.append((dp.id, duty.name, entry.model, entry.bought, entry.count))
                else:
                    initial[dp.id, duty.name, entry.model, entry.bought] += entry.count
    return initial, past_life


def _market_value(vehicles: dict[str, VehicleModel],
                  net_price: dict[tuple[str, int], float]) -> Callable[[str, int, int], float]:
    def market_value(j: str, c: int, y: int) -> float:
        """Spec §4: today's (net) price falling linearly with age to residual_share at end of
        life: value = P_jy (1 - (1 - rho_j) min(y - c, L_j) / L_j)."""
        v = vehicles[j]
        age = min(y - c, v.life_years)
        return net_price[j, y] * (1.0 - (1.0 - v.residual_share) * age / v.life_years)
    return market_value


def _running(case: Case, catalog: Catalog, duties: list[DK], duty_of: dict, cohorts,
             years: tuple[int, ...]) -> dict:
    """Fuel and maintenance per vehicle-year, fuel CO2 per vehicle-year, daily charging kWh."""
    depot_city = {dp.id: dp.city or case.city for dp in case.depots}
    models_of_duty = defaultdict(set)  # (d, k) -> vehicle models its cohorts use
    for (d, k, j, c) in cohorts:
        models_of_duty[d, k].add(j)
    run_cost, fuel_t, charge_day = {}, {}, {}
    for (d, k) in duties:
        duty = duty_of[d, k]
        city = catalog.cities[depot_city[d]]
        km_year = duty.daily_km * duty.days_per_year
        for j in sorted(models_of_duty[d, k]):
            v = catalog.vehicles[j]
            if v.energy == "electricity":
                charge_day[d, k, j] = (duty.daily_km * v.kwh_per_100km / PERCENT
                                       * duty.days_per_year / DAYS_PER_YEAR)
            litres = km_year * v.l_per_100km / PERCENT if v.energy != "electricity" else 0.0
            for y in years:
                run_cost[d, k, j, y] = {"fuel": litres * fuel_price(city, v.energy),
                                        "maintenance": km_year * v.maintenance_cny_per_km}
                if litres:
                    fuel_t[d, k, j, y] = litres * fuel_kgco2(city, v.energy, catalog.policy) / KG_PER_T
    return dict(run_cost_cny=run_cost, fuel_tco2_per_vehicle=fuel_t,
                charge_kwh_per_vehicle_day=charge_day)


def _owned_alive(initial: dict, duties, years, vehicles) -> dict[tuple[str, str, int], int]:
    """(d, k, y) -> vehicles owned at start_year still within their life in year y."""
    alive = defaultdict(int)
    for (d, k, j, c), n in initial.items():
        for y in years:
            if c + vehicles[j].life_years > y:
                alive[d, k, y] += n
    return {(d, k, y): alive[d, k, y] for (d, k) in duties for y in years}


def group(items, key) -> dict:
    """Items grouped by key(item), each group a tuple in the items' order."""
    out = defaultdict(list)
    for item in items:
        out[key(item)].append(item)
    return {k: tuple(v) for k, v in out.items()}


def fuel_price(city: City, energy: str) -> float:
    """CNY per litre of the city's diesel or gasoline; 0 for electricity."""
    return {"diesel": city.diesel_cny_per_l, "gasoline": city.gasoline_cny_per_l}.get(energy, 0.0)


def fuel_kgco2(city: City, energy: str, policy: Policy) -> float:
    """kg CO2 per litre burnt: the city's figure where it has one, else the national one."""
    if energy == "diesel":
        return city.diesel_kgco2_per_l if city.diesel_kgco2_per_l is not None else policy.diesel_kgco2_per_l
    return (city.gasoline_kgco2_per_l if city.gasoline_kgco2_per_l is not None
            else policy.gasoline_kgco2_per_l)
