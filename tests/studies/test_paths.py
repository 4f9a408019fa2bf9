"""Study paths: what they read and what they change in a case, values worked out by hand."""

import pytest

from evfleet.studies.paths import PathError, get_value, scaled, set_value

YEARS = list(range(2025, 2033))
CASE = {
    "budget_cny": 6.0e6,
    "carbon_cap_t": {2025: 800, 2028: 600, 2032: 520},
    "depots": [{"id": "hub", "roof_m2": 3000,
                "duties": [{"name": "trunk", "daily_km": 140}, {"name": "vans", "daily_km": 90}]}],
    "vehicles": {"e-van": {"price_cny": 90000}},
}
CATALOG = {"cities": {"shenzhen": {"diesel_cny_per_l": 7.5, "feed_in_cny_per_kwh": 0.45}},
           "vehicles": {"e-van": {"price_cny": 100000, "life_years": 8}},
           "chargers": {}, "solar": {"capex_cny_per_kw": 3000, "life_years": 25}, "storage": {}}


def test_reads_case_values_list_items_by_id_and_name_and_catalog_values():
    assert get_value(CASE, CATALOG, "budget_cny", YEARS) == 6.0e6
    assert get_value(CASE, CATALOG, "depots.hub.roof_m2", YEARS) == 3000
    assert get_value(CASE, CATALOG, "depots.hub.duties.vans.daily_km", YEARS) == 90
    assert get_value(CASE, CATALOG, "cities.shenzhen.diesel_cny_per_l", YEARS) == 7.5
    assert get_value(CASE, CATALOG, "vehicles.e-van.price_cny", YEARS) == 90000  # the case wins
    assert get_value(CASE, CATALOG, "vehicles.e-van.life_years", YEARS) == 8
    assert get_value(CASE, CATALOG, "solar.capex_cny_per_kw", YEARS) == 3000
    # 2030 interpolated between 2028 (600) and 2032 (520): 600 - 80 x 2/4
    assert get_value(CASE, CATALOG, "carbon_cap_t.2030", YEARS) == pytest.approx(560)


def test_setting_one_year_expands_the_map_so_other_years_keep_their_values():
    out = set_value(CASE, CATALOG, "carbon_cap_t.2030", 500, YEARS)
    cap = out["carbon_cap_t"]
    assert sorted(cap) == YEARS
    assert cap[2030] == 500
    assert cap[2029] == pytest.approx(580) and cap[2031] == pytest.approx(540)
    assert cap[2025] == 800 and cap[2026] == pytest.approx(800 - 200 / 3)
    assert CASE["carbon_cap_t"] == {2025: 800, 2028: 600, 2032: 520}  # the input is untouched


def test_setting_a_year_of_a_number_gives_a_map_with_that_year_alone_changed():
    out = set_value(CASE, CATALOG, "budget_cny.2027", 1.0e6, YEARS)
    assert out["budget_cny"] == {y: (1.0e6 if y == 2027 else 6.0e6) for y in YEARS}


def test_catalog_fields_become_case_overrides_of_that_field_only():
    out = set_value(CASE, CATALOG, "cities.shenzhen.diesel_cny_per_l", 9.0, YEARS)
    assert out["cities"] == {"shenzhen": {"diesel_cny_per_l": 9.0}}
    out = set_value(CASE, CATALOG, "vehicles.e-van.life_years", 10, YEARS)
    assert out["vehicles"] == {"e-van": {"price_cny": 90000, "life_years": 10}}
    out = set_value(CASE, CATALOG, "solar.capex_cny_per_kw", 2500, YEARS)
    assert out["solar"] == {"capex_cny_per_kw": 2500}


def test_list_items_and_new_top_level_fields():
    out = set_value(CASE, CATALOG, "depots.hub.duties.trunk.daily_km", 200, YEARS)
    assert [d["daily_km"] for d in out["depots"][0]["duties"]] == [200, 90]
    assert set_value(CASE, CATALOG, "carbon_price_cny_per_t", 100, YEARS)["carbon_price_cny_per_t"] == 100


def test_scaling_numbers_and_maps():
    assert scaled(6.0e6, 0.5) == 3.0e6
    assert scaled({2025: 800, 2030: 600}, 0.5) == {2025: 400, 2030: 300}
    with pytest.raises(PathError):
        scaled("abc", 2)


@pytest.mark.parametrize("path, message", [
    ("depots.nowhere.roof_m2", "no item 'nowhere' in depots (has: hub)"),
    ("depots.hub.roof", "no field 'roof' in depots.hub (has: id, roof_m2, duties)"),
    ("cities.atlantis.diesel_cny_per_l", "no cities entry 'atlantis' in the case or the catalog"),
    ("budget_cny.x", "budget_cny is a value, it has no field 'x'"),
    ("cities.shenzhen", "expected cities.<name>.<field>"),
    ("a..b", "expected dotted keys"),
])
def test_bad_paths_say_what_is_there(path, message):
    with pytest.raises(PathError, match=message.replace("(", r"\(").replace(")", r"\)")
                       .replace(".", r"\.")):
        get_value(CASE, CATALOG, path, YEARS)


def test_a_case_field_left_out_reads_and_sets_from_its_schema_default():
    # public_charging is not in CASE: its defaults (allowed, cap 1.0, fee from the city or policy)
    assert get_value(CASE, CATALOG, "public_charging.max_share_of_duty_energy", YEARS) == 1.0
    assert get_value(CASE, CATALOG, "public_charging.service_fee_cny_per_kwh", YEARS) is None
    out = set_value(CASE, CATALOG, "public_charging.service_fee_cny_per_kwh", 0.5, YEARS)
    assert out["public_charging"]["service_fee_cny_per_kwh"] == 0.5
    assert out["public_charging"]["allowed"] is True
    assert "public_charging" not in CASE
    assert get_value(CASE, CATALOG, "min_years_before_sale", YEARS) == 0


@pytest.mark.parametrize("path", ["carbon_cap_t.1990", "budget_cny.2033"])
def test_a_year_outside_the_horizon_is_refused_as_it_would_change_nothing(path):
    with pytest.raises(PathError, match="expected a year of the planning horizon 2025-2032, got "
                                        f"{path[-4:]}"):
        set_value(CASE, CATALOG, path, 5, YEARS)
