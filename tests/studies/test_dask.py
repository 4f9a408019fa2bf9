"""The same study on this machine and on a real Dask cluster (a scheduler and two worker
processes on 127.0.0.1) gives identical results."""

import pytest
from click.testing import CliRunner

from evfleet.cli import main
from conftest import TINY, merge, write_case

distributed = pytest.importorskip("distributed")

CHEAP_DIESEL = merge(TINY, {"cities": {"shenzhen": {"diesel_cny_per_l": 0.2}}})
DIESEL = "cities.shenzhen.diesel_cny_per_l"
COLUMNS = ["variant", DIESEL, "budget_cny", "status", "objective_npv_cny", "capex_cny",
           "emissions_t", "ev_share", "baseline_npv_cny"]


def test_local_and_dask_cluster_give_identical_results(tmp_path):
    import pandas as pd

    case = write_case(tmp_path, CHEAP_DIESEL, "tiny.yaml")
    study = write_case(tmp_path, {"design": "grid", "parameters": {
        DIESEL: {"values": [0.2, 0.45, 0.5, 0.8]}, "budget_cny": {"values": [3000, 5000]}}},
        "study.yaml")
    runner = CliRunner()
    local = runner.invoke(main, ["sweep", str(case), str(study), "-o", str(tmp_path / "local"),
                                 "--workers", "2", "--gap", "0"])
    assert local.exit_code == 0, local.output
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        remote = runner.invoke(main, ["sweep", str(case), str(study), "-o", str(tmp_path / "dask"),
                                      "--scheduler", cluster.scheduler_address, "--gap", "0"])
    assert remote.exit_code == 0, remote.output
    assert "8 variants on Dask cluster tcp://127.0.0.1" in remote.output
    a = pd.read_csv(tmp_path / "local" / "results.csv")[COLUMNS]
    b = pd.read_csv(tmp_path / "dask" / "results.csv")[COLUMNS]
    pd.testing.assert_frame_equal(a, b)
    # and the answers are the hand-worked ones: all diesel below 0.4877 CNY/l (budget 3,000 can
    # not buy electric vans: 4,100 with their charger), all electric above it with budget 5,000
    npv = dict(zip(zip(a[DIESEL], a["budget_cny"]), a["objective_npv_cny"]))
    assert npv[(0.45, 5000)] == pytest.approx(2000 + 7300 * 0.45)
    assert npv[(0.5, 5000)] == pytest.approx(5560)
    assert npv[(0.8, 3000)] == pytest.approx(2000 + 7300 * 0.8)
