"""The benchmark runs: ``benchmarks/bench.py --quick --smoke`` exercises every
measurement on tiny inputs, one run each, and prints the table.  Nothing
here looks at a timing (they depend on the machine; see docs/benchmark.md's
"Speed and memory" for the measured figures)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT

pytest.importorskip("reportlab")
pytest.importorskip("pikepdf")


def test_bench_smoke_prints_the_table(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--quick", "--smoke", "--profile",
         "--workdir", str(tmp_path / "inputs"), "--json", str(tmp_path / "bench.json")],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    assert out.startswith("| measure | ours | peer | ratio | target | result |"), out[:500]
    for measure in ("end to end, s/page", "table pages", "--jobs 2", "department budget", "peak RSS",
                    "import extractor", "heavy modules", "extractor --help", "Machine:", "Per-stage breakdown",
                    "| pages |", "| triage |", "| export |"):
        assert measure in out, measure
    # every row carries a verdict: a target's pass/short (n/a without camelot), or info
    rows = [line for line in out.splitlines() if line.startswith("| ") and not line.startswith(("| measure", "| stage",
                                                                                               "| function", "| `", "|---"))]
    table = rows[: next(i for i, line in enumerate(rows) if line.startswith("| open"))]
    assert len(table) >= 10, table
    results = [line.rstrip().rstrip("|").rsplit("|", 1)[-1].strip() for line in table]
    assert all(r.startswith(("pass", "short", "n/a", "info")) for r in results), table
    assert sum(r.startswith(("pass", "short", "n/a")) for r in results) >= 6, table
    # the triage first pass changed nothing in the output
    assert "same output as triage on: yes" in out
    assert (tmp_path / "bench.json").is_file()
