"""The benchmark's inputs, generated from what a fresh clone holds.

Everything is built from ``samples/julu-2023-zonggonghui.pdf`` and the
layout variants of ``tests/layout_variants.py`` (reportlab typesets the
golden content), then cut and composed with pikepdf, and cached in the work
folder (``build/bench`` by default, ignored by git):

``tables-N.pdf``     the sample's N table pages (the pages with 项目编码 or 一级指标)
``variants/*.pdf``   every layout variant of ``layout_variants.VARIANTS``
``batch-N/``         N documents: ``batch_copies`` copies each of the sample
                     and of the variants, in turn
``budget-P.pdf``     a full department budget: cover, 目录, then 部门职责 prose
                     and three budget tables repeated ``P`` times, then the
                     performance section (from the ``embedded`` variant), 62
                     pages with P = 12
``section.pdf``      that performance section alone (12 pages)
``long-N.pdf``       the table pages repeated to ``long_pages`` pages
``long-single-N.pdf`` the project tables of the ``single_table_repeat_header``
                     variant repeated to ``long_pages`` pages (a layout whose
                     page breaks need the word list: it is in memory)
``scan-D-N.pdf``     the sample's first N pages rasterized at D dpi, grey, with
                     scanner noise, as an image-only PDF (``scan``; what
                     ``tests/test_ocr.py`` reads): the OCR input, made when
                     numpy and Pillow are there

The cache is keyed on what the inputs are made from (the sample, the golden
file, ``tests/layout_variants.py`` and this file): when one of them changes,
every generated input is made again, so a run never measures a stale batch
or an old rendering of a variant.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "julu-2023-zonggonghui.pdf"
GOLDEN = ROOT / "golden" / "julu-2023-zonggonghui.json"
VARIANTS_MODULE = ROOT / "tests" / "layout_variants.py"
SCANS_MODULE = ROOT / "tests" / "scans.py"
#: Words that mark a page of a 绩效目标表 (its project block or indicator grid).
TABLE_WORDS = ("项目编码", "一级指标")
#: Pages of the ``embedded`` variant: cover and 目录, then 部门职责 and the
#: three budget tables (repeated to pad), then the performance section.
_FRONT, _PADDING, _SECTION_FROM = (1, 2), (3, 4, 5, 6), 7
#: The stamp of what the cached inputs were made from.
_STAMP = ".inputs-fingerprint"
#: What ``build`` generates in the work folder (and removes when stale).
_GENERATED = ("variants", "batch-*", "tables-*.pdf", "budget-*.pdf", "section.pdf", "long-*.pdf", "scan-*.pdf")
#: The scanned sample: resolution and scanner noise (grey levels, σ).
SCAN_DPI, SCAN_NOISE = 150, 6.0


@dataclass(frozen=True)
class Inputs:
    sample: Path
    tables: Path
    table_pages: int
    variants: list[Path]
    batch: list[Path]
    budget: Path
    budget_pages: int
    section: Path
    section_pages: int
    long: Path
    long_pages: int
    long_single: Path
    #: The scanned sample (None without numpy and Pillow) and its pages.
    scan: Path | None = None
    scan_pages: int = 0


def _need(module: str) -> None:
    try:
        __import__(module)
    except ImportError:
        sys.exit(f"bench: {module} is needed to generate the inputs: pip install -e '.[bench]'")


def fingerprint() -> str:
    """A hash of everything the inputs are made from (and of reportlab's
    version, which typesets the variants)."""
    h = hashlib.sha256()
    for path in (SAMPLE, GOLDEN, VARIANTS_MODULE, SCANS_MODULE, Path(__file__).resolve()):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    try:
        import importlib.metadata

        h.update(importlib.metadata.version("reportlab").encode())
    except Exception:  # noqa: BLE001 - no reportlab: _need says so later
        pass
    return h.hexdigest()


def _refresh(workdir: Path) -> None:
    """Remove the generated inputs when they were made from other sources."""
    stamp = workdir / _STAMP
    now = fingerprint()
    if stamp.is_file() and stamp.read_text().strip() == now:
        return
    for pattern in _GENERATED:
        for path in workdir.glob(pattern):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
    stamp.write_text(now + "\n")


def table_page_numbers(pdf: Path, words: tuple[str, ...] = TABLE_WORDS) -> list[int]:
    """1-based numbers of the pages holding a 绩效目标表 (pdfium text)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        found = []
        for i in range(len(doc)):
            page = doc[i]
            textpage = page.get_textpage()
            if any(w in textpage.get_text_range() for w in words):
                found.append(i + 1)
            textpage.close()
            page.close()
        return found
    finally:
        doc.close()


def _compose(path: Path, parts: list[tuple[Path, list[int]]]) -> int:
    """Write ``path`` from the given pages (1-based) of the given files."""
    import pikepdf

    sources = {src: pikepdf.open(src) for src, _ in parts}
    try:
        out = pikepdf.new()
        for src, numbers in parts:
            for n in numbers:
                out.pages.append(sources[src].pages[n - 1])
        tmp = path.with_suffix(".tmp.pdf")
        out.save(tmp, deterministic_id=True)
        tmp.replace(path)
        return len(out.pages)
    finally:
        for pdf in sources.values():
            pdf.close()


def _pages(path: Path) -> int:
    import pikepdf

    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def scan(path: Path, pages, dpi: int, **options) -> Path:
    """A scan of the sample's ``pages`` (``tests/scans.py``, what the OCR
    tests read)."""
    sys.path.insert(0, str(SCANS_MODULE.parent))
    try:
        import scans
    finally:
        sys.path.pop(0)
    return scans.scan(path, pages, dpi, **options)


def render_variants(folder: Path, names: list[str] | None = None) -> list[Path]:
    """The layout variants (tests/layout_variants.py), rendered once."""
    _need("reportlab")
    sys.path.insert(0, str(VARIANTS_MODULE.parent))
    try:
        import layout_variants as lv
    finally:
        sys.path.pop(0)
    folder.mkdir(parents=True, exist_ok=True)
    content = None
    out = []
    for name in names or sorted(lv.VARIANTS):
        pdf = folder / f"{name}.pdf"
        if not pdf.exists():
            content = content or lv.load_content(GOLDEN)
            tmp = folder / f".{name}.tmp.pdf"
            lv.render(content, lv.VARIANTS[name], tmp)
            tmp.replace(pdf)
        out.append(pdf)
    return out


def _batch(folder: Path, pool: list[Path], docs: int) -> list[Path]:
    """``docs`` copies of the files of ``pool`` in turn (the folder is made
    again unless it holds exactly those files)."""
    names = [f"{i:03d}-{pool[i % len(pool)].stem}.pdf" for i in range(docs)]
    if not folder.is_dir() or sorted(p.name for p in folder.glob("*.pdf")) != names:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for i, name in enumerate(names):
            shutil.copyfile(pool[i % len(pool)], folder / name)
    return [folder / name for name in names]


def build(workdir: Path, *, batch_copies: int = 5, batch_docs: int | None = None, long_pages: int = 300,
          padding: int = 12, all_variants: bool = True, table_pages: int | None = None,
          scan_pages: int | None = None) -> Inputs:
    """Generate (or reuse) every input under ``workdir``.  The batch holds
    ``batch_copies`` copies of the sample and of each variant rendered, or
    ``batch_docs`` documents when given; the scan, the sample's first
    ``scan_pages`` pages (all by default)."""
    _need("pikepdf")
    _need("pypdfium2")
    workdir.mkdir(parents=True, exist_ok=True)
    _refresh(workdir)
    table_numbers = table_page_numbers(SAMPLE)
    all_tables = table_numbers
    if table_pages is not None:
        table_numbers = table_numbers[:table_pages]

    tables = workdir / f"tables-{len(table_numbers)}.pdf"
    if not tables.exists():
        _compose(tables, [(SAMPLE, table_numbers)])

    names = None if all_variants else ["embedded", "baseline", "single_table_repeat_header"]
    variants = render_variants(workdir / "variants", names)
    embedded = next(p for p in variants if p.stem == "embedded")

    pool = [SAMPLE, *variants]
    docs = batch_docs if batch_docs is not None else batch_copies * len(pool)
    batch = _batch(workdir / f"batch-{docs}", pool, docs)

    n_embedded = _pages(embedded)
    section_numbers = list(range(_SECTION_FROM, n_embedded + 1))
    budget = workdir / f"budget-{padding}.pdf"
    if not budget.exists():
        _compose(budget, [(embedded, list(_FRONT) + list(_PADDING) * padding + section_numbers)])
    section = workdir / "section.pdf"
    if not section.exists():
        _compose(section, [(embedded, section_numbers)])

    long = workdir / f"long-{long_pages}.pdf"
    if not long.exists():
        cycle = (all_tables * (long_pages // len(all_tables) + 1))[:long_pages]
        _compose(long, [(SAMPLE, cycle)])
    long_single = workdir / f"long-single-{long_pages}.pdf"
    if not long_single.exists():
        single = next(p for p in variants if p.stem == "single_table_repeat_header")
        first = table_page_numbers(single, ("绩效目标表",))[0]
        numbers = list(range(first, _pages(single) + 1))
        cycle = (numbers * (long_pages // len(numbers) + 1))[:long_pages]
        _compose(long_single, [(single, cycle)])

    scanned, scanned_pages = None, 0
    try:
        import numpy  # noqa: F401
        import PIL  # noqa: F401
    except ImportError:
        pass
    else:
        scanned_pages = min(scan_pages or _pages(SAMPLE), _pages(SAMPLE))
        scanned = workdir / f"scan-{SCAN_DPI}-{scanned_pages}.pdf"
        if not scanned.exists():
            scan(scanned, range(1, scanned_pages + 1), SCAN_DPI, noise=SCAN_NOISE)

    return Inputs(
        sample=SAMPLE, tables=tables, table_pages=len(table_numbers), variants=variants, batch=batch,
        budget=budget, budget_pages=_pages(budget), section=section, section_pages=len(section_numbers),
        long=long, long_pages=long_pages, long_single=long_single, scan=scanned, scan_pages=scanned_pages,
    )
