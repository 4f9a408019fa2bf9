"""evfleet sweep on the tiny case, whose optima are worked out by hand.

Diesel van: 1,000 CNY + 3,650 l x p (p: diesel CNY/l); 3,650 l x 2.68 kg/l = 9.782 t CO2 a year.
Electric van: 2,000 CNY + 7,300 kWh x 0.1 = 2,730 CNY; a 100 CNY charger serves two.
Two vans: all diesel 2,000 + 7,300 p; one of each 3,830 + 3,650 p (capex 3,100); all electric
5,560 (capex 4,100). All electric wins above p = 3,560 / 7,300 = 0.48767.
"""

import json
from pathlib import Path
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest
from click.testing import CliRunner

from evfleet.cli import main
from evfleet.solver.highs import SolveOptions
from evfleet.studies.sweep import SweepOptions, sweep
from conftest import FOUR_TRIKES, TINY, TRIKES, merge, write_case

CHEAP_DIESEL = merge(TINY, {"cities": {"shenzhen": {"diesel_cny_per_l": 0.2}}})
EXACT = SweepOptions(solve=SolveOptions(mip_gap=0.0, threads=1))
DIESEL = "cities.shenzhen.diesel_cny_per_l"
T_PER_DIESEL = 3650 * 2.68 / 1000


@pytest.fixture
def case(tmp_path):
    return write_case(tmp_path, CHEAP_DIESEL, "tiny.yaml")


def study_file(folder, data, name="study.yaml"):
    return write_case(folder, data, name)


def by_variant(report):
    return report.results.set_index("variant")


def test_budget_and_cap_grid_reusing_the_model_equals_solving_from_scratch_and_by_hand(case, tmp_path):
    study = study_file(tmp_path, {"design": "grid", "parameters": {
        "budget_cny": {"values": [3000, 4100, 1.0e6]}, "carbon_cap_t": {"values": [25, 15, 5]}}})
    expected = {(3000, 25): 3460, (3000, 15): None, (3000, 5): None,  # 1 EV + charger: 3,100 > 3,000
                (4100, 25): 3460, (4100, 15): 4560, (4100, 5): 5560,
                (1e6, 25): 3460, (1e6, 15): 4560, (1e6, 5): 5560}
    reused = sweep(case, study, tmp_path / "reuse", EXACT).results
    scratch = sweep(case, study, tmp_path / "scratch",
                    SweepOptions(solve=EXACT.solve, reuse=False)).results
    for table in (reused, scratch):
        got = {(r.budget_cny, r.carbon_cap_t): (None if r.status == "infeasible"
                                                 else r.objective_npv_cny)
               for r in table.itertuples()}
        assert got.keys() == expected.keys()
        for key, npv in expected.items():
            assert got[key] == (None if npv is None else pytest.approx(npv)), key
    # every variant after the first moved the budget and cap rows of the first one's model
    assert list(reused["model_reused"]) == [False] + [True] * 8
    assert not scratch["model_reused"].any()


def test_one_at_a_time_tornado(case, tmp_path):
    study = study_file(tmp_path, {"design": "oat", "parameters": {DIESEL: {"values": [0.2, 0.4, 0.6]}}})
    rep = sweep(case, study, tmp_path / "out", EXACT)
    res = by_variant(rep)
    assert list(res.index) == ["base", f"{DIESEL}=0.4", f"{DIESEL}=0.6"]
    assert res.loc["base", DIESEL] == 0.2  # the base row shows the base value
    assert res["objective_npv_cny"].tolist() == pytest.approx([3460, 2000 + 7300 * 0.4, 5560])
    assert res["ev_share"].tolist() == [0.0, 0.0, 1.0]
    assert res["emissions_t"].tolist() == pytest.approx([2 * T_PER_DIESEL, 2 * T_PER_DIESEL, 0])
    tornado = (tmp_path / "out" / "tornado.csv").read_text().splitlines()
    assert tornado[1].split(",")[:3] == [DIESEL, "0.2", "0.6"]
    assert float(tornado[1].split(",")[-1]) == pytest.approx(5560 - 3460)
    for name in ("results.csv", "results.xlsx", "tornado.png", "base/plan.xlsx", "base/summary.json"):
        assert (tmp_path / "out" / name).is_file(), name


def test_breakpoint_brackets_the_diesel_price_where_the_vans_go_electric(case, tmp_path):
    study = study_file(tmp_path, {"design": "oat",
                                  "parameters": {DIESEL: {"low": 0.2, "high": 1.0, "steps": 3}}})
    opts = SweepOptions(solve=EXACT.solve, breakpoints=(DIESEL,), breakpoint_tolerance=0.01)
    sweep(case, study, tmp_path / "out", opts)
    lines = (tmp_path / "out" / "breakpoints.csv").read_text().splitlines()
    assert len(lines) == 2
    parameter, below, above, change = lines[1].split(",")
    assert parameter == DIESEL
    assert float(below) < 3560 / 7300 < float(above)
    assert float(above) - float(below) <= 0.01 * 0.8
    assert change == "2025 dep/run d 2->0; 2025 dep/run e 0->2"


def test_frontier_and_abatement_costs(case, tmp_path):
    study = study_file(tmp_path, {"design": "frontier",
                                  "frontier": {"points": 4, "lowest_share": 0.2}})
    rep = sweep(case, study, tmp_path / "out", EXACT)
    res = by_variant(rep)
    # caps at 0.8 and 0.6 of two diesels' 19.564 t leave room for one diesel; 0.4 and 0.2 none
    assert res["objective_npv_cny"].tolist() == pytest.approx([3460, 4560, 4560, 5560, 5560])
    assert res.loc["cap-0.600", "model_reused"] and not res.loc["cap-0.800", "model_reused"]
    frontier = (tmp_path / "out" / "frontier.csv").read_text().splitlines()[1:]
    costs = [row.split(",")[-1] for row in frontier]
    assert float(costs[1]) == pytest.approx(1100 / T_PER_DIESEL)  # first diesel off: 112 CNY/t
    assert costs[2] == ""  # same emissions: no cost to state
    assert float(costs[3]) == pytest.approx(1000 / T_PER_DIESEL)
    assert (tmp_path / "out" / "frontier.png").is_file()


def test_every_bad_variant_is_refused_before_anything_is_solved(case, tmp_path):
    # A reference the case file would be refused for (an unknown class), a catalog override out
    # of range (checked only when the case is resolved) and a path that reaches nothing, in one run
    study = study_file(tmp_path, {"design": "scenarios", "scenarios": {
        "no-such-class": {"depots.dep.duties.run.vehicle_class": "hovercraft"},
        "negative-price": {"vehicles.e.price_cny": -1.0},
        "no-such-field": {"depots.dep.roof": 5},
        "dear-diesel": {DIESEL: 1.0}}})
    result = CliRunner().invoke(main, ["sweep", str(case), str(study), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    text = study.read_text().splitlines()
    at = {name: next(i for i, line in enumerate(text, 1) if line.strip().startswith(name))
          for name in ("no-such-class", "negative-price", "no-such-field")}
    out = result.output
    assert (f"{study}:{at['no-such-class']}: scenarios.no-such-class: variant no-such-class gives "
            "depots[0].duties[0].vehicle_class: unknown vehicle class 'hovercraft'") in out
    assert (f"{study}:{at['negative-price']}: scenarios.negative-price: variant negative-price "
            "gives vehicles.e.price_cny: expected a value >= 0, got -1") in out
    assert (f"{study}:{at['no-such-field']}: scenarios.no-such-field: variant no-such-field "
            "gives depots[0].roof: unknown field (did you mean 'roof_m2'?)") in out
    assert out.splitlines()[-1] == f"3 problems in {study}; nothing was solved."
    assert not (tmp_path / "out").exists()


def test_rerunning_reuses_finished_variants_and_redoes_changed_ones(case, tmp_path):
    study = study_file(tmp_path, {"design": "oat", "parameters": {DIESEL: {"values": [0.4, 0.6]}}})
    runner = CliRunner()
    args = ["sweep", str(case), str(study), "-o", str(tmp_path / "out"), "--workers", "1",
            "--gap", "0"]
    first = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    assert "3 solved, 0 reused" in first.output
    again = runner.invoke(main, args)
    assert "0 solved, 3 reused from an earlier run" in again.output
    study_file(tmp_path, {"design": "oat", "parameters": {DIESEL: {"values": [0.4, 0.8]}}})
    changed = runner.invoke(main, args)
    assert "1 solved, 2 reused" in changed.output  # =0.8 is new; base and =0.4 are not
    # a table of a finished variant deleted, another's edited: both are solved again, and the
    # edited table is written afresh
    out = tmp_path / "out"
    purchases = (out / "base" / "purchases.csv").read_text()
    (out / "base" / "purchases.csv").write_text("depot,duty,model,year,count\n")
    (out / f"{DIESEL}=0.4" / "fleet.csv").unlink()
    redone = runner.invoke(main, args)
    assert "2 solved, 1 reused" in redone.output
    assert (out / "base" / "purchases.csv").read_text() == purchases
    assert (out / f"{DIESEL}=0.4" / "fleet.csv").is_file()


def test_killed_sweep_resumes_with_finished_variants_reused(case, tmp_path):
    study = study_file(tmp_path, {"design": "lhs", "samples": 30, "seed": 3,
                                  "parameters": {DIESEL: {"low": 0.1, "high": 1.0}}})
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "evfleet", "sweep", str(case), str(study), "-o", str(out),
           "--workers", "1", "--gap", "0"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        done = list(out.glob("s*/summary.json")) if out.exists() else []
        if len(done) >= 3 or proc.poll() is not None:
            break
        time.sleep(0.05)
    assert proc.poll() is None, proc.communicate()
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    kept = {p.parent.name: p.stat().st_mtime_ns for p in out.glob("s*/summary.json")}
    assert 3 <= len(kept) < 30
    assert not (out / "results.csv").exists()
    rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{30 - len(kept)} solved, {len(kept)} reused from an earlier run" in rerun.stdout
    for name, mtime in kept.items():  # not recomputed, not rewritten
        assert (out / name / "summary.json").stat().st_mtime_ns == mtime
    rows = (out / "results.csv").read_text().splitlines()
    assert len(rows) == 31
    for row in rows[1:]:
        price, npv = float(row.split(",")[1]), float(row.split(",")[3])
        assert npv == pytest.approx(min(2000 + 7300 * price, 5560))
    assert json.loads((out / "sweep.json").read_text()) == {"case": "tiny", "study": "study.yaml"}


def test_bad_study_input_is_one_line_per_problem_and_exit_2(case, tmp_path):
    runner = CliRunner()
    study = study_file(tmp_path, {"design": "oat", "parameters": {
        "depots.dep.roof": {"values": [1]}}}, "bad-path.yaml")
    result = runner.invoke(main, ["sweep", str(case), str(study), "-o", str(tmp_path / "a")])
    assert result.exit_code == 2
    assert (f"{study}:3: parameters.depots.dep.roof: variant depots.dep.roof=1 gives "
            "depots[0].roof: unknown field (did you mean 'roof_m2'?)") in result.output
    study = study_file(tmp_path, {"design": "oat", "parameters": {
        "depots.nowhere.roof_m2": {"values": [1]}}}, "bad-item.yaml")
    result = runner.invoke(main, ["sweep", str(case), str(study), "-o", str(tmp_path / "a")])
    assert result.exit_code == 2
    assert (f"{study}:3: parameters.depots.nowhere.roof_m2: no item "
            "'nowhere' in depots (has: dep)") in result.output
    study = study_file(tmp_path, {"design": "oat", "parameters": {
        "budget_cny": {"values": [-5]}}}, "negative.yaml")
    result = runner.invoke(main, ["sweep", str(case), str(study), "-o", str(tmp_path / "b")])
    assert result.exit_code == 2
    assert ("parameters.budget_cny: variant budget_cny=-5 gives budget_cny: expected a value "
            ">= 0, got -5") in result.output
    study = study_file(tmp_path, {"design": "lhs", "parameters": {DIESEL: {"low": 1, "high": 2}}},
                       "no-samples.yaml")
    result = runner.invoke(main, ["sweep", str(case), str(study), "-o", str(tmp_path / "c")])
    assert result.exit_code == 2 and "design lhs needs samples" in result.output
    study = study_file(tmp_path, {"design": "oat", "parameters": {DIESEL: {"values": [1.0]}}})
    result = runner.invoke(main, ["sweep", str(case), str(study), "--breakpoint", "budget_cny"])
    assert result.exit_code == 2
    assert "--breakpoint: budget_cny: expected one of the study's parameters" in result.output
    assert not list(tmp_path.glob("*/sweep.json"))  # nothing was solved


def _long_sweep(case, tmp_path, workers: int, finished: int):
    """A 200-variant sweep in its own process, once `finished` variants have been written:
    (the process, its study folder)."""
    study = study_file(tmp_path, {"design": "lhs", "samples": 200, "seed": 3,
                                  "parameters": {DIESEL: {"low": 0.1, "high": 1.0}}})
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "evfleet", "sweep", str(case), str(study),
                             "-o", str(out), "--workers", str(workers), "--gap", "0"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(out.glob("s*/summary.json"))) < finished:
        time.sleep(0.05)
    return proc, out


def test_ctrl_c_leaves_results_csv_with_the_finished_variants_marked_finished(case, tmp_path):
    proc, out = _long_sweep(case, tmp_path, workers=1, finished=3)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=60) == 130
    finished = {p.parent.name for p in out.glob("s*/summary.json")}
    results = pd.read_csv(out / "results.csv").set_index("variant")
    assert len(results) == 200 and len(finished) >= 3
    assert set(results.index[results["status"] == "optimal"]) == finished
    assert (results.loc[~results.index.isin(finished), "status"] == "not_run").all()


def _state(pid: int) -> str | None:
    """A process's state letter (Linux /proc; 'Z' a zombie), None when it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def _children(pid: int) -> set[int]:
    """Live processes whose parent is `pid`."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers end with their parent "
                    "through Linux's prctl")
def test_workers_end_with_a_sweep_killed_by_sigkill(case, tmp_path):
    proc, _ = _long_sweep(case, tmp_path, workers=2, finished=2)
    workers = _children(proc.pid)
    assert len(workers) >= 2 and proc.poll() is None  # two workers (and the resource tracker)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_state(w) not in (None, "Z") for w in workers):
        time.sleep(0.1)
    assert [w for w in workers if _state(w) not in (None, "Z")] == []


def test_scenario_names_are_never_paths_nor_another_variants_folder(case, tmp_path):
    # '../../victim' wrote outside the study folder and replaced an unrelated folder; 'base'
    # overwrote the base variant; 'results.csv' broke the folder; 'Nice' and 'nice' are one folder
    # on a case-insensitive disk. Every one is refused at its own line, nothing is written.
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("mine")
    names = ["../../victim", "base", "results.csv", "Nice", "nice", "two words", "高预算"]
    study = study_file(tmp_path, {"design": "scenarios", "scenarios": {
        n: {"budget_cny": 9000} for n in names}})
    out = tmp_path / "studies" / "s"
    result = CliRunner().invoke(main, ["sweep", str(case), str(study), "-o", str(out)])
    assert result.exit_code == 2
    *lines, last = result.output.strip().splitlines()
    assert last == f"5 problems in {study}; nothing was solved."
    assert lines == [
        f"{study}:3: scenarios.../../victim: expected a scenario name of letters, digits, '_' and "
        "'-' (at most 64, no '.', '/' or spaces: it names the variant's folder), got '../../victim'",
        f"{study}:5: scenarios.base: expected a name of its own, 'base' names the same folder as "
        "the design's own variant",
        f"{study}:7: scenarios.results.csv: expected a scenario name of letters, digits, '_' and "
        "'-' (at most 64, no '.', '/' or spaces: it names the variant's folder), got 'results.csv'",
        f"{study}:11: scenarios.nice: expected a name of its own, 'nice' names the same folder as "
        "scenario 'Nice'",
        f"{study}:13: scenarios.two words: expected a scenario name of letters, digits, '_' and "
        "'-' (at most 64, no '.', '/' or spaces: it names the variant's folder), got 'two words'"]
    assert (victim / "keep.txt").read_text() == "mine" and not out.exists()


def test_a_folder_holding_another_study_is_not_taken(case, tmp_path):
    runner = CliRunner()
    one = study_file(tmp_path, {"design": "oat", "parameters": {DIESEL: {"values": [0.4]}}}, "one.yaml")
    two = study_file(tmp_path, {"design": "oat", "parameters": {DIESEL: {"values": [0.6]}}}, "two.yaml")
    out = str(tmp_path / "out")
    assert runner.invoke(main, ["sweep", str(case), str(one), "-o", out, "--workers", "1"]).exit_code == 0
    result = runner.invoke(main, ["sweep", str(case), str(two), "-o", out, "--workers", "1"])
    assert result.exit_code == 2
    assert "holds the study 'one.yaml' of case 'tiny'" in result.output


def test_a_sweep_moves_the_swap_fee_by_path(tmp_path):
    """The tricycle world of tests/formulation/test_charging.py: at 5 CNY a month the four
    tricycles swap (2,000 + 4 x 60 = 2,240); at 20 they charge on ports (2,000 + 120 + 365)."""
    data = merge(TINY, merge(TRIKES, {"vehicles": {"t": {"swap": {"fee_cny_per_month": 5}}}}))
    data["depots"][0] = merge(data["depots"][0], FOUR_TRIKES)
    case = write_case(tmp_path, data, "trikes.yaml")
    study = tmp_path / "study.yaml"
    study.write_text("design: oat\nparameters:\n  vehicles.t.swap.fee_cny_per_month: {values: [20]}\n")
    result = CliRunner().invoke(main, ["sweep", str(case), str(study), "--out", str(tmp_path / "sw")])
    assert result.exit_code == 0, result.output
    rows = pd.read_csv(tmp_path / "sw" / "results.csv").set_index("variant")
    assert rows.loc["base", "objective_npv_cny"] == pytest.approx(2240, abs=1e-6)
    assert rows.loc["vehicles.t.swap.fee_cny_per_month=20", "objective_npv_cny"] == pytest.approx(
        2485, abs=1e-6)


def test_a_variant_without_an_answer_makes_the_sweep_exit_1(case, tmp_path, monkeypatch):
    # the worker solving 'lost' dies twice (here: its call raises, as a killed worker's future
    # does); the other variants are answered, results.csv says why 'lost' has none, exit 1
    from evfleet.studies import sweep as sweep_module

    real = sweep_module.solve_variant

    def dies_on_lost(task):
        if task.variant == "lost":
            raise RuntimeError("worker killed")
        return real(task)

    monkeypatch.setattr(sweep_module, "solve_variant", dies_on_lost)
    study = study_file(tmp_path, {"design": "scenarios", "scenarios": {"lost": {DIESEL: 1.0},
                                                                       "kept": {DIESEL: 0.5}}})
    result = CliRunner().invoke(main, ["sweep", str(case), str(study), "-o", str(tmp_path / "o"),
                                       "--workers", "1"])
    assert result.exit_code == 1
    assert ("1 variant failed without an answer (the reason is in results.csv); run the same "
            "command again to retry them") in result.output
    res = pd.read_csv(tmp_path / "o" / "results.csv").set_index("variant")
    assert res.loc["lost", "status"] == "error" and "worker lost twice" in res.loc["lost", "reason"]
    assert res.loc["kept", "status"] == "optimal"


def test_a_variant_whose_worker_is_lost_once_is_solved_again_and_said_so(case, tmp_path,
                                                                          monkeypatch):
    # the first call for 'lost' raises as a killed worker's future does; the retry answers it:
    # every variant optimal, exit 0, and the terminal says one was solved again
    from evfleet.studies import sweep as sweep_module

    real, calls = sweep_module.solve_variant, []

    def dies_once(task):
        calls.append(task.variant)
        if calls.count("lost") == 1 and task.variant == "lost":
            raise RuntimeError("worker killed")
        return real(task)

    monkeypatch.setattr(sweep_module, "solve_variant", dies_once)
    study = study_file(tmp_path, {"design": "scenarios", "scenarios": {"lost": {DIESEL: 1.0},
                                                                       "kept": {DIESEL: 0.5}}})
    result = CliRunner().invoke(main, ["sweep", str(case), str(study), "-o", str(tmp_path / "o"),
                                       "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "1 variant sent again to a fresh worker after their worker was lost" in result.output
    res = pd.read_csv(tmp_path / "o" / "results.csv").set_index("variant")
    assert (res["status"] == "optimal").all() and calls.count("lost") == 2


def test_a_sweep_keeps_one_variant_per_worker_in_flight(case, tmp_path, monkeypatch):
    # A dead process-pool worker fails every call queued on the pool, so a sweep that queued
    # all its variants lost all of them (22 of 24 with two kills): only as many calls as the
    # executor has workers may be out at once. An inline executor that says it has two slots
    # records how many calls were submitted and not yet collected.
    from evfleet.parallel import InlineExecutor
    from evfleet.studies import sweep as sweep_module

    out_now, most = [0], [0]

    class TwoSlots(InlineExecutor):
        slots = 2

        def submit(self, fn, *args):
            out_now[0] += 1
            most[0] = max(most[0], out_now[0])
            return super().submit(fn, *args)

        def as_completed(self, futures):
            for future in super().as_completed(futures):
                out_now[0] -= 1
                yield future

    monkeypatch.setattr(sweep_module, "make_executor", lambda workers, scheduler: TwoSlots())
    study = study_file(tmp_path, {"design": "oat", "parameters": {
        DIESEL: {"values": [0.1, 0.2, 0.3, 0.4, 0.5]}}})
    result = CliRunner().invoke(main, ["sweep", str(case), str(study), "-o", str(tmp_path / "o"),
                                       "--workers", "2"])
    assert result.exit_code == 0, result.output
    results = pd.read_csv(tmp_path / "o" / "results.csv")
    assert len(results) >= 5 and (results["status"] == "optimal").all() and most[0] == 2


def test_a_two_parameter_grid_has_named_variants_and_a_heat_map(case, tmp_path):
    # diesel 0.2 CNY/l: two diesels, 2,000 + 7,300 x 0.2 = 3,460 at either budget. Diesel 1.0:
    # all electric 5,560 (capex 4,100) with 10,000 CNY a year; with 3,000 neither that nor one of
    # each (capex 3,100) fits, so two diesels at 2,000 + 7,300 = 9,300.
    from openpyxl import load_workbook

    study = study_file(tmp_path, {"design": "grid", "parameters": {
        "budget_cny": {"values": [3000, 10000]}, DIESEL: {"values": [0.2, 1.0]}}})
    res = by_variant(sweep(case, study, tmp_path / "out", EXACT))
    assert res.loc["budget_cny=3000,diesel_cny_per_l=1", "objective_npv_cny"] == pytest.approx(9300)
    heat = pd.read_csv(tmp_path / "out" / "heatmap.csv")
    assert list(heat.columns) == ["budget_cny", f"{DIESEL}=0.2", f"{DIESEL}=1"]
    assert heat["budget_cny"].tolist() == [3000, 10000]
    assert heat.drop(columns="budget_cny").to_numpy().ravel().tolist() == pytest.approx(
        [3460, 9300, 3460, 5560])
    assert (tmp_path / "out" / "heatmap.png").read_bytes()[:4] == b"\x89PNG"
    book = load_workbook(tmp_path / "out" / "results.xlsx")
    assert [r.sqref for r in book["heatmap"].conditional_formatting][0] == "B2:C3"  # by Excel
    headers = [c.value for c in book["results"][1]]
    assert headers[:4] == ["Variant", "budget_cny", DIESEL, "Status"]  # parameters keep paths
    assert "Net present cost (CNY)" in headers and "objective_npv_cny" not in headers
    assert book["results"].page_setup.fitToWidth == 1 and book["results"].print_title_rows
