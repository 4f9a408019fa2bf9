"""The case file (spec §1) as pydantic models. Catalog and city overrides stay raw mappings here:
they are validated once merged with the catalog record they override (evfleet.catalog.load)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator

from evfleet.schema_types import (
    Count,
    NonNegative,
    Positive,
    Share,
    Slug,
    Strict,
    Year,
    Yearly,
)

MAX_HORIZON_YEARS = 40


class FleetEntry(Strict):
    """Vehicles owned at start_year."""

    model: str
    count: Count
    bought: Year


class ChargerEntry(Strict):
    """Chargers installed at start_year."""

    model: str
    count: Count
    installed: Year


class GridUpgrade(Strict):
    """An optional upgrade of the depot's grid connection."""

    max_kw: Positive  # the largest the connection may become (existing grid_kw included)
    cost_cny_per_kw: NonNegative
    fixed_cny: NonNegative = 0.0


class PublicChargingChoice(Strict):
    """What the case allows of public charging; prices left out are the city's or the policy's."""

    allowed: bool = True
    service_fee_cny_per_kwh: NonNegative | None = None
    detour_minutes_per_session: NonNegative | None = None
    driver_cny_per_hour: NonNegative | None = None
    max_share_of_duty_energy: Share = 1.0  # of a duty's charging energy, in public at most
    classes: list[str] | None = Field(default=None, min_length=1)  # None: the policy's classes


Energy = Literal["diesel", "gasoline", "electricity"]


class Peak(Strict):
    """A duty's seasonal parcel peak (Double 11, 618): for `days` days a year it needs
    ceil(extra_share x need) more vehicles, met by vehicles it owns or by short-term rental."""

    extra_share: float = Field(gt=0, le=5, allow_inf_nan=False)
    days: int = Field(ge=1, le=366)
    month: int = Field(default=11, ge=1, le=12)  # when: the electric rentals' temperature
    # CNY per rented vehicle-day by energy, energy not included; None: the policy's for the class
    rental_cny_per_vehicle_day: dict[Energy, NonNegative] | None = None


class TopUp(Strict):
    """A midday return to the depot: each working day the duty's vehicles are plugged in from
    `start_hour` for `hours` hours and charge there what one battery cannot carry through the day
    (a day on two batteries at most). Without it a model's range must cover daily_km."""

    start_hour: int = Field(ge=0, le=23)
    hours: int = Field(ge=1, le=12)


class Duty(Strict):
    """A group of identical daily rounds served by one vehicle class."""

    name: str = Field(min_length=1, max_length=80)
    vehicle_class: str = Field(min_length=1)
    daily_km: Positive
    days_per_year: int = Field(ge=1, le=366)
    vehicles: Count
    growth: float = Field(default=0.0, ge=-0.5, le=1.0, allow_inf_nan=False)
    peak: Peak | None = None
    top_up: TopUp | None = None
    fleet: list[FleetEntry] = []


class Depot(Strict):
    """One site: its roof, grid connection, load, assets and duties."""

    id: Slug
    city: str | None = None
    roof_m2: NonNegative = 0.0
    grid_kw: NonNegative
    grid_upgrade: GridUpgrade | None = None
    building_load_kw: NonNegative = 0.0
    max_storage_kwh: NonNegative = 0.0
    pv_kw: NonNegative = 0.0
    # NEA 2025 No. 7: "self_use" never exports; None: surplus export for a general C&I plant,
    # self-use for a large one (inputs/grid.py pv_modes)
    pv_mode: Literal["surplus_export", "self_use"] | None = None
    chargers: list[ChargerEntry] = []
    duties: list[Duty] = Field(min_length=1)


class Case(Strict):
    """A planning case."""

    name: Slug
    city: str
    start_year: Year
    end_year: Year
    discount_rate: float = Field(ge=0, lt=1, allow_inf_nan=False)
    budget_cny: Yearly | None = None
    carbon_cap_t: Yearly | None = None
    carbon_price_cny_per_t: NonNegative = 0.0
    min_ev_share_of_purchases: Share | None = None
    min_years_before_sale: int = Field(default=0, ge=0, le=MAX_HORIZON_YEARS)  # no sale younger
    demand_charge_exempt_until: Year | None = None
    allow_export: bool = True
    public_charging: PublicChargingChoice = PublicChargingChoice()
    battery_swap: bool = True  # models with a swap plan may subscribe
    representative_days: int | None = Field(default=None, ge=1, le=365)  # None: policy default
    hour_blocks: bool = False  # merge hours of equal tariff and similar profiles (inputs.hourly.hour_blocks)
    strategy: Literal["direct", "lp-fix"] = "direct"  # how HiGHS is run (solver.highs.HighsModel)
    lang: Literal["en", "zh"] = "en"  # the language of plan.xlsx's labels (writers/labels.py)
    catalog: str | None = None
    vehicles: dict[str, dict[str, Any]] = {}
    chargers: dict[str, dict[str, Any]] = {}
    solar: dict[str, Any] = {}
    storage: dict[str, Any] = {}
    cities: dict[str, dict[str, Any]] = {}
    depots: list[Depot] = Field(min_length=1)

    @field_validator("end_year")
    @classmethod
    def _horizon(cls, end_year: int, info: ValidationInfo) -> int:
        start = info.data.get("start_year")
        if start is None:
            return end_year
        if end_year < start:
            raise ValueError(f"expected a year >= start_year {start}, got {end_year}")
        if end_year - start + 1 > MAX_HORIZON_YEARS:
            raise ValueError(f"expected a horizon of at most {MAX_HORIZON_YEARS} years, "
                             f"got {end_year - start + 1}")
        return end_year

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)
