"""solver/diagnosis.py: a case with no plan explained in a planner's words, each amount worked
out by hand. Two electric vans must be bought (electric share 1.0) on a 0.5 kW connection: they
need 40 kWh a day, the connection carries 0.5 kW x 24 h = 12."""

from click.testing import CliRunner

from conftest import TINY, merge, write_case
from evfleet.cli import main


def test_every_target_that_alone_restores_a_plan_is_named_with_its_amount(tmp_path):
    data = merge(TINY, {"min_ev_share_of_purchases": 1.0})
    data["depots"][0]["grid_kw"] = 0.5
    result = CliRunner().invoke(main, ["solve", str(write_case(tmp_path, data)),
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[1] == ("constraints in conflict: charger power, duty need, electric share, grid; "
                        "any one of these changes makes a plan possible:")
    # 40 - 12 kWh a day are not delivered
    assert "  charger power 2025 at dep (c): charging energy short by 28.0 kWh/day on the worst day" in lines
    # no van at all, or two diesel vans
    assert "  duty need 2025 at dep/run: vehicles short by 2.0 vehicles" in lines
    assert "  electric share 2025: electric purchases short by 2.0 vehicles" in lines
    # 40 kWh over 24 hours need 40/24 = 1.67 kW: 1.17 kW more than the 0.5 kW connection
    assert "  grid 2025 at dep: needs 1.2 kW more grid connection" in lines


def test_a_spent_time_limit_cuts_diagnosis_short_and_says_what_was_tried(tmp_path):
    # the case above with its time limit spent before diagnosis starts: no relaxation is solved,
    # and the lines say which targets were left untried
    import time

    from evfleet.inputs import load_inputs
    from evfleet.solver.diagnosis import diagnose
    from evfleet.solver.highs import SolveOptions

    data = merge(TINY, {"min_ev_share_of_purchases": 1.0})
    data["depots"][0]["grid_kw"] = 0.5
    inp = load_inputs(write_case(tmp_path, data))
    lines = diagnose(inp, SolveOptions(time_limit_s=5), deadline=time.perf_counter())
    assert lines[0].startswith("diagnosis cut short by --time-limit 5 s; targets relaxed: none; "
                               "not reached: ")
    assert lines[0].endswith("; raise --time-limit for the whole diagnosis")
    assert all(t in lines[0] for t in ("electric share", "grid", "charger power"))
    assert not any(line.startswith("constraints in conflict") for line in lines)


def test_the_summary_reports_the_diagnosis_seconds(tmp_path):
    import json

    data = merge(TINY, {"min_ev_share_of_purchases": 1.0})
    data["depots"][0]["grid_kw"] = 0.5
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["solve", str(write_case(tmp_path, data)), "--out", str(out),
                                       "--time-limit", "60"])
    assert result.exit_code == 1
    summary = json.loads((out / "summary.json").read_text())
    assert 0 < summary["diagnosis_seconds"] < 60
    assert summary["conflicts"][0].startswith("constraints in conflict: charger power")
