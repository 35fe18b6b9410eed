import json
import subprocess
import sys

from conftest import SAMPLE


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "extractor", *map(str, args)], capture_output=True, text=True, cwd=cwd)


def test_convert_writes_one_json_per_file(tmp_path):
    proc = run("convert", SAMPLE, "-o", tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "out" / "julu-2023-zonggonghui.json"
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["projects"]) == 6
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")], "temporary files left behind"


def test_convert_to_stdout():
    proc = run("convert", SAMPLE, "-o", "-")
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["unit"]["code"] == "711001"


def test_a_bad_file_fails_with_one_line_and_leaves_nothing(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_text("<html><body>404 Not Found</body></html>")
    proc = run("convert", bad, SAMPLE, "-o", tmp_path / "out")
    assert proc.returncode == 1
    assert "FAILED" in proc.stderr and "NotAPDF" in proc.stderr and "HTML" in proc.stderr
    assert not (tmp_path / "out" / "bad.json").exists()
    assert (tmp_path / "out" / "julu-2023-zonggonghui.json").exists()


def test_usage_error_exit_code(tmp_path):
    assert run("convert", SAMPLE, SAMPLE, "-o", "-").returncode == 2
    assert run("frobnicate").returncode == 2


def test_schema_command_prints_the_schema():
    proc = run("schema")
    assert proc.returncode == 0 and json.loads(proc.stdout)["$defs"]["Target"]


def test_import_is_light():
    code = "import sys, extractor; print(any(m in sys.modules for m in ('pdfplumber', 'pandas', 'jieba', 'camelot')))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
