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


# -- borderless tables continued over a page break ------------------------------

DATA = [
    ["", "质量指标", "合格率", "产品合格率", "100%", "县政府批示"],
    ["", "时效指标", "完成时限", "按时完成任务", "≥95%", "县政府批示"],
]
XS = [0, 70, 140, 210, 330, 400]


def test_continuation_page_without_header_or_labels_is_a_table():
    """A page that continues a borderless table opens with data rows: a
    line cut into several cells is a table row, whatever its words."""
    (grid,), leftover = text_grids(2, table_chars(DATA, XS, top=60), [], DEFAULT)
    assert grid.n_rows == 2 and leftover == []
    assert [c.text for c in grid.rows()[0]] == [t for t in DATA[0] if t]


def test_rest_of_a_split_row_at_the_page_top_joins_the_table():
    """The page break split a row: the end of its basis cell ("号）") opens
    the page, set at the table's row spacing above the first full row."""
    cs = chars("号）", x=XS[5], top=40) + table_chars(DATA, XS, top=60)
    (grid,), leftover = text_grids(2, cs, [], DEFAULT)
    assert leftover == [] and grid.rows()[0][0].text == "号）"
    # across the columns at the page top: the end of a long 绩效目标 cell
    cs = chars("3.管好用好工会经费，充分发挥工会作用", x=XS[1], top=40) + table_chars(DATA, XS, top=60)
    (grid,), leftover = text_grids(2, cs, [], DEFAULT)
    assert leftover == []


def test_title_and_unit_line_stay_outside_the_table():
    block = [["项目编码", "P001", "项目名称", "示例项目", "", ""]] + DATA
    cs = chars("1.示例项目绩效目标表", x=0, top=10, size=16) + chars("711001某某局", x=0, top=40)
    cs += chars("单位：万元", x=400, top=40) + table_chars(block, XS, top=60)
    (grid,), leftover = text_grids(1, cs, [], DEFAULT)
    assert grid.rows()[0][0].text == "项目编码"
    assert "".join(c.text for c in leftover) == "1.示例项目绩效目标表711001某某局单位：万元"


def test_a_heading_below_ends_the_table():
    """A title wrapped over two lines: its first line does not end with
    绩效目标表, but it is set larger than the table."""
    cs = table_chars(DATA, XS, top=60) + chars("2.另一个很长名称的项目", x=0, top=120, size=16)
    cs += chars("绩效目标表", x=0, top=140, size=16)
    (grid,), leftover = text_grids(1, cs, [], DEFAULT)
    assert grid.n_rows == 2 and "".join(c.text for c in leftover) == "2.另一个很长名称的项目绩效目标表"


def test_fields_and_justified_lines_are_not_tables():
    signatures = chars("单位负责人：张三", x=0, top=10) + chars("财务负责人：李四", x=150, top=10)
    signatures += chars("填报人：王五", x=300, top=10)
    justified = chars("各项工作全面完成", x=0, top=40, gaps={i: 9.0 for i in range(1, 8)})
    grids, leftover = text_grids(1, signatures + justified, [], DEFAULT)
    assert grids == [] and len(leftover) == len(signatures) + len(justified)


def test_a_word_carried_whole_to_the_next_line_is_a_wrap():
    # "【2022】" cannot be broken (no line ends with an opening bracket) and
    # did not fit after "冀财行"; a code longer than its cell breaks anywhere
    assert same_cell(piece("冀财行", 0, 0), piece("【2022】99号", 0, 13), 60, 3.0)
    assert same_cell(piece("13052923P0058", 0, 0), piece("C", 0, 13), 200, 3.0)
    assert not same_cell(piece("满意", 0, 0), piece("【附件】", 0, 13), 120, 3.0)


def test_page_furniture_stays_outside_the_table():
    """Furniture is set aside after segmentation: a table takes in neither
    the page number under it nor the running header over the rest of a
    cell that opens the page."""
    cs = chars("某某县2023年部门预算", x=150, top=10) + chars("3.管好用好工会经费，充分发挥工会作用", x=XS[1], top=80)
    cs += table_chars(DATA, XS, top=100) + chars("- 3 -", x=200, top=205, size=9)
    (grid,), leftover = text_grids(2, cs, [], DEFAULT, height=225)  # header and number in the page's margins
    assert grid.n_rows == 3 and grid.rows()[0][0].text.startswith("3.管好用好")
    assert "".join(c.text for c in leftover if not c.text.isspace()) == "某某县2023年部门预算-3-"
    # inside the page a bare number is no page number: the end of a code
    code = chars("13052923P0058", x=XS[1], top=80) + chars("5", x=XS[1] + 20, top=93)
    (grid,), _ = text_grids(2, code + table_chars(DATA, XS, top=110), [], DEFAULT, height=850)
    assert grid.rows()[0][0].text == "13052923P00585"


def test_lines_above_every_table_keep_the_pieces_the_cell_gaps_cut():
    """The ends of several cells of a row split by the page break, side by
    side above the page's first table: segmentation records the pieces
    (``TextLine.runs``) while it knows the characters' positions.  Not for
    a line of one piece, a line of "name：value" fields, or a line below a
    table of the page."""
    from extractor.grids import segment_page
    from extractor.layout import Page

    cs = chars("意度", x=XS[3] + 30, top=40) + chars("度", x=XS[5] + 20, top=40)
    cs += chars("续表", x=XS[2], top=20)
    cs += chars("填报人：张三", x=XS[0], top=10) + chars("联系电话：1234", x=XS[4], top=10)
    cs += table_chars(DATA, XS, top=100)
    cs += chars("意度", x=XS[3] + 30, top=200) + chars("度", x=XS[5] + 20, top=200)  # under the table
    layout = segment_page(Page(2, 600, 850, tuple(cs), ()), DEFAULT)
    assert len(layout.grids) == 1
    runs = {line.text: [r.text for r in line.runs] for line in layout.lines if line.box.top < 100}
    assert runs == {"填报人：张三 联系电话：1234": [], "续表": [], "意度 度": ["意度", "度"]}
    assert [line.runs for line in layout.lines if line.box.top > 100] == [()]


def test_lines_a_text_table_leaves_are_the_lines_it_was_read_from():
    """Segmentation reads the text outside ruled tables into lines once:
    the lines a text table does not take are those same lines, with the
    pieces the table search cut them into (``with_cell_runs`` given them
    gives what it finds alone)."""
    from extractor.grids import segment_page
    from extractor.layout import Page
    from extractor.rejoin import chars_to_lines
    from extractor.textgrid import lines_to_pieces, with_cell_runs

    block = [["项目编码", "P001", "项目名称", "示例项目", "", ""]] + DATA
    above = chars("意度", x=XS[3] + 30, top=10) + chars("度", x=XS[5] + 20, top=10)
    above += chars("1.示例项目绩效目标表", x=0, top=30, size=16)
    below = chars("单位负责人：张三", x=0, top=200) + chars("填报人：王五", x=300, top=200)
    layout = segment_page(Page(2, 600, 850, tuple(above + table_chars(block, XS, top=60) + below), ()), DEFAULT)
    (grid,) = layout.grids
    assert grid.source == "text"
    # the lines outside the table, as they are read without it
    alone = chars_to_lines(above + below, 2, DEFAULT)
    assert [(l.text, l.box) for l in layout.lines] == [(l.text, l.box) for l in alone]
    assert [[r.text for r in l.runs] for l in layout.lines] == [["意度", "度"], [], []]
    for top in (float("inf"), 40.0, 0.0):
        assert with_cell_runs(alone, top, DEFAULT, lines_to_pieces(alone, DEFAULT)) == with_cell_runs(alone, top, DEFAULT)


def test_the_text_outside_tables_is_lined_once():
    """The lines segmentation keeps are those of one lining of the text
    outside ruled tables, not of a second lining of what the first left:
    lining is greedy, and a row of spaces only, dropped by the first,
    would have given the characters after it another neighbour."""
    from extractor.grids import segment_page
    from extractor.layout import Box, Char, Page
    from extractor.rejoin import chars_to_lines

    def char(text, x, top, bottom):
        return Char(text, Box(x, top, x + 5, bottom), 10.0)

    cs = (char(" ", 10, 10, 12), char("a", 10, 12, 14), char(" ", 0, 10, 10), char(" ", 10, 0, 16), char("a", 30, 5, 7))
    once = chars_to_lines(cs, 1, DEFAULT)
    layout = segment_page(Page(1, 600, 850, cs, ()), DEFAULT)
    assert [l.text for l in layout.lines] == [l.text for l in once] == ["a", "a"]
    twice = chars_to_lines([c for l in once for c in l.chars], 1, DEFAULT)
    assert [l.text for l in twice] == ["a a"]  # what lining again gave
