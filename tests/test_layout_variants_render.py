"""The layout-variant generator renders believable PDFs that say what the content says.

Each variant of ``layout_variants.VARIANTS`` is rendered once into a temporary
directory and read back with pdfplumber.  The checks are about the generated
file, not about the extractor: page count and orientation, every project title
and every 指标值 in the extracted text, text kept inside its cell, ruling lines
present/absent as the variant says, and the page-break behaviour the variant
promises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pdfplumber
import pytest

import layout_variants as lv

CONTENT = lv.load_content()
PROJECTS = CONTENT["projects"]
WS = re.compile(r"\s+")


def squash(s: str) -> str:
    return WS.sub("", s or "")


@dataclass
class Rendered:
    variant: lv.Variant
    plan: lv.Plan
    pages: list[dict]
    pdf_bytes: bytes

    @property
    def text(self) -> str:
        return "".join(squash(p["text"]) for p in self.pages)

    def cell_text(self, rec: lv.CellRecord) -> str:
        """Characters whose centre lies in the cell piece, in reading order."""
        x0, top, x1, bottom = rec.bbox
        chars = [c for c in self.pages[rec.page - 1]["chars"]
                 if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom]
        chars.sort(key=lambda c: (round(c["top"], 1), c["x0"]))
        return squash("".join(c["text"] for c in chars))

    def cells(self, project: int, col: str, row: int | None = None) -> list[lv.CellRecord]:
        return [r for r in self.plan.cells
                if r.project == project and r.col == col and not r.repeat and (row is None or r.row == row)]


_CACHE: dict[str, Rendered] = {}


def rendered(name: str, tmp_path_factory) -> Rendered:
    if name not in _CACHE:
        v = lv.VARIANTS[name]
        path = tmp_path_factory.mktemp("variants") / f"{name}.pdf"
        lv.render(CONTENT, v, path)
        pages = []
        with pdfplumber.open(path) as pdf:
            for p in pdf.pages:
                pages.append({"width": float(p.width), "height": float(p.height),
                              "text": p.extract_text() or "", "chars": p.chars,
                              "lines": p.lines, "rects": p.rects, "curves": p.curves})
        _CACHE[name] = Rendered(v, lv.plan(CONTENT, v), pages, path.read_bytes())
    return _CACHE[name]


@pytest.fixture(params=list(lv.VARIANTS))
def r(request, tmp_path_factory) -> Rendered:
    return rendered(request.param, tmp_path_factory)


def _is_vertical(ln: dict) -> bool:
    return abs(ln["x0"] - ln["x1"]) < 0.1 and abs(ln["top"] - ln["bottom"]) > 0.1


def _is_horizontal(ln: dict) -> bool:
    return abs(ln["top"] - ln["bottom"]) < 0.1 and abs(ln["x0"] - ln["x1"]) > 0.1


# ---------------------------------------------------------------------------
# every variant
# ---------------------------------------------------------------------------


def test_variant_names():
    assert {"baseline", "narrow", "wide", "single_table_repeat_header", "single_table_no_repeat",
            "furniture", "landscape", "large_font", "borderless", "hrules_only", "synonyms",
            "split_value_columns", "embedded", "alt_project_block", "borderless_continued",
            "borderless_continued_split", "two_row_header", "two_row_header_split_value",
            "synonyms_continued", "vrules_only", "excel_rects", "borderless_row_end",
            "borderless_row_end_alone"} <= set(lv.VARIANTS)
    for name, v in lv.VARIANTS.items():
        assert v.name == name and v.description


def test_pages_and_orientation(r: Rendered):
    assert len(r.pages) > 0
    assert len(r.pages) == len(r.plan.pages)
    for p in r.pages:
        assert (p["width"] > p["height"]) == r.variant.landscape


def test_project_titles_in_text(r: Rendered):
    text = r.text
    for p in PROJECTS:
        assert squash(f"{p['index']}.{p['title']}") in text


def test_projects_in_order_and_every_indicator_rendered(r: Rendered):
    pages = [r.plan.project_pages[p["index"]] for p in PROJECTS]
    assert all(pg for pg in pages)
    assert [pg[0] for pg in pages] == sorted(pg[0] for pg in pages)
    for p in PROJECTS:
        rows = {c.row for c in r.plan.cells if c.project == p["index"] and c.row is not None}
        assert rows == set(range(len(p["indicators"])))


def test_target_values_in_text(r: Rendered):
    """Each 指标值 (or, in the split template, its three parts) reads back from its
    cell; a value printed on one line is also found in the page's extracted text."""
    found = 0
    for p in PROJECTS:
        for i, ind in enumerate(p["indicators"]):
            t = ind["target"]
            if "target" in r.variant.columns:
                expected = {"target": t["raw"]}
            else:
                expected = {"cmp": lv._cmp_symbol(t), "value": lv._value_text(t),
                            "unit": t.get("unit_raw") or ""}
            for col, want in expected.items():
                pieces = r.cells(p["index"], col, i)
                assert pieces, (p["index"], i, col)
                assert "".join(r.cell_text(c) for c in pieces) == squash(want), (p["index"], i, col)
                if len(pieces) == 1 and len(_lines_of(r, pieces[0])) == 1:
                    assert squash(want) in squash(r.pages[pieces[0].page - 1]["text"])
                    found += 1
    if r.variant.name in ("baseline", "wide", "landscape"):
        assert found >= 0.7 * sum(len(p["indicators"]) for p in PROJECTS)


def _body_text(r: Rendered) -> str:
    """Document text without the running header and page footers."""
    header = squash(f"{CONTENT['unit']['name']}{CONTENT['year']}年部门预算")
    out = []
    for p in r.pages:
        t = squash(p["text"])
        if r.variant.running_header and t.startswith(header):
            t = t[len(header):]
        if r.variant.footer:
            t = re.sub(r"(-\d+-|第\d+页共\d+页)$", "", t)
        out.append(t)
    return "".join(out)


def test_prose_in_text(r: Rendered):
    """The prose part reads back paragraph by paragraph, across page breaks."""
    text = _body_text(r)
    ov = CONTENT["overall"]
    paras = [ov["summary"]]
    for t in ov["targets"]:
        paras += [f"{t['no']}、{t['title']}", f"绩效目标：{t['goal']}", f"绩效指标：{t['indicator']}"]
    paras += [lv._measure_text(m) for m in ov["measures"]]
    for para in paras:
        assert squash(para) in text, para[:20]


def test_content_renderable():
    assert lv.unsupported_chars(CONTENT) == set()
    bad = {"overall": None, "projects": [{"title": "中国梦\u00b7劳动美"}]}
    assert lv.unsupported_chars(bad) == {"\u00b7"}
    with pytest.raises(ValueError, match="U\\+00B7"):
        lv.render(bad, lv.VARIANTS["baseline"], "/dev/null")


def _lines_of(r: Rendered, cell: lv.CellRecord) -> set[float]:
    x0, top, x1, bottom = cell.bbox
    return {round(c["top"]) for c in r.pages[cell.page - 1]["chars"]
            if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom}


def test_every_cell_reads_back_and_text_stays_inside(r: Rendered):
    for rec in r.plan.cells:
        assert r.cell_text(rec) == squash(rec.text), (rec.page, rec.col, rec.text)
        x0, top, x1, bottom = rec.bbox
        for c in r.pages[rec.page - 1]["chars"]:
            cx, cy = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
            if x0 <= cx <= x1 and top <= cy <= bottom:
                assert c["x0"] >= x0 + 0.5 and c["x1"] <= x1 - 0.5, (rec.page, rec.text, c["text"])
                assert c["top"] >= top - 0.5 and c["bottom"] <= bottom + 0.5, (rec.page, rec.text, c["text"])


def test_text_inside_page(r: Rendered):
    for p in r.pages:
        for c in p["chars"]:
            assert 0 <= c["x0"] and c["x1"] <= p["width"] and 0 <= c["top"] and c["bottom"] <= p["height"]


def test_no_overlapping_text(r: Rendered):
    for n, p in enumerate(r.pages, 1):
        boxes = sorted((c["x0"], c["x1"], c["top"], c["bottom"], c["text"]) for c in p["chars"]
                       if c["text"].strip())
        for i, (x0, x1, t0, b0, ch) in enumerate(boxes):
            for x0b, x1b, t1, b1, chb in boxes[i + 1:]:
                if x0b >= x1 - 0.5:
                    break
                overlap_y = min(b0, b1) - max(t0, t1)
                assert overlap_y <= 0.5, (n, ch, chb, x0, t0)


def test_no_text_crosses_a_rule(r: Rendered):
    for n, p in enumerate(r.pages, 1):
        for ln in p["lines"]:
            for c in p["chars"]:
                if _is_horizontal(ln):
                    crosses = (c["top"] + 0.5 < ln["top"] < c["bottom"] - 0.5
                               and c["x1"] > ln["x0"] and c["x0"] < ln["x1"])
                else:
                    crosses = (c["x0"] + 0.5 < ln["x0"] < c["x1"] - 0.5
                               and c["bottom"] > ln["top"] and c["top"] < ln["bottom"])
                assert not crosses, (n, c["text"], ln["x0"], ln["top"])


def _thin(rect: dict) -> bool:
    return min(rect["x1"] - rect["x0"], rect["bottom"] - rect["top"]) <= 1.0


def test_rulings(r: Rendered):
    """Rules as the variant says: stroked lines (all, rows only, columns
    only, none) or thin filled rectangles; no other graphics but shading."""
    table_pages = sorted({c.page for c in r.plan.cells})
    assert not [x for p in r.pages for x in p["curves"]]
    if r.variant.rule_style == "rect":
        assert not [ln for p in r.pages for ln in p["lines"]]
        for pg in table_pages:
            thin = [x for x in r.pages[pg - 1]["rects"] if _thin(x)]
            assert any(x["x1"] - x["x0"] > 5 for x in thin) and any(x["bottom"] - x["top"] > 5 for x in thin)
        return
    shading = [x for p in r.pages for x in p["rects"]]
    assert bool(shading) == r.variant.header_fill and not any(_thin(x) for x in shading)
    lines = [ln for p in r.pages for ln in p["lines"]]
    if r.variant.rules == "none":
        assert lines == []
    elif r.variant.rules in ("hrules", "vrules"):
        straight = _is_horizontal if r.variant.rules == "hrules" else _is_vertical
        assert lines and all(straight(ln) for ln in lines)
        for pg in table_pages:
            assert any(straight(ln) for ln in r.pages[pg - 1]["lines"])
    else:
        for pg in table_pages:
            pl = r.pages[pg - 1]["lines"]
            assert any(_is_horizontal(ln) for ln in pl) and any(_is_vertical(ln) for ln in pl)


def test_deterministic(r: Rendered, tmp_path):
    path = tmp_path / "again.pdf"
    lv.render(CONTENT, r.variant, path)
    assert path.read_bytes() == r.pdf_bytes
    again = lv.plan(CONTENT, r.variant)
    assert [(b.page, b.project, b.kind, b.row) for b in again.breaks] == \
           [(b.page, b.project, b.kind, b.row) for b in r.plan.breaks]


def test_split_rows_keep_borders_and_merged_cells_blank_after_break(r: Rendered):
    """A row split by a page break has a piece on both pages; a merged 一级指标
    cell spanning the break carries its text on the first page only."""
    for b in r.plan.breaks:
        if b.kind != "in_row" or b.row is None:
            continue
        pieces = [c for c in r.plan.cells if c.project == b.project and c.row == b.row and not c.repeat]
        assert {b.page, b.page + 1} <= {c.page for c in pieces}

        def group_piece(page):  # called at once, in this iteration: b is the current break
            l1 = [c for c in r.plan.cells if c.project == b.project and c.col == "level1"  # noqa: B023
                  and c.row is not None and c.row <= b.row and c.page == page and not c.repeat]  # noqa: B023
            return max(l1, key=lambda c: c.row) if l1 else None

        before, after = group_piece(b.page), group_piece(b.page + 1)
        assert before is not None and after is not None, "the 一级指标 cell spans the break"
        if before.row == after.row:
            full = next(p for p in PROJECTS if p["index"] == b.project)["indicators"][before.row]["level1"]
            if before.text == full:
                assert after.text == ""
            else:  # the first piece was too small for the text: it flows on, like in a word processor
                assert before.text + after.text == full



# ---------------------------------------------------------------------------
# specific variants
# ---------------------------------------------------------------------------


def test_baseline_like_sample(tmp_path_factory):
    r = rendered("baseline", tmp_path_factory)
    assert r.text.startswith(squash("第一部分部门整体绩效目标"))
    assert len(r.plan.pages) == 11
    # the last table runs over two pages; its header row is repeated there
    last = PROJECTS[-1]["index"]
    assert len(r.plan.project_pages[last]) == 2
    assert any(c.repeat and c.page == r.plan.project_pages[last][1] for c in r.plan.cells)


def test_narrow_wraps_values(tmp_path_factory):
    r = rendered("narrow", tmp_path_factory)
    cell = next(c for c in r.plan.cells if c.col == "target" and c.text == "≥95百分比")
    assert len(_lines_of(r, cell)) == 3


def test_wide_short_cells_do_not_wrap(tmp_path_factory):
    r = rendered("wide", tmp_path_factory)
    for c in r.plan.cells:
        if c.row is not None and c.col in ("level1", "level2", "level3", "description") and c.text:
            assert len(_lines_of(r, c)) == 1, c.text


@pytest.mark.parametrize("name,repeat", [("single_table_repeat_header", True),
                                         ("single_table_no_repeat", False)])
def test_single_table_continues(tmp_path_factory, name, repeat):
    r = rendered(name, tmp_path_factory)
    cont = [b for b in r.plan.breaks if b.kind in ("in_row", "between_rows", "after_header")]
    assert cont, "some table continues on the next page inside its indicator rows"
    repeated = [c for c in r.plan.cells if c.repeat]
    assert bool(repeated) == repeat
    for b in cont:
        header_next = [c for c in repeated if c.page == b.page + 1 and c.project == b.project]
        assert bool(header_next) == repeat
    # one grid: block rows and indicator rows share the column boundaries
    p = PROJECTS[0]["index"]
    xs_block = {round(c.bbox[0], 1) for c in r.plan.cells if c.project == p and c.row is None}
    xs_ind = {round(c.bbox[0], 1) for c in r.plan.cells if c.project == p and c.row is not None}
    assert xs_block <= xs_ind


def test_large_font_split_points(tmp_path_factory):
    r = rendered("large_font", tmp_path_factory)
    kinds = {b.kind for b in r.plan.breaks}
    assert {"in_row", "between_rows", "after_header"} <= kinds
    assert all(len(r.plan.project_pages[p["index"]]) >= 2 for p in PROJECTS)


def test_furniture(tmp_path_factory):
    r = rendered("furniture", tmp_path_factory)
    n = len(r.pages)
    header = squash(f"{CONTENT['unit']['name']}{CONTENT['year']}年部门预算")
    for i, p in enumerate(r.pages, 1):
        t = squash(p["text"])
        assert t.startswith(header)
        assert t.endswith(f"-{i}-") or t.endswith(f"第{i}页共{n}页")
    assert any(squash(p["text"]).endswith(f"第{n}页共{n}页") for p in r.pages)
    assert any(squash(p["text"]).endswith("-1-") for p in r.pages)


def test_synonym_headers(tmp_path_factory):
    r = rendered("synonyms", tmp_path_factory)
    heads = {c.text for c in r.plan.cells if c.row is None and c.col in lv.HEADER_WORDS}
    assert {"指标名称", "指标解释", "年度指标值", "评（扣）分标准", "分值"} <= heads
    assert not {"三级指标", "绩效指标描述", "指标值"} & heads
    r = rendered("synonyms_alt", tmp_path_factory)
    heads = {c.text for c in r.plan.cells if c.row is None and c.col in lv.HEADER_WORDS}
    assert {"指标内容", "指标说明", "指标值（包含数字及文字描述）", "权重"} <= heads


def test_split_value_columns(tmp_path_factory):
    r = rendered("split_value_columns", tmp_path_factory)
    heads = [c.text for c in r.plan.cells if c.row is None and c.col in lv.HEADER_WORDS and c.page == r.plan.project_pages[1][0]]
    assert heads[4:7] == ["指标性质", "指标值", "计量单位"]
    cmps = [c.text for c in r.plan.cells if c.col == "cmp" and c.row is not None]
    assert set(cmps) <= {"≥", "≤", ">", "<", "=", "定性", "区间"} and "≥" in cmps


def test_embedded(tmp_path_factory):
    r = rendered("embedded", tmp_path_factory)
    kinds = [p.kind for p in r.plan.pages]
    assert kinds[:2] == ["cover", "toc"] and kinds.count("budget") == 3
    text = r.text
    for s in ("目录", "表1部门收支总表", "本年收入", "本年支出", "一般公共预算支出表", "“三公”经费", "部门整体绩效目标"):
        assert squash(s) in text
    assert squash(r.pages[0]["text"]).startswith(CONTENT["unit"]["name"])


def _page_starts(r: Rendered, page: int) -> list[lv.CellRecord]:
    """The table cells on ``page``, top first."""
    return sorted((c for c in r.plan.cells if c.page == page and c.text), key=lambda c: c.bbox[1])


@pytest.mark.parametrize("name,kind", [("borderless_continued", "between_rows"),
                                       ("borderless_continued_split", "in_row")])
def test_borderless_table_continues_without_header(tmp_path_factory, name, kind):
    """No rules, no repeated header: the page after the break starts with
    data rows (or, split inside a row, with the rest of a multi-line cell)."""
    r = rendered(name, tmp_path_factory)
    assert not [ln for p in r.pages for ln in p["lines"]] and not [c for c in r.plan.cells if c.repeat]
    breaks = [b for b in r.plan.breaks if b.kind == kind and b.row is not None]
    assert breaks
    for b in breaks:
        first = _page_starts(r, b.page + 1)[0]
        assert first.project == b.project and first.row is not None  # an indicator row, not a header
        if kind == "in_row":
            before = [c for c in r.plan.cells if c.page == b.page and c.project == b.project and c.row == b.row
                      and c.col == first.col]
            assert before and before[0].text and len(_lines_of(r, first)) >= 1  # one cell, two pages


@pytest.mark.parametrize("name", ["borderless_row_end", "borderless_row_end_alone"])
def test_page_holding_only_the_ends_of_cells_of_a_split_row(tmp_path_factory, name):
    """No rules; the page break lands inside the last row of a table: the
    next page holds nothing of that table but the ends of several of its
    cells, some side by side on one line, then the next project (on that
    page, or on the page after)."""
    r = rendered(name, tmp_path_factory)
    assert not [ln for p in r.pages for ln in p["lines"]]
    breaks = [b for b in r.plan.breaks if b.kind == "in_row" and b.last and len(b.continued) >= 2]
    assert breaks and "row_end" in lv.break_kinds(r.plan)
    side_by_side = False
    for b in breaks:
        after = [c for c in r.plan.cells if c.page == b.page + 1 and c.project == b.project and c.text]
        assert {c.row for c in after} == {b.row} and sorted(c.col for c in after) == sorted(b.continued)
        lines = [_lines_of(r, c) for c in after]
        side_by_side |= any(a & z for i, a in enumerate(lines) for z in lines[i + 1:])
        nxt = r.plan.project_pages.get(b.project + 1)
        if nxt:
            first = min(c.bbox[1] for c in r.plan.cells if c.page == nxt[0] and c.project == b.project + 1)
            assert nxt[0] > b.page + 1 or first > max(c.bbox[3] for c in after)
    assert side_by_side
    if name == "borderless_row_end_alone":
        assert any(not [c for c in r.plan.cells if c.page == b.page + 1 and c.project != b.project] for b in breaks)


def test_two_row_headers(tmp_path_factory):
    r = rendered("two_row_header", tmp_path_factory)
    p1 = r.plan.project_pages[1][0]
    heads = [c for c in r.plan.cells if c.page == p1 and c.row is None and c.col in set(lv.HEADER_WORDS) | {"group"}]
    group = [c for c in heads if c.col == "group"]
    assert [c.text for c in group] == ["绩效指标"]
    levels = [c for c in heads if c.col in ("level1", "level2", "level3")]
    assert [c.text for c in levels] == ["一级指标", "二级指标", "三级指标"]
    # the group cell spans the three level columns and sits right above them
    g = group[0]
    assert abs(g.bbox[0] - levels[0].bbox[0]) < 0.1 and abs(g.bbox[2] - levels[2].bbox[2]) < 0.1
    assert all(abs(g.bbox[3] - c.bbox[1]) < 0.1 for c in levels)
    # the other header cells span both rows
    desc = next(c for c in heads if c.col == "description")
    assert abs(desc.bbox[1] - g.bbox[1]) < 0.1 and abs(desc.bbox[3] - levels[0].bbox[3]) < 0.1
    # repeated whole on the continuation page
    last = PROJECTS[-1]["index"]
    cont = r.plan.project_pages[last][1]
    assert {c.text for c in r.plan.cells if c.repeat and c.page == cont} >= {"绩效指标", "一级指标", "指标值确定依据"}
    r = rendered("two_row_header_split_value", tmp_path_factory)
    p1 = r.plan.project_pages[1][0]
    texts = [c.text for c in r.plan.cells if c.page == p1 and c.row is None and c.col in ("group", "cmp", "value", "unit")]
    assert texts == ["绩效指标", "指标值", "指标性质", "指标值", "计量单位"]
    # a header band is never split by a page break: every group cell has its
    # sub-header cells right under it, on its page
    for g in (c for c in r.plan.cells if c.col == "group"):
        under = [c for c in r.plan.cells if c.page == g.page and c.repeat == g.repeat and c.project == g.project
                 and c.col in ("level1", "cmp") and c.row is None and abs(c.bbox[1] - g.bbox[3]) < 0.1]
        assert under, (g.page, g.text)


def test_continuation_header_in_other_words(tmp_path_factory):
    r = rendered("synonyms_continued", tmp_path_factory)
    first = {c.text for c in r.plan.cells if c.row is None and not c.repeat and c.col in lv.HEADER_WORDS}
    again = {c.text for c in r.plan.cells if c.repeat}
    assert {"三级指标", "绩效指标描述", "指标值", "指标值确定依据"} <= first
    assert {"指标名称", "指标解释", "目标值", "指标值设定依据"} <= again
    assert not {"三级指标", "绩效指标描述", "指标值", "指标值确定依据"} & again


def test_column_rules_only(tmp_path_factory):
    r = rendered("vrules_only", tmp_path_factory)
    lines = [ln for p in r.pages for ln in p["lines"]]
    assert lines and all(_is_vertical(ln) for ln in lines)


def test_excel_rects(tmp_path_factory):
    """Every cell edge its own thin filled rectangle (shared edges twice);
    header cells shaded under their text."""
    r = rendered("excel_rects", tmp_path_factory)
    p1 = r.plan.project_pages[1][0]
    rects = r.pages[p1 - 1]["rects"]
    thin = [x for x in rects if _thin(x)]
    cells = [c for c in r.plan.cells if c.page == p1]
    assert len(thin) == 4 * len(cells)
    shaded = [x for x in rects if not _thin(x)]
    heads = [c for c in cells if c.row is None and c.col in lv.HEADER_WORDS]
    assert len(shaded) == len(heads) == 6
    ops = r.plan.pages[p1 - 1].ops
    fills = [i for i, op in enumerate(ops) if isinstance(op, lv.RectOp) and op.gray > 0]
    words = [i for i, op in enumerate(ops) if isinstance(op, lv.TextOp) and op.text == "一级指标"]
    assert fills and words and max(fills) < min(words)  # the shading is painted first


def test_alt_project_block(tmp_path_factory):
    r = rendered("alt_project_block", tmp_path_factory)
    labels = [c.text for c in r.plan.cells if c.project == 1 and c.row is None and c.page == r.plan.project_pages[1][0]]
    for s in ("项目名称", "项目编码", "主管部门", "实施单位", "年度资金总额", "其中：财政拨款", "其他资金", "年度绩效目标"):
        assert s in labels
    assert labels.index("项目名称") < labels.index("项目编码")
    assert "绩效目标" not in labels
