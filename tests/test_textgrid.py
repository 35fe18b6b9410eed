"""Tables without (some) rulings: cells from text alignment."""

from builders import chars

from extractor.layout import Ruling
from extractor.settings import DEFAULT
from extractor.textgrid import cells_to_bands, same_cell, text_grids
from extractor.layout import Box


def piece(text, x, top, size=10.0):
    from extractor.textgrid import Piece
    from builders import line

    return Piece(line(text, x=x, top=top, size=size))


def test_same_cell_by_the_words_within_the_leading():
    lead = 3.0
    assert same_cell(piece("发放工会经", 0, 0), piece("费精确性", 0, 13), 50, lead)  # jieba: 经费
    assert same_cell(piece("1.保证稳定", 0, 0), piece("2.提高积极性", 0, 13), 80, lead)  # numbered list
    assert same_cell(piece("其中：财政", 0, 0), piece("资金", 0, 13), 50, lead)  # completes a label
    assert same_cell(piece("公安局辅警", 0, 0), piece("工会经费数", 0, 13), 50, lead)  # filled line
    assert not same_cell(piece("县政府批示", 0, 0), piece("县政府批示", 0, 30), 50, lead)  # row gap
    assert not same_cell(piece("数量指标", 0, 0), piece("预算数", 0, 13), 60, lead)  # a label starts a cell
    assert not same_cell(piece("预算数", 0, 0), piece("16.00", 0, 13), 60, lead)  # an amount starts a cell
    assert not same_cell(piece("满意", 0, 0), piece("问卷调查", 0, 13), 60, lead)  # short line, unrelated


def test_short_line_before_an_unbreakable_number_is_a_wrap():
    # "工会经费" left room, but "60%拨付给" could not start on it
    assert same_cell(piece("工会经费", 0, 0), piece("60%拨付给", 0, 13), 52, 3.0)


def test_bands_keep_two_cells_of_one_column_apart():
    boxes = [Box(0, 0, 40, 10), Box(0, 13, 40, 23), Box(50, 5, 90, 18)]
    # the third box overlaps both rows vertically, but the first two share a column
    edges = cells_to_bands(boxes)
    assert len(edges) == 3


def table_chars(rows, xs, top=100.0, pitch=22.0):
    out = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text:
                out += chars(text, x=xs[c], top=top + r * pitch)
    return out


def test_borderless_table_found_by_its_header_words():
    xs = [0, 70, 140, 210, 300, 360]
    rows = [
        ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"],
        ["产出指标", "数量指标", "保障人数", "保障人数", "≥242人", "县政府批示"],
        ["", "质量指标", "准确率", "发放准确率", "100%", "县政府批示"],
    ]
    grids, leftover = text_grids(1, table_chars(rows, xs) + chars("正文一段话。", x=0, top=20), [], DEFAULT)
    (grid,) = grids
    assert grid.source == "text" and grid.n_rows == 3
    assert [c.text for c in grid.rows()[1]] == rows[1]
    assert "".join(c.text for c in leftover) == "正文一段话。"


def test_prose_alone_is_no_table():
    grids, leftover = text_grids(1, chars("绩效目标：做好工作。", x=0, top=0) + chars("项目名称很多", x=0, top=20), [], DEFAULT)
    assert grids == [] and len(leftover) == 16


def test_horizontal_rules_give_rows_and_merged_cells():
    xs = [0, 70, 140]
    rows = [["一级指标", "二级指标", "指标值"], ["产出指标", "数量指标", "≥1个"], ["", "质量指标", "100%"]]
    cs = table_chars(rows, xs, top=100, pitch=20)
    rules = [Ruling("h", y, 0, 200) for y in (97, 117)] + [Ruling("h", 137, 70, 200), Ruling("h", 157, 0, 200)]
    (grid,) = text_grids(1, cs, rules, DEFAULT)[0]
    level1 = [c for c in grid.cells if c.text == "产出指标"][0]
    assert level1.rowspan == 2  # no rule under it in its column
    assert [c.rowspan for c in grid.cells if c.text == "数量指标"] == [1]
