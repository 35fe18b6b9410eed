"""The data-quality rules of extractor/quality.py: each one firing and not
firing, on small hand-made documents, and on the sample."""

from __future__ import annotations

import dataclasses

import pytest

from extractor import quality
from extractor.document import Budget, Document, Indicator, Project, Source, SpendingStep, Unit
from extractor.normalize import normalize_target


def indicator(level3: str, raw: str, *, level2: str = "数量指标", description: str | None = None, page: int = 3) -> Indicator:
    return Indicator(
        level1="产出指标", level2=level2, level3=level3, description=description,
        target=normalize_target(raw).target, basis=None, pages=[page],
    )


def project(*, total=16.0, fiscal=16.0, other=None, plan=(4, 8, 12, 16), indicators=(), index=1) -> Project:
    months = (3, 6, 10, 12)
    return Project(
        index=index, title="测试项目绩效目标表", code="X1", name="测试项目",
        budget=Budget(total=total, fiscal=fiscal, other=other), purpose=None,
        spending_plan=[SpendingStep(f"{m}月底", m, float(a)) for m, a in zip(months, plan)],
        goals=[], indicators=list(indicators), pages=[3],
    )


def document(*projects: Project, money_unit: str | None = "万元") -> Document:
    return Document(
        source=Source("t.pdf", "0" * 64, 3), unit=Unit("1", "测试单位"), year=2023,
        money_unit=money_unit, overall=None, projects=list(projects), warnings=[],
    )


def codes(rule, doc: Document) -> list[str]:
    return [w.code for w in rule(doc)]


# -- the registry ---------------------------------------------------------------

def test_rules_are_named_with_stable_unique_codes():
    names = [r.__name__ for r in quality.RULES]
    codes_ = [r.code for r in quality.RULES]
    assert codes_ == [
        "plan_end_differs_from_budget",
        "plan_not_monotonic",
        "budget_parts_differ",
        "cost_differs_from_budget",
        "count_with_percent_unit",
    ]
    assert names == codes_  # one function per code, named like it
    assert all(r.__doc__ for r in quality.RULES)
    assert [d[1] for d in quality.describe()] == codes_


def test_a_clean_document_has_no_warnings():
    doc = document(project(indicators=[
        indicator("保障人数", "≥242人数"),
        indicator("经费数额", "16按计提的工会经费60%拨付", level2="成本指标"),
    ]))
    assert quality.check(doc) == []


# -- plan_end_differs_from_budget ---------------------------------------------

def test_plan_end_differs_from_budget_fires():
    (w,) = quality.plan_end_differs_from_budget(document(project(total=16, fiscal=16, plan=(4, 8, 12, 15))))
    assert w.code == "plan_end_differs_from_budget"
    assert w.where == "page 3, project 1, 资金支出计划 12月底"
    assert "15 万元" in w.message and "16 万元" in w.message
    assert w.project == 1 and w.page == 3


def test_plan_end_differs_from_budget_does_not_fire():
    assert codes(quality.plan_end_differs_from_budget, document(project(total=21.38, fiscal=21.38, plan=(4, 8, 15, 21.38)))) == []
    # within the tolerance (rounding in the form)
    assert codes(quality.plan_end_differs_from_budget, document(project(total=16, plan=(4, 8, 12, 16.004)))) == []
    # nothing to compare: no budget, or no 12月底 step
    assert codes(quality.plan_end_differs_from_budget, document(project(total=None, fiscal=None, plan=(4, 8, 12, 15)))) == []
    assert codes(quality.plan_end_differs_from_budget, document(project(plan=(4, 8, 12)))) == []


def test_a_plan_ending_at_100_is_hinted_as_percent():
    (w,) = quality.plan_end_differs_from_budget(document(project(total=16, fiscal=16, plan=(25, 50, 75, 100))))
    assert "percent" in w.message


# -- plan_not_monotonic ------------------------------------------------------------

def test_plan_not_monotonic_fires_once_per_project_naming_the_drop():
    (w,) = quality.plan_not_monotonic(document(project(plan=(4, 9, 8, 16))))
    assert w.code == "plan_not_monotonic"
    assert "6月底 9 -> 10月底 8" in w.message
    assert w.where == "page 3, project 1, 资金支出计划"


def test_plan_not_monotonic_does_not_fire_on_flat_or_rising_plans():
    assert codes(quality.plan_not_monotonic, document(project(plan=(2, 2, 5, 5), total=5, fiscal=5))) == []
    assert codes(quality.plan_not_monotonic, document(project(plan=(4, 8, 12, 16)))) == []
    assert codes(quality.plan_not_monotonic, document(project(plan=()))) == []


# -- budget_parts_differ -----------------------------------------------------------

def test_budget_parts_differ_fires():
    (w,) = quality.budget_parts_differ(document(project(total=20, fiscal=16, other=3, plan=(4, 8, 12, 20))))
    assert w.code == "budget_parts_differ"
    assert "16 + 其他资金 3 = 19 万元" in w.message
    # a missing part counts as 0
    assert codes(quality.budget_parts_differ, document(project(total=20, fiscal=16, other=None))) == ["budget_parts_differ"]


def test_budget_parts_differ_does_not_fire():
    assert codes(quality.budget_parts_differ, document(project(total=20, fiscal=16, other=4))) == []
    assert codes(quality.budget_parts_differ, document(project(total=16, fiscal=16, other=None))) == []
    # nothing to compare with
    assert codes(quality.budget_parts_differ, document(project(total=16, fiscal=None, other=None))) == []
    assert codes(quality.budget_parts_differ, document(project(total=None, fiscal=16, other=None))) == []


# -- cost_differs_from_budget ------------------------------------------------------

def test_cost_differs_from_budget_fires_for_an_amount_without_unit_or_in_money_unit():
    bare = indicator("经费数额", "15按计提的工会经费60%拨付", level2="成本指标")
    (w,) = quality.cost_differs_from_budget(document(project(total=16, indicators=[indicator("人数", "≥1人"), bare])))
    assert w.code == "cost_differs_from_budget"
    assert w.where == "page 3, project 1, indicator 2 指标值"
    assert "15 万元" in w.message and "16 万元" in w.message
    in_unit = indicator("经费数额", "≤12万元", level2="经济成本指标")
    assert codes(quality.cost_differs_from_budget, document(project(total=16, indicators=[in_unit]))) == ["cost_differs_from_budget"]


def test_cost_differs_from_budget_does_not_fire_when_equal_or_not_comparable():
    cases = [
        indicator("经费数额", "16按计提的工会经费60%拨付", level2="成本指标"),   # equal
        indicator("人均救助指标", "≤4500元/年", level2="成本指标"),               # per person and year
        indicator("每周定时开放", "≥2天", level2="成本指标"),                    # not money
        indicator("设备单价", "3元", level2="成本指标"),                         # another money unit: never converted
        indicator("投入资金", "5万元", level2="数量指标"),                        # not a cost heading
        indicator("成本控制", "有效控制", level2="成本指标"),                     # qualitative
    ]
    for case in cases:
        assert codes(quality.cost_differs_from_budget, document(project(total=16, indicators=[case]))) == [], case.target.raw
    # no budget to compare with
    assert codes(quality.cost_differs_from_budget, document(project(total=None, fiscal=None, indicators=[cases[0]]))) == []
    # a range that holds the budget
    ranged = indicator("经费数额", "15-17万元", level2="成本指标")
    assert ranged.target.cmp == "range"
    assert codes(quality.cost_differs_from_budget, document(project(total=16, indicators=[ranged]))) == []


def test_cost_amounts_that_break_the_budget_down_are_summed():
    parts = [indicator("设备购置", "10万元", level2="成本指标"), indicator("培训费", "6万元", level2="成本指标")]
    assert codes(quality.cost_differs_from_budget, document(project(total=16, indicators=parts))) == []
    parts[1] = indicator("培训费", "5万元", level2="成本指标")
    (w,) = quality.cost_differs_from_budget(document(project(total=16, indicators=parts)))
    assert w.where == "page 3, project 1, 成本指标" and "sum 15 万元" in w.message


# -- count_with_percent_unit -------------------------------------------------------

def test_count_with_percent_unit_fires():
    (w,) = quality.count_with_percent_unit(document(project(indicators=[indicator("困难职工脱困解困人数", "100百分比")])))
    assert w.code == "count_with_percent_unit"
    assert w.where == "page 3, project 1, indicator 1 指标值"
    assert "困难职工脱困解困人数" in w.message and "100百分比" in w.message
    # the description names the count
    by_description = indicator("帮扶对象", "≥90%", description="帮扶户数")
    assert codes(quality.count_with_percent_unit, document(project(indicators=[by_description]))) == ["count_with_percent_unit"]


def test_count_with_percent_unit_does_not_fire():
    cases = [
        indicator("保障人数", "≥242人数"),                                      # a count in people
        indicator("受拨单位数量", "≥43个数"),                                   # a count in 个
        indicator("受益人数占比", "≥90%"),                                      # a share of people
        indicator("参训人数达标率", "100%"),                                    # a rate
        indicator("救助率", "≥95%", description="救助人数/应救助人数"),          # the 三级指标 says rate
        indicator("发放及时率", "≥95百分比"),                                   # no count at all
        indicator("受益人数", "明显增加"),                                      # qualitative
    ]
    for case in cases:
        assert codes(quality.count_with_percent_unit, document(project(indicators=[case]))) == [], case.level3


# -- on the sample -----------------------------------------------------------------

def test_the_sample_has_exactly_the_known_quirk(sample_doc):
    """"困难职工脱困解困人数" = "100百分比" (page 6) is the sample's one
    inconsistency; its plans, budgets and cost cells agree."""
    found = quality.check(dataclasses.replace(sample_doc, warnings=[]))
    assert [(w.code, w.where) for w in found] == [("count_with_percent_unit", "page 6, project 2, indicator 1 指标值")]
    # and the one fact it leaves to its file name
    assert [w.code for w in sample_doc.warnings] == ["year_from_file_name", "count_with_percent_unit"]


@pytest.mark.parametrize("rule", quality.RULES, ids=lambda r: r.code)
def test_every_rule_tolerates_an_empty_document(rule):
    assert rule(document()) == []
