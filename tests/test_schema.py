import json
from pathlib import Path

import pytest

import extractor
from extractor.contract import SCHEMA_VERSION, json_schema, load_schema, migrate, schema_path, schema_text
from extractor.document import (
    Budget, DepartmentForm, Document, Duty, Execution, Funds, Indicator, Overall, PeriodTarget, Project, Source,
    SpendingStep, Target, Unit, Warning,
)
from extractor.errors import ExtractorError, InvalidDocument

V1_FILES = sorted((Path(__file__).parent / "data" / "v1").glob("*.json"))


def test_shipped_schema_is_the_one_derived_from_the_model():
    assert schema_path().read_text(encoding="utf-8") == schema_text(), (
        "extractor/schema is stale: regenerate with `python -m extractor schema > "
        f"extractor/schema/document-{SCHEMA_VERSION}.schema.json`"
    )


def test_contract_fields_are_required():
    schema = load_schema()
    assert set(schema["required"]) >= {"schema_version", "source", "unit", "year", "money_unit", "overall", "projects", "warnings"}
    target = schema["$defs"]["Target"]
    assert set(target["required"]) >= {"raw", "kind", "cmp", "value", "upper", "unit", "unit_raw", "note", "cmp_raw"}
    assert target["properties"]["cmp"]["anyOf"][0]["enum"] == [">=", "<=", ">", "<", "=", "range"]
    indicator = schema["$defs"]["Indicator"]["properties"]
    assert indicator["weight"]["anyOf"][0] == {"type": "number"}
    assert indicator["core"]["anyOf"][0] == {"type": "boolean"}
    assert indicator["direction"]["anyOf"][0] == {"enum": ["positive", "negative"]}
    assert schema["$defs"]["Project"]["properties"]["form"] == {"enum": ["targets", "self_evaluation"]}
    assert schema["$defs"]["Budget"]["properties"]["sources"] == {"type": "object", "additionalProperties": {"type": "number"}}


def test_sample_output_validates_and_round_trips(sample_doc, schema_validator):
    data = sample_doc.to_dict()
    schema_validator.validate(data)
    again = Document.from_dict(json.loads(sample_doc.to_json()))
    assert again.to_json() == sample_doc.to_json()


def test_schema_rejects_a_renamed_field(sample_doc, schema_validator):
    data = sample_doc.to_dict()
    data["projects"][0]["indicators"][0]["target"]["comparator"] = data["projects"][0]["indicators"][0]["target"].pop("cmp")
    assert list(schema_validator.iter_errors(data))


def test_json_schema_is_deterministic():
    assert json.dumps(json_schema()) == json.dumps(json_schema())


# -- a hand-built document with every 2.0 field --------------------------------------

def _target(raw="≥95%", **kw):
    base = dict(raw=raw, kind="quantitative", cmp=">=", value=95.0, unit="%", unit_raw="%")
    return Target(**{**base, **kw})


def full_document() -> Document:
    """Every field of schema 2.0 filled, as the templates print them."""
    indicator = Indicator(
        level1="产出指标", level2="质量指标", level3="经费分档精准率", description=None,
        target=_target("≥95%", cmp_raw="≥"), basis=None, pages=[22, 23], extra={"佐证材料": "考核表"},
        weight=10.0, direction="positive", core=True, explanation="实际拨付档次与考核评价档次一致",
        scoring="每低1个百分点减0.1分", remark="10",
        periods=[PeriodTarget(period="实施周期指标值", year=None, actual=False, target=_target("≥90%", value=90.0)),
                 PeriodTarget(period="2021年实际实现值", year=2021, actual=True, target=_target("93%", cmp="=", value=93.0))],
    )
    evaluated = Indicator(
        level1=None, level2=None, level3="群众满意率", description=None, target=_target(), basis=None, pages=[55],
        weight=10.0, actual=_target("≥90%", value=90.0), score=10.0, deviation="无",
    )
    project = Project(
        index=1, title="2026年项目支出绩效目标表", code=None, name="基层信访业务工作经费",
        budget=Budget(total=35.78, fiscal=30.0, other=5.78, sources={"财政拨款": 30.0, "单位资金": 5.78}),
        purpose=None, spending_plan=[SpendingStep("6月底", 6, 10.0)], goals=["调拨经费"], indicators=[indicator],
        pages=[22, 23], form="targets", stage="approved", department="长沙市信访局", implementer="长沙市信访局",
        category="专项业务类", period="2026年1月-12月",
    )
    self_eval = Project(
        index=2, title="2022年病媒生物防制项目绩效自评表", code=None, name="2022年病媒生物防制",
        budget=Budget(total=240.0, execution=Execution(planned=240.0, adjusted=229.19, spent=229.19, rate=100.0,
                                                       weight=10.0, score=10.0)),
        purpose=None, spending_plan=[], goals=["将病媒生物密度控制在国家标准范围之内"], indicators=[evaluated], pages=[55],
        form="self_evaluation", outcome="将病媒生物密度控制在国家标准范围之内",
    )
    department = DepartmentForm(
        index=1, title="2026年部门整体支出绩效目标表", form="targets", stage=None, code="126001", name="长沙市信访局",
        funds=Funds(total=1200.5, basic=800.0, project=400.5, fiscal=1200.5, sources={"一般公共预算": 1200.5}),
        goals=["做好信访工作"], duties=[Duty(function="信访受理", task="及时受理", project="信访业务经费", amount=35.78,
                                           pages=[20])],
        indicators=[indicator], pages=[20],
    )
    return Document(
        source=Source("x.pdf", "0" * 64, 60), unit=Unit("126001", "长沙市信访局"), year=2026, money_unit="万元",
        overall=Overall(summary=None, forms=[department]), projects=[project, self_eval],
        warnings=[Warning("missing_field", "page 22, project 1, 项目编码", "the project block has no 项目编码")],
    )


def test_a_document_with_every_field_validates_and_round_trips(schema_validator, tmp_path):
    doc = full_document()
    schema_validator.validate(doc.to_dict())
    path = tmp_path / "doc.json"
    path.write_text(doc.to_json(), encoding="utf-8")
    again = extractor.load(path)
    assert again == doc
    assert again.overall_indicators[0].periods[1].actual is True
    assert again.projects[1].budget.execution.adjusted == pytest.approx(229.19)


# -- loading saved files -----------------------------------------------------------------

@pytest.mark.parametrize("path", V1_FILES, ids=[p.name for p in V1_FILES])
def test_every_1_0_golden_of_the_history_loads_and_round_trips(path, schema_validator, tmp_path):
    old = json.loads(path.read_text(encoding="utf-8"))
    assert old["schema_version"] == "1.0"
    doc = extractor.load(path)
    data = doc.to_dict()
    schema_validator.validate(data)
    assert data["schema_version"] == SCHEMA_VERSION
    # every 1.0 value is kept: same projects, indicators and targets
    assert [p["name"] for p in data["projects"]] == [p["name"] for p in old["projects"]]
    for new_p, old_p in zip(data["projects"], old["projects"]):
        assert new_p["budget"]["total"] == old_p["budget"]["total"]
        assert [i["target"]["raw"] for i in new_p["indicators"]] == [i["target"]["raw"] for i in old_p["indicators"]]
        assert [i["level1"] for i in new_p["indicators"]] == [i["level1"] or None for i in old_p["indicators"]]
    assert data["overall"]["summary"] == old["overall"]["summary"]
    again = tmp_path / "again.json"
    again.write_text(doc.to_json(), encoding="utf-8")
    assert extractor.load(again).to_json() == doc.to_json()


def test_migrating_a_2_0_document_changes_nothing(sample_doc):
    data = sample_doc.to_dict()
    assert migrate(data) == data


def _saved(tmp_path, data) -> Path:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_load_names_the_field_that_does_not_fit(sample_doc, tmp_path):
    data = sample_doc.to_dict()
    data["projects"][1]["indicators"][2]["target"]["cmp"] = "about"
    with pytest.raises(InvalidDocument) as err:
        extractor.load(_saved(tmp_path, data))
    assert err.value.field == "projects[1].indicators[2].target.cmp"
    assert "projects[1].indicators[2].target.cmp" in str(err.value)
    assert isinstance(err.value, ExtractorError)


def test_load_names_a_missing_field(sample_doc, tmp_path):
    data = sample_doc.to_dict()
    del data["projects"][0]["budget"]
    with pytest.raises(InvalidDocument) as err:
        extractor.load(_saved(tmp_path, data))
    assert err.value.field == "projects[0]"
    assert "budget" in str(err.value)


def test_load_checks_a_1_0_file_against_the_1_0_schema(tmp_path):
    old = json.loads(V1_FILES[-1].read_text(encoding="utf-8"))
    old["projects"][0]["indicators"][0]["weight"] = 10  # a 2.0 field has no place in 1.0
    with pytest.raises(InvalidDocument) as err:
        extractor.load(_saved(tmp_path, old))
    assert err.value.field == "projects[0].indicators[0]"


@pytest.mark.parametrize("content, field", [
    ('{"schema_version": "3.1"}', "schema_version"),
    ("[1, 2]", ""),
    ("{not json", ""),
])
def test_load_refuses_what_is_no_output(tmp_path, content, field):
    path = tmp_path / "x.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidDocument) as err:
        extractor.load(path)
    assert err.value.field == field
