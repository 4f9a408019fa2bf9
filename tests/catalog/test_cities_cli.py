"""evfleet cities and evfleet new, including a custom city through to a solve."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from evfleet.catalog import profiles
from evfleet.cli import main


def run(*args, env=None):
    result = CliRunner(env=env).invoke(main, list(map(str, args)))
    assert "Traceback" not in result.output
    return result


def test_city_shows_sources_and_status_and_plots(tmp_path):
    result = run("cities", "ordos", "--plot", tmp_path / "ordos.png")
    assert result.exit_code == 0
    assert "Ordos (鄂尔多斯), Inner Mongolia (Mengxi grid)" in result.output
    assert "[estimate] E: ±10-15 %" in result.output  # PV yield
    assert "[unverified] E/UNVERIFIED: Mengxi" in result.output  # tariff hours
    assert (tmp_path / "ordos.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_unknown_city_exit_2():
    result = run("cities", "atlantis")
    assert result.exit_code == 2 and "unknown city 'atlantis'" in result.output


def test_new_case_for_a_pilot_city_is_valid(tmp_path):
    out = tmp_path / "hk.yaml"
    assert run("new", "haikou-demo", "--city", "haikou", "--depots", "3", "-o", out).exit_code == 0
    text = out.read_text()
    assert text.startswith("# haikou-demo: a starting case written by `evfleet new`")
    result = run("validate", out)
    assert result.exit_code == 0 and "3 depots" in result.output
    again = run("new", "haikou-demo", "--city", "haikou", "-o", out)
    assert again.exit_code == 2 and "exists; nothing was written" in again.output


def test_custom_city_round_trip_through_new_and_solve(tmp_path):
    env = {"EVFLEET_CACHE": str(tmp_path / "cache")}
    out = tmp_path / "wuhan.yaml"
    made = run("new", "wuhan-demo", "--city", "wuhan", "--lat", 30.59, "--lon", 114.31,
               "--depots", 1, "--end-year", 2026, "-o", out, env=env)
    assert made.exit_code == 0
    assert "copied from the nearest pilot city, Zhengzhou" in out.read_text()
    solved = run("solve", out, "--out", tmp_path / "run", env=env)
    assert solved.exit_code == 0, solved.output
    assert json.loads((tmp_path / "run" / "summary.json").read_text())["status"] == "optimal"
    cached = list((tmp_path / "cache" / "pv").glob("*.csv"))
    assert [p.name for p in cached] == ["30.5900_114.3100_1120.00.csv"]
    cached[0].write_text("0.1,0.2\n")  # a cache cut short: solved again as before, cache rebuilt
    again = run("solve", out, "--out", tmp_path / "run2", env=env)
    assert again.exit_code == 0, again.output
    assert (json.loads((tmp_path / "run2" / "summary.json").read_text())["objective_npv_cny"]
            == json.loads((tmp_path / "run" / "summary.json").read_text())["objective_npv_cny"])
    assert np.loadtxt(cached[0], delimiter=",").shape == (365, 24)


def test_new_custom_city_needs_coordinates(tmp_path):
    result = run("new", "x", "--city", "wuhan", "-o", tmp_path / "x.yaml")
    assert result.exit_code == 2 and "give --lat and --lon" in result.output


@pytest.mark.parametrize("corrupt", [
    "0.1,0.2\n",                                   # truncated
    "not,a,number\n" * 365,                        # text
    ("0.5," * 23 + "0.5\n") * 365,                  # a year, but not of this yield (4,380 kWh)
    ("-0.1," * 23 + "0.2\n") * 365,                  # negative outputs
])
def test_a_corrupt_pv_cache_is_computed_again_and_replaced(tmp_path, monkeypatch, corrupt):
    # The year computed for a yield of 1,200 kWh/kWp: 8,760 equal hours of 1200 / 8760 kW/kWp.
    year = np.full((365, 24), 1200.0 / 8760)
    monkeypatch.setattr(profiles, "pv_year", lambda lat, lon, y: year)
    monkeypatch.setenv("EVFLEET_CACHE", str(tmp_path))
    path = tmp_path / "pv" / "30.0000_114.0000_1200.00.csv"
    path.parent.mkdir(parents=True)
    path.write_text(corrupt)
    got = profiles.cached_pv_year(30.0, 114.0, 1200.0)
    assert got.shape == (365, 24) and got.sum() == pytest.approx(1200.0)
    # the file now holds the year again, and is read back as it is
    monkeypatch.setattr(profiles, "pv_year", lambda lat, lon, y: pytest.fail("recomputed"))
    assert profiles.cached_pv_year(30.0, 114.0, 1200.0).sum() == pytest.approx(1200.0, abs=0.01)


def test_a_pv_cache_that_is_a_folder_is_not_read(tmp_path, monkeypatch):
    year = np.full((365, 24), 1200.0 / 8760)
    monkeypatch.setattr(profiles, "pv_year", lambda lat, lon, y: year)
    monkeypatch.setenv("EVFLEET_CACHE", str(tmp_path))
    (tmp_path / "pv" / "30.0000_114.0000_1200.00.csv").mkdir(parents=True)
    assert profiles.cached_pv_year(30.0, 114.0, 1200.0).sum() == pytest.approx(1200.0)
