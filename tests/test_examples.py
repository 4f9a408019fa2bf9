"""Every case in cases/ solves: status optimal, or time_limit with a plan, within a short limit.

Marked `examples` (minutes in all): `python -m pytest -m examples` runs them; .ci/run does. The
60-depot pilot case solves by LP-and-fix (its `strategy`), which takes longer than CI's examples
step should: its test is marked `pilot` (`python -m pytest -m pilot`)."""

import json
import subprocess
import sys

import pytest

from conftest import REPO

CASES = sorted(p for p in (REPO / "cases").glob("*.yaml") if p.stem != "pilot-15")


@pytest.mark.examples
@pytest.mark.parametrize("case", CASES, ids=[p.stem for p in CASES])
def test_case_solves(case, tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "evfleet", "solve", str(case), "--out", str(out),
                           "--time-limit", "90", "--gap", "0.01"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] in ("optimal", "time_limit")
    assert summary["objective_npv_cny"] > 0
    assert summary["baseline"]["objective_npv_cny"] is not None


@pytest.mark.pilot
def test_pilot_case_solves_by_lp_fix(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "evfleet", "solve", str(REPO / "cases" / "pilot-15.yaml"),
                           "--out", str(out), "--time-limit", "2400"],
                          capture_output=True, text=True, timeout=3000)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["strategy"] == "lp-fix"
    assert summary["status"] in ("optimal", "time_limit")
    assert summary["bound_npv_cny"] <= summary["objective_npv_cny"]
    assert summary["mip_gap"] < 0.02
    assert all(row["met"] for row in _rows(out / "compliance.csv")
               if row["rule"] in ("budget_cny", "carbon_cap_t"))


def _rows(path):
    import csv

    with path.open() as fh:
        return [{**r, "met": r["met"] == "True"} for r in csv.DictReader(fh)]
