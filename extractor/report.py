"""The run report ``OUTDIR/_report.json`` and the summary printed at the
end of a run."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Optional, Sequence

from .inputs import REPORT
from .manifest import _version

if TYPE_CHECKING:
    from .conversion import FileResult


#: Warnings that say pages (and so maybe projects) of a converted file
#: were lost or rebuilt from a damaged file: ``counts.incomplete``.
LOSS_CODES = frozenset({"repaired_file", "lost_pages", "missing_pages", "damaged_pages", "ocr_failed"})


def report_without_timings(report: dict) -> dict:
    """The report minus what depends on timing (``run`` and each file's
    ``seconds``): equal for the same inputs whatever the engine."""
    out = {k: v for k, v in report.items() if k != "run"}
    out["files"] = [{k: v for k, v in f.items() if k != "seconds"} for f in report["files"]]
    return out


def _report(results: "list[Optional[FileResult]]", documents: list[str], *, complete: bool,
            tables: Optional[dict], run: dict, orphaned: Sequence[dict] = ()) -> dict:
    done = [(r, d) for r, d in zip(results, documents) if r is not None]
    counts = Counter(r.status for r, _ in done)
    codes: Counter = Counter()
    for r, _ in done:
        codes.update(r.warning_codes)
    return {
        "report_version": 1,
        "extractor_version": _version(),
        "complete": complete,
        "counts": {
            "files": len(results), "ok": counts["ok"], "warnings": counts["warnings"], "failed": counts["failed"],
            "cached": sum(r.cached for r, _ in done), "not_done": len(results) - len(done),
            "orphaned": len(orphaned),
            "incomplete": sum(r.converted and bool(LOSS_CODES & set(r.warning_codes)) for r, _ in done),
        },
        "errors": dict(sorted(Counter(r.error for r, _ in done if r.error).items())),
        "warning_codes": dict(sorted(codes.items())),
        "pages": sum(r.pages or 0 for r, _ in done if r.converted),
        "tables": tables,
        "files": [{"document": d, **r.to_dict()} for r, d in done],
        "orphaned": list(orphaned),
        "run": run,
    }


def _summary(report: dict, outdir: Path, interrupted: bool, tables: Optional[str] = None) -> list[str]:
    c, run = report["counts"], report["run"]
    files = f"{c['files']} file{'' if c['files'] == 1 else 's'}"
    head = f"extractor: {files}: {c['ok']} ok, {c['warnings']} with warnings, {c['failed']} failed"
    if c["cached"]:
        head += f"; {c['cached']} kept from an earlier run (--force converts them again)"
    plural = "" if run["workers"] == 1 else "s"
    where = (f"Dask scheduler {run['scheduler']}" if run["scheduler"]
             else f"{run['engine']} engine, {run['workers']} worker{plural}")
    lines = [head, f"  {run['converted_pages']} pages converted in {run['seconds']:.1f} s, "
                   f"{run['pages_per_second']:.1f} pages/s ({where})"]
    if interrupted:
        lines.append(f"  INTERRUPTED: {c['not_done']} files not done; run the same command again to go on "
                     "(finished files are kept)" + ("; tables not written" if tables else ""))
    if c.get("incomplete"):
        lines.append(f"  incomplete: {c['incomplete']} converted from damaged files with pages lost or rebuilt "
                     f"(warnings {', '.join(sorted(LOSS_CODES))}): check them")
    if report["orphaned"]:
        lines.append(_orphan_line(report["orphaned"]))
    if report["errors"]:
        lines.append("  failed: " + ", ".join(f"{k} {v}" for k, v in
                                               sorted(report["errors"].items(), key=lambda kv: (-kv[1], kv[0]))))
    if report["warning_codes"]:
        top = sorted(report["warning_codes"].items(), key=lambda kv: (-kv[1], kv[0]))
        more = f", … {len(top) - 6} more" if len(top) > 6 else ""
        lines.append("  warnings: " + ", ".join(f"{k} {v}" for k, v in top[:6]) + more)
    slow = sorted((f for f in report["files"] if not f["cached"]), key=lambda f: -f["seconds"])[:3]
    if slow and len(report["files"]) > 1:
        lines.append("  slowest: " + ", ".join(f"{f['input']} {f['seconds']:.1f} s" for f in slow))
    lines.append(f"  report: {outdir / REPORT}")
    if report["tables"]:
        lines.append("  tables: " + ", ".join(str(outdir / t) for t in report["tables"]["files"]))
    return lines


def _orphan_line(orphans: Sequence[dict]) -> str:
    """The summary's line on orphaned outputs: what was done, a few names."""
    pruned = [o["output"] for o in orphans if o.get("pruned")]
    kept = [o["output"] for o in orphans if not o.get("pruned")]
    parts = []
    if pruned:
        parts.append(f"{len(pruned)} removed (--prune)")
    if kept:
        parts.append(f"{len(kept)} kept (--prune removes them): " + ", ".join(kept[:3]) +
                     (f", … {len(kept) - 3} more" if len(kept) > 3 else ""))
    return f"  orphaned: outputs of earlier runs whose input is not in this run: {'; '.join(parts)}"


def _write_report(outdir: Path, report: dict) -> None:
    from .export import write_atomic

    from .fsnames import json_text

    # names that are not UTF-8 are escaped: they round-trip with os.fsencode
    write_atomic(outdir / REPORT, json_text(json.dumps(report, ensure_ascii=False, indent=2)) + "\n")
