"""Designs: which variants a study asks for; Latin hypercube samples reproducible from the seed."""

import numpy as np
import pytest

from evfleet.studies.design import Parameter, frontier_variants, variants
from evfleet.studies.study import ParameterSpec, Study


def study(design, parameters, **extra):
    return Study.model_validate({"design": design, "parameters": parameters, **extra})


def params_of(s: Study, bases: dict) -> list[Parameter]:
    return [Parameter(path, spec, bases.get(path)) for path, spec in s.parameters.items()]


SPECS = {"budget_cny": {"values": [4.0e6, 6.0e6, 8.0e6]},
         "cities.shenzhen.diesel_cny_per_l": {"low": 6.0, "high": 10.0, "steps": 5},
         "vehicles.e-van.price_cny": {"scale": [0.6, 0.8, 1.0]}}
BASES = {"budget_cny": 6.0e6, "cities.shenzhen.diesel_cny_per_l": 7.0,
         "vehicles.e-van.price_cny": 100000.0}


def test_one_at_a_time_skips_base_points_and_shows_the_others_at_base():
    s = study("oat", SPECS)
    vs = variants(s, params_of(s, BASES))
    # base + budget (2 of 3: 6e6 is base) + diesel (4 of 6, 7, 8, 9, 10: 7 is base)
    # + price (2 of 3: 1.0 is base)
    assert [v.name for v in vs] == [
        "base", "budget_cny=4000000", "budget_cny=8000000",
        "cities.shenzhen.diesel_cny_per_l=6",
        "cities.shenzhen.diesel_cny_per_l=8", "cities.shenzhen.diesel_cny_per_l=9",
        "cities.shenzhen.diesel_cny_per_l=10",
        "vehicles.e-van.price_cny=0.6", "vehicles.e-van.price_cny=0.8"]
    price = next(v for v in vs if v.name == "vehicles.e-van.price_cny=0.6")
    assert price.changes == {"vehicles.e-van.price_cny": 60000.0}
    assert price.settings == {"budget_cny": 6.0e6, "cities.shenzhen.diesel_cny_per_l": 7.0,
                              "vehicles.e-van.price_cny": 60000.0}


def test_grid_is_every_combination():
    s = study("grid", SPECS)
    vs = variants(s, params_of(s, BASES))
    assert len(vs) == 3 * 5 * 3
    combos = {tuple(v.settings.values()) for v in vs}
    assert len(combos) == 45
    assert (8.0e6, 9.0, 80000.0) in combos
    # named by what they set: each parameter's last key and its point, in the grid's order
    assert vs[0].name == "budget_cny=4000000,diesel_cny_per_l=6,price_cny=0.6"
    assert vs[-1].name == "budget_cny=8000000,diesel_cny_per_l=10,price_cny=1"
    assert len({v.name for v in vs}) == 45


def test_grid_names_keep_whole_paths_where_last_keys_repeat_and_fall_back_when_long():
    two_roofs = {"depots.a.roof_m2": {"values": [0, 100]}, "depots.b.roof_m2": {"values": [5]}}
    s = study("grid", two_roofs)
    assert [v.name for v in variants(s, params_of(s, {}))] == [
        "depots.a.roof_m2=0,depots.b.roof_m2=5", "depots.a.roof_m2=100,depots.b.roof_m2=5"]
    long = {f"depots.d{'x' * 40}{n}.roof_m2": {"values": [1, 2]} for n in range(3)}
    s = study("grid", long)
    assert [v.name for v in variants(s, params_of(s, {}))] == [f"g{n}" for n in range(1, 9)]


def test_latin_hypercube_is_reproducible_from_its_seed_and_stratified():
    spec = {"cities.shenzhen.diesel_cny_per_l": {"low": 6.0, "high": 10.0},
            "vehicles.e-van.price_cny": {"scale": [0.6, 1.0]}}
    def sampled(seed):
        s = study("lhs", spec, samples=20, seed=seed)
        return variants(s, params_of(s, BASES))

    one, two, other = sampled(7), sampled(7), sampled(8)
    assert [v.settings for v in one] == [v.settings for v in two]
    assert [v.settings for v in one] != [v.settings for v in other]
    diesel = np.array([v.settings["cities.shenzhen.diesel_cny_per_l"] for v in one])
    price = np.array([v.settings["vehicles.e-van.price_cny"] for v in one])
    # Latin property: exactly one sample in each of the 20 equal strata of each range
    assert sorted(np.floor((diesel - 6.0) / 4.0 * 20).astype(int)) == list(range(20))
    assert sorted(np.floor((price - 60000.0) / 40000.0 * 20).astype(int)) == list(range(20))


def test_scenarios_are_the_base_and_each_named_change():
    s = Study.model_validate({"design": "scenarios", "scenarios": {
        "low-budget": {"budget_cny": 3.0e6}, "dear-diesel": {"cities.shenzhen.diesel_cny_per_l": 9}}})
    vs = variants(s, [])
    assert [(v.name, v.changes) for v in vs] == [
        ("base", {}), ("low-budget", {"budget_cny": 3.0e6}),
        ("dear-diesel", {"cities.shenzhen.diesel_cny_per_l": 9})]


def test_frontier_caps_are_shares_of_the_free_plans_emissions():
    s = Study.model_validate({"design": "frontier", "frontier": {"points": 4, "lowest_share": 0.2}})
    assert [v.name for v in variants(s, [])] == ["cap-free"]
    vs = frontier_variants(s, {2025: 100.0, 2026: 50.0})
    assert [v.name for v in vs] == ["cap-0.800", "cap-0.600", "cap-0.400", "cap-0.200"]
    assert vs[1].changes == {"carbon_cap_t": {2025: 60.0, 2026: 30.0}}


@pytest.mark.parametrize("spec, message", [
    ({}, "exactly one of values, low/high or scale"),
    ({"low": 1.0}, "both low and high"),
    ({"low": 2.0, "high": 1.0}, "low < high"),
    ({"values": [1], "steps": 3}, "steps goes with low/high"),
])
def test_a_parameter_moves_one_way(spec, message):
    with pytest.raises(ValueError, match=message):
        ParameterSpec.model_validate(spec)


def test_close_values_keep_names_of_their_own():
    # 5,000,000 and 5,000,001 were both 'budget_cny=5e06' (one result lost); 0.1 + 0.2 is not 0.3
    s = study("oat", {"budget_cny": {"values": [5000000, 5000001, 0.1 + 0.2, 0.3]}})
    names = [v.name for v in variants(s, params_of(s, {"budget_cny": 1.0}))]
    assert names == ["base", "budget_cny=5000000", "budget_cny=5000001",
                     "budget_cny=0.30000000000000004", "budget_cny=0.3"]
