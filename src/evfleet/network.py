"""Generate realistic courier networks as case data (plain dicts ready to dump as YAML).

Depot archetypes follow ref §7.6 (E; docs/sources.md says what it rests on):
- delivery station: 20-40 e-tricycles and 3-8 micro or light vans; 100-250 kVA; 500-1,500 m2 roof;
- city distribution centre: 30-80 vans and light trucks plus 20-50 tricycles; 630-1,250 kVA;
  3,000-10,000 m2 roof;
- regional sorting hub: 50-150 4.5 t trucks; 1,600-4,000 kVA; 20,000 m2 and more of roof.
Sizes are drawn uniformly in those ranges from a seeded generator: the same arguments give the
same network. Combustion vehicles were bought over the seven years before start_year.

The shared budget and carbon cap are set from the network itself: the budget is the price of
electrifying `budget_share` of the combustion fleet each year, the cap starts at the estimated
emissions of start_year and falls to `cap_end_share` of them by end_year.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from ruamel.yaml import YAML

from evfleet.case.schema import Case
from evfleet.catalog.load import shipped_path
from evfleet.inputs import in_memory, prepare
from evfleet.inputs.fleet import DAYS_PER_YEAR

PILOT_CITIES = ("beijing", "shenzhen", "chongqing", "chengdu", "zhengzhou", "ningbo", "xiamen",
                "jinan", "shijiazhuang", "tangshan", "liuzhou", "haikou", "changchun", "yinchuan",
                "ordos")


@dataclass(frozen=True)
class Archetype:
    """Ranges (low, high) of one kind of depot."""

    prefix: str
    grid_kw: tuple[int, int]
    roof_m2: tuple[int, int]
    building_load_kw: tuple[int, int]
    duties: tuple[tuple[str, str, str, tuple[int, int], tuple[int, int]], ...]
    # (duty name, vehicle class, owned model, vehicles (low, high), daily_km (low, high))


STATION = Archetype("station", (100, 250), (500, 1500), (10, 30), (
    ("vans", "light-van", "diesel-light-van", (3, 8), (90, 130)),
    ("last-mile", "tricycle", "e-tricycle", (20, 40), (40, 60)),
))
CENTRE = Archetype("centre", (630, 1250), (3000, 10000), (60, 150), (
    ("trucks", "light-truck", "diesel-light-truck", (15, 40), (120, 180)),
    ("vans", "light-van", "diesel-light-van", (15, 40), (90, 130)),
    ("last-mile", "tricycle", "e-tricycle", (20, 50), (40, 60)),
))
HUB = Archetype("hub", (1600, 4000), (20000, 30000), (200, 400), (
    ("feeder", "light-truck", "diesel-light-truck", (50, 150), (150, 200)),
))


def _load(name: str) -> dict:
    return YAML(typ="safe").load(shipped_path(name).read_text(encoding="utf-8"))


def _depot(arch: Archetype, depot_id: str, city: str, start_year: int, rng) -> dict:
    def pick(rng_range):
        return int(rng.integers(rng_range[0], rng_range[1] + 1))

    grid_kw = pick(arch.grid_kw)
    duties = []
    for name, vclass, model, count, km in arch.duties:
        n = pick(count)
        split = sorted(rng.choice(np.arange(start_year - 7, start_year), size=2, replace=False))
        first = n // 2
        fleet = [{"model": model, "count": first, "bought": int(split[0])},
                 {"model": model, "count": n - first, "bought": int(split[1])}]
        duties.append({"name": name, "vehicle_class": vclass, "daily_km": pick(km),
                       "days_per_year": 330, "vehicles": n, "growth": 0.03,
                       "fleet": [f for f in fleet if f["count"] > 0]})
    return {"id": depot_id, "city": city, "roof_m2": pick(arch.roof_m2), "grid_kw": grid_kw,
            "grid_upgrade": {"max_kw": 2 * grid_kw, "cost_cny_per_kw": 450, "fixed_cny": 60000},
            "building_load_kw": pick(arch.building_load_kw),
            "max_storage_kwh": 200 if arch is not STATION else 0, "duties": duties}


def network_case(name: str, cities: tuple[str, ...] = PILOT_CITIES, stations_per_city: int = 3,
                 centres_per_city: int = 1, hubs: int = 0, start_year: int = 2025,
                 end_year: int = 2035, seed: int = 15, budget_share: float = 0.25,
                 cap_end_share: float = 0.7, strategy: str | None = None) -> dict:
    """A company's network across `cities` as case data, with shared budget and carbon cap
    (and a solve `strategy` when given: `lp-fix` for networks HiGHS cannot solve directly)."""
    rng = np.random.default_rng(seed)
    depots = []
    for city in cities:
        for i in range(centres_per_city):
            depots.append(_depot(CENTRE, f"{city}-centre-{i + 1}", city, start_year, rng))
        for i in range(stations_per_city):
            depots.append(_depot(STATION, f"{city}-station-{i + 1}", city, start_year, rng))
    for i in range(hubs):
        city = cities[i % len(cities)]
        depots.append(_depot(HUB, f"{city}-hub-{i + 1}", city, start_year, rng))

    emissions_t, electrify_cny = _start_year_figures(depots, start_year)
    budget = round(budget_share * electrify_cny, -4)
    cap_start = math.ceil(emissions_t / 10) * 10
    return {
        "name": name, "city": cities[0], "start_year": start_year, "end_year": end_year,
        "discount_rate": 0.06, "budget_cny": float(budget),
        "carbon_cap_t": {start_year: float(cap_start),
                         end_year: float(math.ceil(cap_start * cap_end_share))},
        "min_ev_share_of_purchases": 0.8, "demand_charge_exempt_until": start_year,
        **({"strategy": strategy} if strategy else {}),
        "depots": depots,
    }


def _start_year_figures(depots: list[dict], start_year: int) -> tuple[float, float]:
    """Start-year emissions of the fleet as owned [t], from the coefficients the model itself
    uses (inputs.Inputs: fuel CO2 per vehicle-year, the grid factor, the building load and the
    owned electric vehicles' charging energy), and the price of replacing every combustion
    vehicle by the electric model of its class [CNY]."""
    probe = Case.model_validate({"name": "network-estimate", "city": depots[0]["city"],
                                 "start_year": start_year, "end_year": start_year,
                                 "discount_rate": 0.0, "depots": depots})
    inp = prepare(probe, in_memory(probe, "(generated network)"))
    y = start_year
    emissions = 0.0
    # vehicles past their life at start_year are replaced by the same model that year
    owned = [(d, k, j, n) for (d, k, j, c), n in inp.initial_count.items()]
    owned += [(d, k, j, n) for (d, k, j, c, n) in inp.past_life]
    for (d, k, j, n) in owned:
        if (d, k, j) in inp.charge_kwh_per_vehicle_day:
            kwh = inp.charge_kwh_per_vehicle_day[d, k, j] * DAYS_PER_YEAR
            emissions += n * kwh * inp.grid_tco2_per_kwh[d, y]
        else:
            emissions += n * inp.fuel_tco2_per_vehicle[d, k, j, y]
    for d in inp.depots:
        building_kwh = sum(inp.day_weight[r] * inp.hour_length_h[h] * inp.building_load_kw[d, r, h]
                           for r in inp.days for h in inp.hours)
        emissions += building_kwh * inp.grid_tco2_per_kwh[d, y]
    vehicles, electrify = _load("vehicles.yaml"), 0.0
    electric_of = {v["vehicle_class"]: v["price_cny"] for j, v in vehicles.items()
                   if v["energy"] == "electricity" and not j.endswith("-lr")}
    for depot in depots:
        for duty in depot["duties"]:
            for entry in duty["fleet"]:
                v = vehicles[entry["model"]]
                if v["energy"] != "electricity":
                    electrify += entry["count"] * electric_of[v["vehicle_class"]]
    return emissions, electrify
