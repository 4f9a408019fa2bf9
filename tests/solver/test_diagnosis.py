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
