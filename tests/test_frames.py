"""The analyst API: to_frames (dtypes, shapes, keys), the flat
Document.indicators and the notebook display."""

from __future__ import annotations


import pandas as pd
import pytest

import extractor
from conftest import GOLDEN
from extractor.frames import SPECS

GOLDEN_JSON = GOLDEN / "julu-2023-zonggonghui.json"


@pytest.fixture(scope="module")
def doc():
    return extractor.load(GOLDEN_JSON)


@pytest.fixture(scope="module")
def frames(doc):
    return extractor.to_frames([doc, doc])


def test_public_api_is_exported_and_documented():
    for name in ("extract", "extract_many", "load", "to_frames"):
        fn = getattr(extractor, name)
        assert name in extractor.__all__ and fn.__doc__ and fn.__annotations__.get("return")


def test_indicators_are_flat_and_pairs_keep_the_project(doc):
    assert len(doc.indicators) == 42
    assert doc.indicators[0].level3 == "保障人数"
    pairs = doc.indicator_pairs()
    assert [i for _, i in pairs] == doc.indicators
    assert pairs[7][0].index == 2


def test_frame_names_columns_and_sizes(frames, doc):
    assert set(frames) == set(SPECS) >= {"projects", "indicators", "spending_plan", "overall_targets", "warnings",
                                        "overall_indicators", "departments", "duties", "funds_sources", "indicator_periods"}
    for name, df in frames.items():
        assert list(df.columns) == list(SPECS[name]), name
    assert len(frames["projects"]) == 2 * len(doc.projects)
    assert len(frames["indicators"]) == 2 * len(doc.indicators)
    assert len(frames["spending_plan"]) == 2 * sum(len(p.spending_plan) for p in doc.projects)
    assert len(frames["overall_targets"]) == 2 * len(doc.overall.targets)
    assert len(frames["warnings"]) == 2 * len(doc.warnings)
    assert frames["projects"]["doc"].tolist() == [0] * 6 + [1] * 6


def test_dtypes_are_meaningful(frames):
    p, i, s = frames["projects"], frames["indicators"], frames["spending_plan"]
    assert p["budget_total"].dtype == "float64" and p["plan_end"].dtype == "float64"
    assert p["first_page"].dtype == "Int64" and p["year"].dtype == "Int64" and p["indicators"].dtype == "int64"
    assert i["value"].dtype == "float64" and i["upper"].dtype == "float64"
    assert isinstance(i["cmp"].dtype, pd.CategoricalDtype)
    assert list(i["cmp"].cat.categories) == [">=", "<=", ">", "<", "=", "range"]
    assert list(i["kind"].cat.categories) == ["quantitative", "qualitative"]
    assert list(i["relative"].cat.categories) == ["increase", "decrease", "unstated"]
    assert isinstance(i["unit"].dtype, pd.CategoricalDtype) and isinstance(i["level2"].dtype, pd.CategoricalDtype)
    assert i["first_page"].dtype == "Int64" and pd.api.types.is_datetime64_any_dtype(i["date"])
    assert s["month"].dtype == "int64" and s["amount"].dtype == "float64"
    assert isinstance(frames["warnings"]["code"].dtype, pd.CategoricalDtype)
    assert frames["warnings"]["project"].dtype == "Int64"


def test_values_match_the_model(frames, doc):
    p = frames["projects"].query("doc == 0").set_index("project")
    assert p.loc[5, "budget_total"] == 620 and p.loc[5, "plan_end"] == 620
    assert p.loc[6, ["first_page", "last_page"]].tolist() == [10, 11]
    assert p["budget_other"].isna().all()
    assert p.loc[2, "warnings"] == 1 and p["warnings"].sum() == 1
    i = frames["indicators"].query("doc == 0")
    first = i.iloc[0]
    assert (first["cmp"], first["value"], first["unit"], first["unit_raw"], first["row"]) == (">=", 242, "人", "人数", 1)
    cost = i[(i["project"] == 1) & (i["level2"] == "成本指标")].iloc[0]
    assert cost["value"] == 16 and pd.isna(cost["unit"]) and cost["note"].startswith("按计提")
    s = frames["spending_plan"].query("doc == 0 and project == 1")
    assert s["amount"].tolist() == [4, 8, 12, 16] and s["share"].tolist() == [0.25, 0.5, 0.75, 1.0]
    o = frames["overall_targets"].query("doc == 0")
    assert o["satisfaction_value"].tolist() == [100, 80, 100, 80, 80, 80]
    ws = frames["warnings"].query("doc == 0")
    w = ws.set_index("code").loc["count_with_percent_unit"]
    assert (w["project"], w["page"]) == (2, 6)
    assert ws["code"].tolist() == ["year_from_file_name", "count_with_percent_unit"]


def test_frames_join_on_doc_and_project(frames):
    joined = frames["indicators"].merge(frames["projects"][["doc", "project", "budget_total"]], on=["doc", "project"], validate="many_to_one")
    assert len(joined) == len(frames["indicators"]) and joined["budget_total"].notna().all()


def test_empty_input_gives_typed_empty_frames():
    frames = extractor.to_frames([])
    for name, df in frames.items():
        assert df.empty and list(df.columns) == list(SPECS[name])
    assert frames["indicators"]["value"].dtype == "float64"
    assert isinstance(frames["indicators"]["cmp"].dtype, pd.CategoricalDtype)


def test_a_single_document_is_accepted_and_json_is_refused(doc):
    assert len(extractor.to_frames(doc)["projects"]) == 6
    with pytest.raises(TypeError, match="Documents"):
        extractor.to_frames([doc.to_dict()])


def test_repr_html_summarises_projects_budgets_counts_and_warnings(doc):
    html = doc._repr_html_()
    assert "巨鹿县总工会" in html and "6 projects" in html and "42 indicators" in html and "2 warnings" in html
    assert "预算数 (万元)" in html and "<td>职工书屋租赁费</td>" in html
    assert ">693.84<" in html  # total budget
    assert "count_with_percent_unit" in html and "page 6, project 2" in html
    assert "<script" not in html


def test_repr_is_short(doc):
    assert repr(doc) == ("Document(file='julu-2023-zonggonghui.pdf', unit='巨鹿县总工会', year=2023, "
                         "projects=6, indicators=42, warnings=2)")
def test_fields_of_every_template_are_typed_columns():
    """Department forms, weights, directions, core flags, period targets and
    self-evaluation actuals reach the frames as typed columns."""
    from test_schema import full_document

    frames = extractor.to_frames(full_document())
    d = frames["departments"].iloc[0]
    assert (d["code"], d["funds_total"], d["funds_basic"], d["duties"], d["indicators"]) == ("126001", 1200.5, 800, 1, 1)
    o = frames["overall_indicators"]
    assert list(o.columns[:6]) == ["doc", "file", "department_form", "department_code", "department_name", "form"]
    assert o["weight"].dtype == "float64" and o.loc[0, "weight"] == 10
    assert o["core"].dtype == "boolean" and bool(o.loc[0, "core"]) is True
    assert list(o["direction"].cat.categories) == ["positive", "negative"] and o.loc[0, "direction"] == "positive"
    assert o.loc[0, "cmp_raw"] == "≥" and o.loc[0, "periods"] == 2
    i = frames["indicators"].set_index("project")
    assert i.loc[2, "form"] == "self_evaluation" and i.loc[2, "actual_value"] == 90 and i.loc[2, "score"] == 10
    assert pd.isna(i.loc[2, "level1"])
    p = frames["projects"].set_index("project")
    assert p.loc[2, "budget_spent"] == pytest.approx(229.19) and p.loc[1, "stage"] == "approved"
    periods = frames["indicator_periods"]
    assert periods["actual"].dtype == "bool" and periods["year"].dtype == "Int64"
    assert periods.query("scope == 'project'")[["period", "year", "actual", "value"]].values.tolist() == [
        ["实施周期指标值", pd.NA, False, 90.0], ["2021年实际实现值", 2021, True, 93.0]]
    sources = frames["funds_sources"]
    assert sources.query("scope == 'project'").set_index("label")["amount"].to_dict() == {"财政拨款": 30, "单位资金": 5.78}
    assert frames["duties"].loc[0, ["function", "amount"]].tolist() == ["信访受理", 35.78]
