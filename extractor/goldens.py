"""Golden files: compare a sample's extraction with its reviewed JSON, and
(re)write the golden after showing what changes.

``golden/NAME.json`` is the reviewed, canonical output for
``samples/NAME.pdf``; ``golden/NAME.md`` a readable rendering of it
(``review.render_markdown``).  The command line exposes two actions:

``extractor golden check [SAMPLES] [GOLDEN]``
    converts every sample and prints a field-level diff (JSON path, old,
    new) per document; exit 1 on any difference, on a sample without a
    golden file and on a sample that fails to convert.
``extractor golden update NAME [--yes]``
    shows the diff, then writes ``golden/NAME.json`` and ``golden/NAME.md``
    from the current extraction; asks before writing when interactive and
    refuses without ``--yes`` when not.

``diff``/``report`` are also what ``tests/test_golden.py`` prints on failure.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Optional, TextIO

EXIT_OK, EXIT_DIFFERENT, EXIT_USAGE = 0, 1, 2


class _Missing:
    """Marks a key or list item present on one side only."""

    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()


def diff(expected: Any, got: Any, path: str = "$") -> Iterator[tuple[str, Any, Any]]:
    """(JSON path, expected, got) for every leaf that differs; a key or list
    item present on one side only is ``MISSING`` on the other."""
    if isinstance(expected, dict) and isinstance(got, dict):
        for key in sorted(set(expected) | set(got)):
            yield from diff(expected.get(key, MISSING), got.get(key, MISSING), f"{path}.{key}")
    elif isinstance(expected, list) and isinstance(got, list):
        for i in range(max(len(expected), len(got))):
            e = expected[i] if i < len(expected) else MISSING
            g = got[i] if i < len(got) else MISSING
            yield from diff(e, g, f"{path}[{i}]")
    elif expected != got:
        yield path, expected, got


def show(value: Any, width: int = 100) -> str:
    """A value as compact JSON, cut to ``width`` characters."""
    if value is MISSING:
        return "(missing)"
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text if len(text) <= width else text[: width - 1] + "…"


def report(expected: Any, got: Any, limit: int = 40) -> str:
    rows = list(diff(expected, got))
    lines = [f"{len(rows)} differing fields (path: expected -> got):"]
    lines += [f"  {path}: {show(e)} -> {show(g)}" for path, e, g in rows[:limit]]
    if len(rows) > limit:
        lines.append(f"  ... {len(rows) - limit} more")
    return "\n".join(lines)


# -- comparing one sample ------------------------------------------------------------


@dataclass
class Comparison:
    """One sample against its golden file."""

    name: str
    pdf: Path
    golden: Path
    #: The current extraction (None when the sample failed to convert).
    document: Any = None
    #: The golden file's content (None when there is none yet).
    expected: Optional[dict] = None
    differences: list[tuple[str, Any, Any]] = field(default_factory=list)
    #: Same content as the golden file but not byte-identical (hand-edited).
    not_canonical: bool = False
    error: Optional[str] = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.expected is not None and not self.differences and not self.not_canonical


def compare(pdf: Path, golden_dir: Path, extract: Optional[Callable] = None, name: Optional[str] = None) -> Comparison:
    """Convert ``pdf`` and compare it with ``golden_dir/<name>.json``
    (``name``: the sample's path below the samples folder without
    ``.pdf``, "real/xian-sifaju-2026"; by default its stem)."""
    from .errors import ExtractorError

    if extract is None:
        from .pipeline import extract as default

        extract = default
    pdf = Path(pdf)
    name = name or pdf.stem
    result = Comparison(name=name, pdf=pdf, golden=Path(golden_dir) / f"{name}.json")
    try:
        result.document = extract(pdf)
    except ExtractorError as exc:
        result.error = f"{type(exc).__name__}: {exc}"
        return result
    if not result.golden.exists():
        return result
    text = result.golden.read_text(encoding="utf-8")
    try:
        result.expected = json.loads(text)
    except json.JSONDecodeError as exc:
        result.error = f"{result.golden} is not valid JSON: {exc}"
        return result
    result.differences = list(diff(result.expected, result.document.to_dict()))
    result.not_canonical = not result.differences and text != result.document.to_json()
    return result


def describe(c: Comparison, limit: int = 40) -> list[str]:
    """The lines printed for one comparison."""
    if c.error is not None:
        return [f"FAILED {c.name}: {c.error}"]
    doc = c.document
    counts = (f"{len(doc.projects)} projects, {sum(len(p.indicators) for p in doc.projects)} indicators, "
              f"{len(doc.warnings)} warnings")
    if c.expected is None:
        return [f"NEW    {c.name}: no golden file {c.golden} ({counts}); review it, then: extractor golden update {c.name}"]
    if c.ok:
        return [f"ok     {c.name} ({counts})"]
    if c.not_canonical:
        return [f"FORMAT {c.name}: {c.golden} has the same content but is not canonical JSON; "
                f"rewrite it with: extractor golden update {c.name}"]
    lines = [f"DIFF   {c.name}: {len(c.differences)} fields differ (path: golden -> now)"]
    lines += [f"  {path}: {show(e)} -> {show(g)}" for path, e, g in c.differences[:limit]]
    if len(c.differences) > limit:
        lines.append(f"  ... {len(c.differences) - limit} more (--limit to show them)")
    return lines


# -- commands ---------------------------------------------------------------------------


def sample_pdfs(samples: Path) -> list[Path]:
    """The sample PDFs: a file, or every PDF below a folder (sub-folders
    such as ``samples/real/`` hold the real documents)."""
    if samples.is_file():
        return [samples]
    return sorted(p for p in samples.rglob("*.pdf") if p.is_file())


def sample_name(pdf: Path, samples: Path) -> str:
    """"real/xian-sifaju-2026" for samples/real/xian-sifaju-2026.pdf."""
    try:
        return pdf.relative_to(samples).with_suffix("").as_posix()
    except ValueError:
        return pdf.stem


def check(samples: Path, golden_dir: Path, out: Optional[TextIO] = None, limit: int = 40) -> int:
    """Compare every sample with its golden file; 1 when any differs."""
    out = sys.stdout if out is None else out
    samples, golden_dir = Path(samples), Path(golden_dir)
    if not samples.exists():
        print(f"extractor golden check: {samples} does not exist", file=sys.stderr)
        return EXIT_USAGE
    pdfs = sample_pdfs(samples)
    if not pdfs:
        print(f"extractor golden check: no PDF in {samples}", file=sys.stderr)
        return EXIT_USAGE
    bad = 0
    for pdf in pdfs:
        c = compare(pdf, golden_dir, name=sample_name(pdf, samples) if samples.is_dir() else None)
        bad += not c.ok
        for line in describe(c, limit):
            print(line, file=out)
    if samples.is_dir():
        names = [p.relative_to(golden_dir).with_suffix("").as_posix() for p in golden_dir.rglob("*.json")]
        orphans = sorted(n for n in names if not (samples / f"{n}.pdf").exists())
        for name in orphans:
            print(f"note   {name}: golden file without a sample PDF", file=out)
    print(f"{len(pdfs) - bad} of {len(pdfs)} samples match their golden files", file=out)
    return EXIT_DIFFERENT if bad else EXIT_OK


def _sample_for(name: str, samples: Path) -> Path:
    """NAME, NAME.pdf or a path to the PDF."""
    given = Path(name)
    if given.suffix.lower() == ".pdf" and given.exists():
        return given
    return samples / f"{name[:-4] if given.suffix.lower() == '.pdf' else name}.pdf"


def _confirm(question: str, stdin: TextIO, out: TextIO) -> bool:
    print(f"{question} [y/N] ", end="", file=out, flush=True)
    answer = stdin.readline().strip().lower()
    return answer in ("y", "yes")


def update(
    names: list[str],
    samples: Path,
    golden_dir: Path,
    *,
    yes: bool = False,
    out: Optional[TextIO] = None,
    stdin: Optional[TextIO] = None,
    limit: int = 200,
) -> int:
    """Show each document's diff and write its golden files when confirmed."""
    from .review import render_markdown

    out = sys.stdout if out is None else out
    stdin = sys.stdin if stdin is None else stdin
    interactive = bool(getattr(stdin, "isatty", lambda: False)())
    status = EXIT_OK
    for name in names:
        pdf = _sample_for(name, Path(samples))
        if not pdf.exists():
            print(f"extractor golden update: no sample {pdf}", file=sys.stderr)
            status = max(status, EXIT_USAGE)
            continue
        c = compare(pdf, golden_dir, name=sample_name(pdf, Path(samples)))
        if c.error is not None and c.document is None:
            print(f"FAILED {c.name}: {c.error}", file=sys.stderr)
            status = max(status, EXIT_DIFFERENT)
            continue
        doc = c.document
        json_path, md_path = c.golden, c.golden.with_suffix(".md")
        md = render_markdown(doc)
        md_current = md_path.exists() and md_path.read_text(encoding="utf-8") == md
        if c.ok and md_current:
            print(f"unchanged {c.name}: {json_path} already equals the current extraction", file=out)
            continue
        if c.expected is None:
            print(f"new golden {json_path}: {len(doc.projects)} projects, "
                  f"{sum(len(p.indicators) for p in doc.projects)} indicators, {len(doc.warnings)} warnings", file=out)
            for w in doc.warnings:
                print(f"  warning {w.code} [{w.where}]: {w.message}", file=out)
            print(f"  review {md_path} (written with it) against the pages (extractor inspect {pdf})", file=out)
        elif c.ok:
            print(f"{c.name}: JSON unchanged; {md_path} is out of date and will be rewritten", file=out)
        else:
            for line in describe(c, limit):
                print(line, file=out)
        if not yes:
            if not interactive:
                print(f"refusing to write {json_path}: not interactive; rerun with --yes after reviewing the diff",
                      file=sys.stderr)
                status = max(status, EXIT_DIFFERENT)
                continue
            if not _confirm(f"write {json_path} and {md_path.name}?", stdin, out):
                print(f"skipped {c.name}", file=out)
                continue
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(doc.to_json(), encoding="utf-8")
        md_path.write_text(md, encoding="utf-8")
        print(f"wrote {json_path} and {md_path}", file=out)
    return status


def run(args) -> int:
    """Entry point of ``extractor golden`` (arguments from ``cli._parser``)."""
    if args.golden_command == "check":
        return check(Path(args.samples), Path(args.golden), limit=args.limit)
    return update(args.names, Path(args.samples), Path(args.golden), yes=args.yes, limit=args.limit)
