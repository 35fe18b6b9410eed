"""A form's header block, read: the label cells' values by role.

Shared by project forms (``projects.py``) and department forms
(``departments.py``): text fields, amounts (a warning where a value is no
number), and amounts by source kept under their printed label.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Callable, Optional

import regex

from .forms import ProjectForm, Span

_AMOUNT = regex.compile(r"^[-−]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^[-−]?\d+(?:\.\d+)?$")
_PERCENT = regex.compile(r"^([-−]?\d+(?:\.\d+)?)[%％]$")
#: What a blank amount cell may hold: a dash, 无.
_NO_AMOUNT = regex.compile(r"^(?:[-—–－/／]+|无)?$")
#: Roles whose values are amounts by source, kept by their printed label.
SOURCE_ROLES = ("fiscal", "other", "source")

Warn = Callable[[str, Optional[Span], str, str], None]


def parse_amount(text: str) -> Optional[float]:
    """A money amount as printed ("16.00", "1,200.5", "１６", "164万元"), or None."""
    text = unicodedata.normalize("NFKC", text).replace(" ", "").rstrip("元")
    if text.endswith("万"):
        text = text[:-1]
    if not _AMOUNT.match(text):
        return None
    return float(text.replace(",", "").replace("−", "-"))


def parse_percent(text: str) -> Optional[float]:
    """"95.49%" -> 95.49 (a rate as printed), else None."""
    m = _PERCENT.match(unicodedata.normalize("NFKC", text).replace(" ", ""))
    return float(m.group(1).replace("−", "-")) if m else None


@dataclass
class BlockValues:
    """The values of a form's header block: the first value of each role
    (a value split over rows is extended), extra labels by their label."""

    values: dict[str, Span] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)
    #: (printed label, value) of every amount by source, in order.
    sources: list[tuple[str, Span]] = field(default_factory=list)

    def text(self, role: str) -> Optional[str]:
        span = self.values.get(role)
        return span.text if span is not None and span.text else None


def read_block(form: ProjectForm) -> BlockValues:
    block = BlockValues()
    for role, label, span in form.labels:
        if role == "extra":
            block.extra[label] = span.text
            continue
        if role in SOURCE_ROLES and span.text:
            block.sources.append((label, span))
        if role not in block.values:
            block.values[role] = span
        elif span.text and role != "source":
            block.values[role] = block.values[role].extended(span)
    return block


def amount_of(block: BlockValues, role: str, field: str, warn: Warn) -> Optional[float]:
    span = block.values.get(role)
    return _amount(span, field, warn)


def _amount(span: Optional[Span], field: str, warn: Warn) -> Optional[float]:
    if span is None or _NO_AMOUNT.match(span.text.replace(" ", "")):
        return None
    value = parse_amount(span.text)
    if value is None:
        warn("unparsed_amount", span, field, f"{field} {span.text!r} is not a number")
    return value


def sources_of(block: BlockValues, warn: Warn) -> dict[str, float]:
    """Every amount by source, keyed by its printed label (without 其中)."""
    from .vocab import label_key

    out: dict[str, float] = {}
    for label, span in block.sources:
        value = _amount(span, label, warn)
        if value is not None:
            out.setdefault(label_key(label) or label, value)
    return out
