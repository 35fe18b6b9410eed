"""``extractor golden check`` and ``extractor golden update``: the workflow
for a new year's documents."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from conftest import GOLDEN, ROOT, SAMPLE

NAME = SAMPLE.stem


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "extractor", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, stdin=subprocess.DEVNULL)


@pytest.fixture
def dirs(tmp_path):
    samples, golden = tmp_path / "samples", tmp_path / "golden"
    samples.mkdir()
    golden.mkdir()
    shutil.copy(SAMPLE, samples / SAMPLE.name)
    return samples, golden


def test_check_passes_on_the_repository(tmp_path):
    # Default folders are samples/ and golden/ of the current directory.
    proc = run("golden", "check", cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"ok     {NAME}" in proc.stdout


def test_check_prints_the_json_path_of_a_difference(dirs):
    samples, golden = dirs
    data = json.loads((GOLDEN / f"{NAME}.json").read_text(encoding="utf-8"))
    assert data["projects"][0]["indicators"][0]["target"]["value"] == 242
    data["projects"][0]["indicators"][0]["target"]["value"] = 243
    data["projects"][5]["title"] = "旧标题"
    (golden / f"{NAME}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    proc = run("golden", "check", samples, golden)
    assert proc.returncode == 1
    assert f"DIFF   {NAME}: 2 fields differ" in proc.stdout
    assert "  $.projects[0].indicators[0].target.value: 243 -> 242" in proc.stdout
    assert '  $.projects[5].title: "旧标题" -> "职工书屋租赁费绩效目标表"' in proc.stdout


def test_check_flags_a_sample_without_golden_and_a_hand_formatted_golden(dirs):
    samples, golden = dirs
    proc = run("golden", "check", samples, golden)
    assert proc.returncode == 1 and f"NEW    {NAME}" in proc.stdout
    data = json.loads((GOLDEN / f"{NAME}.json").read_text(encoding="utf-8"))
    (golden / f"{NAME}.json").write_text(json.dumps(data), encoding="utf-8")  # same content, other format
    proc = run("golden", "check", samples, golden)
    assert proc.returncode == 1 and f"FORMAT {NAME}" in proc.stdout


def test_update_refuses_without_yes_when_not_interactive(dirs):
    samples, golden = dirs
    proc = run("golden", "update", NAME, "--samples", samples, "--golden", golden)
    assert proc.returncode == 1
    assert "--yes" in proc.stderr
    assert f"new golden {golden / NAME}.json" in proc.stdout
    assert not list(golden.iterdir())


def test_update_with_yes_writes_the_golden_and_its_review_page(dirs):
    samples, golden = dirs
    proc = run("golden", "update", NAME, "--yes", "--samples", samples, "--golden", golden)
    assert proc.returncode == 0, proc.stderr
    for suffix in (".json", ".md"):
        written = (golden / f"{NAME}{suffix}").read_text(encoding="utf-8")
        assert written == (GOLDEN / f"{NAME}{suffix}").read_text(encoding="utf-8"), suffix
    assert run("golden", "check", samples, golden).returncode == 0
    again = run("golden", "update", NAME, "--samples", samples, "--golden", golden)
    assert again.returncode == 0 and "unchanged" in again.stdout


def test_update_shows_the_diff_before_rewriting(dirs):
    samples, golden = dirs
    data = json.loads((GOLDEN / f"{NAME}.json").read_text(encoding="utf-8"))
    data["year"] = 2022
    (golden / f"{NAME}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    refused = run("golden", "update", f"samples/{NAME}.pdf", "--samples", samples, "--golden", golden)
    assert refused.returncode == 1 and "  $.year: 2022 -> 2023" in refused.stdout
    assert json.loads((golden / f"{NAME}.json").read_text(encoding="utf-8"))["year"] == 2022
    proc = run("golden", "update", NAME, "--yes", "--samples", samples, "--golden", golden)
    assert proc.returncode == 0 and "  $.year: 2022 -> 2023" in proc.stdout
    assert json.loads((golden / f"{NAME}.json").read_text(encoding="utf-8"))["year"] == 2023


def test_update_asks_when_interactive(dirs, monkeypatch, capsys):
    import io

    from extractor.goldens import update

    samples, golden = dirs

    class Tty(io.StringIO):
        def isatty(self):
            return True

    assert update([NAME], samples, golden, stdin=Tty("n\n")) == 0
    assert not (golden / f"{NAME}.json").exists()
    assert update([NAME], samples, golden, stdin=Tty("y\n")) == 0
    assert (golden / f"{NAME}.json").exists() and (golden / f"{NAME}.md").exists()
    assert "[y/N]" in capsys.readouterr().out


def test_update_of_an_unknown_sample_is_a_usage_error(dirs):
    samples, golden = dirs
    proc = run("golden", "update", "no-such-doc", "--yes", "--samples", samples, "--golden", golden)
    assert proc.returncode == 2 and "no sample" in proc.stderr


def test_diff_names_paths_and_missing_items():
    from extractor.goldens import MISSING, diff, report

    old = {"a": [1, 2, {"b": "x"}], "c": None}
    new = {"a": [1, 3], "c": None, "d": True}
    assert list(diff(old, new)) == [("$.a[1]", 2, 3), ("$.a[2]", {"b": "x"}, MISSING), ("$.d", MISSING, True)]
    assert list(diff(old, old)) == []
    text = report(old, new)
    assert text.splitlines()[0] == "3 differing fields (path: expected -> got):"
    assert '  $.a[2]: {"b":"x"} -> (missing)' in text
