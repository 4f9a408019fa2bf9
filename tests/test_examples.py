"""Every case in cases/ solves: status optimal, or time_limit with a plan, within a short limit.

Marked `examples` (minutes in all): `python -m pytest -m examples` runs them; .ci/run does. The
60-depot pilot case is left to benchmarks (it needs minutes on its own)."""

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
