"""The document's page warnings, or the error when no page has text.

``page_notes`` turns what opening and reading the pages recorded
(``pages.OpenedPDF``: lost, damaged, unreadable and image-only pages, a
rebuilt file) into the document's warnings, or raises ``NoTextLayer`` /
``UnreadableText`` / ``DamagedPDF`` when no page has text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import DamagedPDF, NoTextLayer, UnreadableText
from .textcheck import PageStats

if TYPE_CHECKING:
    from .pages import OpenedPDF


@dataclass(frozen=True)
class Note:
    """A problem with part of the file, for the document's ``warnings``."""

    code: str
    where: str
    message: str


def page_ranges(numbers) -> str:
    """[1, 2, 3, 7] -> "1-3, 7"."""
    numbers = sorted(set(numbers))
    out, start = [], None
    for i, n in enumerate(numbers):
        if start is None:
            start = n
        if i + 1 == len(numbers) or numbers[i + 1] != n + 1:
            out.append(f"{start}-{n}" if n != start else f"{n}")
            start = None
    return ", ".join(out)


def _these(numbers) -> str:
    return "this page" if len(set(numbers)) == 1 else "these pages"


def _where(numbers) -> str:
    numbers = sorted(set(numbers))
    return f"page {numbers[0]}" if len(numbers) == 1 else f"pages {page_ranges(numbers)}"


def page_notes(opened: OpenedPDF) -> list[Note]:
    """After every page was read: raise when no page has text
    (``UnreadableText``, ``DamagedPDF``, ``NoTextLayer``), else the notes on
    rebuilt files, lost, damaged, unreadable and image-only pages."""
    path = str(opened.path)
    stats = opened.stats
    with_text = [s for s in stats if s.readable and s.glyphs > s.unmapped]
    garbled = [s for s in stats if not s.readable]
    if garbled and not any(s.vouches for s in with_text):
        # The pages left are too short to tell (a page number, a heading)
        # and no better than the others: the whole document is unreadable.
        with_text = []
    if not with_text:
        if garbled:
            mojibake = _mostly_mojibake(garbled)
            raise UnreadableText(path, page_ranges(s.number for s in garbled), _bad_share(garbled, mojibake),
                                 mojibake=mojibake)
        if opened.lost_pages:
            raise DamagedPDF(path, f"{_where(opened.lost_pages)}: {_reasons(opened.lost_reasons)}")
        blank = [s.number for s in stats]
        raise NoTextLayer(path, page_ranges(blank), scanned=any(s.image_area > 0 for s in stats))
    notes: list[Note] = []
    if opened.repaired:
        if opened.declared_pages is not None and opened.declared_pages <= opened.page_count:
            recovered = f"all {opened.page_count} pages it declares were recovered; re-download it if you can"
        else:
            recovered = (f"{opened.page_count} pages were recovered from the objects it still contains, "
                         "others may be lost: re-download it if you can")
        notes.append(Note("repaired_file", "document", f"the file is damaged ({opened.repaired}); {recovered}"))
    if opened.declared_pages is not None and opened.declared_pages > opened.page_count:
        notes.append(Note(
            "missing_pages", "document",
            f"the file declares {opened.declared_pages} pages but only {opened.page_count} could be found; "
            "the others are lost: re-download the file if you can",
        ))
    if opened.lost_pages:
        notes.append(Note(
            "lost_pages", _where(opened.lost_pages),
            f"{_these(opened.lost_pages)} could not be read ({_reasons(opened.lost_reasons)}); the rest was extracted",
        ))
    damaged = {n: reason for n, reason in opened.damaged.items() if n not in opened.lost_reasons}
    if damaged:
        notes.append(Note(
            "damaged_pages", _where(damaged),
            f"the PDF parser reported damage on {_these(damaged)} ({_reasons(damaged)}); "
            "the content may be incomplete",
        ))
    if garbled:
        mojibake = _mostly_mojibake(garbled)
        bad = _bad_share(garbled, mojibake)
        these = _these([s.number for s in garbled])
        if mojibake:
            message = (f"the text of {these} is mojibake, not Chinese text ({bad:.0%} of its characters, digits and "
                       f"punctuation aside, {UnreadableText.MOJIBAKE_WHAT}); it was left out: {UnreadableText.MOJIBAKE_HINT}")
        else:
            message = (f"the text of {these} cannot be decoded ({bad:.0%} of the glyphs have no Unicode mapping or "
                       "are not Chinese text: fonts without a correct ToUnicode map); it was left out: OCR is needed")
        notes.append(Note("unreadable_text", _where(s.number for s in garbled), message))
    dropped = [s for s in stats if s.readable and s.unmapped]
    if dropped:
        notes.append(Note(
            "unmapped_glyphs", _where(s.number for s in dropped),
            f"{sum(s.unmapped for s in dropped)} glyphs without a Unicode mapping were dropped from "
            f"{_these([s.number for s in dropped])}; "
            "some text may be incomplete",
        ))
    scanned = [s.number for s in stats if s.glyphs == 0 and s.image_area > 0]
    if scanned:
        notes.append(Note(
            "no_text_layer", _where(scanned),
            f"{'this page is an image' if len(scanned) == 1 else 'these pages are images'} without a text layer; "
            "OCR is needed for their content",
        ))
    return notes


def _bad_share(stats: list[PageStats], mojibake: bool) -> float:
    """For the messages: the share of the glyphs of ``stats`` that are not
    text, or with ``mojibake`` of their words that are suspect (see
    ``TextCounts``)."""
    counts = [s.counts for s in stats]
    if mojibake:
        return min(1.0, sum(c.suspect for c in counts) / max(1, sum(c.words for c in counts)))
    return min(1.0, sum(c.bad for c in counts) / max(1, sum(c.glyphs for c in counts)))


def _mostly_mojibake(stats: list[PageStats]) -> bool:
    """Whether most glyphs of the unreadable pages ``stats`` are on pages
    judged mojibake (the message then says so, and what to do about it)."""
    mojibake = sum(s.glyphs for s in stats if s.reason == "mojibake")
    return 2 * mojibake > sum(s.glyphs for s in stats)


def _reasons(by_page: dict[int, str]) -> str:
    """{2: "x", 3: "x", 5: "y"} -> "pages 2-3: x; page 5: y"."""
    groups: dict[str, list[int]] = {}
    for number in sorted(by_page):
        groups.setdefault(by_page[number], []).append(number)
    if len(groups) == 1:
        return next(iter(groups))
    parts = [f"{_where(pages)}: {reason}" for reason, pages in groups.items()]
    if len(parts) > 3:
        parts = parts[:3] + [f"{len(parts) - 3} more"]
    return "; ".join(parts)
