"""The Dask engine: the same batch on a Dask cluster gives byte-identical
documents and the same report (timings aside) as the local engine.

Needs the ``dask`` extra (in the ``test`` extra); skipped without it.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("distributed")

import badfiles  # noqa: E402
import layout_variants as lv  # noqa: E402
from conftest import SAMPLE  # noqa: E402
from extractor import batch  # noqa: E402


def cli(*args, timeout=180):
    return subprocess.run([sys.executable, "-m", "extractor", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)


def documents(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()
            and p.name not in ("_report.json", "_manifest.jsonl", "_run.lock")}


def report(out: Path) -> dict:
    return json.loads((out / "_report.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("dask-in")
    (folder / "a").mkdir()
    (folder / "b").mkdir()
    shutil.copy(SAMPLE, folder / "a" / "julu-2023.pdf")
    shutil.copy(SAMPLE, folder / "b" / "julu-2023.pdf")
    lv.render(lv.load_content(), lv.VARIANTS["borderless"], folder / "b" / "borderless.pdf")
    lv.render(lv.load_content(), lv.VARIANTS["single_table_no_repeat"], folder / "a" / "single.pdf")
    badfiles.truncated(folder / "a" / "truncated.pdf", 0.5)
    badfiles.html_error_page(folder / "b" / "error-page.pdf")
    return folder


@pytest.fixture(scope="module")
def local_run(inputs, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("local") / "out"
    proc = cli("convert", inputs, "-o", out, "--jobs", "2", "--tables", "csv")
    assert proc.returncode == 1, proc.stderr
    return out


def test_local_cluster_gives_the_local_engines_result(inputs, local_run, tmp_path):
    """``--engine dask`` without an address: a LocalCluster of 2 worker
    processes, started and shut down by the command."""
    out = tmp_path / "out"
    proc = cli("convert", inputs, "-o", out, "--engine", "dask", "--jobs", "2", "--tables", "csv")
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    local, dask = documents(local_run), documents(out)
    assert len([n for n in dask if n.endswith(".json")]) == 4
    assert dask == local  # the JSON documents and the tables, byte for byte
    assert batch.report_without_timings(report(out)) == batch.report_without_timings(report(local_run))
    assert report(out)["run"]["engine"] == "dask" and report(out)["errors"] == {"DamagedPDF": 1, "NotAPDF": 1}
    # same FAILED lines, in the same (input) order
    failed = lambda p: [l for l in p.stderr.splitlines() if l.startswith("FAILED")]
    assert failed(proc) == failed(cli("convert", inputs, "-o", tmp_path / "again", "--jobs", "2"))


@pytest.fixture(scope="module")
def cluster():
    """A LocalCluster the test starts, reached by address (as an existing
    cluster would be), workers non-daemonic as the engine needs."""
    import dask
    from distributed import LocalCluster

    with dask.config.set({"distributed.worker.daemon": False}):
        c = LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0")
    yield c
    c.close()


def test_an_existing_scheduler_by_address(inputs, local_run, cluster, tmp_path):
    out = tmp_path / "out"
    stream = io.StringIO()
    code = batch.convert_batch([inputs], out, engine="dask", scheduler=cluster.scheduler_address, tables="csv",
                               stream=stream)
    assert code == 1, stream.getvalue()
    assert documents(out) == documents(local_run)
    assert batch.report_without_timings(report(out)) == batch.report_without_timings(report(local_run))
    assert report(out)["run"]["scheduler"] == cluster.scheduler_address
    # resuming works the same on the cluster
    assert batch.convert_batch([inputs], out, engine="dask", scheduler=cluster.scheduler_address,
                               stream=io.StringIO()) == 1
    assert report(out)["counts"]["cached"] == 4


def test_daemonic_workers_are_refused_with_the_fix(inputs, tmp_path):
    import dask
    from distributed import LocalCluster

    with dask.config.set({"distributed.worker.daemon": True}):
        with LocalCluster(n_workers=1, processes=True, threads_per_worker=1, dashboard_address=":0") as c:
            with pytest.raises(batch.UsageError, match="DASK_DISTRIBUTED__WORKER__DAEMON=False"):
                batch.convert_batch([inputs], tmp_path / "out", engine="dask", scheduler=c.scheduler_address,
                                    stream=io.StringIO())


def test_an_unreachable_scheduler_is_a_usage_error(inputs, tmp_path):
    proc = cli("convert", inputs, "-o", tmp_path / "out", "--scheduler", "tcp://127.0.0.1:9", timeout=120)
    assert proc.returncode == 2 and "cannot reach the Dask scheduler" in proc.stderr, proc.stderr
