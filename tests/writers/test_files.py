"""Run folders keep what they hold: a failed rerun never replaces a plan, files evfleet did not
write survive a rerun, a report is made again for the new plan, and a folder being written is
locked against a second solve."""

import json

import pytest
from click.testing import CliRunner

from evfleet.cli import main
from evfleet.writers.files import MANIFEST, NO_PLAN_DIR, file_sha256, manifest_intact, run_lock
from conftest import TINY, merge, write_case

# the same case name with a cap no plan can meet: 2 diesel vans emit, an electric van cannot be
# bought (a 1 km range against 100 km a day), so every plan emits more than 0 t
INFEASIBLE = merge(TINY, {"carbon_cap_t": 0, "vehicles": {"e": {"battery_kwh": 0.2}},
                          "cities": {"shenzhen": {"grid_tco2_per_mwh": 0}}})


def solve(case, out, *extra):
    return CliRunner().invoke(main, ["solve", str(case), "--out", str(out), "--gap", "0", *extra])


@pytest.fixture
def run(tmp_path):
    out = tmp_path / "out"
    result = solve(write_case(tmp_path, TINY), out)
    assert result.exit_code == 0, result.output
    return tmp_path, out


def test_the_manifest_lists_every_file_solve_wrote_with_its_checksum(run):
    _, out = run
    files = json.loads((out / MANIFEST).read_text())["files"]
    assert {"summary.json", "case.yaml", "plan.xlsx", "fleet.csv", "compliance.csv"} <= set(files)
    assert all(file_sha256(out / name) == sha for name, sha in files.items())
    assert manifest_intact(out)
    (out / "fleet.csv").write_text("edited\n")
    assert not manifest_intact(out)


def test_a_rerun_with_no_plan_keeps_the_earlier_plan_and_writes_the_attempt_beside_it(run):
    tmp, out = run
    before = {p.name: file_sha256(p) for p in out.iterdir() if p.is_file()}
    result = solve(write_case(tmp, INFEASIBLE, "bad.yaml"), out)
    assert result.exit_code == 1
    assert f"the earlier plan in {out}/ is kept" in result.output
    assert {p.name: file_sha256(p) for p in out.iterdir() if p.is_file()} == before
    attempt = json.loads((out / NO_PLAN_DIR / "summary.json").read_text())
    assert attempt["status"] == "infeasible"
    # a plan found again replaces the plan and removes the failed attempt
    assert solve(write_case(tmp, TINY), out).exit_code == 0
    assert not (out / NO_PLAN_DIR).exists()


def test_files_evfleet_did_not_write_survive_a_rerun_and_stale_ones_go(run):
    tmp, out = run
    (out / "notes.txt").write_text("ask the depot about the roof\n")
    (out / "charts").mkdir()
    (out / "charts" / "mine.png").write_bytes(b"png")
    files = json.loads((out / MANIFEST).read_text())["files"]
    (out / "old-table.csv").write_text("x\n")  # as if an earlier evfleet had written it
    (out / MANIFEST).write_text(json.dumps({"files": {**files, "old-table.csv": "0"}}))
    assert solve(write_case(tmp, TINY), out).exit_code == 0
    assert (out / "notes.txt").read_text() == "ask the depot about the roof\n"
    assert (out / "charts" / "mine.png").read_bytes() == b"png"
    assert not (out / "old-table.csv").exists()


def test_a_report_of_the_earlier_plan_is_made_again_for_the_new_one(run):
    tmp, out = run
    assert CliRunner().invoke(main, ["report", str(out)]).exit_code == 0
    purchases = (out / "report.html").read_text().split("<h2>Purchases</h2>")[1].split("<h2>")[0]
    assert "<td>e</td>" in purchases and "<td>d</td>" not in purchases  # electric vans first
    before = json.loads((out / "summary.json").read_text())["objective_npv_cny"]
    # a dear electric van (10,000 CNY): the same case name, a diesel plan of another NPV
    dear = merge(TINY, {"vehicles": {"e": {"price_cny": 10000}}})
    assert solve(write_case(tmp, dear, "dear.yaml"), out).exit_code == 0
    npv = json.loads((out / "summary.json").read_text())["objective_npv_cny"]
    assert npv != pytest.approx(before)
    purchases = (out / "report.html").read_text().split("<h2>Purchases</h2>")[1].split("<h2>")[0]
    assert "<td>d</td>" in purchases and "<td>e</td>" not in purchases  # diesel vans now


def test_a_folder_being_written_refuses_a_second_solve_at_once(run):
    tmp, out = run
    with run_lock(out):
        result = solve(write_case(tmp, TINY), out)
    assert result.exit_code == 2
    assert "another evfleet (pid " in result.output and "is writing this folder" in result.output
    # released: the next solve goes ahead, and the lock file alone is no foreign content
    assert solve(write_case(tmp, TINY), out).exit_code == 0
    fresh = tmp / "fresh"
    fresh.mkdir()
    (fresh / ".evfleet.lock").write_text("")
    assert solve(write_case(tmp, TINY), fresh).exit_code == 0
