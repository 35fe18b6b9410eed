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
    header = ["一级指标", "二级指标", "指标名称", "指标解释", "年度指标值", "分值"]
    page = table_page(1, XS, BLOCK + [header, ["产出指标", "数量指标", "人数", "说明", "≥10人", "20"]], above=["1.示例项目绩效目标表"])
    (form,) = layouts_to_forms([page]).forms
    (row,) = form.rows
    assert row.fields["level3"].text == "人数" and row.fields["description"].text == "说明"
    assert row.fields["value"].text == "≥10人"
    assert {k: v.text for k, v in row.extra.items()} == {"分值": "20"}


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
