"""Time limits and Ctrl-C on a case HiGHS cannot close quickly (cases/network-east.yaml)."""

import json
import os
import signal
import subprocess
import sys
import time

from conftest import REPO

HARD = REPO / "cases" / "network-east.yaml"


def evfleet(*args, **kw):
    return subprocess.Popen([sys.executable, "-m", "evfleet", *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def test_time_limit_returns_best_plan_with_gap(tmp_path):
    # HiGHS finds a first plan of this case within ~15 s but needs ~100 s to reach 0.5 %.
    proc = evfleet("solve", HARD, "--out", tmp_path / "out", "--time-limit", 40)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["status"] == "time_limit"
    assert summary["mip_gap"] is not None and summary["mip_gap"] > 0.005
    assert "warning: time limit reached" in err and "Traceback" not in err


def test_ctrl_c_during_solve_leaves_output_as_it_was(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    earlier = json.dumps({"case": "network-east", "status": "optimal"})
    (out / "summary.json").write_text(earlier)
    proc = evfleet("solve", HARD, "--out", out)
    time.sleep(10)  # loading and building take ~2 s; HiGHS is then well into the solve
    os.kill(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "interrupted: nothing was written for the case being solved" in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temporary folder left
    assert [p.name for p in out.iterdir()] == ["summary.json"]
    assert (out / "summary.json").read_text() == earlier
