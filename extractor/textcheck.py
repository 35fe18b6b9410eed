"""Whether a page's text layer can be passed on as text.

A page whose glyphs are mostly unmapped (fonts without a ToUnicode map) or
foreign to these documents, or whose text is mojibake (text decoded with
the wrong character encoding before it was typeset), is unreadable: its text
is withheld, never passed on as data (``Settings.unreadable_ratio``,
``Settings.mojibake_ratio``).  Both page readers (``pages``,
``pdfium_text``), the first pass (``triage``) and OCR (``ocr``) count their
glyphs with ``text_counts`` and judge them with ``unreadable_reason``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Optional

import regex

from .settings import Settings
from .vocab import read_table


@dataclass(frozen=True)
class TextCounts:
    """What the text check counts on one page (``text_counts``); each glyph
    counts once, by its ``glyph_kind``, except that glyphs inside garbled
    runs count as garbled whatever their kind."""

    #: Non-space glyphs drawn upright on the page.
    glyphs: int = 0
    #: Glyphs without a Unicode mapping ("(cid:N)", private use, controls, U+FFFD).
    unmapped: int = 0
    #: Glyphs mapped to characters foreign to these documents (Latin-1
    #: letters, Cyrillic, kana …: see ``_EXPECTED``).
    foreign: int = 0
    #: Glyphs inside runs that only mis-decoded text produces (锟斤拷, UTF-8
    #: read as Latin-1: "éƒ¨é—¨"), see ``_GARBLED``.
    garbled: int = 0
    #: Han ideographs outside the common-character list (``common_han``).
    rare: int = 0
    #: ASCII digits and punctuation: every encoding these documents meet
    #: keeps them intact, so they say nothing about mis-decoding (a table
    #: of contents is mostly leader dots, a budget table mostly digits).
    filler: int = 0

    @property
    def bad(self) -> int:
        """Glyphs that are not text."""
        return self.unmapped + self.foreign + self.garbled

    @property
    def suspect(self) -> int:
        """Glyphs that are mojibake, or look like it (rare ideographs)."""
        return self.foreign + self.garbled + self.rare

    @property
    def words(self) -> int:
        """Mapped glyphs other than filler: where mis-decoding shows."""
        return self.glyphs - self.unmapped - self.filler


@dataclass(frozen=True)
class PageStats:
    """What the text check measured on one page that could be parsed (the
    fields of ``TextCounts``, flat: ``ocr._record_text`` replaces ``glyphs``,
    ``unmapped``, ``foreign`` and ``readable`` of a page OCR has read)."""

    number: int
    #: Non-space glyphs drawn upright on the page.
    glyphs: int
    #: Glyphs without a Unicode mapping ("(cid:N)", private use, controls).
    unmapped: int
    #: Glyphs mapped to characters foreign to these documents (mojibake).
    foreign: int
    image_area: float
    #: False when the page's text was withheld as unreadable.
    readable: bool
    #: The rest of ``TextCounts``.
    garbled: int = 0
    rare: int = 0
    filler: int = 0
    #: Why an unreadable page is: "unmapped" or "mojibake" (``unreadable_reason``).
    reason: Optional[str] = None
    #: False for a readable page that cannot vouch for the document's text:
    #: too few glyphs to be judged (``Settings.unreadable_min_glyphs``), or
    #: as much mojibake as an unreadable page but too few glyphs in all to
    #: tell (``Settings.mojibake_min_chars``).  See ``page_notes``.
    vouches: bool = True

    @classmethod
    def of(cls, number: int, counts: TextCounts, image_area: float, reason: Optional[str],
           settings: Settings) -> "PageStats":
        vouches = reason is not None or (
            counts.glyphs >= settings.unreadable_min_glyphs and counts.suspect < settings.mojibake_ratio * counts.words)
        return cls(number, counts.glyphs, counts.unmapped, counts.foreign, image_area, reason is None,
                   counts.garbled, counts.rare, counts.filler, reason, vouches)

    @property
    def counts(self) -> TextCounts:
        return TextCounts(self.glyphs, self.unmapped, self.foreign, self.garbled, self.rare, self.filler)


def unreadable_reason(counts: TextCounts, settings: Settings) -> Optional[str]:
    """The page-level text check: None for a readable page, else why not,
    "unmapped" (glyphs without a correct Unicode mapping: fonts without a
    correct ToUnicode map) or "mojibake" (text decoded with the wrong
    encoding before it was typeset, or by a wrong map; see
    ``Settings.mojibake_ratio``).  Unreadable when:

    - all its glyphs are unmapped;
    - at least ``unreadable_ratio`` of its glyphs are unmapped, foreign or
      garbled (``TextCounts.bad``);
    - at least ``mojibake_ratio`` of its words (glyphs but filler) and at
      least ``mojibake_min_chars`` glyphs are foreign, garbled or rare
      ideographs (``TextCounts.suspect``).

    The reason is "mojibake" when the signs of mis-decoding (garbled runs,
    rare ideographs) outweigh the unmapped glyphs; foreign characters come
    from both faults and do not decide.  Pages with fewer than
    ``unreadable_min_glyphs`` glyphs prove little (a page number, a rare
    place name in a heading) and pass unless all are unmapped."""
    c = counts
    if not c.glyphs:
        return None
    if c.unmapped == c.glyphs:
        return "unmapped"
    if c.glyphs < settings.unreadable_min_glyphs:
        return None
    kind = "mojibake" if c.garbled + c.rare > c.unmapped else "unmapped"
    if c.bad >= settings.unreadable_ratio * c.glyphs:
        return kind
    if c.suspect >= max(settings.mojibake_min_chars, settings.mojibake_ratio * c.words):
        return kind
    return None


def is_readable(counts: TextCounts, settings: Settings) -> bool:
    """Whether a page's text can be passed on (see ``unreadable_reason``)."""
    return unreadable_reason(counts, settings) is None


#: Characters these documents are written in: CJK ideographs and punctuation,
#: ASCII, and the punctuation and symbols Chinese office documents use.
#: Anything else (Latin-1 letters, Greek, Cyrillic, Hangul, kana …) in
#: quantity is what fonts without a correct ToUnicode map produce.
_EXPECTED = regex.compile(
    r"[\p{Han}\x20-\x7e\s"
    r"\u00a5\u00b0\u00b1\u00b7\u00d7\u00f7"  # ¥ ° ± · × ÷
    r"\u2000-\u206f"  # general punctuation: “ ” ‘ ’ — … ‰ ※
    r"\u2100-\u21ff"  # letterlike symbols, number forms, arrows: ℃ Ⅰ Ⅱ →
    r"\u2200-\u22ff"  # mathematical operators: ≥ ≤ ≠
    r"\u2460-\u24ff"  # enclosed alphanumerics: ① ⑴ ⒈
    r"\u2500-\u27bf"  # box drawing, shapes, symbols, dingbats: ■ ● ★ ✓
    r"\u2e80-\u2fdf"  # CJK radicals
    r"\u3000-\u303f"  # CJK symbols and punctuation: 、。《》【】〇
    r"\u3200-\u33ff"  # enclosed CJK, CJK compatibility: ㈠ ㎡
    r"\ufe10-\ufe1f\ufe30-\ufe6f"  # vertical, CJK compatibility and small forms: ﹒
    r"\uff00-\uffef"  # fullwidth forms: ，：（）％
    r"]"
)

#: Han ideographs (unified, extension A, compatibility, and the
#: supplementary planes), as opposed to other characters of the Han script
#: (radicals, 〇, 々): the characters the common-character list speaks of.
_IDEOGRAPH = regex.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")

#: What a byte of UTF-8's continuation range (0x80-0xBF) becomes when read as
#: Latin-1 or Windows-1252 (a dropped 0x81/0x8D/0x8F/0x90/0x9D: U+FFFD).
_CONTINUATION = (r"[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
                 r"\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a"
                 r"\u20ac\u2122\ufffd]")

#: Runs that only mis-decoded text produces (matched on a page's glyphs
#: joined in drawing order, spaces left out):
#: - UTF-8 read as Latin-1/Windows-1252: a lead byte (Â-ß: two bytes, à-ï:
#:   three, ð-ô: four) followed by its continuation bytes, "éƒ¨é—¨" for 部门
#:   (one continuation may be missing: 0xA0 becomes a no-break space);
#: - 锟斤拷: U+FFFD (the replacement of bytes that were not UTF-8) written as
#:   UTF-8 and read as GBK; 锟 and the character after it, up to the next 拷
#:   (an odd replacement pairs its last byte with the next character's).
#: Real text has neither: 锟 is a sword's name, and a Latin letter followed
#: by ¨, ƒ or ‰ no language writes.
_GARBLED = regex.compile(
    rf"[\u00c2-\u00df]{_CONTINUATION}|[\u00e0-\u00ef]{_CONTINUATION}{{1,2}}|[\u00f0-\u00f4]{_CONTINUATION}{{1,3}}"
    r"|锟.拷|锟.?"
)


@cache
def common_han() -> frozenset[str]:
    """The common-character list: GB2312's level 1 (一级汉字, 3755
    characters), from ``vocab/common_han.tsv``.  Every Han ideograph of the
    sample, the layout variants and the ten real budget PDFs tried
    (some 70,000) is in it; text decoded with the wrong encoding mostly
    lands outside it (see the table's comments).  A table, not Python's
    gb2312 codec: the codec's module is loaded on first use, which a
    conversion under a memory cap (``guard``) may not be able to do."""
    return frozenset("".join(row["chars"] for row in read_table("common_han")))


@lru_cache(maxsize=8192)
def glyph_kind(text: str) -> str:
    """"unmapped" (pdfminer's "(cid:N)" for glyphs without a ToUnicode
    entry, private-use, unassigned, surrogate and control code points,
    U+FFFD), "foreign" (see ``_EXPECTED``), "rare" (an ideograph outside
    ``common_han``), "filler" (ASCII digits and punctuation) or "text".  A
    glyph of several characters takes the first of these kinds that one of
    its characters has."""
    if text.startswith("(cid:"):
        return "unmapped"
    kind = "filler"
    for ch in text:
        if ch == "\ufffd" or (unicodedata.category(ch) in ("Co", "Cn", "Cc", "Cs") and not ch.isspace()):
            return "unmapped"
        if not _EXPECTED.match(ch):
            kind = "foreign"
        elif kind == "foreign":
            continue
        elif _IDEOGRAPH.match(ch) and ch not in common_han():
            kind = "rare"
        elif kind == "filler" and not ("!" <= ch <= "@" or "[" <= ch <= "`" or "{" <= ch <= "~"):
            kind = "text"
    return kind


def text_counts(texts: list[str], kinds: Optional[list[str]] = None) -> TextCounts:
    """The text check of one page: ``texts`` are its glyphs' texts in
    drawing order, spaces left out (``kinds`` their ``glyph_kind``, when
    known).  Garbled runs (``_GARBLED``) are only looked for on a page with
    foreign or rare characters, which real pages rarely have: no cost
    otherwise."""
    if kinds is None:
        kinds = [glyph_kind(t) for t in texts]
    n = dict.fromkeys(("unmapped", "foreign", "rare", "filler", "text"), 0)
    for kind in kinds:
        n[kind] += 1
    runs = dict.fromkeys(n, 0)
    if n["foreign"] or n["rare"]:
        for m in _GARBLED.finditer("".join(texts)):
            for ch in m.group():
                runs[glyph_kind(ch)] += 1
    return TextCounts(
        glyphs=len(kinds),
        unmapped=n["unmapped"],
        foreign=max(0, n["foreign"] - runs["foreign"]),
        garbled=runs["foreign"] + runs["rare"] + runs["filler"] + runs["text"],
        rare=max(0, n["rare"] - runs["rare"]),
        filler=max(0, n["filler"] - runs["filler"]),
    )
