"""The shipped catalog and city data: complete, sourced, and consistent with the reference."""

import numpy as np
import pytest
from ruamel.yaml import YAML

from evfleet.catalog.load import shipped_path
from evfleet.catalog.profiles import read_shipped_pv
from evfleet.catalog.schema import City, ChargerModel, Solar, Storage, VehicleModel
from evfleet.catalog.tariffs import tariff_periods

PILOT = {"beijing", "shenzhen", "chongqing", "chengdu", "zhengzhou", "ningbo", "xiamen", "jinan",
         "shijiazhuang", "tangshan", "liuzhou", "haikou", "changchun", "yinchuan", "ordos"}


def load(name):
    return YAML(typ="safe").load(shipped_path(name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name,cls", [("vehicles.yaml", VehicleModel), ("chargers.yaml", ChargerModel)])
def test_every_figure_has_a_source(name, cls):
    for key, rec in load(name).items():
        cls.model_validate(rec)
        numbers = {f for f, v in rec.items() if isinstance(v, (int, float)) and f != "subsidy_cny"}
        assert numbers <= set(rec["sources"]), (key, numbers - set(rec["sources"]))


def test_required_models_present():
    vehicles, chargers = load("vehicles.yaml"), load("chargers.yaml")
    kinds = {(v["vehicle_class"], v["energy"]) for v in vehicles.values()}
    assert {("micro-van", "gasoline"), ("micro-van", "electricity"), ("light-van", "diesel"),
            ("light-van", "electricity"), ("light-truck", "diesel"), ("light-truck", "electricity"),
            ("tricycle", "electricity")} <= kinds
    assert {c["power_kw"] for c in chargers.values()} >= {7, 60, 120}
    for name, cls in (("solar.yaml", Solar), ("storage.yaml", Storage)):
        rec = load(name)
        cls.model_validate(rec)
        assert {f for f, v in rec.items() if isinstance(v, (int, float))} <= set(rec["sources"])


def test_fifteen_pilot_cities_match_reference():
    cities = load("cities.yaml")
    assert set(cities) == PILOT
    for key, rec in cities.items():
        City.model_validate(rec)
        assert {"grid_tco2_per_mwh", "tariff", "pv_kwh_per_kwp", "diesel_cny_per_l"} <= set(rec["sources"])
    # spot checks against shared/reference/cities.csv (MEE 2022 factors, yields, demand charges)
    assert cities["chengdu"]["grid_tco2_per_mwh"][2022] == 0.1404
    assert cities["chengdu"]["grid_tco2_per_mwh"][2021] == 0.1255
    assert cities["shijiazhuang"]["grid_tco2_per_mwh"][2022] == 0.7252
    assert cities["ordos"]["pv_kwh_per_kwp"] == 1530
    assert cities["beijing"]["demand_charge_cny_per_kw_month"] == 48


def test_pv_years_reproduce_annual_yield_zero_at_night_and_solar_noon():
    cities, pv = load("cities.yaml"), read_shipped_pv(shipped_path("pv_hourly.csv"))
    assert set(pv) == PILOT
    hours = np.arange(24) + 0.5
    for key, rec in cities.items():
        year = pv[key]
        assert year.shape == (365, 24)
        assert year.sum() == pytest.approx(rec["pv_kwh_per_kwp"], rel=0.01)
        assert year[:, [0, 1, 2, 3, 22, 23]].max() == 0
        # local solar time, not Beijing time: the output-weighted mean hour is solar noon,
        # 12 h + (120° - lon) / 15 in Beijing time (Ningbo 11.9 h, Chengdu 13.06 h); the
        # equation of time averages out over the year
        centre = (year.sum(axis=0) * hours).sum() / year.sum()
        assert abs(centre - (12 + (120 - rec["lon"]) / 15)) < 0.05, key
    # Ordos and Haikou peak more than an hour after Ningbo
    peak = {k: (pv[k].sum(axis=0) * hours).sum() / pv[k].sum() for k in ("ordos", "haikou", "ningbo")}
    assert peak["ordos"] - peak["ningbo"] > 0.7 and peak["haikou"] - peak["ningbo"] > 0.7


def test_tariff_periods_cover_every_hour_of_every_month_once():
    for key, rec in load("cities.yaml").items():
        city = City.model_validate(rec)
        periods = tariff_periods(city.tariff)
        assert sorted(periods) == [(m, h) for m in range(1, 13) for h in range(24)]
        assert set(periods.values()) <= set(city.tariff.prices_cny_per_kwh)


def test_grid_factor_path_declines_from_official_values():
    for key, rec in load("cities.yaml").items():
        path = rec["grid_tco2_per_mwh"]
        assert sorted(path)[:2] == [2021, 2022] and max(path) == 2040
        later = [path[y] for y in sorted(path) if y >= 2022]
        assert later == sorted(later, reverse=True)


def test_henan_evening_peak_and_shandong_midday_valley():
    cities = {k: City.model_validate(v) for k, v in load("cities.yaml").items()}
    zz = tariff_periods(cities["zhengzhou"].tariff)
    assert zz[4, 20] == "peak" and zz[4, 12] == "valley" and zz[7, 12] == "flat"  # Henan
    jn = tariff_periods(cities["jinan"].tariff)
    assert jn[4, 12] == "deep_valley" and jn[7, 12] == "flat" and jn[7, 3] == "valley"  # Shandong
    assert jn[4, 18] == "critical" and jn[12, 16] == "critical" and jn[10, 16] == "peak"
    bj = tariff_periods(cities["beijing"].tariff)
    assert bj[7, 11] == "critical" and bj[6, 11] == "peak" and bj[1, 19] == "critical"
    nb = tariff_periods(cities["ningbo"].tariff)  # Zhejiang 2025: critical 18-22 in Jan/Jul/Aug/Dec
    assert nb[7, 19] == "critical" and nb[4, 19] == "peak" and nb[4, 12] == "valley"
