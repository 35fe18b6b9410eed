"""Same content, any layout: every layout variant of the sample converts to
the golden JSON (ignoring the file's own identity and page numbers).

The variants are typeset by ``layout_variants.py`` from the golden file's
content: other column widths, one single table, page furniture, landscape,
large fonts that split rows across pages, borderless and horizontal-rules-only
tables, other templates' header words, split value columns, the section
embedded in a full department budget, another project-block arrangement;
borderless tables continued over page breaks without a repeated header (also
split inside a multi-line cell), borderless tables whose last row the break
splits so that the next page holds only the ends of several of its cells,
two-row headers, other header words on the continuation pages, column rules
only, and a spreadsheet export's grid of thin filled rectangles.
"""

from __future__ import annotations

import pytest

import layout_variants as lv
from conftest import GOLDEN
from jsondiff import report

CONTENT = GOLDEN / "julu-2023-zonggonghui.json"


#: Indicator fields filled by columns some templates add, and the printed
#: comparator of a split column (``Target.cmp_raw``): checked apart, in
#: ``test_added_columns_feed_their_fields``.
TEMPLATE_COLUMNS = ("pages", "extra", "weight", "scoring")
#: Project fields filled by labels some templates add (主管部门, 实施单位);
#: ``budget.sources`` names each amount as the template prints it.
TEMPLATE_LABELS = ("department", "implementer", "category", "period")


def comparable(doc: dict) -> dict:
    """The document without what legitimately differs between renderings:
    the source file's identity, page numbers, and columns a template adds."""
    import re

    out = {k: v for k, v in doc.items() if k not in ("source", "warnings")}
    # Renderings with a cover state the budget year the sample leaves to its
    # file name: whether the year came from the file name is not layout.
    out["warnings"] = [{**w, "where": re.sub(r"pages? [\d, -]+, ", "", w["where"])} for w in doc["warnings"]
                       if w["code"] != "year_from_file_name"]
    out["projects"] = [
        {
            **{k: v for k, v in p.items() if k not in ("pages", "extra") + TEMPLATE_LABELS},
            "budget": {k: v for k, v in p["budget"].items() if k != "sources"},
            "indicators": [{**{k: v for k, v in i.items() if k not in TEMPLATE_COLUMNS},
                            "target": {k: v for k, v in i["target"].items() if k != "cmp_raw"}}
                           for i in p["indicators"]],
        }
        for p in doc["projects"]
    ]
    return out


@pytest.fixture(scope="module")
def golden():
    import json

    return json.loads(CONTENT.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(lv.VARIANTS))
def test_variant_converts_to_the_golden_content(name, golden, tmp_path, schema_validator):
    from extractor import extract

    pdf = tmp_path / f"julu-2023-{name}.pdf"
    lv.render(lv.load_content(CONTENT), lv.VARIANTS[name], pdf)
    got = extract(pdf).to_dict()
    schema_validator.validate(got)
    expected, actual = comparable(golden), comparable(got)
    if actual != expected:
        pytest.fail(report(expected, actual), pytrace=False)


@pytest.mark.parametrize("name", sorted(n for n, v in lv.VARIANTS.items() if {"score", "score_rule", "cmp"} & set(v.columns)))
def test_added_columns_feed_their_fields(name, tmp_path):
    """分值 / 权重 columns become numeric weights, 评（扣）分标准 the scoring
    rule: typed fields, not strings under ``extra``."""
    from extractor import extract

    pdf = tmp_path / f"julu-2023-{name}.pdf"
    variant = lv.VARIANTS[name]
    lv.render(lv.load_content(CONTENT), variant, pdf)
    indicators = [i for p in extract(pdf).to_dict()["projects"] for i in p["indicators"]]
    if "score" in variant.columns:
        assert all(isinstance(i["weight"], (int, float)) and i["weight"] > 0 for i in indicators)
    if "score_rule" in variant.columns:
        assert all(i["scoring"] for i in indicators)
    if "cmp" in variant.columns:
        # the printed comparator is kept where the cell prints one
        assert {i["target"]["cmp_raw"] for i in indicators} - {None} <= {"≥", "≤", "=", ">", "<"}
        assert any(i["target"]["cmp_raw"] == "≥" and i["target"]["cmp"] == ">=" for i in indicators)
    else:
        assert all(i["target"]["cmp_raw"] is None for i in indicators)
    assert not any(i["extra"] for i in indicators)


def test_a_block_of_another_template_feeds_typed_fields(golden, tmp_path):
    """主管部门 / 实施单位 become fields, each amount is kept by source under
    its printed label, and the typed amounts are those of the golden file."""
    from extractor import extract

    pdf = tmp_path / "julu-2023-alt_project_block.pdf"
    lv.render(lv.load_content(CONTENT), lv.VARIANTS["alt_project_block"], pdf)
    got = extract(pdf).to_dict()["projects"]
    assert all(p["department"] and p["implementer"] for p in got)
    for p, want in zip(got, golden["projects"]):
        assert p["budget"]["fiscal"] == want["budget"]["fiscal"]
        assert want["budget"]["fiscal"] in p["budget"]["sources"].values()
