"""LP-and-fix (strategy: lp-fix) on cases whose optimum and LP relaxation are worked out by hand.

The two-city network of test_decompose: a 7,200 CNY budget, optimum 13,040 CNY, LP relaxation
12,900.95 CNY (3.05 electric vans, fractional). LP-and-fix fixes what the LP left integral and
solves the rest: the optimum, with the gap measured against the LP bound.
"""

import json

import pytest
from click.testing import CliRunner

from evfleet.cli import main
from conftest import TINY, write_case
from test_decompose import twin

LP_BOUND = 4 * 4650 - 1870 * 3200 / 1050


def solve(tmp_path, data, *extra):
    case = write_case(tmp_path, data, "case.yaml")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["solve", str(case), "-o", str(out), "--gap", "0", *extra])
    assert result.exit_code == 0, result.output
    return json.loads((out / "summary.json").read_text()), result.output


def test_lp_fix_finds_the_optimum_and_reports_the_lp_bound(tmp_path):
    got, output = solve(tmp_path, twin(7200), "--strategy", "lp-fix")
    assert got["objective_npv_cny"] == pytest.approx(13040)
    assert got["bound_npv_cny"] == pytest.approx(LP_BOUND)
    assert got["mip_gap"] == pytest.approx((13040 - LP_BOUND) / 13040)
    assert got["status"] == "time_limit" and got["strategy"] == "lp-fix"
    assert "within 1.07% of the LP relaxation's bound" in output


def test_a_case_can_ask_for_lp_fix(tmp_path):
    got, _ = solve(tmp_path, {**twin(7200), "strategy": "lp-fix"})
    assert got["strategy"] == "lp-fix" and got["bound_npv_cny"] == pytest.approx(LP_BOUND)


def test_an_integral_lp_is_proven_optimal(tmp_path):
    # TINY: two electric vans and one charger (5,560 CNY) are also the LP's optimum
    got, _ = solve(tmp_path, TINY, "--strategy", "lp-fix")
    assert got["objective_npv_cny"] == pytest.approx(5560)
    assert got["bound_npv_cny"] == pytest.approx(5560)
    assert got["status"] == "optimal"
