from builders import table_page

from extractor.forms import layouts_to_forms, split_title

XS = [0, 60, 120, 180, 260, 330, 560]
HEADER = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"]
BLOCK = [
    ["项目编码", "P001", "项目名称", "示例项目", "", ""],
    ["预算数", "10.00", "财政资金", "8.00", "其他资金", "2.00"],
]


def rows_of(form):
    return [{k: v.text for k, v in r.fields.items()} for r in form.rows]


def test_title_and_blocks():
    assert split_title("3.某某项目绩效目标表") == (3, "某某项目绩效目标表")
    assert split_title("某某项目绩效目标申报表") == (None, "某某项目绩效目标申报表")
    assert split_title("收支总表") is None


def test_one_page_form():
    page = table_page(1, XS, BLOCK + [HEADER, ["产出指标", "数量指标", "人数", "保障人数", "≥10人", "文件"]], above=["1.示例项目绩效目标表"])
    (form,) = layouts_to_forms([page]).forms
    assert form.title.text == "1.示例项目绩效目标表"
    roles = {role: span.text for role, _, span in form.labels}
    assert roles == {"code": "P001", "name": "示例项目", "total": "10.00", "fiscal": "8.00", "other": "2.00"}
    assert rows_of(form) == [dict(zip(["level1", "level2", "level3", "description", "value", "basis"], ["产出指标", "数量指标", "人数", "保障人数", "≥10人", "文件"]))]


def test_continuation_with_repeated_header_blank_merged_cell_and_split_row():
    p1 = table_page(1, XS, BLOCK + [HEADER, ["效益指标", "社会效益指标", "影响", "描述", "≥90%", "《规划》（总工办发〔2019〕13"]], above=["1.示例项目绩效目标表"])
    # page 2: header repeated, the split row's rest ("号）") and a blank 一级指标
    p2 = table_page(2, XS, [HEADER, ["", "", "", "", "", "号）"], ["", "可持续影响指标", "社会影响力", "民生", "≥80%", "文件"]])
    (form,) = layouts_to_forms([p1, p2]).forms
    rows = rows_of(form)
    assert len(rows) == 2
    assert rows[0]["basis"] == "《规划》（总工办发〔2019〕13号）"
    assert rows[1]["level1"] == "效益指标"  # carried over the page break
    assert form.rows[0].pages == (1, 2)
    assert form.pages == (1, 2)


def test_continuation_without_header_maps_columns_by_position():
    p1 = table_page(1, XS, BLOCK + [HEADER, ["产出指标", "数量指标", "人数", "描述", "≥10人", "文件"]], above=["1.示例项目绩效目标表"])
    p2 = table_page(2, XS, [["", "质量指标", "合格率", "描述", "100%", "文件"]])
    (form,) = layouts_to_forms([p1, p2]).forms
    assert [r["level3"] for r in rows_of(form)] == ["人数", "合格率"]
    assert rows_of(form)[1]["level1"] == "产出指标"


def test_a_new_title_opens_a_new_project_and_foreign_tables_are_ignored():
    budget = table_page(1, XS, [["项目", "本年收入", "", "", "", ""], ["一般公共预算", "100", "", "", "", ""]], above=["收支总表"])
    a = table_page(2, XS, BLOCK + [HEADER, ["产出指标", "数量指标", "人数", "描述", "≥10人", "文件"]], above=["1.甲项目绩效目标表"])
    b = table_page(3, XS, BLOCK + [HEADER, ["产出指标", "数量指标", "户数", "描述", "≥5户", "文件"]], above=["2.乙项目绩效目标表"])
    forms = layouts_to_forms([budget, a, b]).forms
    assert [f.title.text for f in forms] == ["1.甲项目绩效目标表", "2.乙项目绩效目标表"]
    assert [rows_of(f)[0]["level3"] for f in forms] == ["人数", "户数"]


def test_header_synonyms_and_extra_columns():
    header = ["一级指标", "二级指标", "指标名称", "指标解释", "年度指标值", "佐证材料"]
    page = table_page(1, XS, BLOCK + [header, ["产出指标", "数量指标", "人数", "说明", "≥10人", "台账"]], above=["1.示例项目绩效目标表"])
    (form,) = layouts_to_forms([page]).forms
    (row,) = form.rows
    assert row.fields["level3"].text == "人数" and row.fields["description"].text == "说明"
    assert row.fields["value"].text == "≥10人"
    assert {k: v.text for k, v in row.extra.items()} == {"佐证材料": "台账"}


def test_labels_above_values_and_spending_plan():
    block = [
        ["项目名称", "示例项目", "项目编码", "P9", "", ""],
        ["资金支出计划", "3月底", "6月底", "10月底", "12月底", ""],
        ["", "1.00", "2.00", "3.00", "4.00", ""],
    ]
    page = table_page(1, XS, block + [HEADER, ["产出指标", "数量指标", "人数", "描述", "≥10人", "文件"]], above=["示例项目绩效目标表"])
    (form,) = layouts_to_forms([page]).forms
    assert [(a.text, b.text) for a, b in form.spending] == [("3月底", "1.00"), ("6月底", "2.00"), ("10月底", "3.00"), ("12月底", "4.00")]


def test_two_row_header_with_a_heading_over_the_indicator_columns():
    block = BLOCK + [["年度绩效目标", "做好工作", "", "", "", ""]]
    heading = ["绩效指标", "", "", "", "", ""]
    page = table_page(1, XS, block + [heading, HEADER, ["产出指标", "数量指标", "人数", "描述", "≥10人", "文件"]], above=["1.示例项目绩效目标表"])
    (form,) = layouts_to_forms([page]).forms
    roles = {role: span.text for role, _, span in form.labels}
    assert roles["goals"] == "做好工作"
    assert len(form.rows) == 1


def test_title_in_the_first_row_of_the_table():
    xs = [0, 150, 210, 270, 350, 420, 560]
    page = table_page(1, xs, [["3.示例项目绩效目标表", "", "", "", "", ""]] + BLOCK + [HEADER, ["产出指标", "数量指标", "人数", "描述", "≥10人", "文件"]])
    (form,) = layouts_to_forms([page]).forms
    assert split_title(form.title.text) == (3, "示例项目绩效目标表")
    assert len(form.rows) == 1


# -- other layouts of the same form ------------------------------------------------


def merged_page(number, xs, cells, *, top=50.0, row_h=24.0, above=(), size=10.0):
    """A page holding one ruled table of merged cells: ``cells`` are (row,
    col, rowspan, colspan, text); no border is drawn inside a merged cell."""
    from builders import chars, grid_rulings

    from extractor.grids import segment_page
    from extractor.layout import Page
    from extractor.settings import DEFAULT

    n_rows = max(r + rs for r, _, rs, _, _ in cells)
    ys = [top + i * row_h for i in range(n_rows + 1)]
    skip_v, skip_h, cs = set(), set(), []
    for r, c, rs, span, text in cells:
        skip_v |= {(i, row) for i in range(c + 1, c + span) for row in range(r, r + rs)}
        skip_h |= {(j, col) for j in range(r + 1, r + rs) for col in range(c, c + span)}
        if text:
            cs += chars(text, x=xs[c] + 2, top=ys[r] + 4, size=size)
    y = 10.0
    for text in above:
        cs += chars(text, x=xs[0], top=y, size=size + 6)
        y += size + 10
    page = Page(number, 700, 850, tuple(cs), tuple(grid_rulings(xs, ys, skip_v=skip_v, skip_h=skip_h)))
    return segment_page(page, DEFAULT)


def as_cells(r, texts):
    return [(r, c, 1, 1, t) for c, t in enumerate(texts)]


def test_two_row_header_with_group_words_over_the_columns():
    """绩效指标 over the three levels, 指标值 over 指标性质 | 指标值 | 计量单位;
    the other headers span both rows.  The columns are the lower words."""
    xs = [0, 60, 120, 180, 260, 300, 350, 400, 560]
    block = [(0, 0, 1, 1, "项目编码"), (0, 1, 1, 3, "P001"), (0, 4, 1, 1, "项目名称"), (0, 5, 1, 3, "示例项目")]
    header = [(1, 0, 1, 3, "绩效指标"), (1, 3, 2, 1, "绩效指标描述"), (1, 4, 1, 3, "指标值"), (1, 7, 2, 1, "指标值确定依据")]
    header += [(2, 0, 1, 1, "一级指标"), (2, 1, 1, 1, "二级指标"), (2, 2, 1, 1, "三级指标"),
               (2, 4, 1, 1, "指标性质"), (2, 5, 1, 1, "指标值"), (2, 6, 1, 1, "计量单位")]
    data = as_cells(3, ["产出指标", "数量指标", "人数", "保障人数", "≥", "10", "人", "文件"])
    page = merged_page(1, xs, block + header + data, above=["1.示例项目绩效目标表"])
    (form,) = layouts_to_forms([page]).forms
    assert [c.role for c in form.columns] == ["level1", "level2", "level3", "description", "operator", "value", "unit", "basis"]
    assert rows_of(form) == [dict(zip(["level1", "level2", "level3", "description", "operator", "value", "unit", "basis"],
                                      ["产出指标", "数量指标", "人数", "保障人数", "≥", "10", "人", "文件"]))]
    assert {role for role, _, _ in form.labels} == {"code", "name"}  # the header band is not read as block rows


def test_two_row_header_repeated_on_the_continuation_page():
    xs = [0, 60, 120, 180, 260, 330, 560]
    header = [(0, 0, 1, 3, "绩效指标"), (0, 3, 2, 1, "绩效指标描述"), (0, 4, 2, 1, "指标值"), (0, 5, 2, 1, "指标值确定依据"),
              (1, 0, 1, 1, "一级指标"), (1, 1, 1, 1, "二级指标"), (1, 2, 1, 1, "三级指标")]
    p1 = merged_page(1, xs, [(0, 0, 1, 1, "项目编码"), (0, 1, 1, 5, "P001")] + [(r + 1, *rest) for r, *rest in header]
                     + as_cells(3, ["产出指标", "数量指标", "人数", "描述", "≥10人", "文件"]), above=["1.示例项目绩效目标表"])
    p2 = merged_page(2, xs, header + as_cells(2, ["", "质量指标", "合格率", "描述", "100%", "文件"]))
    (form,) = layouts_to_forms([p1, p2]).forms
    assert [r["level3"] for r in rows_of(form)] == ["人数", "合格率"]
    assert rows_of(form)[1]["level1"] == "产出指标"


def test_continuation_header_in_other_words():
    p1 = table_page(1, XS, BLOCK + [HEADER, ["产出指标", "数量指标", "人数", "描述", "≥10人", "文件"]], above=["1.示例项目绩效目标表"])
    again = ["一级指标", "二级指标", "指标名称", "指标解释", "目标值", "指标值设定依据"]
    p2 = table_page(2, XS, [again, ["", "质量指标", "合格率", "说明", "100%", "规定"]])
    (form,) = layouts_to_forms([p1, p2]).forms
    assert rows_of(form)[1] == dict(zip(["level1", "level2", "level3", "description", "value", "basis"],
                                         ["产出指标", "质量指标", "合格率", "说明", "100%", "规定"]))


def test_a_row_split_inside_a_word_completes_the_row_above():
    """After the break the row's cells all carry text, but "≥30百分" | "比"
    and "社会效益" | "指标" are one word each: the rest of the split row."""
    p1 = table_page(1, XS, BLOCK + [HEADER, ["效益指标", "社会效益", "提升职工", "生活水平", "≥30百分", "县政府"]], above=["1.示例项目绩效目标表"])
    p2 = table_page(2, XS, [HEADER, ["", "指标", "生活水平率", "提升情况", "比", "批示"],
                            ["", "可持续影响指标", "影响力", "民生", "≥90%", "文件"]])
    (form,) = layouts_to_forms([p1, p2]).forms
    rows = rows_of(form)
    assert len(rows) == 2
    assert rows[0]["value"] == "≥30百分比" and rows[0]["level2"] == "社会效益指标"


def test_a_label_split_by_the_page_break_stays_a_label():
    block = [["项目编码", "P001", "项目名称", "示例项目", "", ""], ["资金支出", "3月底", "6月底", "10月底", "12月底", ""]]
    p1 = table_page(1, XS, block, above=["1.示例项目绩效目标表"])
    p2 = table_page(2, XS, [["计划（%）", "1.00", "2.00", "3.00", "4.00", ""], ["绩效目标", "做好工作", "", "", "", ""],
                            HEADER, ["产出指标", "数量指标", "人数", "描述", "≥10人", "文件"]])
    (form,) = layouts_to_forms([p1, p2]).forms
    assert [(a.text, b.text) for a, b in form.spending] == [("3月底", "1.00"), ("6月底", "2.00"), ("10月底", "3.00"), ("12月底", "4.00")]
    assert {role: span.text for role, _, span in form.labels} == {"code": "P001", "name": "示例项目", "goals": "做好工作"}


def test_a_text_grid_continues_only_from_the_top_of_its_page_under_the_columns():
    from extractor.forms import HeaderColumn, continues_columns
    from extractor.layout import Box, Cell, Grid

    columns = [HeaderColumn(role, role, x, x + 40) for role, x in zip(["level1", "level2", "level3", "value"], [10, 70, 130, 190])]

    def grid(*spans):
        cells = tuple(Cell(2, 0, i, 1, 1, Box(x0, 100, x1, 110), (), "字") for i, (x0, x1) in enumerate(spans))
        return Grid(2, Box(min(s[0] for s in spans), 100, max(s[1] for s in spans), 110), (), (100.0, 110.0), cells, "text")

    rows = grid((75, 105), (125, 175), (195, 225))  # wider than the header words, each under one
    assert continues_columns(rows, columns, first_on_page=True)
    assert not continues_columns(rows, columns, first_on_page=False)  # under a finished table: something else
    assert not continues_columns(grid((15, 100), (195, 225)), columns, first_on_page=True)  # straddles two columns


def test_a_page_holding_only_the_end_of_a_cell_completes_it():
    """The last line of a cell alone at the top of the next page (a
    borderless table: no grid there) finishes its word; a note such as 续表
    finishes none and is left alone."""
    from builders import line

    from extractor.layout import Page, PageLayout

    p1 = table_page(1, XS, BLOCK + [HEADER, ["产出指标", "数量指标", "人数", "描述", "≥10人", "《职工书屋建设五年规"]], above=["1.示例项目绩效目标表"])

    def loose(*texts):
        lines = tuple(line(t, x=XS[5] + 2 if t != "续表" else 280, top=20 + 14 * i, page=2) for i, t in enumerate(texts))
        return PageLayout(Page(2, 600, 850, (), ()), (), lines)

    (form,) = layouts_to_forms([p1, loose("划》")]).forms
    assert rows_of(form)[0]["basis"] == "《职工书屋建设五年规划》" and form.rows[0].pages == (1, 2)
    (form,) = layouts_to_forms([p1, loose("续表")]).forms
    assert rows_of(form)[0]["basis"] == "《职工书屋建设五年规" and form.rows[0].pages == (1,)


def test_a_page_holding_only_the_ends_of_several_cells_completes_them():
    """A borderless table's last row split by the page break: the next page
    holds nothing of the table but the ends of its 绩效指标描述 and 指标值确定依据
    cells, side by side, then one more line of the first.  Segmentation cut
    the line into pieces (``TextLine.runs``) while it knew the characters'
    positions; forms puts them under the columns, after the boxes are gone."""
    from builders import chars

    from extractor.grids import segment_page
    from extractor.layout import Page
    from extractor.pipeline import _light
    from extractor.settings import DEFAULT

    p1 = table_page(1, XS, BLOCK + [HEADER, ["满意度指标", "满意度指标", "满意度", "服务对象满", "≥90%", "问卷调"]],
                    above=["1.示例项目绩效目标表"])

    def rest(*pieces, size=10.0):
        cs = [c for text, x, top in pieces for c in chars(text, x=x, top=top, size=size)]
        return _light(segment_page(Page(2, 600, 850, tuple(cs), ()), DEFAULT))

    # "意度" | "查" on one line, then "情况" at the leading under the first
    page = rest(("意度", XS[3] + 20, 20.0), ("查", XS[5] + 40, 20.0), ("情况", XS[3] + 20, 33.0))
    (form,) = layouts_to_forms([p1, page]).forms
    assert rows_of(form)[0]["description"] == "服务对象满意度情况" and rows_of(form)[0]["basis"] == "问卷调查"
    assert form.rows[0].pages == (1, 2) and form.pages == (1, 2)
    assert [(key, span.text, span.page) for key, span in form.row_ends] == [
        ("description", "意度", 2), ("basis", "查", 2), ("description", "情况", 2)]
    # a cell of one line beside one of two is centred between them: the lines
    # interleave, one band
    page = rest(("意度", XS[3] + 20, 20.0), ("查", XS[5] + 40, 26.5), ("情况", XS[3] + 20, 33.0))
    (form,) = layouts_to_forms([p1, page]).forms
    assert rows_of(form)[0]["description"] == "服务对象满意度情况" and rows_of(form)[0]["basis"] == "问卷调查"
    # not the rest of the row: set larger (a heading), two pieces under one
    # column, a piece under a column where the row has no text
    blank = table_page(1, XS, BLOCK + [HEADER, ["满意度指标", "满意度指标", "满意度", "服务对象满", "", "问卷调"]],
                       above=["1.示例项目绩效目标表"])
    for first, page in ((p1, rest(("意度", XS[3] + 20, 20.0), ("查", XS[5] + 40, 20.0), size=16.0)),
                        (p1, rest(("意度", XS[5] + 5, 20.0), ("查", XS[5] + 100, 20.0))),
                        (blank, rest(("意度", XS[3] + 20, 20.0), ("查", XS[4] + 20, 20.0)))):
        (form,) = layouts_to_forms([first, page]).forms
        assert rows_of(form)[0]["basis"] == "问卷调" and form.rows[0].pages == (1,) and form.row_ends == ()
