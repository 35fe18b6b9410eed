"""Stage 1a: a cheap first pass that finds the pages worth reading.

A full department budget (部门预算) is fifty or more pages of prose and
budget tables with the performance section (部门整体绩效目标, then one
绩效目标表 per project) at its end.  Parsing a page with pdfminer and
segmenting it costs 20-40 ms; reading its text with pdfium costs 2-3 ms.
``triage`` reads the text of the pages from the start of the file with
pdfium until the first page with *form vocabulary*; those pages are not
parsed at all, so the cost of a conversion grows with the performance
section, not with the whole file.

Form vocabulary is every word by which a later stage can start taking
content from a page (``vocab/``): the part headings of 部门整体绩效目标 and
预算项目绩效目标 (``sections.tsv``: ``overall_part``, ``projects_part``), the
title suffix of a project table (``table_title``: 绩效目标表 …) and the labels
that open a project block (``labels.tsv``: ``code``, ``name``: 项目编码,
项目名称 …).  Before the first such page nothing can become a project or
the overall targets; from it on every page is read (prose of 第一部分, and
the continuation pages of a project table, which carry no vocabulary at
all).  A table of contents (a page headed 目录 or …目录, or lines with
leader dots) and sentences that refer to the forms (a line with ，。；)
do not count.

Pages before that point are not parsed, except:

- a page whose text might state the budget year (``keep`` patterns from
  the pipeline: the cover's "2023年部门预算" decides ``year``): such pages
  are parsed in turn until one states it (``Triage.optional``);
- a page whose streams fail the page check by being lost (a decompression
  bomb, a missing stream: ``pages.check_page_streams``, run before pdfium
  touches the page), so that it is reported lost as before, and a blank or
  near-empty page without images;
- from a page whose content cannot be vouched for on, every page: its
  streams are corrupt, or its text is not plainly readable (glyphs pdfium
  cannot map or maps only by guessing, foreign characters, runs of
  mis-decoded text or more than a few rare ideographs (mojibake),
  characters outside what the fonts' maps give pdfminer, a font pdfminer
  may not map: a Type 3 font, a CID font without a Unicode map), or it is
  an image with little or no text, which OCR may read.  What pdfminer or
  OCR finds there could open the section, so the pass stops as if it did.

A skipped page counts as a page of readable text in ``page_notes`` (its
glyph count from pdfium).  Damage that only pdfminer's parser would
notice on a skipped page is not reported; everything pdfium and the
stream check can see is.  ``Settings.triage`` turns the pass off; it is
also off for a file that had to be rebuilt (pdfium may read it
differently) and whenever pdfium cannot open the file.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Optional, Sequence

import regex

from .ocr import DEFAULT_OCR
from .pages import (OpenedPDF, PageStats, TextCounts, _captured_log, _pdfium, _PageLost, check_page_streams,
                    is_readable, text_counts)
from .settings import Settings
from .streams import TooManyResources, font_specs
from .timing import timed
from .tounicode import quick_maps
from .vocab import label_key, words

#: A line of a table of contents: leader dots (or ellipses) before a page number.
_LEADER = regex.compile(r"(?:[.．·・•]\s*){4,}|(?:…\s*){2,}")
_SPACE = regex.compile(r"\s+")
#: The longest heading of a table of contents ("部门预算公开报表目录").
_CONTENTS_HEADING = 12
#: Punctuation of running text: a line holding it is part of a sentence.
_SENTENCE = regex.compile(r"[，。；]")
#: Foreign characters tolerated on a page that is skipped (real pages: 0-2 %).
_MAX_FOREIGN = 0.05
#: Rare ideographs tolerated on a page that is skipped, as a share of its
#: words (``TextCounts.words``, counted as at least twice
#: ``Settings.mojibake_min_chars``: a cover with a rare place name is still
#: skipped).  Real pages: 0 %; text mis-decoded onto ideographs: most of them.
_MAX_RARE = 0.1


@dataclass(frozen=True)
class Triage:
    """Which pages to parse; ``read`` None: all of them."""

    read: Optional[frozenset[int]] = None
    #: Pages whose text matches a ``keep`` pattern, in page order: the caller
    #: parses them in turn until one settles the fact (the first statement
    #: of the budget year), and may leave the rest unparsed.
    optional: tuple[int, ...] = ()
    #: The text check (from pdfium) of every page not in ``read``, for
    #: ``page_notes`` when it is not parsed.
    stats: dict[int, PageStats] = field(default_factory=dict)
    #: Why each page before the first page of form vocabulary is read, by page.
    reasons: dict[int, str] = field(default_factory=dict)
    #: The first page with form vocabulary (None: no page has any).
    section_start: Optional[int] = None


@functools.cache
def form_words() -> tuple[str, ...]:
    """The words that can make a later stage take content from a page, as
    ``label_key`` reduces them."""
    found = [w for role in ("overall_part", "projects_part", "table_title") for w in words("sections", role)]
    found += [w for role in ("code", "name") for w in words("labels", role, column="label")]
    return tuple(sorted({label_key(w) for w in found if label_key(w)}, key=len, reverse=True))


def has_form_words(text: str) -> bool:
    """Whether a page's text holds form vocabulary outside a table of
    contents and outside sentences (spaces, brackets and line breaks
    ignored, so a heading wrapped over two lines or set with spaces still
    counts).  A budget's front matter names its forms: a contents page
    lists them ("9、项目支出绩效目标表", with or without leader dots), and
    its explanations refer to them ("（详见公开报表中的绩效目标表）。").
    Neither starts the section: a form's title, part heading or label
    stands in a line without a sentence's punctuation.  (A page ruled out
    here that is a form after all is still read when its section starts
    on an earlier page.)"""
    lines = [line for line in text.splitlines() if line.strip()]
    heading = _SPACE.sub("", lines[0]) if lines else ""
    if len(heading) <= _CONTENTS_HEADING and heading.endswith(words("sections", "contents")):
        return False  # 目录, 报表目录, 公开目录 …
    kept = [line for line in lines if not _LEADER.search(line) and not _SENTENCE.search(line)]
    joined = _SPACE.sub("", "".join(kept))
    keyed = label_key(joined)
    return any(w in joined or w in keyed for w in form_words())


def _fonts(opened: OpenedPDF, ppage, cache: dict) -> tuple[Optional[str], Optional[frozenset[str]]]:
    """What pdfminer can make of the page's fonts (and its forms' fonts):
    (a reason to parse the page, None) for a font it may not map to Unicode
    (a Type 3 font, a CID font without any Unicode map, a font it cannot
    load); else (None, the characters its maps can produce), or (None,
    None) when a font maps every code (an Identity map: anything goes).
    pdfium falls back to a font's own tables where a ToUnicode map lacks a
    code; pdfminer does not, so pdfium's text must stay inside this set.
    Pages share their fonts: the set of a combination of fonts is made
    once (``cache``)."""
    from pdfminer.pdftypes import dict_value, resolve1

    allowed: list[frozenset[str]] = []
    unconstrained = False
    try:
        for objid, spec in font_specs(ppage.page_obj.resources):
            key = objid if objid is not None else id(spec)
            if key not in cache:
                cache[key] = _font_chars(opened, objid, spec, dict_value, resolve1)
            found = cache[key]
            if isinstance(found, str):
                return found, None
            if found is None:
                unconstrained = True
            elif found not in allowed:
                allowed.append(found)
    except TooManyResources as exc:
        return str(exc), None
    if unconstrained:
        return None, None
    combination = ("all of", tuple(id(chars) for chars in allowed))  # the sets live in ``cache``: ids stay theirs
    if combination not in cache:
        cache[combination] = frozenset().union(*allowed)
    return None, cache[combination]


def _font_chars(opened: OpenedPDF, objid, spec, dict_value, resolve1):
    """One font, through pdfminer's own font loader (its cache is the one
    the parser uses later): a reason string, None (unconstrained) or the
    set of characters it can produce."""
    try:
        with quick_maps():
            font = opened.pdf.rsrcmgr.get_font(objid, dict_value(spec))
    except MemoryError:
        raise
    except Exception:
        return "a font pdfminer cannot load"
    kind = type(font).__name__
    if kind == "PDFType3Font":
        return "a Type 3 font"
    umap = getattr(font, "unicode_map", None)
    chars: set[str] = set()
    if kind == "PDFCIDFont":
        if umap is None:
            return "a CID font without a Unicode map"
        if type(umap).__name__ == "IdentityUnicodeMap":
            return None  # every code is its own character
    else:
        chars.update("".join(getattr(font, "cid2unicode", {}).values()))
    if umap is not None:
        table = getattr(umap, "cid2unichr", None)
        if table is None:
            return None
        chars.update("".join(table.values()))
    return frozenset(chars)


def text_stats(text: str) -> TextCounts:
    """The text check of a page's pdfium text, counted as
    ``page_objects.read_page`` counts pdfminer's characters."""
    return text_counts([ch for ch in text if not ch.isspace()])


@timed("triage")
def triage(opened: OpenedPDF, settings: Settings, password: Optional[str] = None,
           keep: Sequence[regex.Pattern] = ()) -> Triage:
    """Decide which pages of ``opened`` to parse (see the module's doc).
    ``keep``: patterns whose match in a page's text (spaces removed) makes
    that page read."""
    if not settings.triage or opened.repaired is not None or opened.page_count < 2 or not _headroom():
        return Triage()
    # The pdfium reader's document, when it reads the pages: the pages this
    # pass loads and the pages stage reads are then loaded once
    # (``PdfiumPages.hold``).
    if settings.reader == "pdfium":
        reader = _pdfium(opened, settings)  # (None: PDFium cannot read the file, so neither can this pass)
        return _scan_safely(opened, settings, reader.doc, keep, reader.hold) if reader is not None else Triage()
    try:
        import pypdfium2 as pdfium
    except MemoryError:
        raise
    except Exception:  # not installed, or its library cannot be mapped (a memory cap)
        return Triage()
    try:
        doc = pdfium.PdfDocument(str(opened.path), password=password or None)
    except Exception:
        return Triage()
    try:
        if len(doc) != opened.page_count:
            return Triage()
        return _scan_safely(opened, settings, doc, keep, None)
    finally:
        doc.close()


def _scan_safely(opened: OpenedPDF, settings: Settings, doc, keep: Sequence[regex.Pattern], hold) -> Triage:
    """``_scan``, or every page read when it fails."""
    try:
        return _scan(opened, settings, doc, keep, hold)
    except MemoryError:
        raise
    except Exception:
        return Triage()


#: Address space pdfium may need while loading a page (it aborts the
#: process when an allocation fails, where pdfminer raises MemoryError).
_PDFIUM_HEADROOM = 256 << 20


def _headroom() -> bool:
    """False when a memory cap (``guard``: RLIMIT_AS) leaves too little room
    for pdfium: then every page is parsed by pdfminer, whose MemoryError
    becomes ``MemoryLimitExceeded``, never a crashed process."""
    try:
        import os
        import resource

        soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
        if soft == resource.RLIM_INFINITY:
            return True
        with open("/proc/self/statm") as fh:
            used = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (ImportError, OSError, ValueError, AttributeError):
        return True
    return soft - used >= _PDFIUM_HEADROOM


def _scan(opened: OpenedPDF, settings: Settings, doc, keep: Sequence[regex.Pattern], hold) -> Triage:
    """The first pass over ``doc`` (PDFium's document of ``opened``);
    ``hold(index, page, textpage)``, when given, is offered each page the
    pages stage will read, as loaded here, and says whether it keeps it."""
    read: set[int] = set()
    optional: list[int] = []
    stats: dict[int, PageStats] = {}
    reasons: dict[int, str] = {}
    start: Optional[int] = None
    fonts: dict = {}
    for index, ppage in enumerate(opened.pages):
        number = index + 1
        if ppage is None:
            continue  # could not be set up: lost already
        verdict = _must_read(opened, settings, doc, index, ppage, keep, fonts, hold)
        if isinstance(verdict[0], PageStats):
            page_stats, kept = verdict
            stats[number] = page_stats
            if kept:
                optional.append(number)
            continue
        action, reason = verdict
        reasons[number] = reason
        if action == "start":
            start = number
            break
        read.add(number)
    if start is not None:
        read.update(range(start, opened.page_count + 1))
    if not stats:
        return Triage(section_start=start, reasons=reasons)
    return Triage(read=frozenset(read), optional=tuple(optional), stats=stats, reasons=reasons, section_start=start)


def _must_read(opened: OpenedPDF, settings: Settings, doc, index: int, ppage, keep, fonts: dict, hold) -> tuple:
    """What to do with page ``index``: ("start", why): the performance
    section starts here, or may (what the parser or OCR will read on the
    page cannot be vouched for), so this page and every page after it are
    parsed; ("read", why): parse this page, then go on with the first pass;
    or (its text check, whether a ``keep`` pattern matches) when it need
    not be parsed.  A page to parse is offered to ``hold`` as loaded."""
    try:
        with _captured_log() as complaints:
            damage = check_page_streams(opened, ppage, settings)
    except _PageLost:
        return "read", "a stream of the page cannot be read (the page is lost)"
    if damage or complaints:
        return "start", "the page check reported damage"
    risky, allowed = _fonts(opened, ppage, fonts)
    page = doc[index]
    textpage = None
    verdict: Optional[tuple] = None
    try:
        textpage = page.get_textpage()
        verdict = _text_verdict(settings, page, textpage, risky, allowed, keep, index)
    finally:
        to_parse = verdict is not None and not isinstance(verdict[0], PageStats)
        if not (to_parse and hold is not None and hold(index, page, textpage)):
            if textpage is not None:
                textpage.close()
            page.close()
    return verdict


def _text_verdict(settings: Settings, page, textpage, risky: Optional[str], allowed, keep, index: int) -> tuple:
    """``_must_read``'s verdict on the text of a page that passed the
    stream check (``risky``, ``allowed``: ``_fonts``)."""
    text = textpage.get_text_range()
    counts = text_stats(text)
    glyphs = counts.glyphs
    if has_form_words(text):
        return "start", "form vocabulary"
    if risky:
        return "start", risky
    if glyphs < DEFAULT_OCR.few_chars:
        # A scan (with a stamped page number, maybe) is OCR'd, and OCR may
        # find anything; a blank page or a near-empty one holds nothing.
        if _has_images(page):
            return "start", "an image with little or no text (OCR reads it)"
        return ("read", "no text") if not glyphs else ("read", "little text")
    # The glyphs PDFium mapped only by guessing are counted only when
    # the cheaper checks before them pass.
    if counts.unmapped or _map_errors(textpage) or counts.garbled or counts.foreign > _MAX_FOREIGN * glyphs \
            or counts.rare > _MAX_RARE * max(counts.words, 2 * settings.mojibake_min_chars) \
            or not is_readable(counts, settings):
        return "start", "text pdfium cannot read cleanly"
    if allowed is not None and any(ch not in allowed for ch in set(text) if not ch.isspace()):
        return "start", "glyphs outside the fonts' Unicode maps"
    bare = _SPACE.sub("", text)
    kept = any(p.search(bare) or p.search(text) for p in keep)
    return PageStats.of(index + 1, counts, 0.0, None, settings), kept


def _has_images(page) -> bool:
    """Whether the page draws an image (also inside its forms)."""
    import pypdfium2.raw as raw

    return next(iter(page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,), max_depth=8)), None) is not None


def _map_errors(textpage) -> int:
    """Characters pdfium could map only by guessing (its own fallback where
    the font's maps have no entry: pdfminer drops them as unmapped)."""
    import pypdfium2.raw as raw

    from .pdfium_calls import Calls

    if getattr(raw, "FPDFText_HasUnicodeMapError", None) is None:  # pragma: no cover - older pdfium
        return 0
    check, handle = Calls.of(raw).has_unicode_map_error, textpage.raw
    return [check(handle, i) for i in range(textpage.count_chars())].count(1)
