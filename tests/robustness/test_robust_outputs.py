"""An output written for one input is never overwritten nor deleted on
behalf of another: two counties' 财政局.pdf converted into one OUTDIR by
two runs keep both outputs, whatever the second does."""

from __future__ import annotations

import json

from robust_runs import cli, copy_sample, no_traceback, report, text


def _county(tmp_path, county: str, tail: bytes = b""):
    return copy_sample(tmp_path / county / "财政局.pdf", tail)


def _entry(out, output: str) -> dict:
    return next(f for f in report(out)["files"] if f["output"] == output)


def test_a_later_run_gives_another_inputs_name_its_own_output(tmp_path):
    _county(tmp_path, "县A")
    _county(tmp_path, "县B", b"\n% another county's copy\n")
    out = tmp_path / "out"
    assert cli("convert", tmp_path / "县A" / "*.pdf", "-o", out).returncode == 0
    first = (out / "财政局.json").read_bytes()

    proc = cli("convert", tmp_path / "县B" / "*.pdf", "-o", out)
    no_traceback(proc.stderr)
    assert proc.returncode == 0, text(proc.stderr)
    assert (out / "财政局.json").read_bytes() == first  # county A's output, untouched
    (mine,) = report(out)["files"]
    assert mine["output"] != "财政局.json" and mine["output"].startswith("财政局-")
    assert "holds the output of another input" in mine["message"] and mine["output"] in text(proc.stderr)
    assert json.loads((out / mine["output"]).read_bytes())["source"]["sha256"] == mine["sha256"]

    # the same command again keeps both where they are
    again = cli("convert", tmp_path / "县B" / "*.pdf", "-o", out)
    assert again.returncode == 0 and _entry(out, mine["output"])["cached"]
    assert (out / "财政局.json").read_bytes() == first


def test_a_failing_input_never_removes_another_inputs_output(tmp_path):
    _county(tmp_path, "县A")
    bad = tmp_path / "县B" / "财政局.pdf"
    bad.parent.mkdir()
    bad.write_bytes(b"<html>404 Not Found</html>")
    out = tmp_path / "out"
    assert cli("convert", tmp_path / "县A" / "*.pdf", "-o", out).returncode == 0
    first = (out / "财政局.json").read_bytes()

    proc = cli("convert", tmp_path / "县B" / "*.pdf", "-o", out)
    no_traceback(proc.stderr)
    assert proc.returncode == 1
    assert (out / "财政局.json").read_bytes() == first
    (failed,) = report(out)["files"]
    assert failed["status"] == "failed" and "removed" not in failed["message"]


def test_the_same_content_moved_elsewhere_keeps_its_output(tmp_path):
    """A moved archive is the same input: its outputs are reused, not
    duplicated under new names."""
    _county(tmp_path, "old")
    out = tmp_path / "out"
    assert cli("convert", tmp_path / "old" / "*.pdf", "-o", out).returncode == 0
    (tmp_path / "old").rename(tmp_path / "new")
    proc = cli("convert", tmp_path / "new" / "*.pdf", "-o", out)
    assert proc.returncode == 0, text(proc.stderr)
    (entry,) = report(out)["files"]
    assert (entry["output"], entry["cached"]) == ("财政局.json", True)
