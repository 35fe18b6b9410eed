"""``--tables``: the combined tables of a batch (``projects``,
``indicators``, ``spending_plan``) over every document converted or kept,
written under ``OUTDIR/_tables/``."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Optional, Sequence

from .extras import install_hint
from .errors import UsageError
from .export import TEMPORARY_PREFIX
from .fsnames import without_surrogates

TABLES_DIR = "_tables"
#: The tables ``--tables`` writes, from ``frames.to_frames``.
TABLES = ("projects", "indicators", "spending_plan", "overall_indicators", "departments", "warnings")
#: The table of every input of the run (converted, kept or failed), from the report.
DOCUMENTS = "documents"
#: Columns of the documents table, from each file's entry of the report.
DOCUMENT_COLUMNS = ("document", "input", "output", "status", "error", "message", "sha256", "pages", "projects",
                    "indicators", "warnings", "cached")
TABLE_FORMATS = ("csv", "parquet", "xlsx")


def check_tables_format(fmt: Optional[str]) -> None:
    """Raise ``UsageError`` when ``--tables fmt`` cannot be written here."""
    if fmt is None:
        return
    if fmt not in TABLE_FORMATS:
        raise UsageError(f"--tables takes one of {', '.join(TABLE_FORMATS)}, not {fmt!r}")
    need = {"parquet": "pyarrow", "xlsx": "openpyxl"}.get(fmt)
    if need:
        import importlib.util

        if importlib.util.find_spec(need) is None:
            raise UsageError(f"--tables {fmt} needs {need}: {install_hint('tables')}")


@contextmanager
def _atomic_target(path: Path):
    """A temporary name beside ``path``, renamed to it when the block ends
    without an exception (else removed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{TEMPORARY_PREFIX}{os.getpid()}-{path.name[:32]}.tmp")  # fits where the name fits
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


_XLSX_ROWS = 1_048_575  # a sheet's rows, minus the header


def combined_frames(outputs: Sequence[Path], documents: Sequence[str], chunk: int = 200) -> dict:
    """The ``projects``, ``indicators``, ``spending_plan``,
    ``overall_indicators`` and ``departments`` frames of
    ``frames.to_frames`` over the saved documents ``outputs`` (read back with
    ``extractor.load``, a chunk at a time), each with ``document`` (the
    input's name in the batch, see ``discover``); ``indicators`` and
    ``spending_plan`` also get the document's ``unit_code``, ``unit_name``,
    ``year`` and the ``project_code``."""
    import pandas as pd

    from . import load
    from .frames import SPECS, to_frames

    parts: dict[str, list] = {name: [] for name in TABLES}
    units: dict[str, list] = {"unit_code": [], "unit_name": [], "year": []}
    for start in range(0, max(len(outputs), 1), chunk):
        docs = [_with_valid_name(load(p)) for p in outputs[start:start + chunk]]
        for doc in docs:
            units["unit_code"].append(doc.unit.code)
            units["unit_name"].append(doc.unit.name)
            units["year"].append(doc.year)
        frames = to_frames(docs)
        # names that are not UTF-8 as \xNN: every table format needs valid text
        names = pd.Series([without_surrogates(d) for d in documents[start:start + chunk]], dtype=object)
        for name in TABLES:
            df = frames[name]
            df.insert(1, "document", names.iloc[df["doc"].to_numpy()].to_numpy())
            df["doc"] += start
            parts[name].append(df)
        del docs, frames
    out = {}
    for name in TABLES:
        df = pd.concat(parts[name], ignore_index=True)
        for column, dtype in SPECS[name].items():
            # per-chunk categories concatenate to text: make them categorical again
            if isinstance(dtype, str) and dtype == "category" and not isinstance(df[column].dtype, pd.CategoricalDtype):
                df[column] = df[column].astype("category")
        out[name] = df
    keys = out["projects"][["doc", "project", "unit_code", "unit", "year", "code"]].rename(
        columns={"unit": "unit_name", "code": "project_code"})
    for name in ("indicators", "spending_plan"):
        df = out[name].merge(keys, on=["doc", "project"], how="left", validate="many_to_one")
        front = ["doc", "document", "file", "unit_code", "unit_name", "year", "project", "project_code"]
        out[name] = df[front + [c for c in df.columns if c not in front]]
    # the department tables (and the warnings) get the document's unit and year (a document may
    # hold department forms and no project)
    for name in ("overall_indicators", "departments", "warnings"):
        df = out[name]
        at = df["doc"].to_numpy()
        for k, column in enumerate(("unit_code", "unit_name", "year")):
            values = pd.Series(units[column], dtype="Int64" if column == "year" else object)
            df.insert(3 + k, column, values.iloc[at].to_numpy() if len(df) else values.iloc[:0].to_numpy())
    # One name for the department in every table (``unit`` of the frames
    # is the measurement unit in indicators), and the document's path in the
    # batch as its key: the position in one run is no key across runs.
    out["projects"] = out["projects"].rename(columns={"unit": "unit_name"})
    return {name: df.drop(columns=["doc"]) for name, df in out.items()}


def documents_frame(entries: Sequence[dict]):
    """One row per input of the run (the report's ``files``): converted,
    kept from an earlier run, or failed with its error class and message."""
    import pandas as pd

    # names that are not UTF-8 as \xNN: every table format needs valid text
    rows = [{column: without_surrogates(v) if isinstance(v := e.get(column), str) else v for column in DOCUMENT_COLUMNS}
            for e in entries]
    df = pd.DataFrame(rows, columns=list(DOCUMENT_COLUMNS))
    for column in ("pages", "projects", "indicators", "warnings"):
        df[column] = df[column].astype("Int64")
    df["status"] = df["status"].astype("category")
    return df


def _with_valid_name(doc):
    """``doc`` with its file name's undecodable bytes as ``\\xNN``: the
    tables' text columns take valid Unicode only."""
    import dataclasses

    name = without_surrogates(doc.source.file)
    return doc if name == doc.source.file else dataclasses.replace(doc, source=dataclasses.replace(doc.source, file=name))


def write_tables(frames: dict, outdir: Path, fmt: str) -> list[str]:
    """Write the frames under ``OUTDIR/_tables/`` (atomically, each file);
    return the names written, relative to OUTDIR."""
    folder = outdir / TABLES_DIR
    written = []
    if fmt == "xlsx":
        too_big = [f"{name} ({len(df)} rows)" for name, df in frames.items() if len(df) > _XLSX_ROWS]
        if too_big:
            raise UsageError(f"an Excel sheet holds {_XLSX_ROWS} rows, fewer than {', '.join(too_big)}: "
                             "use --tables csv or parquet")
        import pandas as pd
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        target = folder / "tables.xlsx"
        with _atomic_target(target) as tmp:
            with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
                for name, df in frames.items():
                    df = df.copy()
                    for column in df.columns:
                        if df[column].dtype == object or str(df[column].dtype) == "str":
                            df[column] = df[column].map(
                                lambda v: ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v)
                    df.to_excel(xw, sheet_name=name, index=False)
                    sheet = xw.sheets[name]
                    sheet.freeze_panes = "A2"  # the header row stays in view
                    if len(df.columns):
                        sheet.auto_filter.ref = sheet.dimensions
        return [target.relative_to(outdir).as_posix()]
    for name, df in frames.items():
        target = folder / f"{name}.{fmt}"
        with _atomic_target(target) as tmp:
            if fmt == "csv":
                # with a byte-order mark: Excel on Chinese Windows reads a
                # CSV without one as GBK (mojibake); other readers skip it
                df.to_csv(tmp, index=False, encoding="utf-8-sig")
            else:
                df.to_parquet(tmp, index=False)
        written.append(target.relative_to(outdir).as_posix())
    return written
