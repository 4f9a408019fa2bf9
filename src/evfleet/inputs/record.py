"""The Inputs record: everything the formulation reads, resolved once (inputs/resolver.py).

Index letters (fixed across the code base): d depot, k duty, j vehicle model, c vintage (cohort),
y year, q charger model, r representative day, h hour.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

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
    city_names: dict[str, str]  # city key -> its name as shown, English then Chinese: "Chengdu 成都"
    days: tuple[str, ...]
    day_weight: dict[str, float]  # r -> days of the year it stands for (sum 365)
    day_members: dict[str, tuple[int, ...]]  # r -> the days of the year (0-364) it averages
    hours: tuple[int, ...]  # first hour of each block of the day (every hour unless merged)
    hour_length_h: dict[int, float]  # h -> hours the block starting at h lasts
    day_month: dict[str, int]  # r -> the month most of its member days are in (1-12)
    day_temperature_c: dict[tuple[str, str], float | None]  # (d, r) -> mean daytime temperature

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
    buy_max_count: dict[DKJ, int]  # most vehicles one year's purchase may hold (fleet.buy_max_count)
    first_year: dict[DKJC, int]  # first planning year of a cohort: max(c, start_year)
    sale_from_year: dict[DKJC, int]  # cohorts held past their first year: first year one may be sold
    ev_sale_max_count: dict[int, int]  # y -> most electric vehicles that could be sold early in y
    ice_buy_max_count: dict[int, int]  # y -> most combustion vehicles that could be bought in y
    exit_year: dict[DKJC, int]  # the year the cohort's survivors leave: min(c + life, end + 1)
    buy_price_cny: dict[DKJC, float]  # net of subsidy, for buy cohorts
    purchase_tax_cny: dict[tuple[str, int], float]  # (j, y) tax on one vehicle bought in y
    trade_scrap_cny: dict[DKJCY, float]  # eligible cohort-year -> scrapping subsidy of a sale
    trade_new_cny: dict[DKJC, float]  # eligible electric buy cohort -> new-truck subsidy
    trade_depot_years: tuple[tuple[str, int], ...]  # (d, y) where both may happen
    resale_value_cny: dict[DKJCY, float]  # market value of one vehicle sold at the start of y
    exit_value_cny: dict[DKJC, float]  # market value of one vehicle leaving at exit_year
    run_cost_cny: dict[tuple[str, str, str, int], dict[str, float]]  # (d,k,j,y) -> fuel, maintenance
    fuel_tco2_per_vehicle: dict[tuple[str, str, str, int], float]  # (d, k, j, y) combustion only
    charge_kwh_per_vehicle_day: dict[DKJ, float]  # electric (d, k, j): a mean day at 20 °C
    max_charge_kw: dict[str, float]  # electric j
    past_life_resale_cny: float  # owned vehicles already past their life at start_year
    past_life: tuple[tuple[str, str, str, int, int], ...]  # (d, k, j, bought, count)
    past_life_value_cny: dict[tuple[str, int], float]  # (j, bought) -> one sold at start_year

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
    charger_classes: dict[str, tuple[str, ...]]  # q -> vehicle classes it charges (() : all)
    charger_any_hour: dict[str, bool]  # q -> a swap cabinet: charges whatever the plug-in share

    # --- supply: how each electric vehicle gets its energy (inputs/supply.py) -----------------
    supply_options: dict[DKJ, tuple[str, ...]]  # electric (d, k, j) -> charger models, public, swap
    depot_chargers: tuple[tuple[str, str], ...]  # (d, q): a pair at d can use q, or d owns some
    vehicles_per_charger_of: dict[tuple[str, str, str, str], int]  # (d, k, j, q): one charger serves
    charge_rate_kw: dict[tuple[str, str], float]  # (j, q): min(charger kW, vehicle's intake)
    day_energy_factor: dict[tuple[str, str, str], float]  # (d, j, r): energy per km vs 20 °C
    charge_kwh_per_vehicle_year: dict[DKJ, float]  # sum over days of weight x e x factor
    public_cny_per_vehicle_year: dict[DKJ, float]  # energy at the station's price + detours
    swap_cny_per_vehicle_year: dict[DKJ, float]  # subscription + energy not included
    public_max_share: float  # of a duty's charging energy, in public at most
    plugged_hours_h: dict[str, float]  # d -> hours a day every vehicle is plugged in
    top_up_share: dict[tuple[str, str, str, int], float]  # (d, k, r, h): plugged in for a top-up
    top_up_kwh_per_vehicle_day: dict[tuple[str, str, str, str], float]  # (d, k, j, r) at midday

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
    storage_module_kwh: float | None  # storage is bought in whole modules of this size

    # --- parcel peak (inputs/peak.py) ---------------------------------------------------------
    peak_need_count: dict[tuple[str, str, int], int]  # (d, k, y) vehicles on the road in the peak
    peak_days: dict[tuple[str, str], int]  # (d, k) days of the peak a year
    rental_cny_per_vehicle_day: dict[tuple[str, str, str, int], float]  # (d, k, energy, y) incl. energy
    rental_fuel_tco2_per_vehicle_day: dict[tuple[str, str, str], float]  # (d, k, combustion energy)
    rental_kwh_per_vehicle_day: dict[tuple[str, str], float]  # (d, k) an electric rental's day
    rentals_at: dict[str, tuple[tuple[str, str], ...]]  # d -> (k, energy) it may rent

    # --- grid ----------------------------------------------------------------------------------
    grid_kw: dict[str, float]
    upgrade_depots: tuple[str, ...]
    upgrade_max_kw: dict[str, float]  # largest connection after upgrades
    upgrade_cost_cny_per_kw: dict[str, float]
    upgrade_fixed_cny: dict[str, float]
    upgrade_life: int
    building_load_kw: dict[tuple[str, str, int], float]  # (d, r, h)
    tariff_of: dict[tuple[str, int], str]  # (d, y) -> the tariff in force (catalog/tariffs.py tariff_key)
    price_cny_per_kwh: dict[tuple[str, str, int], float]  # (tariff, r, h) time-of-use energy price
    pv_category: dict[str, str]  # PV depot -> "general_ci" or "large_ci" (NEA 2025 No. 7)
    pv_mode: dict[str, str]  # PV depot -> "surplus_export" or "self_use"
    export_depots: tuple[str, ...]  # PV depots in the surplus-export mode
    feed_in_cny_per_kwh: dict[str, float]  # export depot -> price of PV connected before ...
    export_market_cny_per_kwh: dict[str, float]  # ... and from market_export_from_year
    market_export_from_year: int  # PV added in this plan year or later exports at market price
    pv_self_use_min_share: dict[str, float]  # export depots that may add PV -> floor on PV used
    demand_cny_per_kw_year: dict[tuple[str, int], float]  # (d, y) with a demand charge possible
    two_part_threshold_kw: float  # a connection of this or more is on the two-part tariff
    single_part_max_kw: float  # the largest connection still single-part (inputs/grid.py)
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
    no_plan_because: tuple[str, ...] = ()  # proved before building: no plan exists (checks.py)
    slack_groups: frozenset[str] = frozenset()  # slack components to add (objective.SLACKS keys)
    strategy: str = "direct"  # how the case asks to be solved (solver.SolveOptions.strategy)
    slack_penalty: dict[str, float] = field(default_factory=dict)

    # Depot subsets as sets, for the hourly rules' membership tests (computed once, not fields).
    @cached_property
    def pv_depot_set(self) -> frozenset[str]:
        return frozenset(self.pv_depots)

    @cached_property
    def storage_depot_set(self) -> frozenset[str]:
        return frozenset(self.storage_depots)

    # Index maps of the supply rows (formulation/charging.py), from the fields above.
    @cached_property
    def ev_pair_years(self) -> tuple[tuple[str, str, str, int], ...]:
        """(d, k, j, y) for electric pairs with vehicles that may be in service in y."""
        return tuple(sorted({(*t[:3], t[4]) for ts in self.ev_cohort_years_by_depot.values()
                             for t in ts}))

    @cached_property
    def pairs_on_charger(self) -> dict[tuple[str, str, int], tuple[tuple[str, str], ...]]:
        """(d, q, y) -> the (k, j) pairs that may use depot charger model q in year y."""
        out: dict[tuple[str, str, int], list] = {}
        models = set(self.charger_models)
        for (d, k, j, y) in self.ev_pair_years:
            for s in self.supply_options[d, k, j]:
                if s in models:
                    out.setdefault((d, s, y), []).append((k, j))
        return {key: tuple(v) for key, v in out.items()}

    @cached_property
    def chargers_at(self) -> dict[str, tuple[str, ...]]:
        """d -> the charger models of DEPOT_CHARGERS at depot d."""
        out: dict[str, list] = {}
        for (d, q) in self.depot_chargers:
            out.setdefault(d, []).append(q)
        return {d: tuple(v) for d, v in out.items()}
