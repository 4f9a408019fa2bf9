"""The shipped catalog and city data: complete, sourced, and consistent with the reference."""

import pandas as pd
import pytest
from ruamel.yaml import YAML

from evfleet.catalog.load import shipped_path
from evfleet.catalog.profiles import season_weights
from evfleet.catalog.schema import City, ChargerModel, Solar, Storage, VehicleModel
from evfleet.inputs import tariff_by_day

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
    assert cities["chengdu"]["grid_tco2_per_mwh"] == 0.1404
    assert cities["shijiazhuang"]["grid_tco2_per_mwh"] == 0.7252
    assert cities["ordos"]["pv_kwh_per_kwp"] == 1530
    assert cities["beijing"]["demand_charge_cny_per_kw_month"] == 48


def test_pv_profiles_reproduce_annual_yield_and_night():
    cities, prof = load("cities.yaml"), pd.read_csv(shipped_path("profiles.csv"))
    w = season_weights()
    for key, rec in cities.items():
        p = prof[prof["city"] == key]
        annual = (p["pv_kw_per_kwp"] * p["day"].map(w)).sum()
        assert annual == pytest.approx(rec["pv_kwh_per_kwp"], rel=0.01)
        night = p[p["hour"].isin([0, 1, 2, 3, 22, 23])]
        assert night["pv_kw_per_kwp"].max() == 0
        summer = p[p["day"] == "summer"].set_index("hour")["pv_kw_per_kwp"]
        assert 11 <= summer.idxmax() <= 13


def test_tariff_periods_cover_every_hour():
    cities = load("cities.yaml")
    for key, rec in cities.items():
        city = City.model_validate(rec)
        prices = tariff_by_day(city.tariff)
        assert len(prices) == 4 * 24
        assert min(prices.values()) >= min(city.tariff.prices_cny_per_kwh.values()) - 1e-12


def test_henan_evening_peak_and_shandong_midday_valley():
    cities = {k: City.model_validate(v) for k, v in load("cities.yaml").items()}
    zz = tariff_by_day(cities["zhengzhou"].tariff)
    assert zz["spring", 20] == pytest.approx(cities["zhengzhou"].tariff.prices_cny_per_kwh["peak"])
    jn = tariff_by_day(cities["jinan"].tariff)
    assert jn["spring", 12] == pytest.approx(cities["jinan"].tariff.prices_cny_per_kwh["deep_valley"])
    # summer in Jinan: the midday is flat and the night is valley
    assert jn["summer", 12] == pytest.approx(cities["jinan"].tariff.prices_cny_per_kwh["flat"])
    assert jn["summer", 3] == pytest.approx(cities["jinan"].tariff.prices_cny_per_kwh["valley"])
    # Beijing: critical peak in Jul-Aug 11-13, i.e. two of the three summer months (31+31 of 92 days)
    bj = cities["beijing"].tariff.prices_cny_per_kwh
    assert tariff_by_day(cities["beijing"].tariff)["summer", 11] == pytest.approx(
        (30 * bj["peak"] + 62 * bj["critical"]) / 92)
