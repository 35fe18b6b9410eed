"""Domain vocabulary: the TSV tables in ``extractor/vocab/``, loaded once.

Each table has a header line naming its columns; ``#`` lines are comments
meant for whoever extends the table.  Code asks for words by role and never
spells a label itself, so a new template's wording is a new row, not a new
``if``.
"""

from __future__ import annotations

import functools
from importlib import resources

import regex


@functools.cache
def read_table(name: str) -> tuple[dict[str, str], ...]:
    """Rows of ``vocab/<name>.tsv`` as dicts keyed by the header line."""
    text = (resources.files("extractor") / "vocab" / f"{name}.tsv").read_text(encoding="utf-8")
    rows = [line.rstrip("\n").split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]
    header, body = rows[0], rows[1:]
    return tuple(dict(zip(header, (cell.strip() for cell in row))) for row in body)


_BRACKETED = regex.compile(r"[（(\[【][^）)\]】]*[）)\]】]")
#: A bracket the cell's edge cut off before it closed: "分值权重（90分".
_UNCLOSED = regex.compile(r"[（(\[【][^）)\]】（(\[【]*$")
_NOISE = regex.compile(r"[\s:：*＊]")


@functools.lru_cache(maxsize=1 << 16)
def label_key(text: str) -> str:
    """The form in which labels are compared: no spaces, colons, brackets
    or a leading 其中 ("其中：财政资金" and "财政资金" are one label)."""
    text = _NOISE.sub("", _UNCLOSED.sub("", _BRACKETED.sub("", text)))
    return text[2:] if text.startswith("其中") else text


@functools.cache
def roles(name: str, key_column: str) -> dict[str, str]:
    """Map of label key -> role for a two-column vocabulary table."""
    return {_YEAR.sub("{year}", label_key(row[key_column])): row["role"] for row in read_table(name)}


@functools.cache
def words(name: str, role: str, column: str = "text") -> tuple[str, ...]:
    """All words of ``role`` in a table, longest first (for prefix matching)."""
    return tuple(sorted((row[column] for row in read_table(name) if row["role"] == role), key=len, reverse=True))


@functools.lru_cache(maxsize=1 << 16)
def label_role(text: str) -> str | None:
    """Role of a project-block label cell, or None when it is no label."""
    return roles("labels", "label").get(label_key(text))


@functools.lru_cache(maxsize=1 << 12)
def amount_scope(text: str) -> str | None:
    """The time span a total's label names: "annual" (年度资金总额),
    "period" (实施期资金总额) or None (资金总额), by the longest word of
    ``vocab/scopes.tsv`` the label holds."""
    key = label_key(text)
    found = [row for row in read_table("scopes") if row["text"] in key]
    return max(found, key=lambda row: len(row["text"]))["role"] if found else None


#: A year inside a header ("2021年实际实现值"): the vocabulary writes {year}.
_YEAR = regex.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


@functools.lru_cache(maxsize=1 << 16)
def header_key(text: str) -> str:
    """``label_key`` with any year as ``{year}``."""
    return _YEAR.sub("{year}", label_key(text))


def header_year(text: str) -> int | None:
    """The year a header names ("预期2022年实现值" -> 2022), if any."""
    m = _YEAR.search(text)
    return int(m.group(0)) if m else None


def header_role(text: str) -> str | None:
    """Role of an indicator-grid header cell, or None."""
    return roles("headers", "header").get(header_key(text))


@functools.cache
def canonical_header(role: str) -> str:
    """The printed header a role is known by: its first row in headers.tsv
    (level1 -> 一级指标, value -> 指标值 …)."""
    return next(row["header"] for row in read_table("headers") if row["role"] == role)
