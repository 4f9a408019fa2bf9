"""Hourly profiles: PV output per kWp over a whole year (pvlib), depot load and plug-in shapes.

The shipped ``models/pv_hourly.csv`` (8,760 hours x 15 cities, kW/kWp, Beijing time) is generated
by ``python -m evfleet.catalog.profiles`` and only read at solve time; a city defined in a case gets
its year from :func:`cached_pv_year` (pvlib once, then a cache file). Which days of the year the
model's representative days stand for is decided per case in evfleet.catalog.repdays.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd


# PV system assumptions (ref §3.1): fixed racking on a flat roof, 20° tilt, due south; PVWatts DC
# with -0.4 %/°C and SAPM open-rack cell temperature at 15 °C ambient and 2 m/s wind. The annual
# level is then scaled to the city's published specific yield, so only the shape comes from pvlib.
PV_TILT_DEG = 20.0
PV_AZIMUTH_DEG = 180.0
PV_GAMMA_PER_C = -0.004
AMBIENT_C = 15.0
WIND_M_S = 2.0
# Below 0.1 % of its rating an inverter does not run; dropping those dawn and dusk slivers (before
# scaling to the annual yield) also keeps tiny coefficients out of the model.
MIN_OUTPUT_KW_PER_KWP = 0.001

# Depot shapes (E, the same for every city until measured site data replace them).
# Building load: sorting, lighting and offices; a courier depot sorts through the evening and early
# morning peaks of parcel arrival. Mean over the day = 1.
_LOAD = np.array([0.8, 0.7, 0.7, 0.7, 0.8, 0.9, 1.1, 1.3, 1.3, 1.1, 1.0, 1.0,
                  1.0, 1.0, 1.0, 1.0, 1.1, 1.2, 1.3, 1.3, 1.2, 1.1, 1.0, 0.4])
LOAD_SHAPE = _LOAD / _LOAD.mean()
# Share of the electric fleet plugged in at the depot: vehicles leave 07-09 and return 17-20.
PLUGGED_SHARE = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.6, 0.2, 0.1, 0.1, 0.1,
                          0.15, 0.15, 0.1, 0.1, 0.1, 0.3, 0.6, 0.9, 1.0, 1.0, 1.0, 1.0])


def pv_hourly_year(lat: float, lon: float, year: int = 2023) -> pd.Series:
    """Clear-sky AC-side output per kWp for each hour of a year, Beijing clock time (kW/kWp).

    pvlib: solar position, Ineichen clear sky with the bundled Linke turbidity, isotropic-sky
    transposition to the tilted plane, SAPM cell temperature, PVWatts DC. Hourly values are the
    mean of four samples at the middle of each quarter-hour, labelled by the hour they start.
    """
    import pvlib  # imported here: only custom cities and the data build need it

    with warnings.catch_warnings():
        # pvlib 0.16 calls pandas APIs that pandas 3 deprecates; not the planner's concern
        warnings.simplefilter("ignore", category=FutureWarning)
        warnings.simplefilter("ignore", category=DeprecationWarning)
        return _pv_hourly_year(pvlib, lat, lon, year)


def _pv_hourly_year(pvlib, lat: float, lon: float, year: int) -> pd.Series:
    # samples at the middle of each quarter-hour (:07:30, :22:30, ...), so that the mean of an
    # hour's four samples stands for the whole hour [h, h+1)
    times = pd.date_range(f"{year}-01-01 00:07:30", f"{year + 1}-01-01", freq="15min",
                          tz="Asia/Shanghai", inclusive="left")
    loc = pvlib.location.Location(lat, lon, tz="Asia/Shanghai")
    solpos = loc.get_solarposition(times)
    clear = loc.get_clearsky(times, model="ineichen", solar_position=solpos)
    poa = pvlib.irradiance.get_total_irradiance(
        PV_TILT_DEG, PV_AZIMUTH_DEG, solpos["apparent_zenith"], solpos["azimuth"],
        clear["dni"], clear["ghi"], clear["dhi"], model="isotropic")
    params = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"]["open_rack_glass_polymer"]
    cell_c = pvlib.temperature.sapm_cell(poa["poa_global"], AMBIENT_C, WIND_M_S, **params)
    dc_kw_per_kwp = pvlib.pvsystem.pvwatts_dc(poa["poa_global"], cell_c, 1.0, PV_GAMMA_PER_C)
    dc = dc_kw_per_kwp.clip(lower=0.0).fillna(0.0)
    return dc.resample("1h").mean()


def pv_year(lat: float, lon: float, annual_kwh_per_kwp: float) -> np.ndarray:
    """(365, 24) output per kWp for every hour of a year, Beijing time, scaled so that the year's
    sum equals the yield exactly; outputs below the inverter threshold are zero."""
    year = pv_hourly_year(lat, lon).to_numpy().reshape(365, 24)
    year = np.where(year < MIN_OUTPUT_KW_PER_KWP, 0.0, year)
    return year * (annual_kwh_per_kwp / year.sum())


def cache_folder() -> Path:
    """Where computed PV profiles of custom cities are kept: $EVFLEET_CACHE, else
    $XDG_CACHE_HOME/evfleet, else ~/.cache/evfleet."""
    if os.environ.get("EVFLEET_CACHE"):
        return Path(os.environ["EVFLEET_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "evfleet"


PV_CACHE_MAX_BYTES = 1_000_000  # a cached year is 8,760 numbers, about 80 kB
MAX_OUTPUT_KW_PER_KWP = 1.0  # a panel gives at most its peak (STC) rating; the shipped max is 0.62


def cached_pv_year(lat: float, lon: float, annual_kwh_per_kwp: float) -> np.ndarray:
    """pv_year, computed once per (lat, lon, yield) and then read from the cache folder. A cache
    file that is not a year of this yield (truncated, edited, not a regular file) is computed
    again and replaced, never trusted."""
    path = cache_folder() / "pv" / f"{lat:.4f}_{lon:.4f}_{annual_kwh_per_kwp:.2f}.csv"
    cached = read_cached_year(path, annual_kwh_per_kwp)
    if cached is not None:
        return cached
    year = pv_year(lat, lon, annual_kwh_per_kwp)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        np.savetxt(tmp, year, delimiter=",", fmt="%.6f")
        tmp.replace(path)
    except OSError:
        pass  # a read-only home: recompute next time
    return year


def read_cached_year(path: Path, annual_kwh_per_kwp: float) -> np.ndarray | None:
    """The (365, 24) year kept at `path`, or None when there is none or it is not one: a regular
    file of at most PV_CACHE_MAX_BYTES holding 8,760 finite outputs in [0, MAX_OUTPUT_KW_PER_KWP] kW/kWp that sum to
    the yield (to the 1e-6 kW of the saved digits, 8,760 times over)."""
    try:
        if not path.is_file() or path.stat().st_size > PV_CACHE_MAX_BYTES:
            return None
        year = np.loadtxt(path, delimiter=",", ndmin=2)
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if year.shape != (365, 24) or not np.all(np.isfinite(year)):
        return None
    if year.min() < 0.0 or year.max() > MAX_OUTPUT_KW_PER_KWP:
        return None
    if abs(year.sum() - annual_kwh_per_kwp) > 8760 * 1e-6 + 1e-9:
        return None
    return year


def read_shipped_pv(path) -> dict[str, np.ndarray]:
    """models/pv_hourly.csv -> {city: (365, 24) kW/kWp}."""
    table = pd.read_csv(path)
    return {c: table[c].to_numpy().reshape(365, 24) for c in table.columns
            if c not in ("day_of_year", "hour")}


def build_all(cities: dict[str, dict]) -> pd.DataFrame:
    """The shipped table: day_of_year (1-365), hour and one column of kW/kWp per city."""
    table = pd.DataFrame({"day_of_year": np.repeat(np.arange(1, 366), 24),
                          "hour": np.tile(np.arange(24), 365)})
    for key, city in cities.items():
        table[key] = pv_year(city["lat"], city["lon"], city["pv_kwh_per_kwp"]).reshape(-1)
    return table


def main() -> None:  # pragma: no cover - data build, run by hand
    from importlib.resources import files

    from ruamel.yaml import YAML

    folder = files("evfleet.models")
    cities = YAML(typ="safe").load(folder.joinpath("cities.yaml").read_text(encoding="utf-8"))
    table = build_all(cities)
    out = folder.joinpath("pv_hourly.csv")
    table.to_csv(str(out), index=False, float_format="%.5f", lineterminator="\n")
    print(f"wrote {out} ({len(table)} rows)")


if __name__ == "__main__":  # pragma: no cover
    main()
