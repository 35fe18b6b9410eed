"""extractor.normalize: 指标值 cells -> Target.

The case table tests/data/target_cases.tsv holds real-world-style cells with
every expected field (and the budget year passed, if any); the split-cell
cases mirror templates that print operator / value / unit in separate columns;
hypothesis checks that generated values, ranges in Chinese numerals, per-period
units and deadlines read back, and that no input raises or breaks the schema.
"""

from __future__ import annotations

import calendar
import csv
import dataclasses
import itertools
import re
import unicodedata
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SHARED, require
from extractor.contract import json_schema
from extractor.document import Target
from extractor.normalize import ParsedTarget, normalize_target

DATA = Path(__file__).resolve().parent / "data"
SHARED_DATA = SHARED / "data"
FIELDS = ("kind", "cmp", "value", "upper", "unit", "unit_raw", "note", "date", "relative")

_schema = json_schema()
TARGET_VALIDATOR = jsonschema.Draft202012Validator({"$defs": _schema["$defs"], "$ref": "#/$defs/Target"})


# -- the case table ----------------------------------------------------------------


def _cases(name: str = "target_cases.tsv") -> list[dict[str, str]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines if line and not line.startswith("#")]
    header, body = rows[0], rows[1:]
    assert all(len(r) == len(header) for r in body), [r for r in body if len(r) != len(header)]
    return [dict(zip(header, r)) for r in body]


#: The development cases: written alongside the rules they test.
CASES = _cases()
#: Cells no rule was written against (tests/data/target_heldout.tsv).
HELDOUT = _cases("target_heldout.tsv")
#: The share of held-out cells read exactly that the extractor must keep:
#: 75 of 78 (96.2 %) when the file was written; one more miss fails.
HELDOUT_FLOOR = 0.95


def _year(case: dict[str, str]) -> int | None:
    return None if case["year"] == "-" else int(case["year"])


def _expected(cell: str, field: str):
    if cell == "-":
        return None
    if field in ("value", "upper"):
        return float(cell)
    return cell


def test_case_table_is_large_and_distinct():
    keys = [(c["text"], c["year"]) for c in CASES]
    assert len(keys) >= 500
    assert len(set(keys)) == len(keys), "duplicate rows in target_cases.tsv"


def _differences(case: dict[str, str]) -> dict[str, tuple]:
    """How ``normalize_target`` reads the case's cell differently from the
    case: {field: (expected, got)}, empty when it reads it exactly."""
    parsed = normalize_target(case["text"], year=_year(case))
    t = parsed.target
    if case["problem"] == "yes":
        got = (bool(parsed.problem), t.kind, t.cmp, t.value, t.date)
        want = (True, "qualitative", None, None, None)
        return {} if got == want else {"flagged, kind, cmp, value, date": (want, got)}
    diffs = {f: (_expected(case[f], f), getattr(t, f)) for f in FIELDS if getattr(t, f) != _expected(case[f], f)}
    if parsed.problem is not None:
        diffs["problem"] = (None, parsed.problem)
    return diffs


@pytest.mark.parametrize("case", CASES, ids=[c["text"] + ("" if c["year"] == "-" else f"@{c['year']}") for c in CASES])
def test_case_table(case):
    parsed = normalize_target(case["text"], year=_year(case))
    assert parsed.target.raw == case["text"]
    assert parsed.problem is None or "internal error" not in parsed.problem
    assert _differences(case) == {}


def test_heldout_cases_are_not_development_cases():
    development = {c["text"] for c in CASES} | set(_dev_values())
    assert len(HELDOUT) >= 70
    assert not [c["text"] for c in HELDOUT if c["text"] in development]


def test_heldout_cases_are_read_at_the_stated_accuracy():
    """Cells no rule was written against: each keeps its text, accounts for
    its numbers or is flagged, and the share read exactly in every field
    stays at or above the floor (the misses are printed for -rA / -s)."""
    misses = {}
    for case in HELDOUT:
        parsed = normalize_target(case["text"], year=_year(case))
        assert parsed.target.raw == case["text"]
        assert parsed.problem is None or "internal error" not in parsed.problem
        assert _accounted(parsed, _year(case)), case["text"]
        diffs = _differences(case)
        if diffs:
            misses[case["text"]] = diffs
    share = 1 - len(misses) / len(HELDOUT)
    print(f"held-out: {len(HELDOUT) - len(misses)}/{len(HELDOUT)} read exactly ({share:.1%})")
    for text, diffs in misses.items():
        print(f"  {text}: {diffs}")
    assert share >= HELDOUT_FLOOR, misses


# -- the contract's examples, spelled out ----------------------------------------------


@pytest.mark.parametrize(
    "text, cmp, value, unit, unit_raw, note",
    [
        ("≥242人数", ">=", 242, "人", "人数", None),
        ("100百分比", "=", 100, "%", "百分比", None),
        ("≤4500元/年", "<=", 4500, "元/年", "元/年", None),
        ("≥50%", ">=", 50, "%", "%", None),
        ("5万元", "=", 5, "万元", "万元", None),
        ("16按计提的工会经费60%拨付给公安局辅警，…", "=", 16, None, None, "按计提的工会经费60%拨付给公安局辅警，…"),
    ],
)
def test_contract_examples(text, cmp, value, unit, unit_raw, note):
    parsed = normalize_target(text)
    assert parsed == ParsedTarget(
        Target(raw=text, kind="quantitative", cmp=cmp, value=value, unit=unit, unit_raw=unit_raw, note=note)
    )


@pytest.mark.parametrize("text", ["有效提升", "逐步改善"])
def test_contract_qualitative(text):
    assert normalize_target(text) == ParsedTarget(Target(raw=text, kind="qualitative"))


@pytest.mark.parametrize(
    "text, value, unit_raw, note",
    [
        ("≥95% ", 95, "%", None),  # whitespace around the cell
        ("\t≥ 95 %\n", 95, "%", None),
        ("≥95　%", 95, "%", None),  # ideographic space
        ("95 元 / 人", 95, "元/人", None),  # unit_raw drops layout gaps
        ("16 按计提的 工会经费", 16, None, "按计提的 工会经费"),  # notes keep inner spaces
    ],
)
def test_whitespace_is_tolerated(text, value, unit_raw, note):
    t = normalize_target(text).target
    assert (t.raw, t.value, t.unit_raw, t.note) == (text, value, unit_raw, note)


def test_number_with_gap_is_not_glued():
    # "10 20" must not become 1020.
    parsed = normalize_target("10 20")
    assert parsed.problem and parsed.target.value is None


# -- split cells (operator / value / unit columns) ----------------------------------------

SPLIT_CASES = [
    # operator, value, unit -> raw, kind, cmp, value, unit, unit_raw, problem?
    ("≥", "95", "%", "≥95%", "quantitative", ">=", 95, "%", "%", False),
    ("≥", "1", "年", "≥1年", "quantitative", ">=", 1, "年", "年", False),
    ("≥", "1", "人/年", "≥1人/年", "quantitative", ">=", 1, "人/年", "人/年", False),
    ("=", "11", "个", "11个", "quantitative", "=", 11, "个", "个", False),
    ("≥", "80", "人数", "≥80人数", "quantitative", ">=", 80, "人", "人数", False),
    ("≥", "9.31", "万元", "≥9.31万元", "quantitative", ">=", 9.31, "万元", "万元", False),
    ("=", "8", "", "8", "quantitative", "=", 8, None, None, False),
    ("=", "24", "人/次", "24人/次", "quantitative", "=", 24, "人次", "人/次", False),
    ("=", "0", "万元/人", "0万元/人", "quantitative", "=", 0, "万元/人", "万元/人", False),
    ("≧", "735", "人次", "≧735人次", "quantitative", ">=", 735, "人次", "人次", False),
    ("═", "100", "%", "100%", "quantitative", "=", 100, "%", "%", False),
    ("≤", "101400", "元", "≤101400元", "quantitative", "<=", 101400, "元", "元", False),
    ("=", "6", "万立方米", "6万立方米", "quantitative", "=", 6, "万立方米", "万立方米", False),
    ("=", "0.5", "万亩", "0.5万亩", "quantitative", "=", 0.5, "万亩", "万亩", False),
    ("=", "4900", "公顷", "4900公顷", "quantitative", "=", 4900, "公顷", "公顷", False),
    ("=", "1", "单", "1单", "quantitative", "=", 1, "单", "单", False),
    ("=", "15000", "株", "15000株", "quantitative", "=", 15000, "株", "株", False),
    ("", "95", "%", "95%", "quantitative", "=", 95, "%", "%", False),
    ("大于等于", "90", "%", "大于等于90%", "quantitative", ">=", 90, "%", "%", False),
    ("＞＝", "９０", "％", "＞＝９０％", "quantitative", ">=", 90, "%", "％", False),
    ("≥", " 95 ", " % ", "≥95%", "quantitative", ">=", 95, "%", "%", False),
    ("≥", "95%", "%", "≥95%", "quantitative", ">=", 95, "%", "%", False),  # unit printed twice
    ("≥", "≥95", "%", "≥95%", "quantitative", ">=", 95, "%", "%", False),  # operator printed twice
    ("=", "5", "棵", "5棵", "quantitative", "=", 5, "棵", "棵", False),  # unknown unit kept as written
    ("定量", "3", "个", "3个", "quantitative", "=", 3, "个", "个", False),
    # garbage in the unit column: the value stays, the unit is refused and flagged
    ("=", "44,561", "44,561", "44,561 44,561", "quantitative", "=", 44561, None, None, True),
    # qualitative rows
    ("定性", "", "", "定性", "qualitative", None, None, None, None, False),
    ("定性", "减少", "", "减少", "qualitative", None, None, None, None, False),
    ("定性", "优良中低差", "", "优良中低差", "qualitative", None, None, None, None, False),
    ("", "有效", "", "有效", "qualitative", None, None, None, None, False),
    # conflicts and gaps are flagged
    ("≤", "≥95", "%", "≤≥95%", "quantitative", ">=", 95, "%", "%", True),
    ("=", "95%", "人", "95%人", "quantitative", "=", 95, "%", "%", True),
    ("≥", "", "%", "≥%", "qualitative", None, None, None, None, True),
    ("正向", "95", "%", "正向95%", "quantitative", "=", 95, "%", "%", True),
    ("定性", "95", "%", "95%", "quantitative", "=", 95, "%", "%", True),
]


@pytest.mark.parametrize("row", SPLIT_CASES, ids=["|".join(r[:3]) for r in SPLIT_CASES])
def test_split_cells(row):
    op, value, unit, raw, kind, cmp, number, canon, unit_raw, flagged = row
    parsed = normalize_target(value, operator=op, unit=unit)
    t = parsed.target
    assert (t.raw, t.kind, t.cmp, t.value, t.unit, t.unit_raw) == (raw, kind, cmp, number, canon, unit_raw)
    assert bool(parsed.problem) == flagged, parsed.problem


def test_split_cell_deadline_takes_the_operator():
    t = normalize_target("2023年12月", operator="≤", unit="").target
    assert (t.kind, t.cmp, t.date, t.raw) == ("qualitative", "<=", "2023-12-31", "≤2023年12月")


def test_split_none_arguments_equal_the_plain_call():
    assert normalize_target("≥95%", operator=None, unit=None) == normalize_target("≥95%")


_OPERATOR_CMP = {"≥": ">=", "≧": ">=", "=": "=", "═": "=", "≤": "<=", "": "="}


def _split_rows():
    path = SHARED_DATA / "indicator_value_split_cells.tsv"
    if not path.exists():
        return []
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def test_split_development_set():
    require(bool(_split_rows()), f"the split-cell development set is not beside this checkout ({SHARED_DATA})")
    for row in _split_rows():
        op, value, unit = row["operator_cell"], row["value_cell"], row["unit_cell"]
        parsed = normalize_target(value, operator=op, unit=unit)
        t = parsed.target
        assert parsed.problem is None or "internal error" not in parsed.problem
        if op == "定性" or not re.search(r"[0-9]", value):
            assert t.kind == "qualitative" and t.value is None, row
            continue
        assert t.kind == "quantitative", row
        assert t.value == float(value.replace(",", "")), row
        assert t.cmp == _OPERATOR_CMP[op], row
        if unit and not re.search(r"[0-9]", unit):
            assert t.unit_raw == unit and t.unit, row
            assert parsed.problem is None, row
        elif unit:
            assert t.unit is None and parsed.problem, row  # "44,561" in the unit column


# -- the budget year ---------------------------------------------------------------------


@pytest.mark.parametrize("year", [1899, 2101, True, "2024"])
def test_an_implausible_budget_year_dates_nothing(year):
    assert normalize_target("12月底前", year=year) == normalize_target("12月底前")


def test_split_cells_take_the_budget_year():
    t = normalize_target("12月底前", operator="", unit="", year=2024).target
    assert (t.kind, t.cmp, t.date) == ("qualitative", "<=", "2024-12-31")


def test_projects_pass_the_budget_year_to_their_targets():
    """The pipeline hands the document's year to every 指标值 (projects.py)."""
    from extractor.forms import IndicatorRow, ProjectForm, Span
    from extractor.layout import Box
    from extractor.projects import forms_to_projects

    def span(text: str) -> Span:
        return Span(text, 5, Box(0, 0, 10, 10), (text,))

    row = IndicatorRow({"level1": span("产出指标"), "level2": span("时效指标"), "level3": span("完成时间"),
                        "value": span("12月底前")}, {}, (5,))
    form = ProjectForm(span("1.某项目绩效目标表"), (), (), (), (), (row,), (5,))
    dated, _ = forms_to_projects([form], year=2023)
    undated, _ = forms_to_projects([form])
    assert dated[0].indicators[0].target.date == "2023-12-31"
    assert undated[0].indicators[0].target.date is None


# -- the development set -------------------------------------------------------------------

_NUM = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?")


def _fold(text: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def _accounted(parsed: ParsedTarget, year: int | None = None) -> bool:
    """No number of the cell is silently dropped: every number outside the
    note and the unit is the value (or upper bound), the year of the date, or
    a month of a deadline without a year; or the cell is flagged.  A date
    without a printed year is in the budget ``year`` (or the one after:
    "次年3月底前")."""
    if parsed.problem:
        return True
    # The note and the unit are slices of the cell, but which occurrence of
    # their text is not recorded ("在10在1": the note is the second "在1").
    return any(_accounted_without(parsed, year, last) for last in itertools.product((False, True), repeat=2))


def _accounted_without(parsed: ParsedTarget, year: int | None, last: tuple[bool, ...]) -> bool:
    """``_accounted``, the note and the unit taken out at their first or
    (``last``) last occurrence."""
    t = parsed.target
    rest = _fold(t.raw)
    for part, from_end in zip((t.note, t.unit_raw), last):
        if part:
            folded = _fold(part)
            at = rest.rfind(folded) if from_end else rest.find(folded)
            if at >= 0:
                rest = rest[:at] + " " + rest[at + len(folded):]
    numbers = [float(m.group().replace(",", "")) for m in _NUM.finditer(rest)]
    if t.kind == "quantitative":
        if not numbers:  # written in words ("两次", "百分之九十五")
            return not re.search(r"[0-9]", rest)
        return set(numbers) <= {abs(t.value), t.upper}
    if t.date:
        parts = [int(n) for n in re.findall(r"[0-9]+", rest)]  # years, months, days
        printed = [n for n in parts if n >= 1900]
        if not parts:  # written in words ("二〇二三年十二月", "当年底前")
            return True
        if not printed:  # "12月底前", "当年底前": the budget year
            return year is not None and int(t.date[:4]) in (year, year + 1) and all(n <= 31 for n in parts)
        return int(t.date[:4]) in parts and all(n <= 2100 for n in parts)
    # without a date, only months / days / quarters of an unnamed year
    leftover = re.sub(r"[0-9]{1,2}(?=(?:[-~至到—]+[0-9]{1,2})*(?:月|日|号|季度))", "", rest)
    return not re.search(r"[0-9]", leftover)


def _dev_values() -> list[str]:
    path = SHARED_DATA / "indicator_values.txt"
    if not path.exists():
        return []
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]


def test_development_set_is_normalized_or_flagged():
    require(bool(_dev_values()), f"the development set is not beside this checkout ({SHARED_DATA})")
    in_table = {c["text"] for c in CASES}
    for text in _dev_values():
        parsed = normalize_target(text)
        assert parsed.target.raw == text
        assert _accounted(parsed), (text, parsed)
        assert parsed.problem is None or "internal error" not in parsed.problem
        assert text in in_table, f"add {text!r} with its expected fields to tests/data/target_cases.tsv"


def test_case_table_accounts_for_every_number():
    for case in CASES:
        assert _accounted(normalize_target(case["text"], year=_year(case)), _year(case)), case["text"]


# -- properties --------------------------------------------------------------------

PREFIXES = [
    ("≥", ">="), ("≧", ">="), (">=", ">="), ("＞＝", ">="), ("大于等于", ">="), ("不低于", ">="),
    ("不少于", ">="), ("不小于", ">="), ("至少", ">="), ("≤", "<="), ("≦", "<="), ("<=", "<="),
    ("小于等于", "<="), ("不高于", "<="), ("不超过", "<="), ("不大于", "<="), (">", ">"), ("＞", ">"),
    ("大于", ">"), ("超过", ">"), ("高于", ">"), ("<", "<"), ("＜", "<"), ("小于", "<"), ("低于", "<"),
    ("=", "="), ("＝", "="), ("═", "="), ("等于", "="),
]
SUFFIXES = [("以上", ">="), ("及以上", ">="), ("以下", "<="), ("及其以下", "<="), ("以内", "<=")]
UNITS = [
    ("", None), ("%", "%"), ("％", "%"), ("百分比", "%"), ("‰", "‰"), ("人", "人"), ("人数", "人"),
    ("人次", "人次"), ("户", "户"), ("个", "个"), ("个数", "个"), ("项", "项"), ("次", "次"), ("场", "场"),
    ("元", "元"), ("万元", "万元"), ("亿元", "亿元"), ("元/人", "元/人"), ("元/年", "元/年"),
    ("次/月", "次/月"), ("元/人·年", "元/人·年"), ("天", "天"), ("工作日", "工作日"), ("小时", "小时"),
    ("分钟", "分钟"), ("个月", "月"), ("平方米", "平方米"), ("㎡", "平方米"), ("万平方米", "万平方米"),
    ("立方米", "立方米"), ("亩", "亩"), ("公顷", "公顷"), ("公里", "公里"), ("km", "公里"), ("米", "米"),
    ("吨", "吨"), ("TB", "TB"), ("万", "万"), ("万粒", "万粒"),
]
_FULLWIDTH = str.maketrans("0123456789.,", "０１２３４５６７８９．，")


@st.composite
def numbers(draw, max_int=10**7):
    """(text, value): int, decimal, thousands separators, full-width digits."""
    whole = draw(st.integers(0, max_int))
    frac = draw(st.one_of(st.just(""), st.text("0123456789", min_size=1, max_size=3)))
    style = draw(st.sampled_from(["plain", "thousands", "fullwidth", "fullwidth_thousands"]))
    body = f"{whole:,}" if "thousands" in style else str(whole)
    text = body + (f".{frac}" if frac else "")
    value = float(f"{whole}.{frac}" if frac else whole)
    if style.startswith("fullwidth"):
        text = text.translate(_FULLWIDTH)
    return text, value


def _not_a_date(num, value, unit):
    # "2023.07" without a unit is read as a date (documented); keep it out
    if not unit and re.fullmatch(r"(?:19|20)[0-9]{2}\.[0-9]{2}", _fold(num)):
        return "95", 95.0
    return num, value


def _gap(draw):
    return draw(st.sampled_from(["", "", " ", "\u3000"]))


@st.composite
def quantities(draw):
    num, value = draw(numbers())
    unit, canonical = draw(st.sampled_from(UNITS))
    how = draw(st.sampled_from(["prefix", "suffix", "none"]))
    prefix, suffix, cmp = "", "", "="
    if how == "prefix":
        prefix, cmp = draw(st.sampled_from(PREFIXES))
    elif how == "suffix":
        suffix, cmp = draw(st.sampled_from(SUFFIXES))
    num, value = _not_a_date(num, value, unit)
    text = prefix + _gap(draw) + num + _gap(draw) + unit + _gap(draw) + suffix
    return text, cmp, value, canonical, unit or None


@settings(max_examples=300, deadline=None)
@given(quantities())
def test_generated_quantities_read_back(case):
    text, cmp, value, unit, unit_raw = case
    parsed = normalize_target(text)
    t = parsed.target
    assert parsed.problem is None, parsed.problem
    assert (t.raw, t.kind, t.cmp, t.value, t.upper, t.unit, t.unit_raw, t.note, t.date) == (
        text, "quantitative", cmp, value, None, unit, unit_raw, None, None
    )


@settings(max_examples=200, deadline=None)
@given(
    numbers(max_int=1800),
    numbers(max_int=1800),
    st.sampled_from(["-", "~", "～", "至", "到", "—", "--", "〜"]),
    st.sampled_from([u for u in UNITS if u[0]]),
    st.booleans(),
)
def test_generated_ranges_read_back(a, b, sep, unit, unit_twice):
    (lo_text, lo), (hi_text, hi) = sorted([a, b], key=lambda x: x[1])
    written, canonical = unit
    text = lo_text + (written if unit_twice else "") + sep + hi_text + written
    parsed = normalize_target(text)
    t = parsed.target
    assert parsed.problem is None, parsed.problem
    assert (t.kind, t.cmp, t.value, t.upper, t.unit, t.unit_raw) == ("quantitative", "range", lo, hi, canonical, written)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(sorted(_OPERATOR_CMP.items()) + [("大于等于", ">="), ("<", "<"), ("＞", ">")]),
    numbers(),
    st.sampled_from(UNITS),
)
def test_generated_split_cells_read_back(op, number, unit):
    (operator, cmp), (num, value), (written, canonical) = op, number, unit
    num, value = _not_a_date(num, value, written)
    parsed = normalize_target(num, operator=operator, unit=written)
    t = parsed.target
    assert parsed.problem is None, parsed.problem
    assert (t.kind, t.cmp, t.value, t.unit, t.unit_raw) == ("quantitative", cmp, value, canonical, written or None)
    assert t.raw == ("" if cmp == "=" else operator) + num + written


_NOISY = st.lists(
    st.sampled_from(
        list("0123456789.,，%％≥≤<>=＝-~～至到万元人个次年月日号前底以上下内 （）()。一二两三十百千零〇分之/·每第截止约控制在达及+—按A")
        + ["点", "人均", "±", "−", "当年", "次年", "季度", "末", "水平", "较上年", "百分百", "个百分点"]
    ),
    max_size=16,
).map("".join)


def _check_target(parsed: ParsedTarget, text: str) -> None:
    assert isinstance(parsed, ParsedTarget)
    t = parsed.target
    TARGET_VALIDATOR.validate(dataclasses.asdict(t))
    assert parsed.problem is None or "internal error" not in parsed.problem, parsed.problem
    if t.kind == "quantitative":
        assert t.value is not None and t.cmp is not None and t.date is None
        assert (t.cmp == "range") == (t.upper is not None)
        assert (t.unit is None) == (t.unit_raw is None)
    else:
        assert t.value is None and t.upper is None and t.unit is None
        assert t.cmp is None or t.date is not None  # a qualitative cmp only relates to a date


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), _NOISY), st.sampled_from([None, 2024]))
def test_any_text_gives_a_valid_target(text, year):
    parsed = normalize_target(text, year=year)
    assert parsed.target.raw == text
    _check_target(parsed, text)
    assert _accounted(parsed, year), parsed
    if year is not None and parsed.target.date is None:
        # the budget year only ever adds a date; everything else is as without it
        assert parsed == normalize_target(text) or normalize_target(text).target.date is not None


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=4), _NOISY), _NOISY, st.one_of(st.text(max_size=6), _NOISY))
def test_any_split_cells_give_a_valid_target(operator, value, unit):
    _check_target(normalize_target(value, operator=operator, unit=unit), value)


_CN_DIGITS = "零一二三四五六七八九"


def _chinese(n: int, two: str = "二") -> str:
    """1..999 in Chinese numerals, as written by hand ("十二", "一百零五", "三百二十")."""
    digits = _CN_DIGITS.replace("二", two) if n < 10 else _CN_DIGITS
    if n < 10:
        return digits[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    tail = "" if rest == 0 else "零" + _CN_DIGITS[rest] if rest < 10 else _CN_DIGITS[rest // 10] + "十" + (
        _CN_DIGITS[rest % 10] if rest % 10 else "")
    return _CN_DIGITS[hundreds] + "百" + tail


_CN_RANGE_UNITS = [("个", "个"), ("次", "次"), ("人", "人"), ("人次", "人次"), ("天", "天"), ("个月", "月"), ("年", "年"),
                   ("项", "项"), ("场", "场"), ("户", "户"), ("个工作日", "工作日"), ("小时", "小时"), ("%", "%"),
                   ("元", "元"), ("万元", "万元")]


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 998), st.integers(1, 999), st.sampled_from(["至", "到", "-", "~", "—"]),
       st.sampled_from(_CN_RANGE_UNITS), st.sampled_from(["二", "两"]))
def test_generated_chinese_ranges_read_back(a, b, sep, unit, two):
    lo, hi = sorted((a, b))
    if lo == hi:
        hi += 1
    written, canonical = unit
    text = _chinese(lo, two) + sep + _chinese(hi, two) + written
    parsed = normalize_target(text)
    t = parsed.target
    assert parsed.problem is None, (text, parsed.problem)
    want = ("quantitative", "range", lo, hi, canonical, written)
    assert (t.kind, t.cmp, t.value, t.upper, t.unit, t.unit_raw) == want, text


_PERIODS = [("年", "年"), ("年度", "年"), ("季度", "季度"), ("个季度", "季度"), ("月", "月"), ("个月", "月"), ("周", "周"),
            ("天", "天"), ("人", "人"), ("户", "户"), ("村", "村")]
_PER_UNITS = [("次", "次"), ("人次", "人次"), ("元", "元"), ("万元", "万元"), ("个", "个"), ("场", "场"), ("小时", "小时"),
              ("期", "期")]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(_PERIODS), st.integers(1, 5000), st.sampled_from(_PER_UNITS),
       st.sampled_from([("", "="), ("≥", ">="), ("不少于", ">="), ("≤", "<="), ("不超过", "<=")]))
def test_generated_per_period_units_agree(period, n, unit, comparator):
    """ "每季度1次" and "1次/季度" have one unit: 次/季度 (the words stay the note)."""
    (per, per_canonical), (written, canonical), (word, cmp) = period, unit, comparator
    before = normalize_target(f"每{per}{word}{n}{written}")
    after = normalize_target(f"{word}{n}{written}/{per}")
    assert before.problem is None and after.problem is None, (before.problem, after.problem)
    t = before.target
    assert (t.kind, t.cmp, t.value, t.unit, t.unit_raw, t.note) == (
        "quantitative", cmp, n, f"{canonical}/{per_canonical}", written, f"每{per}")
    assert after.target.unit == t.unit


_MONTH_PARTS = [("底", "end"), ("末", "end"), ("下旬", "end"), ("中旬", 20), ("上旬", 10), ("", None)]


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 12), st.sampled_from(_MONTH_PARTS), st.one_of(st.none(), st.integers(1, 28)),
       st.sampled_from(["", "前", "之前", "以前"]), st.integers(2015, 2035), st.booleans(), st.sampled_from(["", "完成"]))
def test_generated_deadlines_take_the_budget_year(month, part, day, edge, year, printed, tail):
    """ "6月底前" is dated only with the budget year; a printed year always wins;
    a bare month ("3月") is never dated from the budget year."""
    word, part_day = part
    if day is not None:
        word, part_day = f"{day}日", day
    text = (f"{year - 3}年" if printed else "") + f"{month}月{word}{edge}{tail}"
    pinned = bool(word or edge)
    expected_year = year - 3 if printed else year if pinned else None
    for budget in (year, None):
        parsed = normalize_target(text, year=budget)
        t = parsed.target
        assert parsed.problem is None, (text, parsed.problem)
        assert t.kind == "qualitative" and t.value is None, text
        want = expected_year if (printed or budget is not None) else None
        if want is None:
            assert (t.date, t.cmp) == (None, None), text
            continue
        last = calendar.monthrange(want, month)[1]
        d = last if part_day in ("end", None) else part_day
        assert t.date == f"{want:04d}-{month:02d}-{d:02d}", text
        assert t.cmp == ("<=" if edge else None), text
        assert t.note == (tail or None), text


# -- vocabulary tables -------------------------------------------------------------------


def test_vocabulary_tables_load():
    from extractor import normalize

    V = normalize._vocab()
    assert V.prefix["≥"] == (">=", "strong") and V.suffix["以上"] == (">=", "strong")
    assert V.units["人数"] == "人" and V.units["m2"] == "平方米"  # folded keys: "㎡" and "m²" are "m2"
    assert V.multipliers["万"] == "万" and V.leading["百分之"] == "%"
    assert V.numerals["两"] == (2, "digit")
    assert V.date_parts["上半年"] == (6, "end")
    assert "有效提升" in V.qualitative


@pytest.mark.parametrize("name", ["comparators", "units", "numerals", "dates", "qualitative"])
def test_vocabulary_tables_explain_themselves(name):
    from importlib import resources

    text = (resources.files("extractor") / "vocab" / f"{name}.tsv").read_text(encoding="utf-8")
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert len(comments) >= 5, f"vocab/{name}.tsv needs a comment header for newcomers"
    rows = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    width = rows[0].count("\t")
    assert all(r.count("\t") == width for r in rows), [r for r in rows if r.count("\t") != width]


def test_a_deadline_over_a_unit_column_stays_a_deadline():
    """"2025年度内" under 度量单位 "年" and 指标值类型 "＝" (长沙): the year's
    end, <=, the unit column not appended; "2023.07" over a unit is a number."""
    t = normalize_target("2025年度内", operator="＝", unit="年", year=2025)
    assert (t.target.kind, t.target.cmp, t.target.date, t.target.raw, t.problem) == (
        "qualitative", "<=", "2025-12-31", "2025年度内", None)
    n = normalize_target("2023.07", operator="=", unit="年").target
    assert (n.kind, n.value, n.unit) == ("quantitative", 2023.07, "年")


@pytest.mark.parametrize("raw", ["》90%", "》=90%", "《5天", "#90%", "*90%"])
def test_a_mark_before_the_value_that_ends_no_label_is_flagged_not_dropped(raw):
    """A mistyped comparator ("》" for "≥") read as "=" would be a silent error."""
    parsed = normalize_target(raw)
    assert parsed.target.value is None and parsed.problem and "not understood" in parsed.problem


@pytest.mark.parametrize("raw, cmp, value", [
    ("目标值：90%", "=", 90), ("满意度（≥90%）", ">=", 90), ("“优良”90%", "=", 90), ('"90%"', "=", 90),
    ("《规划》要求90%", "=", 90), ("【90%】", "=", 90),
])
def test_brackets_quotes_and_label_ends_before_the_value_are_read(raw, cmp, value):
    parsed = normalize_target(raw)
    assert (parsed.target.cmp, parsed.target.value, parsed.problem) == (cmp, value, None)


def test_a_cell_text_read_again_gives_what_reading_it_first_gave():
    """``normalize_target`` reads each (text, operator, unit, year) once a
    process and hands the same frozen result out again: it is what an
    uncached reading gives, for every cell of the development set, split
    columns and deadlines included.  Arguments of other types are read
    without the cache and still never raise."""
    from extractor import normalize

    texts = _dev_values()
    require(bool(texts), f"the development set is not beside this checkout ({SHARED_DATA})")
    calls = [((t,), {}) for t in texts[:400]] + [((t,), {"year": 2024}) for t in texts[:100]]
    calls += [(("95",), {"operator": "≥", "unit": "%"}), (("12月底前",), {"year": 2023})]
    for args, kwargs in calls:
        first = normalize_target(*args, **kwargs)
        again = normalize_target(*args, **kwargs)
        fresh = normalize._read(args[0], kwargs.get("operator"), kwargs.get("unit"), kwargs.get("year"))
        assert again is first and fresh == first
    for odd in (["100%"], 95, None, b"100%"):
        result = normalize_target(odd)  # type: ignore[arg-type]
        assert result.target.kind == "qualitative" and result.target.raw == str(odd)
    assert normalize_target("12月底前", year=True).target == normalize._read("12月底前", None, None, True).target


def test_a_reading_that_failed_is_not_kept(monkeypatch):
    """A cell whose reading raised (a fault, not the text) is read again
    next time: the cache keeps only readings that came back."""
    from extractor import normalize

    def broken(text, year=None):
        raise RecursionError("deep")

    text = "≥97.5%（复查）"
    normalize._read_once.cache_clear()
    with monkeypatch.context() as patched:
        patched.setattr(normalize, "_parse", broken)
        failed = normalize_target(text)
    assert failed.problem and failed.problem.startswith("internal error") and failed.target.raw == text
    again = normalize_target(text)
    assert again.problem is None and again.target.value == 97.5 and again.target.cmp == ">="
