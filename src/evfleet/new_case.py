"""`evfleet new`: write a commented, valid starting case for one city.

The depots come from evfleet.network's archetypes (a distribution centre first, then delivery
stations). A city outside the 15 pilot cities is defined in the case's `cities:` block from its
latitude and longitude; its tariff, fuel prices, grid factor and PV yield start as those of the
nearest pilot city, and the file says so next to them.
"""

from __future__ import annotations

import io
import math
import zlib

from ruamel.yaml import YAML

from evfleet.catalog.show import shipped_cities
from evfleet.network import network_case

HEADER = """\
# {name}: a starting case written by `evfleet new`. Edit it, then run: evfleet solve {file}
# Every field is described in docs/formulation.md and the case-format contract.
#
# name            lower-case letters, digits and '-'; names the output folder runs/<name>/
# city            default city of every depot (`evfleet cities` lists the shipped ones)
# start_year, end_year   the planning horizon, both included
# discount_rate   real; a cash flow in year y is weighted 1/(1+r)^(y - start_year)
# budget_cny      capital budget per year, all depots together ({{year: value}} maps interpolate)
# carbon_cap_t    fleet-wide tCO2 per year (fuel burnt + grid electricity)
# min_ev_share_of_purchases   the pilot's 80 %: electric vehicles bought >= share x all bought
# demand_charge_exempt_until  no demand charge through this year (charging-facility exemption)
#
# The depots are sized like real courier sites (docs/sources.md, ref §7.6): a distribution centre
# with light trucks, vans and tricycles, and delivery stations with vans and tricycles. Replace
# them with your own: roof_m2, grid_kw, building_load_kw, and per duty the daily km, the vehicles
# needed now, the growth per year and the fleet owned today.
"""


def nearest_pilot_city(lat: float, lon: float) -> str:
    """The shipped city closest on the sphere (haversine distance)."""
    def distance(c) -> float:
        p1, p2 = math.radians(lat), math.radians(c.lat)
        dp, dl = p2 - p1, math.radians(c.lon - lon)
        a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        return 2 * math.asin(math.sqrt(a))

    cities = shipped_cities()
    return min(cities, key=lambda k: distance(cities[k]))


def new_case_text(name: str, city: str, depots: int, start_year: int = 2025, end_year: int = 2030,
                  lat: float | None = None, lon: float | None = None, seed: int | None = None,
                  file: str = "case.yaml") -> str:
    """The YAML text of a new case. Raises ValueError for an unknown city without lat/lon.

    Depot sizes are drawn with `seed`, by default a stable hash of the name: the same name gives
    the same case, different names different networks."""
    seed = zlib.crc32(name.encode()) if seed is None else seed
    cities = shipped_cities()
    custom = city not in cities
    if custom and (lat is None or lon is None):
        raise ValueError(f"'{city}' is not one of the shipped cities ({', '.join(cities)}); "
                         "give --lat and --lon to define it")
    base = nearest_pilot_city(lat, lon) if custom else city
    case = network_case(name, (base,), stations_per_city=max(depots - 1, 0),
                        centres_per_city=1 if depots >= 1 else 0, start_year=start_year,
                        end_year=end_year, seed=seed)
    for depot in case["depots"]:
        depot["id"] = depot["id"].replace(base, city)
        depot.pop("city")
    case["city"] = city
    text = io.StringIO()
    yaml = YAML()
    yaml.default_flow_style = None
    body = {k: v for k, v in case.items() if k != "depots"}
    yaml.dump(body, text)
    if custom:
        like = cities[base]
        block = {city: {
            "name": city.replace("-", " ").title(), "province": f"(set the province; figures below "
                                                               f"copied from {like.name})",
            "lat": lat, "lon": lon, "grid_tco2_per_mwh": dict(like.grid_tco2_per_mwh)
            if isinstance(like.grid_tco2_per_mwh, dict) else like.grid_tco2_per_mwh,
            "diesel_cny_per_l": like.diesel_cny_per_l, "gasoline_cny_per_l": like.gasoline_cny_per_l,
            "feed_in_cny_per_kwh": like.feed_in_cny_per_kwh,
            "demand_charge_cny_per_kw_month": like.demand_charge_cny_per_kw_month,
            "pv_kwh_per_kwp": like.pv_kwh_per_kwp,
            "tariff": like.tariff.model_dump(exclude_none=True),
        }}
        text.write(f"\n# {city} is not a shipped city: it is defined here. Its tariff, fuel prices, "
                   f"grid factor and PV\n# yield are copied from the nearest pilot city, {like.name}: "
                   f"replace them with {city}'s own.\n# Its hourly PV profile is computed from lat/lon "
                   f"with pvlib when the case is loaded.\n")
        yaml.dump({"cities": block}, text)
    text.write("\n")
    yaml.dump({"depots": case["depots"]}, text)
    return HEADER.format(name=name, file=file) + text.getvalue()
