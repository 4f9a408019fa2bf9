"""A depot's subproblem (decompose/block.py): its coupling terms are the model's own, and its
priced optimum is min NPV + prices . usage, worked out by hand.

The tiny depot with a 1 CNY/l diesel and a carbon-free grid (tests/test_decompose.py): all
electric costs 5,560 CNY (capex 4,100), one of each 7,480 (capex 3,100), all diesel 9,300
(capex 2,000). Diesel: 100 km x 365 days x 10 l/100 km = 3,650 l a van; at 2.68 kg/l
(models/policy.yaml) 9.782 t a van.
"""

import numpy as np
import pytest

from evfleet.decompose.block import DepotBlock, coupling_keys, coupling_limits, subproblem_highs
from evfleet.inputs import load_inputs
from evfleet.solver.highs import SolveOptions
from conftest import TINY, merge, write_case

EXACT = SolveOptions(mip_gap=0.0, threads=1)
FLAT = {"diesel_cny_per_l": 1.0, "grid_tco2_per_mwh": 0}


@pytest.fixture
def block(tmp_path):
    data = merge(TINY, {"budget_cny": 1e6, "carbon_cap_t": 1e6, "min_ev_share_of_purchases": 0.5,
                        "cities": {"shenzhen": FLAT}})
    inp = load_inputs(write_case(tmp_path, data))
    return DepotBlock(inp, coupling_keys(inp)), inp


def test_keys_and_limits_follow_the_case(block):
    b, inp = block
    assert b.keys == [("budget", 2025), ("carbon_cap", 2025), ("ev_share", 2025),
                      ("ev_share_electric_only", 2025)]
    # the most diesel vans 2025 could buy: the duty's need of 2 (no surplus for diesel)
    assert coupling_limits(inp) == pytest.approx([1e6, 1e6, 0.0, 2.0])


@pytest.mark.parametrize("budget_price, npv, capex, electric", [
    (0.0, 5560, 4100, 2),  # alone: all electric
    (1.0, 5560, 4100, 2),  # 9,660 < 10,580 (one of each) < 11,300 (diesel)
    (2.0, 9300, 2000, 0),  # 13,300 < 13,680 < 13,760
])
def test_priced_integer_plan(block, budget_price, npv, capex, electric):
    b, _ = block
    col = b.price(subproblem_highs(), np.array([budget_price, 0.0, 0.0, 0.0]), EXACT, integer=True)
    assert col.cost_cny == pytest.approx(npv)
    assert col.usage[0] == pytest.approx(capex)
    assert col.usage[2] == pytest.approx(0.5 * 2 - electric)  # sigma x bought - electric bought
    assert col.priced_bound_cny == pytest.approx(npv + budget_price * capex)
    assert col.x is not None


def test_within_limits_the_usage_is_the_plans(block):
    b, _ = block
    col = b.price(subproblem_highs(), np.zeros(4), EXACT, integer=True, limits=np.array([2000.0, 1e6, 1e6, 1e6]))
    assert col.cost_cny == pytest.approx(9300)  # a budget of 2,000 leaves only diesel
    assert col.usage == pytest.approx([2000, 2 * 9.782, 1.0, 2.0])
    assert col.priced_bound_cny is None  # within limits: a plan, not a bound of the priced problem


def test_carbon_price_tips_the_plan(block):
    b, _ = block
    # all diesel at 2,000 CNY a unit of budget, unless each tonne costs more than
    # (13,760 - 13,300) / 19.564 t = 23.5 CNY: at 30 CNY/t all electric wins
    col = b.price(subproblem_highs(), np.array([2.0, 30.0, 0.0, 0.0]), EXACT, integer=True)
    assert col.cost_cny == pytest.approx(5560)
    assert col.usage[1] == pytest.approx(0.0)


def test_lp_relaxation_bound(block):
    b, _ = block
    # at 1,870 / 1,050 CNY per CNY of budget an electric van is worth exactly its extra capex:
    # the LP is indifferent, its optimum is 5,560 + price x 4,100 = 9,300 + price x 2,000
    price = 1870 / 1050
    col = b.price(subproblem_highs(), np.array([price, 0.0, 0.0, 0.0]), EXACT, integer=False)
    assert col.priced_bound_cny == pytest.approx(9300 + price * 2000)
    # the LP's optimal vertex is one of the two integral plans, so it is kept as a plan
    assert col.integer and col.x is not None
    assert col.cost_cny in (pytest.approx(5560), pytest.approx(9300))


def test_a_fractional_lp_plan_is_not_a_plan(block):
    b, _ = block
    # a budget of 3,000: all diesel (2,000) plus 1,000 / 1,050 of an electric van with its half
    # charger in the LP (9,300 - 1,870 x 1,000 / 1,050 = 7,519.05 CNY)
    col = b.price(subproblem_highs(), np.zeros(4), EXACT, integer=False,
                  limits=np.array([3000.0, 1e6, 1e6, 1e6]))
    assert col.cost_cny == pytest.approx(9300 - 1870 * 1000 / 1050)
    assert not col.integer and col.x is None


@pytest.mark.parametrize("per_cny, npv", [
    (1.0, 5560),  # all electric: 5,560 + 2,100 over < 7,480 + 1,100 < 9,300
    (10.0, 9300),  # diesel: 9,300 < 7,480 + 11,000 < 5,560 + 21,000
    (np.inf, 9300),  # no overshoot at all: diesel, the only plan within 2,000
])
def test_limits_may_be_overshot_at_a_cost(block, per_cny, npv):
    b, _ = block
    col = b.price(subproblem_highs(), np.zeros(4), EXACT, integer=True,
                  limits=np.array([2000.0, 1e6, 1e6, 1e6]), overshoot_cny=np.array([per_cny, 0.0, 0.0, 0.0]))
    assert col.cost_cny == pytest.approx(npv)  # the NPV, without the overshoot's cost
