"""HiGHS sees no badly scaled model on the example cases, nor on extreme but valid ones."""

import pytest

from evfleet.formulation import build_model
from evfleet.inputs.scales import money_scale
from evfleet.inputs import load_inputs
from evfleet.solver.highs import SolveOptions, run_highs
from conftest import REPO, TINY, merge, write_case


def highs_log(inp, tmp_path) -> str:
    log = tmp_path / "highs.log"
    run_highs(build_model(inp), SolveOptions(time_limit_s=2, log_file=log))
    return log.read_text()


@pytest.mark.parametrize("case", ["shenzhen-depot.yaml", "network-east.yaml"])
def test_no_scaling_warnings_on_examples(case, tmp_path):
    log = highs_log(load_inputs(REPO / "cases" / case), tmp_path)
    assert "Coefficient ranges" in log  # the log was captured
    assert "WARNING" not in log, log


@pytest.mark.parametrize("factor", [1e-3, 1e6])
def test_no_scaling_warnings_when_money_magnitude_shifts(tmp_path, factor):
    # Every money figure of the tiny case times `factor`: a diesel van then costs 1 CNY or 1e9 CNY.
    # The scales follow the data, so HiGHS sees the same well-scaled model.
    change = {
        "budget_cny": 4100 * factor,
        "vehicles": {"d": {"price_cny": 1000 * factor}, "e": {"price_cny": 2000 * factor}},
        "chargers": {"c": {"price_cny": 100 * factor}, "ac-7kw": {"price_cny": 5300 * factor},
                     "dc-60kw": {"price_cny": 51000 * factor}, "dc-120kw": {"price_cny": 82000 * factor}},
        "cities": {"shenzhen": {"diesel_cny_per_l": 1.0 * factor,
                                "tariff": {"prices_cny_per_kwh": {"flat": 0.1 * factor}}}},
    }
    inp = load_inputs(write_case(tmp_path, merge(TINY, change)))
    assert "WARNING" not in highs_log(inp, tmp_path)


def test_money_scale_centres_coefficients():
    # sqrt(450 x 200,000) = 9,487 -> 1e4; one price alone is its own power of ten
    assert money_scale([450.0, 200000.0, 0.0]) == 1e4
    assert money_scale([3.0]) == 1.0 and money_scale([]) == 1.0
    # a price below a fen sets no scale (found by the fuzz test: 3.6e-102 CNY put it at 1e-50)
    assert money_scale([3.6e-102, 1000.0]) == 1e3


def test_a_vehicle_priced_below_a_fen_is_solved_as_free(solve_tiny):
    # The electric van at 3.6e-102 CNY costs nothing: 2 vans + one charger (100) + their
    # 14,600 kWh a year at 0.1 CNY/kWh.
    summary, _ = solve_tiny({"vehicles": {"e": {"price_cny": 3.640467423781387e-102}}})
    assert summary.objective_npv_cny == pytest.approx(100 + 1460, abs=1e-6)
