"""Stage 3b: the prose of 第一部分 部门整体绩效目标 -> ``Overall``.

``lines_to_paragraphs`` reflows printed lines into paragraphs using the
geometry a reader uses: an indented line or a numbered heading opens a
paragraph, a line ending short of the right margin closes one, and a
paragraph runs on across a page break when the last line of the page is full
and the next page's first line is not indented.  ``paragraphs_to_overall``
then reads the sections (一、二、三、), the numbered items (1、…) and the
measures (（一）…) by their headings' words from ``vocab/sections.tsv``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Optional, Sequence

import regex

from .document import Measure, Overall, OverallTarget, Target
from .layout import TextLine
from .rejoin import join_pair
from .settings import Settings
from .vocab import label_key, words

SECTION = regex.compile(r"^\s*([一二三四五六七八九十]{1,3})\s*[、.．]\s*(.+)$")
ITEM = regex.compile(r"^\s*(\d{1,2})\s*[、.．]\s*(.+)$")
MEASURE = regex.compile(r"^\s*[（(]\s*([一二三四五六七八九十]{1,3})\s*[）)]\s*(.*)$")
PART = regex.compile(r"^\s*第\s*[一二三四五六七八九十\d]+\s*部分\s*(.*)$")


@dataclass(frozen=True)
class Paragraph:
    text: str
    pages: tuple[int, ...]


def _is_heading(text: str) -> bool:
    return bool(SECTION.match(text) or ITEM.match(text) or MEASURE.match(text) or PART.match(text))


def _text_edges(lines: Sequence[TextLine]) -> tuple[float, float]:
    """Left and right edges of body text: the most common line start and the
    line end most full lines reach."""
    starts = Counter(round(l.box.x0) for l in lines)
    left = min(x for x, n in starts.items() if n == max(starts.values()))
    ends = sorted(l.box.x1 for l in lines)
    return float(left), ends[int(0.9 * (len(ends) - 1))]


def _margins(lines: Sequence[TextLine], min_lines: int = 8) -> dict[int, tuple[float, float]]:
    """Per page, the body text's edges; pages with too few lines to tell
    (a title page) use the whole text's."""
    overall = _text_edges(lines)
    out = {}
    for page in sorted({l.page for l in lines}):
        mine = [l for l in lines if l.page == page]
        out[page] = _text_edges(mine) if len(mine) >= min_lines else overall
    return out


def lines_to_paragraphs(lines: Sequence[TextLine], settings: Settings) -> list[Paragraph]:
    margins = _margins(lines)
    paragraphs: list[Paragraph] = []
    text = ""
    pages: list[int] = []
    prev_closed = True
    for line in lines:
        left, right = margins[line.page]
        em = line.size
        indented = line.box.x0 - left >= settings.indent * em
        centred = abs((line.box.x0 + line.box.x1) / 2 - (left + right) / 2) < 2 * em and line.box.x0 - left > 3 * em
        opens = prev_closed or indented or centred or _is_heading(line.text)
        if opens and text:
            paragraphs.append(Paragraph(text, tuple(dict.fromkeys(pages))))
            text, pages = "", []
        text = join_pair(text, line.text, first_filled=True) if text else line.text
        pages.append(line.page)
        prev_closed = (right - line.box.x1 >= settings.short_line * em) or centred
    if text:
        paragraphs.append(Paragraph(text, tuple(dict.fromkeys(pages))))
    return paragraphs


def _role_of(heading: str, roles: Sequence[str]) -> Optional[str]:
    key = label_key(heading)
    for role in roles:
        if key in {label_key(w) for w in words("sections", role)}:
            return role
    for role in roles:
        if any(label_key(w) in key for w in words("sections", role)):
            return role
    return None


def overall_paragraphs(paragraphs: Sequence[Paragraph]) -> Optional[list[Paragraph]]:
    """The paragraphs between the 部门整体绩效目标 heading and the next part."""
    start = None
    for i, p in enumerate(paragraphs):
        text = PART.sub(r"\1", p.text).strip()
        if start is None and _role_of(text, ("overall_part",)) == "overall_part" and len(text) <= 20:
            start = i + 1
        elif start is not None and (PART.match(p.text) or _role_of(text, ("projects_part",)) and len(text) <= 20):
            return list(paragraphs[start:i])
    return list(paragraphs[start:]) if start is not None else None


def _strip_label(text: str, role: str) -> Optional[str]:
    for word in words("sections", role):
        m = regex.match(rf"^\s*{regex.escape(word)}\s*[:：]\s*", text)
        if m:
            return text[m.end():]
    return None


_SATISFACTION_TAIL = regex.compile(r"^[^。；;，,]*?(?:[≥≤>=<＞＜]|不低于|不少于|达到|高于|在)?\s*\d+(?:\.\d+)?\s*[%％]")


def satisfaction_target(text: str) -> Optional[Target]:
    """The satisfaction target of an indicator paragraph
    ("使职工对工会工作的满意度达到80%" -> >= 80 %)."""
    from .normalize import normalize_target

    for word in words("sections", "satisfaction"):
        for m in regex.finditer(regex.escape(word), text):
            tail = _SATISFACTION_TAIL.match(text[m.end():])
            if tail:
                parsed = normalize_target(tail.group(0).strip()).target
                if parsed.value is not None:
                    return Target(**{**parsed.__dict__, "raw": word + tail.group(0).strip()})
    return None


def paragraphs_to_overall(paragraphs: Sequence[Paragraph]) -> Overall:
    section: Optional[str] = None
    summary: list[str] = []
    targets: list[dict] = []
    measures: list[Measure] = []
    for p in paragraphs:
        head = SECTION.match(p.text)
        if head and len(head.group(2)) <= 30:
            section = _role_of(head.group(2), ("targets", "measures", "summary"))
            continue
        if section == "summary":
            summary.append(p.text)
        elif section == "targets":
            item = ITEM.match(p.text)
            goal = _strip_label(p.text, "goal_label")
            indicator = _strip_label(p.text, "indicator_label")
            if item and goal is None and indicator is None:
                targets.append({"no": int(item.group(1)), "title": item.group(2).strip(), "goal": "", "indicator": ""})
            elif targets and indicator is not None:
                targets[-1]["indicator"] = join_pair(targets[-1]["indicator"], indicator, first_filled=True)
            elif targets and goal is not None:
                targets[-1]["goal"] = join_pair(targets[-1]["goal"], goal, first_filled=True)
            elif targets:
                key = "indicator" if targets[-1]["indicator"] else "goal"
                targets[-1][key] = join_pair(targets[-1][key], p.text, first_filled=True)
        elif section == "measures":
            m = MEASURE.match(p.text)
            if m:
                body = m.group(2).strip()
                title, _, rest = body.partition("。")
                measures.append(Measure(no=m.group(1), title=title, text=rest.strip()))
            elif measures:
                last = measures[-1]
                measures[-1] = Measure(last.no, last.title, join_pair(last.text, p.text, first_filled=True))
    return Overall(
        summary="\n".join(summary) or None,
        targets=[
            OverallTarget(no=t["no"], title=t["title"], goal=t["goal"], indicator=t["indicator"], satisfaction=satisfaction_target(t["indicator"]))
            for t in targets
        ],
        measures=measures,
    )
