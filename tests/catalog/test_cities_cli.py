"""evfleet cities and evfleet new, including a custom city through to a solve."""

import json

from click.testing import CliRunner

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


def test_new_custom_city_needs_coordinates(tmp_path):
    result = run("new", "x", "--city", "wuhan", "-o", tmp_path / "x.yaml")
    assert result.exit_code == 2 and "give --lat and --lon" in result.output
