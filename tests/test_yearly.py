"""The {year: value} rule of spec §1."""

from evfleet.yearly import by_year
from evfleet.inputs.fleet import need_count


def test_number_applies_to_every_year():
    assert by_year(5.0, [2025, 2026]) == {2025: 5.0, 2026: 5.0}


def test_map_interpolates_and_holds_ends():
    got = by_year({2025: 2400, 2030: 900, 2032: 500}, range(2024, 2034))
    assert got[2024] == 2400 and got[2025] == 2400
    assert got[2027] == 2400 + (900 - 2400) * 2 / 5  # 1,800
    assert got[2031] == 700 and got[2033] == 500


def test_need_rounds_up_without_float_noise():
    assert need_count(24, 0.05, 0) == 24
    assert need_count(24, 0.05, 1) == 26  # 25.2
    assert need_count(100, 0.1, 1) == 110  # 110.00000000000001 in floating point
