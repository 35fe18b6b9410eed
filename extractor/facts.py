"""Document facts: the unit (code, name), the money unit and the budget
year, from the document's own words.

Each form may state them (a title "2023年…申报表", "（2022年度）", a unit
line "部门名称：XX 单位：万元", a label "项目资金（万元）"); the document's
year is the one its prose states ("2026年部门预算"), else the one its target
forms state (self-evaluations are of a past year by nature), else its file
name's, with a warning.  Where target forms disagree on the year or the
money unit, a warning names them.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Optional, Sequence

import regex

from .document import Unit, Warning
from .forms import FormsResult, ProjectForm
from .forms.kinds import form_kind

_UNIT_LINE = regex.compile(r"^\s*(?P<code>\d{3,})?\s*(?P<name>[^\d\s].*?)?\s*(?:金额|计量)?单位\s*[:：]\s*(?P<money>[千万亿]?元)\s*$")
_UNIT_NAME = regex.compile(r"(?:单位名称|预算单位|部门名称|部门（单位）名称|主管部门)\s*[:：]\s*(?P<name>[^\s:：]+)")
_UNIT_LABEL = regex.compile(r"^\s*(?:单位名称|预算单位|部门名称|部门（单位）名称|编制单位)\s*[:：]\s*")
_MONEY = regex.compile(r"(?:金额|计量)?单位\s*[:：]\s*(?P<money>[千万亿]?元)")
#: A money unit in brackets after a label or in a title: "项目资金（万元）".
_MONEY_BRACKETED = regex.compile(r"[（(]\s*(?:单位\s*[:：]\s*)?(?P<money>[千万亿]?元)\s*[)）]")
YEAR_STATED = regex.compile(r"(?<!\d)(20\d{2})\s*年\s*度?\s*(?:[^\s，。；]{0,12}?)(?:部门|单位)(?:预算|决算)")
_YEAR_IN_NAME = regex.compile(r"(?<!\d)(20\d{2})(?!\d)")
#: A form's year: the title opens with it ("2023年项目支出绩效目标表"), or a
#: year of account stands in it or under it ("（2022年度）").  A year inside a
#: project's name ("提前下达2023年…资金绩效目标表") is no form's year.
_TITLE_YEAR = regex.compile(r"^\s*(?:\d{1,3}\s*[.．、]\s*|表\s*\d{1,3}\s*)?(20\d{2})\s*年")
_YEAR_OF_ACCOUNT = regex.compile(r"(?<!\d)(20\d{2})\s*年度")


def form_year(form: ProjectForm) -> Optional[int]:
    title = form.title.text if form.title is not None else ""
    m = _TITLE_YEAR.match(title)
    if m:
        return int(m.group(1))
    for text in [title] + [s.text for s in form.heading]:
        m = _YEAR_OF_ACCOUNT.search(text)
        if m:
            return int(m.group(1))
    return None


def form_money(form: ProjectForm) -> Optional[str]:
    for span in form.heading:
        m = _MONEY.search(span.text)
        if m:
            return m.group("money")
    texts = ([form.title.text] if form.title is not None else []) + [label for _, label, _ in form.labels]
    for text in texts:
        m = _MONEY_BRACKETED.search(text)
        if m:
            return m.group("money")
    return None


def unit_of(forms: Sequence[ProjectForm]) -> Unit:
    code = name = None
    heading_texts = [s.text for f in forms for s in f.heading]
    for text in heading_texts:
        m = _UNIT_LINE.match(text)
        if m and (m.group("code") or m.group("name")):
            code, name = m.group("code"), m.group("name")
            break
    if name is None:
        for text in heading_texts:
            if m := _UNIT_NAME.search(text):
                name = m.group("name")
                break
    if name is not None:
        name = _UNIT_LABEL.sub("", name).strip() or None
    if name is None:
        code, name = _unit_of_forms(forms)
    if code is None:
        codes = Counter(span.text.strip() for f in forms for role, _, span in f.labels
                        if role == "unit_code" and span.text.strip())
        if len(codes) == 1:
            code = next(iter(codes))  # the 单位编码 every form prints
    return Unit(code=code, name=name)


#: "233_烟台市民政局" under 主管部门及代码: the code, then the name.
_CODED_NAME = regex.compile(r"^(?P<code>\d{2,})[_＿\s]+(?P<name>\S.*)$")


def _unit_of_forms(forms: Sequence[ProjectForm]) -> tuple[Optional[str], Optional[str]]:
    """Where no unit line names the unit: the department form's 部门（单位）
    名称, else the 主管部门 most project forms name (all but a few)."""
    for f in forms:
        for role, _, span in f.labels:
            if role == "unit_name" and span.text.strip():
                return None, span.text.strip()
    named = Counter(span.text.strip() for f in forms for role, _, span in f.labels
                    if role == "department" and span.text.strip())
    if not named:
        return None, None
    text, count = named.most_common(1)[0]
    if count < 0.6 * sum(named.values()):
        return None, None
    m = _CODED_NAME.match(text)
    return (m.group("code"), m.group("name")) if m else (None, text)


def _where(forms: Sequence[ProjectForm]) -> str:
    pages = sorted({f.pages[0] for f in forms if f.pages})
    return "pages " + ", ".join(map(str, pages)) if len(pages) > 1 else f"page {pages[0]}" if pages else "document"


def document_facts(result: FormsResult, path: Path) -> tuple[Unit, Optional[str], Optional[int], list[Warning]]:
    """Unit, money unit and budget year, with the warnings they call for."""
    warnings: list[Warning] = []
    forms = list(result.forms)
    targets = [f for f in forms if form_kind(f).kind == "targets"]

    monies = [form_money(f) for f in forms]
    in_targets = [m for f, m in zip(forms, monies) if m and form_kind(f).kind == "targets"]
    stated_money = Counter(in_targets) or Counter(m for m in monies if m)
    money = stated_money.most_common(1)[0][0] if stated_money else None
    if len(stated_money) > 1:
        detail = "; ".join(f"{m} on {_where([f for f, fm in zip(forms, monies) if fm == m])}" for m in stated_money)
        warnings.append(Warning("conflicting_money_unit", "document",
                                f"the forms state different money units ({detail}); money_unit is {money}, the most "
                                "common: amounts keep each form's own unit, check the others"))

    years = [form_year(f) for f in targets]
    form_years = Counter(y for y in years if y)
    year = None
    for text in [l.text for l in result.prose] + [f.title.text for f in targets if f.title]:
        m = YEAR_STATED.search(text)
        if m:
            year = int(m.group(1))
            break
    if year is None and form_years:
        year = form_years.most_common(1)[0][0]
    if form_years and (len(form_years) > 1 or year not in form_years):
        detail = "; ".join(f"{y} on {_where([f for f, fy in zip(targets, years) if fy == y])}" for y in sorted(form_years))
        warnings.append(Warning("conflicting_year", "document",
                                f"the target forms state different years ({detail}); the budget year is {year}"))
    if year is None:
        m = _YEAR_IN_NAME.search(path.stem)
        if m:
            # A guess worth stating: deadlines printed without a year
            # ("12月底前") are dated in it.
            year = int(m.group(1))
            warnings.append(Warning("year_from_file_name", "document",
                                    f"the budget year is not stated in the document; {year} is taken from the file "
                                    "name (deadlines printed without a year are dated in it)"))
        else:
            warnings.append(Warning("no_year", "document", "the budget year is stated neither in the document nor in the file name"))
    return unit_of(result.forms), money, year, warnings
