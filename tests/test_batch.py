"""Batch conversion (``extractor convert`` on the batch engine): a folder of
good and bad files, per-file isolation, atomic outputs, the run report,
resuming after an interruption, the combined tables, naming and progress.

Good inputs are copies of the sample and layout variants rendered here
(``layout_variants``); bad ones come from ``badfiles``.  Nothing binary is
committed.
"""

from __future__ import annotations

import io
import json
import re
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import badfiles
import layout_variants as lv
from conftest import SAMPLE
from extractor import batch
from extractor.extras import install_hint
from extractor.pipeline import extract

RUN_FILES = {"_report.json", "_manifest.jsonl", "_run.lock"}


def cli(*args, timeout=180):
    return subprocess.run([sys.executable, "-m", "extractor", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)


def outputs(out: Path) -> dict[str, bytes]:
    """The documents a run wrote: relative name -> bytes (run files and
    tables aside)."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.json"))
            if p.is_file() and p.name not in RUN_FILES and batch.TABLES_DIR not in p.relative_to(out).parts}


def leftovers(out: Path) -> list[Path]:
    """Temporary files (``.name.tmp``) anywhere under ``out``."""
    return [p for p in out.rglob("*") if p.name.startswith(".")]


def report(out: Path) -> dict:
    return json.loads((out / "_report.json").read_text(encoding="utf-8"))


def failed_lines(stderr: str) -> list[str]:
    return [l for l in stderr.splitlines() if l.startswith("FAILED")]


GOOD = {  # name in the archive -> how to make it
    "county-a/julu-2023.pdf": lambda p: shutil.copy(SAMPLE, p),
    "county-a/baseline.pdf": lambda p: lv.render(lv.load_content(), lv.VARIANTS["baseline"], p),
    "county-b/julu-2023.pdf": lambda p: shutil.copy(SAMPLE, p),  # same stem, other folder
    "county-b/borderless.PDF": lambda p: lv.render(lv.load_content(), lv.VARIANTS["borderless"], p),
    "county-b/2023/furniture.pdf": lambda p: lv.render(lv.load_content(), lv.VARIANTS["furniture"], p),
}
BAD = {  # name -> (how to make it, error class, phrase of the message)
    "bad/truncated.pdf": (lambda p: badfiles.truncated(p, 0.5), "DamagedPDF", "truncated"),
    "bad/report.pdf": (badfiles.docx_renamed, "NotAPDF", "ZIP container"),
    "bad/empty.pdf": (badfiles.empty, "NotAPDF", "the file is empty"),
}


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("archive")
    for name, make in GOOD.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        make(root / name)
    for name, (make, _, _) in BAD.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        make(root / name)
    (root / ".hidden").mkdir()
    shutil.copy(SAMPLE, root / ".hidden" / "skipped.pdf")
    (root / "county-a" / "notes.txt").write_text("not a PDF name: not picked up")
    return root


@pytest.fixture(scope="module")
def expected(archive) -> dict[str, bytes]:
    """Output name -> the bytes ``extract`` gives for that input."""
    out = {}
    for name in GOOD:
        stem = name.rsplit(".", 1)[0]
        out[f"{stem}.json"] = extract(archive / name).to_json().encode("utf-8")
    return out


# -- a folder of good and bad files -----------------------------------------------------------------


def test_a_folder_of_good_and_bad_files(archive, expected, tmp_path):
    out = tmp_path / "out"
    proc = cli("convert", archive, "-o", out, "--jobs", "2", "--tables", "csv")
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr

    # every good file converted, byte for byte what extract() gives, folders mirrored
    assert outputs(out) == expected
    assert not leftovers(out), "temporary files left behind"

    # every bad file reported once, in input order, with its class and a clear message
    lines = failed_lines(proc.stderr)
    bad_in_order = sorted(BAD)
    assert [l.split(": ")[0] for l in lines] == [f"FAILED {archive / n}" for n in bad_in_order]
    for line, name in zip(lines, bad_in_order):
        _, cls, phrase = BAD[name]
        assert line.startswith(f"FAILED {archive / name}: {cls}: ") and phrase in line, line
        assert line.count(str(archive / name)) == 1  # the path once, not repeated in the message

    r = report(out)
    docs = {name: json.loads(b) for name, b in expected.items()}
    with_warnings = sum(bool(d["warnings"]) for d in docs.values())
    assert r["complete"] is True and r["extractor_version"] == batch._version()
    assert r["counts"] == {"files": 8, "ok": 5 - with_warnings, "warnings": with_warnings, "failed": 3,
                           "cached": 0, "not_done": 0, "orphaned": 0, "incomplete": 0}
    assert r["orphaned"] == []
    assert r["errors"] == {"DamagedPDF": 1, "NotAPDF": 2}
    files = {f["document"]: f for f in r["files"]}
    assert [f["document"] for f in r["files"]] == sorted(list(GOOD) + list(BAD), key=lambda n: n.split("/"))
    for name in GOOD:
        f = files[name]
        doc = docs[f["output"]]
        assert f["output"] == name.rsplit(".", 1)[0] + ".json" and not f["cached"] and f["seconds"] > 0
        assert f["status"] == ("warnings" if doc["warnings"] else "ok") and f["error"] is None
        assert (f["pages"], f["projects"]) == (doc["source"]["pages"], 6)
        assert f["sha256"] == doc["source"]["sha256"] and f["warnings"] == len(doc["warnings"])
    for name, (_, cls, phrase) in BAD.items():
        f = files[name]
        assert f["status"] == "failed" and f["error"] == cls and phrase in f["message"]
        assert not (out / f["output"]).exists()
    assert r["pages"] == sum(d["source"]["pages"] for d in docs.values())
    assert r["run"]["engine"] == "local" and r["run"]["workers"] == 2

    # the one-screen summary
    summary = proc.stderr[proc.stderr.index("extractor: 8 files"):]
    assert "3 failed" in summary and "failed: NotAPDF 2, DamagedPDF 1" in summary
    assert "slowest:" in summary and str(out / "_report.json") in summary
    assert len(summary.splitlines()) <= 10

    # combined tables, from the same documents
    import pandas as pd

    ind = pd.read_csv(out / "_tables" / "indicators.csv", dtype={"unit_code": str, "project_code": str})
    docs = list(docs.values())
    assert len(ind) == sum(len(p["indicators"]) for d in docs for p in d["projects"])
    for column in ("document", "unit_code", "unit_name", "year", "project", "project_code",
                   "raw", "kind", "cmp", "value", "upper", "unit", "unit_raw", "note", "date"):
        assert column in ind.columns, column
    first = ind[ind["document"] == "county-a/julu-2023.pdf"].iloc[0]
    assert (first["unit_code"], first["unit_name"], first["year"]) == ("711001", "巨鹿县总工会", 2023)
    assert (first["raw"], first["cmp"], first["value"], first["unit"]) == ("≥242人数", ">=", 242, "人")
    assert first["project_code"] == docs[0]["projects"][0]["code"]
    projects = pd.read_csv(out / "_tables" / "projects.csv")
    assert len(projects) == 30 and set(projects["document"]) == set(GOOD)
    plan = pd.read_csv(out / "_tables" / "spending_plan.csv")
    assert len(plan) == sum(len(p["spending_plan"]) for d in docs for p in d["projects"])
    warned = pd.read_csv(out / "_tables" / "warnings.csv")
    assert r["tables"]["rows"] == {"documents": 8, "projects": 30, "indicators": len(ind), "spending_plan": len(plan),
                                   "overall_indicators": 0, "departments": 0, "warnings": len(warned)}
    for column in ("weight", "direction", "core", "scoring", "actual_value", "score", "form"):
        assert column in ind.columns, column
    departments = pd.read_csv(out / "_tables" / "overall_indicators.csv")
    assert {"document", "unit_code", "unit_name", "year", "department_form", "level3", "value"} <= set(departments.columns)
    # one key and one name across the tables: the document's path in the batch, the department as unit_name
    for name in ("projects", "indicators", "spending_plan", "warnings"):
        table = pd.read_csv(out / "_tables" / f"{name}.csv")
        assert "document" in table.columns and "doc" not in table.columns, name
    assert "unit_name" in projects.columns and "unit" not in projects.columns
    # every input has a row, failed ones with their error
    documents = pd.read_csv(out / "_tables" / "documents.csv").set_index("document")
    assert set(documents.index) == {f["document"] for f in r["files"]}
    assert (documents["status"] == "failed").sum() == 3 and documents.loc[documents["status"] == "failed", "error"].notna().all()
    assert set(warned["document"]) <= set(GOOD) and len(warned) == sum(len(d["warnings"]) for d in docs)
    # a byte-order mark, so that Excel on Chinese Windows reads UTF-8
    assert (out / "_tables" / "projects.csv").read_bytes().startswith("\ufeff".encode("utf-8"))


def test_rerun_skips_what_is_done_and_force_redoes_it(archive, expected, tmp_path):
    out = tmp_path / "out"
    first = cli("convert", archive, "-o", out, "--jobs", "2")
    assert first.returncode == 1
    stamps = {p: (out / p).stat().st_mtime_ns for p in expected}

    again = cli("convert", archive, "-o", out, "--jobs", "2")
    assert again.returncode == 1, again.stderr
    r = report(out)
    assert r["counts"]["cached"] == len(GOOD) and r["counts"]["failed"] == len(BAD)
    assert all(f["cached"] == (f["status"] != "failed") for f in r["files"])
    assert {p: (out / p).stat().st_mtime_ns for p in expected} == stamps, "a finished file was converted again"
    assert outputs(out) == expected
    assert "kept from an earlier run" in again.stderr
    # one manifest line per output, after compaction
    assert len((out / "_manifest.jsonl").read_text().splitlines()) == len(GOOD)

    forced = cli("convert", archive, "-o", out, "--jobs", "2", "--force")
    assert forced.returncode == 1
    assert report(out)["counts"]["cached"] == 0
    assert outputs(out) == expected


def test_a_changed_input_is_converted_again(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "a.pdf")
    out = tmp_path / "out"
    assert cli("convert", folder, "-o", out).returncode == 0
    lv.render(lv.load_content(), lv.VARIANTS["baseline"], folder / "a.pdf")  # same name, new content
    assert cli("convert", folder, "-o", out).returncode == 0
    (f,) = report(out)["files"]
    assert not f["cached"] and outputs(out)["a.json"] == extract(folder / "a.pdf").to_json().encode()


# -- outputs whose inputs are gone ---------------------------------------------------------------------


def test_outputs_whose_inputs_left_the_batch_are_listed_and_pruned_only_when_asked(tmp_path):
    folder = tmp_path / "in"
    for name in ("a.pdf", "county-c/b.pdf", "county-c/c.pdf"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SAMPLE, folder / name)
    out = tmp_path / "out"
    assert batch.convert_batch([folder], out, jobs=1, stream=io.StringIO()) == 0
    (out / "notes.json").write_text("{}")  # the user's own file: never listed, never touched
    (folder / "county-c" / "b.pdf").rename(folder / "b-renamed.pdf")
    (folder / "county-c" / "c.pdf").unlink()
    kept = {name: (out / name).read_bytes() for name in ("county-c/b.json", "county-c/c.json")}

    # without --prune: nothing deleted, both listed, their manifest entries kept
    stream = io.StringIO()
    assert batch.convert_batch([folder], out, jobs=1, stream=stream) == 0
    r = report(out)
    assert r["counts"]["orphaned"] == 2
    assert r["orphaned"] == [
        {"output": "county-c/b.json", "input": str(folder / "county-c" / "b.pdf"), "pruned": False},
        {"output": "county-c/c.json", "input": str(folder / "county-c" / "c.pdf"), "pruned": False},
    ]
    assert {name: (out / name).read_bytes() for name in kept} == kept and (out / "notes.json").exists()
    assert set(batch.read_manifest(out)) == {"a.json", "b-renamed.json", "county-c/b.json", "county-c/c.json"}
    assert "orphaned: outputs of earlier runs whose input is not in this run: 2 kept (--prune removes them): " \
           "county-c/b.json, county-c/c.json" in stream.getvalue()
    assert [f["cached"] for f in r["files"]] == [True, False]  # a.pdf kept; b-renamed.pdf is new

    # an input named again is kept from the earlier run, and is no orphan any more
    shutil.copy(SAMPLE, folder / "county-c" / "c.pdf")
    assert batch.convert_batch([folder], out, jobs=1, stream=io.StringIO()) == 0
    r = report(out)
    assert [o["output"] for o in r["orphaned"]] == ["county-c/b.json"]
    assert {f["document"]: f["cached"] for f in r["files"]}["county-c/c.pdf"] is True

    # --prune: removed with its manifest entry (and the folder it leaves empty, here none), and listed as pruned
    proc = cli("convert", folder, "-o", out, "--prune")
    assert proc.returncode == 0, proc.stderr
    r = report(out)
    assert r["orphaned"] == [{"output": "county-c/b.json", "input": str(folder / "county-c" / "b.pdf"), "pruned": True}]
    assert "1 removed (--prune)" in proc.stderr
    assert not (out / "county-c" / "b.json").exists() and (out / "county-c" / "c.json").exists()
    assert set(batch.read_manifest(out)) == {"a.json", "b-renamed.json", "county-c/c.json"}
    assert (out / "notes.json").exists()
    assert report(out)["counts"]["orphaned"] == 1

    # the next run has nothing left to report; a folder emptied by pruning goes too
    (folder / "county-c" / "c.pdf").unlink()
    assert batch.convert_batch([folder], out, jobs=1, prune=True, stream=io.StringIO()) == 0
    assert [o["output"] for o in report(out)["orphaned"]] == ["county-c/c.json"]
    assert not (out / "county-c").exists()
    assert batch.convert_batch([folder], out, jobs=1, stream=io.StringIO()) == 0
    assert report(out)["orphaned"] == []


def test_orphans_are_only_outputs_the_manifest_records_inside_outdir(tmp_path):
    out = tmp_path / "out"
    (out / "sub").mkdir(parents=True)
    for name in ("kept.json", "gone.json", "sub/x.json"):
        (out / name).write_text("{}")
    (tmp_path / "outside.json").write_text("{}")
    recorded = {name: {"output": name, "input": f"/in/{name}"} for name in
                ("kept.json", "gone.json", "sub/x.json", "missing.json", "../outside.json", ".", "sub")}
    orphans = batch.orphaned_outputs(recorded, ["kept.json"], out)
    assert orphans == [{"output": "gone.json", "input": "/in/gone.json"}, {"output": "sub/x.json", "input": "/in/sub/x.json"}]
    assert batch.prune_outputs(out, orphans) == ["gone.json", "sub/x.json"]
    assert sorted(p.name for p in out.iterdir()) == ["kept.json"] and (tmp_path / "outside.json").exists()


def test_an_interrupted_run_prunes_nothing(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.pdf", "b.pdf"):
        shutil.copy(SAMPLE, folder / name)
    out = tmp_path / "out"
    assert batch.convert_batch([folder], out, jobs=1, stream=io.StringIO()) == 0
    (folder / "b.pdf").unlink()
    shutil.copy(SAMPLE, folder / "c.pdf")

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(batch, "convert_one", interrupted)
    assert batch.convert_batch([folder], out, jobs=1, prune=True, stream=io.StringIO()) == batch.EXIT_INTERRUPTED
    assert report(out)["orphaned"] == [{"output": "b.json", "input": str(folder / "b.pdf"), "pruned": False}]
    assert (out / "b.json").exists() and "b.json" in batch.read_manifest(out)


# -- interruption and resume -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def twenty(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("twenty")
    for n in range(20):
        shutil.copy(SAMPLE, folder / f"doc-{n:02d}.pdf")
    return folder


@pytest.fixture(scope="module")
def uninterrupted(twenty, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reference") / "out"
    proc = cli("convert", twenty, "-o", out, "--jobs", "2")
    assert proc.returncode == 0, proc.stderr
    return out


def _same_files_ignoring_cache(a: dict, b: dict) -> None:
    strip = lambda r: [{k: v for k, v in f.items() if k not in ("seconds", "cached")} for f in r["files"]]
    assert strip(a) == strip(b)


def test_sigint_midway_then_resume_gives_the_uninterrupted_result(twenty, uninterrupted, tmp_path):
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "extractor", "convert", str(twenty), "-o", str(out), "--jobs", "2"],
                            stderr=subprocess.PIPE, text=True)
    manifest = out / "_manifest.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if manifest.exists() and len(manifest.read_text().splitlines()) >= 4:
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == batch.EXIT_INTERRUPTED, stderr
    assert "Traceback" not in stderr and "INTERRUPTED" in stderr

    # nothing partial: every output there is complete and final
    assert not leftovers(out)
    ref = outputs(uninterrupted)
    done = outputs(out)
    assert 4 <= len(done) < 20
    assert all(done[name] == ref[name] for name in done)
    r = report(out)
    assert r["complete"] is False and r["counts"]["not_done"] == 20 - len(r["files"])
    recorded = {f["output"] for f in r["files"] if f["status"] != "failed"}
    # files in flight when the run stopped may be complete on disk, unrecorded: they are redone
    assert recorded <= set(done) and len(set(done) - recorded) <= 4  # 2 x jobs at most
    stamps = {name: (out / name).stat().st_mtime_ns for name in recorded}

    again = cli("convert", twenty, "-o", out, "--jobs", "2")
    assert again.returncode == 0, again.stderr
    assert outputs(out) == ref
    final = report(out)
    assert final["complete"] is True
    assert {f["output"] for f in final["files"] if f["cached"]} == recorded, "finished files were redone"
    assert {name: (out / name).stat().st_mtime_ns for name in recorded} == stamps
    _same_files_ignoring_cache(final, report(uninterrupted))


_calls = {"n": 0}
_real_convert_one = batch.convert_one


def _raises_after_two(*args):
    _calls["n"] += 1
    if _calls["n"] == 3:
        raise KeyboardInterrupt  # the run dies while converting the third file
    return _real_convert_one(*args)


def test_a_run_dying_after_n_files_resumes_where_it_stopped(twenty, uninterrupted, tmp_path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("doc-00.pdf", "doc-01.pdf", "doc-02.pdf", "doc-03.pdf"):
        shutil.copy(twenty / name, folder / name)
    out = tmp_path / "out"
    _calls["n"] = 0
    monkeypatch.setattr(batch, "convert_one", _raises_after_two)
    stream = io.StringIO()
    assert batch.convert_batch([folder], out, jobs=1, stream=stream) == batch.EXIT_INTERRUPTED
    assert set(outputs(out)) == {"doc-00.json", "doc-01.json"} and not leftovers(out)
    assert report(out)["complete"] is False

    monkeypatch.setattr(batch, "convert_one", _real_convert_one)
    assert batch.convert_batch([folder], out, jobs=1, stream=io.StringIO()) == 0
    r = report(out)
    assert [f["cached"] for f in r["files"]] == [True, True, False, False]
    ref = outputs(uninterrupted)
    assert outputs(out) == {name: ref[name] for name in ("doc-00.json", "doc-01.json", "doc-02.json", "doc-03.json")}


def _dies_on_one_file(path, *args):
    if path.endswith("dies.pdf"):
        os._exit(3)  # the worker process itself goes away (not the guard's child)
    return _real_convert_one(path, *args)


@pytest.mark.skipif(__import__("multiprocessing").get_start_method() != "fork",
                    reason="workers see the monkeypatch only when forked")
def test_a_dying_worker_fails_only_its_file(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.pdf", "b.pdf", "dies.pdf", "d.pdf"):
        shutil.copy(SAMPLE, folder / name)
    monkeypatch.setattr(batch, "convert_one", _dies_on_one_file)
    out = tmp_path / "out"
    stream = io.StringIO()
    assert batch.convert_batch([folder], out, jobs=2, stream=stream) == 1
    r = report(out)
    status = {f["document"]: (f["status"], f["error"]) for f in r["files"]}
    assert status == {"a.pdf": ("warnings", None), "b.pdf": ("warnings", None), "d.pdf": ("warnings", None),
                      "dies.pdf": ("failed", "InternalError")}
    assert "worker process died" in [f for f in r["files"] if f["document"] == "dies.pdf"][0]["message"]
    assert set(outputs(out)) == {"a.json", "b.json", "d.json"}


def test_a_hanging_file_times_out_and_the_batch_goes_on(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    badfiles.slow_page(folder / "slow.pdf")
    shutil.copy(SAMPLE, folder / "good.pdf")
    out = tmp_path / "out"
    # ample for the good file on a loaded machine; the stuck one needs minutes
    # with pdfminer (PDFium reads its page in a moment: the pdfplumber reader)
    proc = cli("convert", folder, "-o", out, "--jobs", "2", "--timeout", "10", "--reader", "pdfplumber")
    assert proc.returncode == 1
    (line,) = failed_lines(proc.stderr)
    assert line.startswith(f"FAILED {folder / 'slow.pdf'}: ConversionTimeout: ")
    assert set(outputs(out)) == {"good.json"}


# -- inputs, names, usage --------------------------------------------------------------------------


def test_discovery_and_output_names(archive, tmp_path):
    found = batch.discover([archive])
    names = [n for _, n in found]
    assert names == sorted(list(GOOD) + list(BAD), key=lambda n: n.split("/"))  # *.PDF too; hidden skipped
    assert batch.output_names(names, [p for p, _ in found])[:2] == ["bad/empty.json", "bad/report.json"]
    # files given by name: their file name; a name two inputs share gets a hash of the path
    a, b = archive / "county-a" / "julu-2023.pdf", archive / "county-b" / "julu-2023.pdf"
    found = batch.discover([a, b, archive / "county-b" / "borderless.PDF"])
    out = batch.output_names([n for _, n in found], [p for p, _ in found])
    assert out[2] == "borderless.json"
    assert out[0] != out[1] and all(n.startswith("julu-2023-") and len(n) == len("julu-2023-12345678.json") for n in out[:2])
    # glob patterns: named relative to the folders before the first wildcard
    found = batch.discover([str(archive / "county-*" / "*.pdf")])
    assert [n for _, n in found] == ["county-a/baseline.pdf", "county-a/julu-2023.pdf", "county-b/julu-2023.pdf"]
    found = batch.discover([str(archive / "**" / "furniture.pdf")])
    assert [n for _, n in found] == ["county-b/2023/furniture.pdf"]
    # each file once
    assert len(batch.discover([archive, archive / "county-a" / "julu-2023.pdf"])) == len(GOOD) + len(BAD)
    # the report's own name is never an output's
    (tmp_path / "_report.pdf").write_bytes(b"")
    assert batch.output_names(["_report.pdf"], [tmp_path / "_report.pdf"])[0].startswith("_report-")


def test_usage_errors_exit_2(archive, tmp_path):
    out = tmp_path / "out"
    for args in (
        ["convert", tmp_path / "missing.pdf", "-o", out],  # matches nothing
        ["convert", str(tmp_path / "nothing-*.pdf"), "-o", out],
        ["convert", archive / "county-a", "--jobs", "0", "-o", out],
        ["convert", archive / "county-a", "--tables", "ods", "-o", out],
        ["convert", archive / "county-a", "--engine", "local", "--scheduler", "tcp://x:1", "-o", out],
    ):
        proc = cli(*args)
        assert proc.returncode == 2, (args, proc.stderr)
        assert "Traceback" not in proc.stderr
    empty = tmp_path / "empty-folder"
    empty.mkdir()
    proc = cli("convert", empty, "-o", out)
    assert proc.returncode == 2 and "no PDF file" in proc.stderr
    assert not out.exists(), "a usage error must not start a run"


def test_a_missing_table_dependency_is_a_usage_error(monkeypatch, archive, tmp_path):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "pyarrow" else real(name, *a))
    with pytest.raises(batch.UsageError, match=re.escape(install_hint("tables"))):
        batch.convert_batch([archive / "county-a"], tmp_path / "out", tables="parquet", stream=io.StringIO())
    assert not (tmp_path / "out").exists()


def test_a_second_run_on_the_same_outdir_is_refused(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with batch._locked_manifest(out):
        with pytest.raises(batch.UsageError, match="another extractor run"):
            batch.convert_batch([SAMPLE], out, stream=io.StringIO())


# -- tables --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["parquet", "xlsx"])
def test_tables_parquet_and_xlsx(fmt, tmp_path):
    import pandas as pd

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "a-2023.pdf")
    lv.render(lv.load_content(), lv.VARIANTS["baseline"], folder / "b-2023.pdf")
    out = tmp_path / "out"
    assert batch.convert_batch([folder], out, jobs=1, tables=fmt, stream=io.StringIO()) == 0
    if fmt == "parquet":
        frames = {name: pd.read_parquet(out / "_tables" / f"{name}.parquet") for name in batch.TABLES}
    else:
        frames = pd.read_excel(out / "_tables" / "tables.xlsx", sheet_name=None, dtype={"unit_code": str})
        assert list(frames) == [batch.DOCUMENTS, *batch.TABLES]
        from openpyxl import load_workbook

        sheet = load_workbook(out / "_tables" / "tables.xlsx")["projects"]
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref  # header row kept in view, filters on
        codes = [c.value for c in sheet[1]].index("unit_code") + 1
        assert sheet.cell(row=2, column=codes).data_type == "s"  # codes stay text ("711001", not 711001)
    ind = frames["indicators"]
    assert len(ind) == 84 and list(ind["document"].unique()) == ["a-2023.pdf", "b-2023.pdf"]
    assert ind["value"].dtype == "float64" and set(ind["year"]) == {2023}
    assert len(frames["projects"]) == 12 and len(frames["spending_plan"]) == 48
    assert not leftovers(out)


# -- progress ---------------------------------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_is_a_bar_on_a_terminal_and_lines_otherwise():
    tty = _Terminal()
    bar = batch._BatchProgress(tty, quiet=False)
    bar.line("ok a.pdf -> out/a.json")  # per-file ok lines: the bar shows them
    bar.update(1, 4, 0, 0, 11, 1.0, force=True)
    bar.line("FAILED b.pdf: NotAPDF: …", error=True)  # errors print above the bar
    bar.update(2, 4, 1, 0, 11, 2.0, force=True)
    bar.close()
    text = tty.getvalue()
    assert "\r[1/4]" in text and "11.0 pages/s" in text and "1 failed" in text
    assert "FAILED b.pdf" in text and "ok a.pdf" not in text

    log = io.StringIO()
    lines = batch._BatchProgress(log, quiet=False)
    lines.line("ok a.pdf -> out/a.json")
    for n in range(1, 41):
        lines.update(n, 40, 0, 0, 11 * n, float(n))
    assert "\r" not in log.getvalue() and "ok a.pdf" in log.getvalue()
    assert log.getvalue().count("progress: ") == 9  # every 10 %, the last one is the summary's

    quiet = io.StringIO()
    q = batch._BatchProgress(quiet, quiet=True)
    q.line("ok a.pdf")
    q.update(1, 2, 0, 0, 11, 1.0, force=True)
    q.line("FAILED b.pdf: NotAPDF: …", error=True)
    assert quiet.getvalue() == "FAILED b.pdf: NotAPDF: …\n"


def test_quiet_prints_errors_and_the_summary_only(archive, tmp_path):
    proc = cli("convert", archive / "bad", archive / "county-a" / "julu-2023.pdf", "-o", tmp_path / "out", "-q")
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert not [l for l in lines if l.startswith(("ok ", "progress:", "extractor: converting"))]
    assert len(failed_lines(proc.stderr)) == 3 and any(l.startswith("extractor: 4 files") for l in lines)


# -- the unit of work -------------------------------------------------------------------------------


def test_convert_one_is_a_pure_unit(tmp_path):
    out = tmp_path / "out"
    r = batch.convert_one(str(SAMPLE), "x/julu.json", str(out))
    assert (r.status, r.pages, r.projects, r.indicators, r.cached) == ("warnings", 11, 6, 42, False)
    assert (out / "x" / "julu.json").read_bytes() == extract(SAMPLE).to_json().encode()
    entry = batch._manifest_entry(r, batch.Options())
    again = batch.convert_one(str(SAMPLE), "x/julu.json", str(out), batch.Options(), entry)
    assert again.cached and again.status == r.status and again.sha256 == r.sha256
    forced = batch.convert_one(str(SAMPLE), "x/julu.json", str(out), batch.Options(force=True), entry)
    assert not forced.cached
    stale = dict(entry, extractor_version="0.0.0")
    assert not batch.convert_one(str(SAMPLE), "x/julu.json", str(out), batch.Options(), stale).cached
    assert not batch.convert_one(str(SAMPLE), "x/julu.json", str(out), batch.Options(ocr="off"), entry).cached
    bad = batch.convert_one(str(tmp_path / "missing.pdf"), "m.json", str(out))
    assert (bad.status, bad.error) == ("failed", "NotAPDF") and "no such file" in bad.message


def test_a_file_that_now_fails_loses_its_earlier_output(tmp_path):
    """Its old JSON is not this run's result: kept beside a failure, it
    would be loaded as if it were."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "a.pdf")
    shutil.copy(SAMPLE, folder / "b.pdf")
    out = tmp_path / "out"
    assert cli("convert", folder, "-o", out).returncode == 0
    (folder / "a.pdf").write_bytes(b"<html>404 Not Found</html>\n")  # a.pdf replaced by a bad download
    proc = cli("convert", folder, "-o", out)
    assert proc.returncode == 1
    (line,) = failed_lines(proc.stderr)
    assert "NotAPDF" in line and "a.json, was removed" in line
    assert set(outputs(out)) == {"b.json"}
    r = report(out)
    status = {f["output"]: (f["status"], f["cached"]) for f in r["files"]}
    assert status == {"a.json": ("failed", False), "b.json": ("warnings", True)}
    assert "was removed" in next(f["message"] for f in r["files"] if f["output"] == "a.json")
    assert set(batch.read_manifest(out)) == {"b.json"}
    # a user's own file of that name is not the manifest's: never touched
    (folder / "a.pdf").unlink()
    (folder / "c.pdf").write_bytes(b"not a pdf")
    (out / "c.json").write_text("{}")
    assert cli("convert", folder, "-o", out).returncode == 1
    assert (out / "c.json").read_text() == "{}"


def test_tables_are_refused_with_json_on_stdout(tmp_path):
    proc = cli("convert", str(SAMPLE), "-o", "-", "--tables", "csv")
    assert proc.returncode == 2 and "--tables" in proc.stderr and proc.stdout == ""


def test_tables_of_a_single_file(tmp_path):
    import pandas as pd

    out = tmp_path / "out"
    proc = cli("convert", str(SAMPLE), "-o", str(out), "--tables", "csv")
    assert proc.returncode == 0, proc.stderr
    assert len(pd.read_csv(out / "_tables" / "documents.csv")) == 1
    assert len(pd.read_csv(out / "_tables" / "projects.csv")) == 6
