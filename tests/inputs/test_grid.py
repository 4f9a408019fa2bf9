"""inputs/grid.py: the two-part rule and the demand charge where it applies, by hand."""

import pytest

from evfleet.errors import InputError
from evfleet.inputs.grid import SINGLE_PART_BELOW_KW, is_two_part

DEMAND = {"cities": {"shenzhen": {"demand_charge_cny_per_kw_month": 30,
                                  "grid_tco2_per_mwh": {2025: 0.6, 2027: 0.4}}}}
UPGRADE = {"max_kw": 400, "cost_cny_per_kw": 10, "fixed_cny": 1000}


def test_the_contract_rule_315_kva_or_more():
    assert is_two_part(315.0, 315.0) and is_two_part(400.0, 315.0)
    assert not is_two_part(314.999, 315.0)


def test_a_large_connection_is_always_two_part(resolve_tiny):
    inp = resolve_tiny(DEMAND, depot={"grid_kw": 315})
    assert inp.demand_cny_per_kw_year == {("dep", 2025): 30 * 12}
    assert inp.two_part_fixed == {("dep", 2025): True}
    assert inp.two_part_threshold_kw == 315
    assert inp.single_part_max_kw == pytest.approx(315 - SINGLE_PART_BELOW_KW)


def test_an_upgrade_past_the_threshold_makes_two_part_a_choice(resolve_tiny):
    inp = resolve_tiny(DEMAND, depot={"grid_kw": 300, "grid_upgrade": UPGRADE})
    assert inp.demand_cny_per_kw_year == {("dep", 2025): 360}
    assert inp.two_part_fixed == {}  # the model decides (formulation/grid.py two_part)
    assert inp.upgrade_depots == ("dep",) and inp.upgrade_max_kw == {"dep": 400}
    assert inp.upgrade_cost_cny_per_kw == {"dep": 10} and inp.upgrade_fixed_cny == {"dep": 1000}


def test_below_the_threshold_no_demand_charge(resolve_tiny):
    inp = resolve_tiny(DEMAND, depot={"grid_kw": 300, "grid_upgrade": {**UPGRADE, "max_kw": 314}})
    assert inp.demand_cny_per_kw_year == {}


def test_an_exemption_waives_the_demand_charge_until_its_year(resolve_tiny):
    inp = resolve_tiny({**DEMAND, "end_year": 2027, "demand_charge_exempt_until": 2026},
                       depot={"grid_kw": 1000})
    assert sorted(inp.demand_cny_per_kw_year) == [("dep", 2027)]


def test_grid_factor_by_year_in_t_per_kwh(resolve_tiny):
    # 0.6 t/MWh in 2025, 0.4 in 2027, interpolated between: 0.5 in 2026
    inp = resolve_tiny({**DEMAND, "end_year": 2027})
    assert inp.grid_tco2_per_kwh == {("dep", 2025): pytest.approx(6e-4),
                                     ("dep", 2026): pytest.approx(5e-4),
                                     ("dep", 2027): pytest.approx(4e-4)}


def test_export_only_where_allowed(resolve_tiny):
    assert resolve_tiny(depot={"roof_m2": 100}).export_depots == ("dep",)
    assert resolve_tiny({"allow_export": False}, depot={"roof_m2": 100}).export_depots == ()


def test_a_plant_above_6_mw_is_large_c_and_i_and_self_use(resolve_tiny):
    # 0.1 kW/m2: 60,000 m2 hold 6 MW, general C&I (at most 6 MW, NEA 2025 No. 7), which exports
    # its surplus by default; 60,001 m2 are large C&I, full self-use unless the depot says otherwise
    inp = resolve_tiny(depot={"roof_m2": 60_000})
    assert (inp.pv_category, inp.pv_mode) == ({"dep": "general_ci"}, {"dep": "surplus_export"})
    inp = resolve_tiny(depot={"roof_m2": 60_001})
    assert (inp.pv_category, inp.pv_mode) == ({"dep": "large_ci"}, {"dep": "self_use"})
    assert inp.export_depots == ()
    inp = resolve_tiny(depot={"roof_m2": 60_001, "pv_mode": "surplus_export"})
    assert inp.export_depots == ("dep",)
    assert inp.export_market_cny_per_kwh == {"dep": 0}  # TINY's; the policy's where a city has none


def test_the_policy_market_price_where_a_city_sets_none(resolve_tiny):
    change = {"cities": {"shenzhen": {"pv_export_market_cny_per_kwh": None}}}
    assert resolve_tiny(change, depot={"roof_m2": 100}).export_market_cny_per_kwh == {"dep": 0.22}
    jinan = {"city": "jinan"}
    assert resolve_tiny(jinan, depot={"roof_m2": 100}).export_market_cny_per_kwh == {"dep": 0.225}


def test_surplus_export_where_the_case_forbids_export_is_refused(resolve_tiny):
    with pytest.raises(InputError, match="pv_mode: expected self_use or no pv_mode"):
        resolve_tiny({"allow_export": False}, depot={"roof_m2": 100, "pv_mode": "surplus_export"})
