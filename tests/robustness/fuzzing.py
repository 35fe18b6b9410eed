"""Fuzzing a whole batch: mutants of real PDFs (``mutants``) converted by
the command as a user runs it, and every promise of the batch checked on
the result.  The test suite runs a few (``test_robust_fuzz.py``); run more
from the command line:

    python tests/robustness/fuzzing.py --count 2000 --seed 7 [PDF ...]

Exit code 1 and the problems listed when any promise broke."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mutants import mutants  # noqa: E402

#: Warnings that say a converted file lost pages or projects (or may have).
LOSS_WARNINGS = frozenset({"repaired_file", "lost_pages", "missing_pages", "damaged_pages", "ocr_failed",
                           "unreadable_text", "unmapped_glyphs", "no_text_layer", "no_performance_tables"})
#: What a bad file may fail with: every typed error but "a bug".
EXPECTED_ERRORS = frozenset({"NotAPDF", "EncryptedPDF", "DamagedPDF", "TooManyPages", "NoTextLayer",
                             "UnreadableText", "ConversionTimeout", "MemoryLimitExceeded", "UnreadableInput"})


@dataclass(frozen=True)
class Limits:
    timeout: float = 60.0
    #: for the whole run (shared by the jobs, as --max-memory is)
    max_memory: int = 4096
    jobs: int = 2


def make_mutants(sources: list[Path], folder: Path, count: int, seed: int) -> dict[str, tuple[int, int]]:
    """Write ``count`` mutants spread over ``sources`` into ``folder``;
    return, per file name, the (pages, projects) of its unmutated source."""
    from extractor import extract

    folder.mkdir(parents=True, exist_ok=True)
    origin = {}
    for k, source in enumerate(sources):
        doc = extract(source, ocr="off")
        share = count // len(sources) + (k < count % len(sources))
        for name, data in mutants(source.read_bytes(), seed + k, share):
            file = f"{source.stem}-{name}.pdf"
            (folder / file).write_bytes(data)
            origin[file] = (doc.source.pages, len(doc.projects))
    return origin


def check_batch(inputs: Path, out: Path, origin: dict[str, tuple[int, int]], limits: Limits,
                extra: tuple[str, ...] = ()) -> list[str]:
    """Convert ``inputs`` into ``out`` and return the broken promises."""
    from extractor.contract import load_schema
    import jsonschema

    validator = jsonschema.Draft202012Validator(load_schema())
    bound = limits.timeout * (len(origin) / limits.jobs + 2) + 300  # a hang outlasts this by far
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "extractor", "convert", str(inputs), "-o", str(out), "-j",
                           str(limits.jobs), "--timeout", str(limits.timeout), "--max-memory",
                           str(limits.max_memory), *extra], capture_output=True, timeout=bound)
    stderr = proc.stderr.decode("utf-8", "backslashreplace")
    problems = []
    if "Traceback" in stderr:
        problems.append(f"a traceback on stderr:\n{stderr[-3000:]}")
    report = json.loads((out / "_report.json").read_text(encoding="utf-8"))
    failed = report["counts"]["failed"]
    if proc.returncode != (1 if failed else 0):
        problems.append(f"exit code {proc.returncode} with {failed} failed files")
    if not report["complete"] or report["counts"]["files"] != len(origin):
        problems.append(f"an incomplete report: {report['counts']}")
    for entry in report["files"]:
        name, target = entry["document"], out / entry["output"]
        if entry["seconds"] > limits.timeout + 60:
            problems.append(f"{name}: {entry['seconds']} s, past the limit of {limits.timeout} s")
        if entry["status"] == "failed":
            if entry["error"] not in EXPECTED_ERRORS:
                problems.append(f"{name}: {entry['error']}: {entry['message']}")
            if target.exists():
                problems.append(f"{name}: failed, yet {entry['output']} exists")
            continue
        try:
            doc = json.loads(target.read_bytes().decode("utf-8"))
        except (OSError, ValueError) as exc:
            problems.append(f"{name}: its output cannot be read as JSON (a partial file?): {exc}")
            continue
        errors = sorted(validator.iter_errors(doc), key=str)
        if errors:
            problems.append(f"{name}: its output breaks the schema: {errors[0].message}")
        codes = {w["code"] for w in doc["warnings"]}
        if codes != set(entry["warning_codes"]):
            problems.append(f"{name}: the report's warning codes are not the document's")
        pages, projects = origin[name]
        if (doc["source"]["pages"] < pages or len(doc["projects"]) < projects) and not codes & LOSS_WARNINGS:
            problems.append(f"{name}: {doc['source']['pages']}/{pages} pages and {len(doc['projects'])}/{projects} "
                            f"projects, and no warning says what was lost ({sorted(codes)})")
    leftovers = [p.name for p in out.rglob("*") if p.name.startswith(".")]
    if leftovers:
        problems.append(f"temporary files left: {leftovers[:5]}")
    if time.monotonic() - started > bound:  # pragma: no cover - subprocess.run raises first
        problems.append("the batch outlasted its bound")
    return problems


def main(argv: list[str]) -> int:
    import argparse
    import tempfile

    root = Path(__file__).resolve().parents[2]
    parser = argparse.ArgumentParser(description="fuzz a batch with mutants of real PDFs")
    parser.add_argument("sources", nargs="*", type=Path, default=[root / "samples" / "julu-2023-zonggonghui.pdf"])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", type=Path, help="folder to keep the mutants and outputs in")
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="extractor-fuzz-"))
    origin = make_mutants(args.sources, work / "in", args.count, args.seed)
    problems = check_batch(work / "in", work / "out", origin, Limits(jobs=args.jobs))
    for problem in problems:
        print(problem)
    print(f"{len(origin)} mutants, {len(problems)} problems ({work})")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
