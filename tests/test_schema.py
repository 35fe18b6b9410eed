import json

from extractor.document import Document, json_schema, load_schema
from extractor.export import schema_text
from extractor.document import schema_path


def test_shipped_schema_is_the_one_derived_from_the_model():
    assert schema_path().read_text(encoding="utf-8") == schema_text(), (
        "extractor/schema is stale: regenerate with `python -m extractor schema > "
        "extractor/schema/document-1.0.schema.json`"
    )


def test_contract_fields_are_required():
    schema = load_schema()
    assert set(schema["required"]) >= {"schema_version", "source", "unit", "year", "money_unit", "overall", "projects", "warnings"}
    target = schema["$defs"]["Target"]
    assert set(target["required"]) >= {"raw", "kind", "cmp", "value", "upper", "unit", "unit_raw", "note"}
    assert target["properties"]["cmp"]["anyOf"][0]["enum"] == [">=", "<=", ">", "<", "=", "range"]


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
