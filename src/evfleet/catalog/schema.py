"""Schemas of the technology catalog (models/*.yaml), the city data and the national policy file.

Each record may carry `sources`: {field: "V|R|E: where the figure comes from"}.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from evfleet.schema_types import (
    LifeYears,
    NonNegative,
    Positive,
    Share,
    Strict,
    Yearly,
)

Sources = dict[str, str]


class SwapPlan(Strict):
    """A battery-swap subscription (换电) for a vehicle model: the vehicle charges at no depot
    charger; the operator's packs are charged off the depot's meter."""

    fee_cny_per_month: NonNegative
    # paid per kWh swapped on top of the fee (0: included; None: the public station's price)
    energy_cny_per_kwh: NonNegative | None = 0.0
    detour_minutes_per_swap: NonNegative = 0.0  # to the swap station and back, per swap
    sources: Sources = {}


class VehicleModel(Strict):
    """A vehicle model: purchase price, energy use, upkeep and life."""

    vehicle_class: str = Field(min_length=1)
    energy: Literal["diesel", "gasoline", "electricity"]
    price_cny: Yearly
    l_per_100km: Positive | None = None  # fuel models
    kwh_per_100km: Positive | None = None  # electric models, at the charger
    battery_kwh: Positive | None = None
    max_charge_kw: Positive | None = None
    maintenance_cny_per_km: NonNegative
    life_years: LifeYears
    residual_share: Share
    subsidy_cny: Yearly = 0.0
    price_includes_purchase_tax: bool = False  # a quote with 车辆购置税 in it: no tax added
    trade_in_class: str | None = None  # a policy.trade_in class: eligible for the trade-in
    min_years_before_sale: int = Field(default=0, ge=0, le=40)  # e.g. a lease or subsidy term
    swap: SwapPlan | None = None  # electric models that can rent swappable packs
    temperature_curve: str | None = None  # a policy.temperature_curves name (None: no effect)
    sources: Sources = {}

    @model_validator(mode="after")
    def _energy_fields(self) -> "VehicleModel":
        if self.energy == "electricity":
            missing = [f for f in ("kwh_per_100km", "battery_kwh", "max_charge_kw")
                       if getattr(self, f) is None]
            if missing:
                raise ValueError(f"an electric model needs {', '.join(missing)}")
        elif self.l_per_100km is None:
            raise ValueError(f"a {self.energy} model needs l_per_100km")
        return self


class ChargerModel(Strict):
    """A charger model, installed price."""

    power_kw: Positive
    price_cny: Yearly
    life_years: LifeYears
    vehicles_per_charger: float = Field(ge=1, le=1000, allow_inf_nan=False)
    classes: list[str] | None = Field(default=None, min_length=1)  # None: every vehicle class
    charges_any_hour: bool = False  # a swap cabinet: its packs charge while the vehicles are out
    subsidy_cny: Yearly = 0.0
    sources: Sources = {}


class Solar(Strict):
    """Rooftop PV."""

    capex_cny_per_kw: Yearly
    fixed_cny: NonNegative
    kw_per_m2: Positive
    om_cny_per_kw_year: NonNegative
    life_years: LifeYears
    sources: Sources = {}


class Storage(Strict):
    """Stationary battery."""

    capex_cny_per_kwh: Yearly
    power_kw_per_kwh: Positive
    round_trip_efficiency: float = Field(gt=0, le=1, allow_inf_nan=False)
    life_years: LifeYears
    om_cny_per_kwh_year: NonNegative
    module_kwh: Positive | None = None  # sold in whole modules of this size (None: any size)
    sources: Sources = {}


class PublicCharging(Strict):
    """Charging at public stations: the station's energy price plus a service fee, and the
    driver's detour to get there."""

    service_fee_cny_per_kwh: NonNegative
    detour_minutes_per_session: NonNegative
    driver_cny_per_hour: NonNegative
    classes: list[str] = Field(min_length=1)  # vehicle classes public stations can charge
    sources: Sources = {}


class RooftopPv(Strict):
    """The 2025 rules for new rooftop PV (NEA 2025 No. 7, NDRC/NEA 2025 No. 136): which plants are
    general C&I, and what exports of plants connected under the new rules earn."""

    market_export_from_year: int = Field(ge=2000, le=2100)  # PV added from this year is "new"
    market_export_cny_per_kwh: NonNegative  # default market price of a new plant's exports
    general_ci_max_kw: Positive  # above this a plant is large C&I: full self-use by default
    sources: Sources = {}


class PeakRental(Strict):
    """Short-term rental of vehicles in a parcel peak: CNY per vehicle-day by vehicle class and
    energy, the energy itself not included (a class and energy not listed cannot be rented)."""

    cny_per_vehicle_day: dict[str, dict[Literal["diesel", "gasoline", "electricity"], NonNegative]]
    sources: Sources = {}


class TradeInClass(Strict):
    """The subsidies of one truck class in the old-truck scrapping and renewal scheme."""

    scrap_cny_by_years_early: dict[Annotated[int, Field(ge=1, le=40)], NonNegative] = Field(min_length=1)
    new_electric_cny: NonNegative  # for the new-energy truck bought in its place


class TradeIn(Strict):
    """Old operating-truck scrapping and renewal (交规划发〔2024〕90号, extended): an eligible
    combustion truck sold before its end of life and a new-energy truck bought in the same depot
    and year earn the scrapping subsidy (by how many years early, at least the key's years) and
    the new truck's subsidy, for as many pairs as the smaller count."""

    years: list[Annotated[int, Field(ge=2000, le=2100)]]  # the scheme's years
    classes: dict[str, TradeInClass]
    sources: Sources = {}


class PurchaseTax(Strict):
    """车辆购置税: a share of a vehicle's price before VAT, paid when it is bought; new-energy
    vehicles pay a share of it that changes by year (exempt, halved, in full)."""

    rate_of_price_ex_vat: Share
    vat_rate: Share  # the catalog's prices include VAT at this rate
    electric_share_paid: Yearly  # of the tax, by year, for an electric vehicle
    sources: Sources = {}


class TariffRule(Strict):
    """Hours [start, end) of one period, in the months named (default: all twelve)."""

    period: str = Field(min_length=1)
    hours: list[Annotated[list[int], Field(min_length=2, max_length=2)]] = Field(min_length=1)
    months: list[int] | None = None

    @model_validator(mode="after")
    def _ranges(self) -> "TariffRule":
        for start, end in self.hours:
            if not 0 <= start < end <= 24:
                raise ValueError(f"expected hour ranges [start, end) with 0 <= start < end <= 24, "
                                 f"got [{start}, {end}]")
        if self.months is not None and not all(1 <= m <= 12 for m in self.months):
            raise ValueError(f"expected months 1-12, got {self.months}")
        return self


class Tariff(Strict):
    """Time-of-use tariff: the price of each period and the rules placing periods in hours."""

    prices_cny_per_kwh: dict[str, NonNegative]
    schedule: list[TariffRule] = []

    @model_validator(mode="after")
    def _periods_priced(self) -> "Tariff":
        if "flat" not in self.prices_cny_per_kwh:
            raise ValueError("prices_cny_per_kwh needs a 'flat' price (hours no rule names)")
        unknown = sorted({r.period for r in self.schedule} - set(self.prices_cny_per_kwh))
        if unknown:
            raise ValueError(f"schedule names periods without a price: {', '.join(unknown)}")
        return self


class City(Strict):
    """A city's location, energy prices, grid factor and PV yield."""

    name: str
    name_zh: str | None = None
    province: str
    lat: float = Field(ge=-90, le=90, allow_inf_nan=False)
    lon: float = Field(ge=-180, le=180, allow_inf_nan=False)
    grid_tco2_per_mwh: Yearly
    diesel_cny_per_l: NonNegative
    gasoline_cny_per_l: NonNegative
    feed_in_cny_per_kwh: NonNegative
    demand_charge_cny_per_kw_month: NonNegative
    pv_kwh_per_kwp: Positive
    tariff: Tariff  # in force until the first of tariff_changes
    tariff_changes: dict[Annotated[int, Field(ge=2000, le=2100)], Tariff] = {}  # year -> in force from 1 Jan
    diesel_kgco2_per_l: NonNegative | None = None  # None: the national value in policy.yaml
    gasoline_kgco2_per_l: NonNegative | None = None
    jan_mean_c: float | None = Field(default=None, ge=-60, le=50, allow_inf_nan=False)
    jul_mean_c: float | None = Field(default=None, ge=-60, le=50, allow_inf_nan=False)
    jan_min_c: float | None = Field(default=None, ge=-70, le=50, allow_inf_nan=False)  # first trip
    pv_self_use_min_share: Share = 0.0  # of new rooftop PV's yearly output used on site
    pv_export_market_cny_per_kwh: NonNegative | None = None  # new PV's exports; None: policy's
    public_charging_service_fee_cny_per_kwh: NonNegative | None = None  # None: policy's
    public_charging_energy_cny_per_kwh: NonNegative | None = None  # None: tariff, hours away
    sources: Sources = {}


class TemperatureCurve(Strict):
    """An electric vehicle's energy use and usable battery by ambient temperature, relative to
    20 °C: points (°C, consumption factor, capacity factor), linear between them, flat beyond."""

    points: list[Annotated[list[float], Field(min_length=3, max_length=3)]] = Field(min_length=2)
    sources: Sources = {}

    @model_validator(mode="after")
    def _increasing(self) -> "TemperatureCurve":
        temps = [p[0] for p in self.points]
        if any(b <= a for a, b in zip(temps, temps[1:])):
            raise ValueError("expected points in increasing order of temperature")
        if any(p[1] <= 0 or p[2] <= 0 for p in self.points):
            raise ValueError("expected factors > 0")
        return self


class Policy(Strict):
    """National rules and constants (models/policy.yaml)."""

    pilot_ev_share_of_purchases: Share
    pilot_chargers_per_ev: NonNegative
    two_part_tariff_threshold_kva: NonNegative
    grid_upgrade_life_years: LifeYears
    usable_battery_share: Share
    default_representative_days: int = Field(ge=1, le=365)
    hour_block_tolerance: NonNegative  # largest spread of a profile within a merged block
    diesel_kgco2_per_l: NonNegative
    gasoline_kgco2_per_l: NonNegative
    public_charging: PublicCharging
    rooftop_pv: RooftopPv
    purchase_tax: PurchaseTax
    peak_rental: PeakRental
    trade_in: TradeIn
    operating_above_mean_c: float  # daytime driving is this much warmer than the month's mean
    cold_day_tolerance: NonNegative  # the coldest month gets a day of its own beyond this
    temperature_curves: dict[str, TemperatureCurve]
    sources: Sources = {}
