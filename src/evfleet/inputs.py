"""Resolve a validated Case and its Catalog into one frozen Inputs object.

Every default, interpolation and unit conversion of evfleet happens here and nowhere else: the
formulation reads coefficients from Inputs and never computes them. Index sets hold only live
tuples (cohorts that exist, duty-model pairs that can be used); the pairs excluded and the reason
for each are kept for the run output (excluded.csv).

Index letters (fixed across the code base): d depot, k duty, j vehicle model, c vintage (cohort),
y year, q charger model, r representative day, h hour.
"""

from __future__ import annotations

import difflib
import math
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from evfleet.case.load import Document
from evfleet.case.schema import Case
from evfleet.case.yearly import by_year
from evfleet.catalog.load import Catalog
from evfleet.catalog.profiles import LOAD_SHAPE, PLUGGED_SHARE
from evfleet.catalog.repdays import cluster_days, day_features, price_year
from evfleet.catalog.schema import City, Tariff
from evfleet.errors import InputError, InputProblem

KG_PER_T = 1000.0
KWH_PER_MWH = 1000.0
MONTHS_PER_YEAR = 12
DAYS_PER_YEAR = 365
HOURS = tuple(range(24))
PRICE_EQUAL_CNY_PER_KWH = 1e-9  # prices closer than this are one time-of-use period

DK = tuple[str, str]
DKJ = tuple[str, str, str]
DKJC = tuple[str, str, str, int]
DKJCY = tuple[str, str, str, int, int]


@dataclass(frozen=True)
class Inputs:
    """Everything the formulation needs, labelled by index tuples; units in the names."""

    name: str
    years: tuple[int, ...]
    start_year: int
    end_year: int
    discount_factor: dict[int, float]  # y (incl. end_year + 1) -> 1/(1+r)^(y - start_year)
    depots: tuple[str, ...]
    depot_city: dict[str, str]
    days: tuple[str, ...]
    day_weight: dict[str, float]  # r -> days of the year it stands for (sum 365)
    day_members: dict[str, tuple[int, ...]]  # r -> the days of the year (0-364) it averages
    hours: tuple[int, ...]  # first hour of each block of the day (every hour unless merged)
    hour_length_h: dict[int, float]  # h -> hours the block starting at h lasts

    # --- fleet -------------------------------------------------------------------------------
    duties: tuple[DK, ...]
    need_count: dict[tuple[str, str, int], int]  # (d, k, y) -> vehicles required
    servable: tuple[DKJ, ...]  # (d, k, j) pairs a purchase may use
    excluded: tuple[tuple[str, str, str, str], ...]  # (d, k, j, reason)
    vehicle_energy: dict[str, str]  # j -> diesel | gasoline | electricity
    cohorts: tuple[DKJC, ...]  # every (d, k, j, c) that can hold vehicles
    cohort_years: tuple[DKJCY, ...]  # live (d, k, j, c, y): c <= y < c + life
    cohort_years_by_duty: dict[tuple[str, str, int], tuple[DKJCY, ...]]  # (d, k, y) -> live tuples
    ev_cohort_years_by_depot: dict[tuple[str, int], tuple[DKJCY, ...]]  # (d, y) -> electric ones
    initial_count: dict[DKJC, int]  # vehicles owned at start_year, by cohort
    owned_alive_count: dict[tuple[str, str, int], int]  # (d, k, y): owned at start, alive in y
    buy_cohorts: tuple[DKJC, ...]  # (d, k, j, c) with c a planning year and (d, k, j) servable
    first_year: dict[DKJC, int]  # first planning year of a cohort: max(c, start_year)
    exit_year: dict[DKJC, int]  # the year the cohort's survivors leave: min(c + life, end + 1)
    buy_price_cny: dict[DKJC, float]  # net of subsidy, for buy cohorts
    resale_value_cny: dict[DKJCY, float]  # market value of one vehicle sold at the start of y
    exit_value_cny: dict[DKJC, float]  # market value of one vehicle leaving at exit_year
    run_cost_cny: dict[tuple[str, str, str, int], dict[str, float]]  # (d,k,j,y) -> fuel, maintenance
    fuel_tco2_per_vehicle: dict[tuple[str, str, str, int], float]  # (d, k, j, y) combustion only
    charge_kwh_per_vehicle_day: dict[DKJ, float]  # electric (d, k, j): per representative day
    max_charge_kw: dict[str, float]  # electric j
    past_life_resale_cny: float  # owned vehicles already past their life at start_year
    past_life: tuple[tuple[str, str, str, int, int], ...]  # (d, k, j, bought, count)

    # --- charging ----------------------------------------------------------------------------
    charger_models: tuple[str, ...]
    charger_power_kw: dict[str, float]
    vehicles_per_charger: dict[str, float]
    charger_price_cny: dict[tuple[str, int], float]  # (q, y) net of subsidy
    charger_existing: dict[tuple[str, str, int], int]  # (d, q, y) existing chargers in service
    charger_life: dict[str, int]
    charger_terminal_share: dict[tuple[str, int], float]  # (q, c) book share left at end + 1
    charger_existing_terminal_cny: float
    ev_depots: tuple[str, ...]  # depots that can hold electric vehicles
    plugged_share: dict[tuple[str, str, int], float]  # (d, r, h)

    # --- solar and storage ---------------------------------------------------------------------
    pv_depots: tuple[str, ...]
    pv_existing_kw: dict[str, float]
    pv_roof_kw: dict[str, float]
    pv_capex_cny_per_kw: dict[int, float]
    pv_fixed_cny: float
    pv_needs_fixed: dict[str, bool]  # False where PV already stands (fixed cost paid)
    pv_om_cny_per_kw_year: float
    pv_life: int
    pv_kw_per_kwp: dict[tuple[str, str, int], float]  # (d, r, h)
    storage_depots: tuple[str, ...]
    storage_max_kwh: dict[str, float]
    storage_capex_cny_per_kwh: dict[int, float]
    storage_power_kw_per_kwh: float
    storage_efficiency: float  # one-way: sqrt(round trip)
    storage_om_cny_per_kwh_year: float
    storage_life: int

    # --- grid ----------------------------------------------------------------------------------
    grid_kw: dict[str, float]
    upgrade_depots: tuple[str, ...]
    upgrade_max_kw: dict[str, float]  # largest connection after upgrades
    upgrade_cost_cny_per_kw: dict[str, float]
    upgrade_fixed_cny: dict[str, float]
    upgrade_life: int
    building_load_kw: dict[tuple[str, str, int], float]  # (d, r, h)
    price_cny_per_kwh: dict[tuple[str, str, int], float]  # (d, r, h) time-of-use energy price
    feed_in_cny_per_kwh: dict[str, float]
    export_depots: tuple[str, ...]
    demand_cny_per_kw_year: dict[tuple[str, int], float]  # (d, y) with a demand charge possible
    two_part_threshold_kw: float
    two_part_fixed: dict[tuple[str, int], bool]  # (d, y) True: always two-part; absent: binary
    grid_tco2_per_kwh: dict[tuple[str, int], float]  # (d, y)

    # --- policy --------------------------------------------------------------------------------
    budget_cny: dict[int, float]  # capped years only
    money_scale_cny: float  # the budget row is divided by this (see money_scale)
    objective_scale_cny: float  # the objective is divided by this (see money_scale)
    carbon_cap_t: dict[int, float]
    carbon_price_cny_per_t: float
    min_ev_share: float | None
    pilot_ev_share: float
    pilot_chargers_per_ev: float

    # --- diagnosis -----------------------------------------------------------------------------
    slack_groups: frozenset[str] = frozenset()  # slack components to add (objective.SLACKS keys)
    strategy: str = "direct"  # how the case asks to be solved (solve.SolveOptions.strategy)
    slack_penalty: dict[str, float] = field(default_factory=dict)

    # Depot subsets as sets, for the hourly rules' membership tests (computed once, not fields).
    @cached_property
    def ev_depot_set(self) -> frozenset[str]:
        return frozenset(self.ev_depots)

    @cached_property
    def pv_depot_set(self) -> frozenset[str]:
        return frozenset(self.pv_depots)

    @cached_property
    def storage_depot_set(self) -> frozenset[str]:
        return frozenset(self.storage_depots)


def tariff_periods(tariff: Tariff) -> dict[tuple[int, int], str]:
    """The period of each (month, hour): rules in order, later ones overriding; the rest flat."""
    out = {}
    for month in range(1, 13):
        period = ["flat"] * 24
        for rule in tariff.schedule:
            if rule.months is None or month in rule.months:
                for start, end in rule.hours:
                    for h in range(start, end):
                        period[h] = rule.period
        out.update({(month, h): period[h] for h in HOURS})
    return out


def tariff_year(tariff: Tariff) -> np.ndarray:
    """(365, 24) price of every hour of a non-leap year, from the month-hour periods."""
    return price_year({k: tariff.prices_cny_per_kwh[p] for k, p in tariff_periods(tariff).items()})


def hour_blocks(equal: np.ndarray, similar: np.ndarray,
                tolerance: float) -> tuple[tuple[int, ...], ...]:
    """The hours of the day merged into blocks of consecutive hours, greedily from hour 0.

    An hour joins the block before it while every row of `equal` (time-of-use prices, one row per
    city and day) is the same over the block and every row of `similar` (PV kW/kWp, the load shape
    with mean 1, the plugged-in share) spans at most `tolerance` over it. Blocks never wrap past
    midnight. With equal prices a block's energy cost is exact; what merging loses is the shape of
    PV, load and plug-in within the block (docs/representative-days.md, hour blocks).
    """
    blocks, current = [], [0]
    for h in range(1, equal.shape[1]):
        trial = current + [h]
        same_price = np.ptp(equal[:, trial], axis=1).max() <= PRICE_EQUAL_CNY_PER_KWH
        close = np.ptp(similar[:, trial], axis=1).max() <= tolerance
        if same_price and close:
            current = trial
        else:
            blocks.append(tuple(current))
            current = [h]
    blocks.append(tuple(current))
    return tuple(blocks)


def need_count(vehicles: int, growth: float, years_from_start: int) -> int:
    """Spec §1: need(y) = ceil(vehicles x (1 + growth)^(y - start_year)), robust to float noise."""
    return math.ceil(round(vehicles * (1.0 + growth) ** years_from_start, 9))


def resolve(case: Case, catalog: Catalog, doc: Document,
            day_cities: tuple[str, ...] | None = None) -> Inputs:
    """Case + catalog -> Inputs. Raises InputError with every cross-reference problem found.

    `day_cities`: cluster the representative days over these cities instead of the case's own
    (one depot of a network case keeps the network's days: decompose/worker.py)."""
    problems: list[InputProblem] = []
    years = tuple(case.years)
    start, end = case.start_year, case.end_year
    horizon = tuple(range(start, end + 2))  # incl. end + 1 for terminal values
    policy = catalog.policy

    known_cities = ", ".join(sorted(catalog.cities))
    if case.city not in catalog.cities:
        problems.append(doc.problem(("city",), f"unknown city '{case.city}'; expected one of "
                                    f"{known_cities}"))
    _check_years(case, doc, problems)

    depots = tuple(dp.id for dp in case.depots)
    depot_city: dict[str, str] = {}
    for i, dp in enumerate(case.depots):
        if dp.id in depot_city:
            problems.append(doc.problem(("depots", i, "id"), f"duplicate depot id '{dp.id}'"))
        if dp.city is not None and dp.city not in catalog.cities:
            problems.append(doc.problem(("depots", i, "city"), f"unknown city '{dp.city}'; "
                                        f"expected one of {known_cities}"))
        depot_city[dp.id] = dp.city or case.city

    vehicles = catalog.vehicles
    classes = sorted({v.vehicle_class for v in vehicles.values()})
    usable = policy.usable_battery_share
    duties: list[DK] = []
    servable: list[DKJ] = []
    excluded: list[tuple[str, str, str, str]] = []
    initial: dict[DKJC, int] = defaultdict(int)
    past_life: list[tuple[str, str, str, int, int]] = []
    need: dict[tuple[str, str, int], int] = {}
    duty_of: dict[DK, object] = {}
    for i, dp in enumerate(case.depots):
        names: set[str] = set()
        for n, duty in enumerate(dp.duties):
            loc = ("depots", i, "duties", n)
            if duty.name in names:
                problems.append(doc.problem(loc + ("name",), f"duplicate duty name '{duty.name}' "
                                            f"in depot '{dp.id}'"))
                continue
            names.add(duty.name)
            if duty.vehicle_class not in classes:
                problems.append(doc.problem(loc + ("vehicle_class",), f"unknown vehicle class "
                                            f"'{duty.vehicle_class}'; expected one of {', '.join(classes)}"))
                continue
            dk = (dp.id, duty.name)
            duties.append(dk)
            duty_of[dk] = duty
            for y in years:
                need[dp.id, duty.name, y] = need_count(duty.vehicles, duty.growth, y - start)
            for j, v in vehicles.items():
                if v.vehicle_class != duty.vehicle_class:
                    continue
                if v.energy == "electricity":
                    range_km = v.battery_kwh * usable / (v.kwh_per_100km / 100.0)
                    if range_km < duty.daily_km:
                        excluded.append((dp.id, duty.name, j, f"range {range_km:.0f} km "
                                         f"< daily_km {duty.daily_km:g} km"))
                        continue
                servable.append((dp.id, duty.name, j))
            if not any(s[:2] == dk for s in servable):
                problems.append(doc.problem(loc + ("vehicle_class",), f"no catalog model of class "
                                            f"'{duty.vehicle_class}' can serve {duty.daily_km:g} km a day"))
            for f, entry in enumerate(duty.fleet):
                floc = loc + ("fleet", f)
                if entry.model not in vehicles:
                    problems.append(doc.problem(floc + ("model",), _unknown("vehicle model", entry.model,
                                                                            vehicles)))
                    continue
                if vehicles[entry.model].vehicle_class != duty.vehicle_class:
                    problems.append(doc.problem(floc + ("model",), f"expected a model of class "
                                                f"'{duty.vehicle_class}', got '{entry.model}' "
                                                f"({vehicles[entry.model].vehicle_class})"))
                    continue
                if entry.bought > start:
                    problems.append(doc.problem(floc + ("bought",), f"expected a year <= start_year "
                                                f"{start}, got {entry.bought}"))
                    continue
                if entry.bought + vehicles[entry.model].life_years <= start:
                    past_life.append((dp.id, duty.name, entry.model, entry.bought, entry.count))
                else:
                    initial[dp.id, duty.name, entry.model, entry.bought] += entry.count
        for n, ch in enumerate(dp.chargers):
            if ch.model not in catalog.chargers:
                problems.append(doc.problem(("depots", i, "chargers", n, "model"),
                                            _unknown("charger model", ch.model, catalog.chargers)))
            elif ch.installed > start:
                problems.append(doc.problem(("depots", i, "chargers", n, "installed"),
                                            f"expected a year <= start_year {start}, got {ch.installed}"))
        roof_kw = dp.roof_m2 * catalog.solar.kw_per_m2
        if dp.pv_kw > roof_kw + 1e-9:
            problems.append(doc.problem(("depots", i, "pv_kw"), f"expected at most the roof's "
                                        f"{roof_kw:g} kW ({dp.roof_m2:g} m2 x {catalog.solar.kw_per_m2:g} "
                                        f"kW/m2), got {dp.pv_kw:g}"))
        if dp.grid_upgrade and dp.grid_upgrade.max_kw < dp.grid_kw:
            problems.append(doc.problem(("depots", i, "grid_upgrade", "max_kw"), f"expected at least "
                                        f"grid_kw {dp.grid_kw:g} (max_kw is the connection after "
                                        f"upgrade), got {dp.grid_upgrade.max_kw:g}"))
    if problems:
        raise InputError(problems)

    # --- vehicle cohorts -----------------------------------------------------------------------
    price = {j: by_year(v.price_cny, horizon) for j, v in vehicles.items()}
    subsidy = {j: by_year(v.subsidy_cny, horizon) for j, v in vehicles.items()}
    net_price = {(j, y): max(price[j][y] - subsidy[j][y], 0.0) for j in vehicles for y in horizon}

    def market_value(j: str, c: int, y: int) -> float:
        """Spec §4: today's (net) price falling linearly with age to residual_share at end of life."""
        v = vehicles[j]
        age = min(y - c, v.life_years)
        return net_price[j, y] * (1.0 - (1.0 - v.residual_share) * age / v.life_years)

    cohorts: set[DKJC] = set(initial)
    buy_cohorts = [(d, k, j, c) for (d, k, j) in servable for c in years]
    cohorts.update(buy_cohorts)
    cohorts_sorted = tuple(sorted(cohorts))
    cohort_years, first_year, exit_year = [], {}, {}
    for (d, k, j, c) in cohorts_sorted:
        life = vehicles[j].life_years
        first_year[d, k, j, c] = max(c, start)
        exit_year[d, k, j, c] = min(c + life, end + 1)
        cohort_years.extend((d, k, j, c, y) for y in years if c <= y < c + life)
    resale = {t: market_value(t[2], t[3], t[4]) for t in cohort_years}
    exit_value = {(d, k, j, c): market_value(j, c, exit_year[d, k, j, c])
                  for (d, k, j, c) in cohorts_sorted}

    run_cost, fuel_t, charge_day = {}, {}, {}
    models_of_duty = defaultdict(set)  # (d, k) -> vehicle models its cohorts use
    for (d, k, j, c) in cohorts_sorted:
        models_of_duty[d, k].add(j)
    for (d, k) in duties:
        duty = duty_of[d, k]
        city = catalog.cities[depot_city[d]]
        km_year = duty.daily_km * duty.days_per_year
        for j in sorted(models_of_duty[d, k]):
            v = vehicles[j]
            if v.energy == "electricity":
                charge_day[d, k, j] = (duty.daily_km * v.kwh_per_100km / 100.0
                                       * duty.days_per_year / DAYS_PER_YEAR)
            for y in years:
                litres = km_year * v.l_per_100km / 100.0 if v.energy != "electricity" else 0.0
                fuel_price = _fuel_price(city, v.energy)
                run_cost[d, k, j, y] = {"fuel": litres * fuel_price,
                                        "maintenance": km_year * v.maintenance_cny_per_km}
                if litres:
                    fuel_t[d, k, j, y] = litres * _fuel_kgco2(city, v.energy, policy) / KG_PER_T

    # --- chargers --------------------------------------------------------------------------------
    chargers = catalog.chargers
    ch_price = {(q, y): max(by_year(m.price_cny, [y])[y] - by_year(m.subsidy_cny, [y])[y], 0.0)
                for q, m in chargers.items() for y in horizon}
    existing_ch: dict[tuple[str, str, int], int] = defaultdict(int)
    existing_ch_terminal = 0.0
    for dp in case.depots:
        for ch in dp.chargers:
            life = chargers[ch.model].life_years
            for y in years:
                if ch.installed <= y < ch.installed + life:
                    existing_ch[dp.id, ch.model, y] += ch.count
            left = max(ch.installed + life - (end + 1), 0) / life
            existing_ch_terminal += ch.count * by_year(chargers[ch.model].price_cny,
                                                       [ch.installed])[ch.installed] * left
    ch_terminal = {(q, c): max(c + m.life_years - (end + 1), 0) / m.life_years
                   for q, m in chargers.items() for c in years}
    ev_depots = tuple(sorted({d for (d, k, j, c) in cohorts_sorted
                              if vehicles[j].energy == "electricity"}
                             | {d for (d, q, y) in existing_ch}))

    # --- representative days, hourly profiles and prices ------------------------------------------
    used = sorted(set(depot_city.values()) | set(day_cities or ()))
    prices = {c: tariff_year(catalog.cities[c].tariff) for c in used}
    clustered = sorted(day_cities) if day_cities else used
    rep = cluster_days(day_features([catalog.pv_years[c] for c in clustered],
                                    [prices[c] for c in clustered]),
                       case.representative_days or policy.default_representative_days)
    days, weights = rep.names, rep.weight
    day_index = {r: i for i, r in enumerate(days)}  # row of a day in the (days, 24) arrays below
    pv_by_city = {c: rep.means(catalog.pv_years[c]) for c in used}
    price_by_city = {c: rep.means(prices[c]) for c in used}
    depot_cities = sorted({depot_city[dp.id] for dp in case.depots})
    blocks = (hour_blocks(np.vstack([price_by_city[c] for c in depot_cities]),
                          np.vstack([*(pv_by_city[c] for c in depot_cities), LOAD_SHAPE, PLUGGED_SHARE]),
                          policy.hour_block_tolerance)
              if case.hour_blocks else tuple((h,) for h in HOURS))
    hours = tuple(b[0] for b in blocks)
    pv_kw_per_kwp, load_kw, plugged, price_h = {}, {}, {}, {}
    for dp in case.depots:
        key = depot_city[dp.id]
        for r in days:
            for b in blocks:
                h, i, block = b[0], day_index[r], list(b)
                pv_kw_per_kwp[dp.id, r, h] = float(pv_by_city[key][i, block].mean())
                load_kw[dp.id, r, h] = dp.building_load_kw * float(LOAD_SHAPE[block].mean())
                plugged[dp.id, r, h] = float(PLUGGED_SHARE[block].mean())
                price_h[dp.id, r, h] = float(price_by_city[key][i, block].mean())

    # --- grid and tariff ---------------------------------------------------------------------------
    threshold = policy.two_part_tariff_threshold_kva
    exempt_until = case.demand_charge_exempt_until
    demand, two_part_fixed, grid_t = {}, {}, {}
    upgrade_depots = tuple(dp.id for dp in case.depots
                           if dp.grid_upgrade is not None and dp.grid_upgrade.max_kw > dp.grid_kw)
    for dp in case.depots:
        city = catalog.cities[depot_city[dp.id]]
        factor = by_year(city.grid_tco2_per_mwh, years)
        largest = dp.grid_upgrade.max_kw if dp.id in upgrade_depots else dp.grid_kw
        for y in years:
            grid_t[dp.id, y] = factor[y] / KWH_PER_MWH
            exempt = exempt_until is not None and y <= exempt_until
            if exempt or city.demand_charge_cny_per_kw_month <= 0 or largest < threshold:
                continue
            demand[dp.id, y] = city.demand_charge_cny_per_kw_month * MONTHS_PER_YEAR
            if dp.grid_kw >= threshold:
                two_part_fixed[dp.id, y] = True

    # --- policy ------------------------------------------------------------------------------------
    budget = by_year(case.budget_cny, years) if case.budget_cny is not None else {}
    cap = by_year(case.carbon_cap_t, years) if case.carbon_cap_t is not None else {}

    pv_depots = tuple(dp.id for dp in case.depots if dp.roof_m2 > 0 or dp.pv_kw > 0)
    storage_depots = tuple(dp.id for dp in case.depots if dp.max_storage_kwh > 0)
    rate = case.discount_rate
    return Inputs(
        name=case.name, years=years, start_year=start, end_year=end,
        discount_factor={y: 1.0 / (1.0 + rate) ** (y - start) for y in horizon},
        depots=depots, depot_city=depot_city, days=days, day_weight=weights,
        day_members=rep.members, hours=hours, hour_length_h={b[0]: float(len(b)) for b in blocks},
        duties=tuple(duties), need_count=need, servable=tuple(servable), excluded=tuple(excluded),
        vehicle_energy={j: v.energy for j, v in vehicles.items()},
        cohorts=cohorts_sorted, cohort_years=tuple(cohort_years),
        cohort_years_by_duty=_group(cohort_years, lambda t: (t[0], t[1], t[4])),
        ev_cohort_years_by_depot=_group(
            [t for t in cohort_years if vehicles[t[2]].energy == "electricity"], lambda t: (t[0], t[4])),
        initial_count=dict(initial),
        owned_alive_count=_owned_alive(initial, duties, years, vehicles),
        buy_cohorts=tuple(sorted(buy_cohorts)), first_year=first_year, exit_year=exit_year,
        buy_price_cny={t: net_price[t[2], t[3]] for t in buy_cohorts},
        resale_value_cny=resale, exit_value_cny=exit_value, run_cost_cny=run_cost,
        fuel_tco2_per_vehicle=fuel_t, charge_kwh_per_vehicle_day=charge_day,
        max_charge_kw={j: v.max_charge_kw for j, v in vehicles.items() if v.energy == "electricity"},
        past_life_resale_cny=sum(n * market_value(j, c, start) for (_, _, j, c, n) in past_life),
        past_life=tuple(past_life),
        charger_models=tuple(chargers), charger_power_kw={q: m.power_kw for q, m in chargers.items()},
        vehicles_per_charger={q: m.vehicles_per_charger for q, m in chargers.items()},
        charger_price_cny=ch_price, charger_existing=dict(existing_ch),
        charger_life={q: m.life_years for q, m in chargers.items()},
        charger_terminal_share=ch_terminal, charger_existing_terminal_cny=existing_ch_terminal,
        ev_depots=ev_depots, plugged_share=plugged,
        pv_depots=pv_depots, pv_existing_kw={dp.id: dp.pv_kw for dp in case.depots},
        pv_roof_kw={dp.id: dp.roof_m2 * catalog.solar.kw_per_m2 for dp in case.depots},
        pv_capex_cny_per_kw=by_year(catalog.solar.capex_cny_per_kw, years),
        pv_fixed_cny=catalog.solar.fixed_cny,
        pv_needs_fixed={dp.id: dp.pv_kw <= 0 for dp in case.depots},
        pv_om_cny_per_kw_year=catalog.solar.om_cny_per_kw_year, pv_life=catalog.solar.life_years,
        pv_kw_per_kwp=pv_kw_per_kwp,
        storage_depots=storage_depots,
        storage_max_kwh={dp.id: dp.max_storage_kwh for dp in case.depots},
        storage_capex_cny_per_kwh=by_year(catalog.storage.capex_cny_per_kwh, years),
        storage_power_kw_per_kwh=catalog.storage.power_kw_per_kwh,
        storage_efficiency=math.sqrt(catalog.storage.round_trip_efficiency),
        storage_om_cny_per_kwh_year=catalog.storage.om_cny_per_kwh_year,
        storage_life=catalog.storage.life_years,
        grid_kw={dp.id: dp.grid_kw for dp in case.depots}, upgrade_depots=upgrade_depots,
        upgrade_max_kw={dp.id: dp.grid_upgrade.max_kw for dp in case.depots if dp.id in upgrade_depots},
        upgrade_cost_cny_per_kw={dp.id: dp.grid_upgrade.cost_cny_per_kw
                                 for dp in case.depots if dp.id in upgrade_depots},
        upgrade_fixed_cny={dp.id: dp.grid_upgrade.fixed_cny
                           for dp in case.depots if dp.id in upgrade_depots},
        upgrade_life=policy.grid_upgrade_life_years,
        building_load_kw=load_kw, price_cny_per_kwh=price_h,
        feed_in_cny_per_kwh={d: catalog.cities[depot_city[d]].feed_in_cny_per_kwh for d in depots},
        export_depots=tuple(d for d in pv_depots if case.allow_export),
        demand_cny_per_kw_year=demand, two_part_threshold_kw=threshold,
        two_part_fixed=two_part_fixed, grid_tco2_per_kwh=grid_t,
        budget_cny=budget, carbon_cap_t=cap, money_scale_cny=money_scale(
            [*(p for t, p in ((t, net_price[t[2], t[3]]) for t in buy_cohorts)),
             *ch_price.values(), *by_year(catalog.solar.capex_cny_per_kw, years).values(),
             catalog.solar.fixed_cny, *by_year(catalog.storage.capex_cny_per_kwh, years).values(),
             *(dp.grid_upgrade.cost_cny_per_kw for dp in case.depots if dp.id in upgrade_depots),
             *(dp.grid_upgrade.fixed_cny for dp in case.depots if dp.id in upgrade_depots)]),
        objective_scale_cny=money_scale(
            [*(net_price[t[2], t[3]] for t in buy_cohorts), *ch_price.values(),
             *by_year(catalog.solar.capex_cny_per_kw, years).values(),
             *(sum(c.values()) for c in run_cost.values()),
             *(p * min(weights.values()) for p in price_h.values()), *demand.values(),
             catalog.solar.om_cny_per_kw_year, catalog.storage.om_cny_per_kwh_year]), carbon_price_cny_per_t=case.carbon_price_cny_per_t,
        min_ev_share=case.min_ev_share_of_purchases,
        pilot_ev_share=policy.pilot_ev_share_of_purchases,
        pilot_chargers_per_ev=policy.pilot_chargers_per_ev,
        strategy=case.strategy,
    )


def _owned_alive(initial: dict, duties, years, vehicles) -> dict[tuple[str, str, int], int]:
    """(d, k, y) -> vehicles owned at start_year still within their life in year y."""
    alive = defaultdict(int)
    for (d, k, j, c), n in initial.items():
        for y in years:
            if c + vehicles[j].life_years > y:
                alive[d, k, y] += n
    return {(d, k, y): alive[d, k, y] for (d, k) in duties for y in years}


def money_scale(prices_cny: list[float]) -> float:
    """The power of ten nearest the geometric mean of the smallest and largest price given.

    Dividing a row (or the objective) by it centres its coefficients on 1: the budget row's
    450 CNY/kW to 200,000 CNY a truck becomes 0.045 to 20, whatever the case's magnitudes. This is
    the only scaling in evfleet; solve.run_highs multiplies the objective back.
    """
    positive = [p for p in prices_cny if p > 0]
    if not positive:
        return 1.0
    return 10.0 ** round(math.log10(math.sqrt(min(positive) * max(positive))))


def _group(items, key) -> dict:
    """Items grouped by key(item), each group a tuple in the items' order."""
    out = defaultdict(list)
    for item in items:
        out[key(item)].append(item)
    return {k: tuple(v) for k, v in out.items()}


def _fuel_price(city: City, energy: str) -> float:
    return {"diesel": city.diesel_cny_per_l, "gasoline": city.gasoline_cny_per_l}.get(energy, 0.0)


def _fuel_kgco2(city: City, energy: str, policy) -> float:
    if energy == "diesel":
        return city.diesel_kgco2_per_l if city.diesel_kgco2_per_l is not None else policy.diesel_kgco2_per_l
    return (city.gasoline_kgco2_per_l if city.gasoline_kgco2_per_l is not None
            else policy.gasoline_kgco2_per_l)


def _unknown(what: str, name: str, known) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else f"; expected one of {', '.join(sorted(known))}"
    return f"unknown {what} '{name}'{hint}"


def _check_years(case: Case, doc: Document, problems: list[InputProblem]) -> None:
    """Year maps (budget, carbon cap) must name years inside the horizon."""
    for key in ("budget_cny", "carbon_cap_t"):
        value = getattr(case, key)
        if isinstance(value, dict):
            for y in value:
                if not case.start_year <= y <= case.end_year:
                    problems.append(doc.problem((key, y), f"expected a year in {case.start_year}-"
                                                f"{case.end_year}, got {y}"))
