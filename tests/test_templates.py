"""Generated forms of the templates the real documents print, one test per
family: what a template puts where, read into the 2.0 model.

The pages are built cell by cell (``builders.form_page``: a ruled table
with merged cells), so each test states the template it stands for.
"""

from __future__ import annotations

import pytest

from builders import form_page

XS8 = [0, 70, 170, 230, 330, 400, 470, 560, 620]


def document(pages, tmp_path):
    from extractor.pipeline import assemble

    pdf = tmp_path / "generated.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    doc, _ = assemble(list(pages), pdf, len(pages), [])
    return doc


LISTING_HEAD = [
    ["单位编码", "单位（项目）名称", "资金总额", "绩效目标", "绩效指标", "", "", ""],
    ["", "", "", "", "一级指标", "二级指标", "三级指标", "指标值"],
]
LISTING_HEAD_MERGES = [(0, 0, 2, 1), (0, 1, 2, 1), (0, 2, 2, 1), (0, 3, 2, 1), (0, 4, 1, 4)]


def test_a_listing_table_gives_one_project_per_row_group(tmp_path):
    """单位编码 | 单位（项目）名称 | 资金总额 | 绩效目标 | 指标…: the group's
    cells merged over its rows; a 合计 row and the unit's own row are no
    projects; a group continued on the next page repeats its cells."""
    rows = LISTING_HEAD + [
        ["合计", "", "45.5", "", "", "", "", ""],
        ["126001", "某某局", "45.5", "", "", "", "", ""],
        ["126001", "甲专项", "35.5", "做好甲工作", "产出指标", "数量指标", "培训人次", "≥100人次"],
        ["", "", "", "", "", "质量指标", "合格率", "≥95%"],
        ["126001", "乙专项", "10", "做好乙工作", "产出指标", "数量指标", "检查次数", "≥12次"],
    ]
    merges = LISTING_HEAD_MERGES + [(4, 0, 2, 1), (4, 1, 2, 1), (4, 2, 2, 1), (4, 3, 2, 1), (4, 4, 2, 1)]
    p1 = form_page(1, XS8, rows, merges=merges, above=["2026年项目支出绩效目标表"])
    p2 = form_page(2, XS8, LISTING_HEAD + [
        ["126001", "乙专项", "10", "做好乙工作", "效益指标", "社会效益指标", "群众满意度", "≥90%"],
    ], merges=LISTING_HEAD_MERGES, above=["2026年项目支出绩效目标表"])
    doc = document([p1, p2], tmp_path)
    assert [(p.name, p.budget.total, p.goals, len(p.indicators)) for p in doc.projects] == [
        ("甲专项", 35.5, ["做好甲工作"], 2), ("乙专项", 10, ["做好乙工作"], 2)]
    # 单位编码 is the unit's code: no 项目编码 is printed
    assert [p.code for p in doc.projects] == [None, None]
    second = doc.projects[1].indicators
    assert [i.level1 for i in second] == ["产出指标", "效益指标"] and second[1].pages == [2]
    assert doc.projects[0].indicators[1].level1 == "产出指标"  # under the merged 一级指标
    assert doc.overall is None or not doc.overall.forms


def test_a_department_listing_fills_overall(tmp_path):
    """部门整体支出绩效目标表 with 单位编码 / 单位名称 / 资金总额 by source and
    by kind (基本支出, 项目支出) and 整体绩效目标: a department form."""
    xs = [0, 60, 150, 220, 310, 380, 450, 700, 770, 850, 950, 1010]
    head = [
        ["单位编码", "单位名称", "资金总额", "一般公共预算", "基本支出", "项目支出", "整体绩效目标", "一级指标", "二级指标",
         "三级指标", "指标值"],
    ]
    rows = head + [
        ["201056", "某某办公室", "656.73", "656.73", "386.73", "270", "1.保障运转；2.办好事业", "产出指标", "数量指标", "培训人次",
         "≥100人次"],
        ["", "", "", "", "", "", "", "", "质量指标", "合格率", "≥95%"],
    ]
    merges = [(1, c, 2, 1) for c in range(8)]
    doc = document([form_page(1, xs, rows, merges=merges, above=["2026年部门整体支出绩效目标表"])], tmp_path)
    assert doc.projects == []
    (form,) = doc.overall.forms
    assert (form.code, form.name, form.form) == ("201056", "某某办公室", "targets")
    f = form.funds
    assert (f.total, f.basic, f.project, f.fiscal) == (656.73, 386.73, 270, 656.73)
    assert f.sources == {"一般公共预算": 656.73}
    assert form.goals == ["保障运转", "办好事业"]
    assert [i.level2 for i in form.indicators] == ["数量指标", "质量指标"]
    assert all(w.code != "no_performance_tables" for w in doc.warnings)


def test_a_department_form_with_duties_and_weights(tmp_path):
    """部门（单位）名称, 年度主要任务 (任务名称 | 主要内容 | 预算金额 over 总额 |
    财政拨款 | 其他资金) closed by 金额合计, 年度总体目标, and a grid with
    分值权重（90分）."""
    xs = [0, 100, 210, 370, 470, 550, 630]
    rows = [
        ["部门（单位）名称", "某某局", "", "", "", ""],
        ["年度主要任务", "任务名称", "主要内容", "预算金额（万元）", "", ""],
        ["", "", "", "总额", "财政拨款", "其他资金"],
        ["", "基本支出", "保障人员经费及机关运转", "100.5", "100.5", ""],
        ["", "法律援助业务", "开展法律援助", "20", "20", ""],
        ["", "金额合计", "", "120.5", "120.5", ""],
        ["年度总体目标", "推进依法治市", "", "", "", ""],
        ["一级指标", "二级指标", "三级指标", "指标值", "分值权重（90分）", ""],
        ["成本指标", "经济成本", "法律援助业务（万元）", "≤20", "10", ""],
        ["产出指标", "数量指标", "援助案件数（件）", "≥100", "20", ""],
    ]
    merges = [(0, 1, 1, 5), (1, 0, 5, 1), (1, 1, 2, 1), (1, 2, 2, 1), (1, 3, 1, 3), (6, 1, 1, 5), (7, 4, 1, 2),
              (8, 4, 1, 2), (9, 4, 1, 2)]
    doc = document([form_page(1, xs, rows, merges=merges, above=["部门整体支出绩效目标表"])], tmp_path)
    (form,) = doc.overall.forms
    assert form.name == "某某局" and form.funds.total == 120.5
    assert [(d.task, d.amount, d.extra.get("主要内容")) for d in form.duties] == [
        ("基本支出", 100.5, "保障人员经费及机关运转"), ("法律援助业务", 20, "开展法律援助")]
    assert form.goals == ["推进依法治市"]
    assert [(i.level3, i.target.cmp, i.target.value, i.weight) for i in form.indicators] == [
        ("法律援助业务（万元）", "<=", 20, 10), ("援助案件数（件）", ">=", 100, 20)]


def test_a_department_self_evaluation_reads_its_tasks_by_their_columns(tmp_path):
    """部门整体支出绩效自评表: 年度主要任务完成情况 with 全年预算数 and 全年执行数
    each over 总额 | 财政拨款 | 其他资金, then 分值 | 执行率 | 得分.  The duty's
    amount and the funds are the 全年预算数 ones; the 全年执行数 columns are
    kept under their spanning header, the 金额合计 row's other sums by row
    and column."""
    xs = [0, 105, 170, 255, 310, 355, 400, 445, 490, 535, 580, 615, 660, 700]
    wide = [(0, 2, 1, 2), (0, 4, 1, 2), (0, 6, 1, 2), (0, 8, 1, 2), (0, 10, 1, 3)]
    rows = [
        ["部门（单位）名称", "某某委", *[""] * 11],
        ["年度主要任务完成情况", "任务名称", "主要内容", "完成情况", "全年预算数（万元）", "", "", "全年执行数（万元）", "", "",
         "分值", "执行率", "得分"],
        ["", "", "", "", "总额", "财政拨款", "其他资金", "总额", "财政拨款", "其他资金", "", "", ""],
        ["", "基本支出", "保障运转", "任务完成", "100.5", "100.5", "", "90", "90", "", "5", "89.55%", "4.5"],
        ["", "公共卫生", "疾病预防", "基本完成", "20", "15", "5", "20", "15", "5", "5", "100%", "5"],
        ["", "金额合计", "", "", "120.5", "115.5", "5", "110", "105", "5", "10", "91.29%", "9.5"],
        ["年度总体目标", "推进健康建设", *[""] * 11],
        ["一级指标", "二级指标", "三级指标", "", "年度指标值", "", "实际完成值", "", "分值", "", "得分", "", ""],
        ["产出指标", "数量指标", "覆盖人数", "", "≥100人", "", "120人", "", "10", "", "10", "", ""],
    ]
    merges = [(0, 1, 1, 12), (1, 0, 5, 1), (1, 1, 2, 1), (1, 2, 2, 1), (1, 3, 2, 1), (1, 4, 1, 3), (1, 7, 1, 3),
              (1, 10, 2, 1), (1, 11, 2, 1), (1, 12, 2, 1), (5, 1, 1, 3), (6, 1, 1, 12),
              *[(r, c, rs, cs) for r in (7, 8) for _, c, rs, cs in wide]]
    doc = document([form_page(1, xs, rows, merges=merges, above=["某某委部门整体支出绩效自评表"])], tmp_path)
    (form,) = doc.overall.forms
    assert form.form == "self_evaluation"
    assert (form.funds.total, form.funds.fiscal, form.funds.other) == (120.5, 115.5, 5)
    assert [(d.task, d.amount, d.extra) for d in form.duties] == [
        ("基本支出", 100.5, {"主要内容": "保障运转", "完成情况": "任务完成", "财政拨款": "100.5",
                         "全年执行数（万元）/总额": "90", "全年执行数（万元）/财政拨款": "90",
                         "分值": "5", "执行率": "89.55%", "得分": "4.5"}),
        ("公共卫生", 20, {"主要内容": "疾病预防", "完成情况": "基本完成", "财政拨款": "15", "其他资金": "5",
                      "全年执行数（万元）/总额": "20", "全年执行数（万元）/财政拨款": "15", "全年执行数（万元）/其他资金": "5",
                      "分值": "5", "执行率": "100%", "得分": "5"}),
    ]
    assert form.extra == {
        "金额合计/全年执行数（万元）/总额": "110", "金额合计/全年执行数（万元）/财政拨款": "105",
        "金额合计/全年执行数（万元）/其他资金": "5", "金额合计/分值": "10", "金额合计/执行率": "91.29%", "金额合计/得分": "9.5",
    }


def test_rows_without_a_header_are_read_by_their_levels(tmp_path):
    """No header row: the rows stand under a label set vertically
    (绩效指标); the column naming 二级指标 gives the columns."""
    xs = [0, 90, 180, 400, 520]
    rows = [
        ["专项（项目）名称", "某某资金", "", ""],
        ["实施期资金总额：", "", "3000", ""],
        ["总体目标", "完成某某工作", "", ""],
        ["产出指标", "数量指标", "指标：补助人数", "7375人"],
        ["", "质量指标", "指标：发放到位率", "100%"],
        ["满意度指标", "服务对象满意度指标", "指标：满意率", "≧95%"],
    ]
    merges = [(0, 1, 1, 3), (1, 0, 1, 2), (1, 2, 1, 2), (2, 1, 1, 3), (3, 0, 2, 1)]
    doc = document([form_page(1, xs, rows, merges=merges)], tmp_path)
    (p,) = doc.projects
    assert p.name == "某某资金" and p.budget.total == 3000
    assert [(i.level1, i.level2, i.target.raw) for i in p.indicators] == [
        ("产出指标", "数量指标", "7375人"), ("产出指标", "质量指标", "100%"), ("满意度指标", "服务对象满意度指标", "≧95%")]


def test_a_self_evaluation_is_read_as_such(tmp_path):
    """绩效自评表: the execution row (年初预算数 … 得分) and the 实际完成值 /
    分值 / 得分 / 偏差原因 columns."""
    xs = [0, 100, 200, 370, 450, 530, 590, 650, 880]
    rows = [
        ["项目名称", "某某项目", "", "", "", "", "", ""],
        ["", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", ""],
        ["年度资金总额", "240", "229.19", "229.19", "10", "100.00%", "10", ""],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
        ["产出指标", "数量指标", "消杀覆盖区县数量", "16个", "16个", "12.5", "12.5", ""],
        ["满意度指标", "服务对象满意度指标", "群众满意率", "≥90%", "≥85%", "10", "8", "宣传不足，将加强"],
    ]
    merges = [(0, 1, 1, 7)]
    doc = document([form_page(1, xs, rows, merges=merges, above=["西安市级2022年某某项目绩效自评表"])], tmp_path)
    (p,) = doc.projects
    assert (p.form, p.stage) == ("self_evaluation", None)
    ex = p.budget.execution
    assert (ex.planned, ex.adjusted, ex.spent, ex.weight, ex.rate, ex.score) == (240, 229.19, 229.19, 10, 100, 10)
    first, last = p.indicators
    assert (first.target.value, first.actual.value, first.weight, first.score) == (16, 16, 12.5, 12.5)
    assert (last.actual.cmp, last.actual.value, last.score, last.deviation) == (">=", 85, 8, "宣传不足，将加强")


FUNDS_XS = [0, 100, 200, 300, 400, 500, 560, 650, 880]
FUNDS_HEAD = ["项目资金（万元）", "", "年初预算数", "全年预算数（A）", "全年执行数（B）", "分值", "执行率（B/A）", "得分"]
FUNDS_GRID = [
    ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
    ["产出指标", "数量指标", "设备数量", "2台", "2台", "10", "10", ""],
]


def _funds_form(matrix, tmp_path):
    """A self-evaluation whose funds matrix is ``matrix`` (the total row and
    the source rows under ``FUNDS_HEAD``), 项目资金 merged over all of it."""
    rows = [["项目名称", "某某项目", "", "", "", "", "", ""], FUNDS_HEAD, *matrix, *FUNDS_GRID]
    merges = [(0, 1, 1, 7), (1, 0, 1 + len(matrix), 1)]
    (p,) = document([form_page(1, FUNDS_XS, rows, merges=merges, above=["某某项目绩效自评表"])], tmp_path).projects
    return p


def test_a_self_evaluation_funds_matrix_is_read_by_its_columns(tmp_path):
    """Every amount of the funds matrix belongs to its row and its column: a
    blank cell or a dash is empty and moves no cell after it.  With no
    年初预算数 on the total row the budget is the 全年预算数 column, for every
    row: a source row blank there has no amount (never another column's);
    the source rows' other cells are kept by row label and column header."""
    p = _funds_form([
        ["", "年度资金总额", "", "360", "263", "10", "73%", "10"],
        ["", "其中：当年财政拨款", "", "263", "263", "—", "100%", "—"],
        ["", "上年结转资金", "", "", "", "—", "", "—"],
        ["", "其他资金", "360", "", "—", "—", "0%", "—"],
    ], tmp_path)
    b = p.budget
    assert (b.total, b.fiscal, b.other, b.sources) == (360, 263, None, {"当年财政拨款": 263})
    ex = b.execution
    assert (ex.planned, ex.adjusted, ex.spent, ex.weight, ex.rate, ex.score) == (None, 360, 263, 10, 73, 10)
    assert p.extra == {
        "其中：当年财政拨款/全年执行数（B）": "263", "其中：当年财政拨款/执行率（B/A）": "100%",
        "其他资金/年初预算数": "360", "其他资金/执行率（B/A）": "0%",
    }


def test_a_self_evaluation_budget_is_the_year_start_column_where_the_total_row_prints_it(tmp_path):
    """年初预算数 on the total row: total, fiscal and other are all of that
    column; the 当年财政拨款 blank there has no amount, though it prints a
    全年预算数."""
    p = _funds_form([
        ["", "年度资金总额", "360", "360", "263", "10", "73%", "10"],
        ["", "其中：当年财政拨款", "", "263", "263", "—", "100%", "—"],
        ["", "其他资金", "360", "97", "", "—", "0%", "—"],
    ], tmp_path)
    b = p.budget
    assert (b.total, b.fiscal, b.other, b.sources) == (360, None, 360, {"其他资金": 360})
    assert (b.execution.planned, b.execution.adjusted) == (360, 360)
    assert p.extra == {
        "其中：当年财政拨款/全年预算数（A）": "263", "其中：当年财政拨款/全年执行数（B）": "263",
        "其中：当年财政拨款/执行率（B/A）": "100%", "其他资金/全年预算数（A）": "97", "其他资金/执行率（B/A）": "0%",
    }


@pytest.mark.parametrize("rows, why", [
    ([["项目名称", "项目金额", "项目简介"], ["合计", "173502.61", ""], ["某项目", "100", "说明"]], "a budget table"),
    ([["项目名称", "", "", ""], ["一级指标", "二级指标", "三级指标", "指标值"], ["产出指标", "数量指标", "", ""],
      ["效益指标", "社会效益指标", "", ""]], "an empty template"),
])
def test_what_is_no_form_gives_no_project(tmp_path, rows, why):
    xs = [0, 100, 220, 340, 460][: len(rows[0]) + 1]
    doc = document([form_page(1, xs, rows, above=["专项资金总体绩效目标表"])], tmp_path)
    assert doc.projects == [], why
    assert [w.code for w in doc.warnings if w.code == "no_performance_tables"] == ["no_performance_tables"]


def test_split_comparator_and_unit_columns_and_periods(tmp_path):
    """指标值类型 and 计量单位 in their own columns (定性 rows too), and a
    实施周期 target beside the annual one."""
    xs = [0, 70, 150, 250, 330, 400, 470, 540]
    rows = [
        ["项目名称", "某某项目", "", "", "", "", ""],
        ["一级指标", "二级指标", "三级指标", "实施周期指标值", "年度指标值", "指标值类型", "计量单位"],
        ["产出指标", "数量指标", "培训人次", "300", "100", "≥", "人次"],
        ["效益指标", "社会效益指标", "群众获得感", "", "提升", "定性", ""],
    ]
    doc = document([form_page(1, xs, rows, merges=[(0, 1, 1, 6)], above=["项目支出绩效目标批复表"])], tmp_path)
    (p,) = doc.projects
    assert p.stage == "approved"
    first, second = p.indicators
    assert (first.target.cmp, first.target.value, first.target.unit, first.target.cmp_raw) == (">=", 100, "人次", "≥")
    (period,) = first.periods
    assert (period.period, period.actual, period.target.value, period.target.unit) == ("实施周期指标值", False, 300, "人次")
    assert (second.target.kind, second.target.cmp_raw, second.periods) == ("qualitative", "定性", [])


def test_a_stage_word_must_be_the_table_word(tmp_path):
    xs = [0, 70, 150, 250, 330]
    rows = [["项目名称", "某某结算审核服务费", "", ""], ["一级指标", "二级指标", "三级指标", "指标值"],
            ["产出指标", "数量指标", "审核件数", "≥10件"]]
    doc = document([form_page(1, xs, rows, merges=[(0, 1, 1, 3)], above=["某某结算审核服务费项目绩效目标表"])], tmp_path)
    assert doc.projects[0].stage is None


def test_a_continuation_page_behind_a_label_column(tmp_path):
    """The next page holds rows only, behind the vertical 绩效指标 column
    that the first page's header has no column for."""
    xs = [0, 70, 150, 300, 400]
    p1 = form_page(1, xs, [["项目名称", "某某项目", "", ""], ["一级指标", "二级指标", "三级指标", "指标值"],
                           ["产出指标", "数量指标", "指标1：光纤数量", "5条"]], merges=[(0, 1, 1, 3)],
                   above=["2020年部门专项业务经费绩效目标表"])
    p2 = form_page(2, xs, [["成本指标", "", "指标5：软件维护", "210万元/年"], ["", "", "指标6：数据中心维保", "380万元/年"]],
                   merges=[(0, 0, 2, 1), (0, 1, 2, 1)], left_label="绩效指标")
    (p,) = document([p1, p2], tmp_path).projects
    assert [i.level3 for i in p.indicators] == ["指标1：光纤数量", "指标5：软件维护", "指标6：数据中心维保"]
    assert p.pages == [1, 2]


def test_the_year_and_money_unit_of_the_forms_and_their_disagreement(tmp_path):
    xs = [0, 70, 150, 250, 330]
    body = [["项目名称", "某某项目", "", ""], ["一级指标", "二级指标", "三级指标", "指标值"],
            ["产出指标", "数量指标", "件数", "≥10件"]]
    p1 = form_page(1, xs, body, merges=[(0, 1, 1, 3)], above=["2023年项目支出绩效目标表", "单位：万元"])
    p2 = form_page(2, xs, body, merges=[(0, 1, 1, 3)], above=["2022年项目支出绩效目标表", "单位：元"])
    doc = document([p1, p2], tmp_path)
    assert len(doc.projects) == 2
    codes = {w.code for w in doc.warnings}
    assert {"conflicting_year", "conflicting_money_unit"} <= codes
    assert doc.year in (2022, 2023) and doc.money_unit in ("万元", "元")


def test_labels_and_values_printed_in_one_cell(tmp_path):
    """"年度资金总额：250" and "其中：财政拨款 200.5" in single cells; an
    unknown label (执行率分值) ends the value before it."""
    xs = [0, 120, 300, 420, 500]
    rows = [
        ["项目名称", "某某项目", "", ""],
        ["项目资金（万元）", "年度资金总额：250", "执行率分值（10分）", ""],
        ["", "其中：财政拨款 200.5", "", ""],
        ["", "其他资金：49.5", "", ""],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "件数", "≥10件"],
    ]
    merges = [(0, 1, 1, 3), (1, 0, 3, 1), (2, 2, 2, 2)]
    (p,) = document([form_page(1, xs, rows, merges=merges)], tmp_path).projects
    assert (p.budget.total, p.budget.fiscal, p.budget.other) == (250, 200.5, 49.5)
    assert p.budget.sources == {"财政拨款": 200.5, "其他资金": 49.5}
    assert p.extra == {"执行率分值（10分）": ""}


def test_indicators_written_as_text_in_one_cell(tmp_path):
    """"1－产出指标，11－数量指标，111－…，年度指标值：…" in the 绩效指标 cell
    gives one indicator per coded 三级指标; goals written as prose give none."""
    xs = [0, 100, 880]
    written = ("1－产出指标，11－数量指标，111－培训人次，年度指标值：≥100人次；112－培训班次，年度指标值：≥4期；"
               "12－质量指标，121－合格率，年度指标值：≥95%；2－效益指标，21－社会效益指标，211－群众满意度，年度指标值：≥90%")
    rows = [["项目名称", "某某项目"], ["年度目标", "1.做好培训；2.提高质量"], ["绩效指标", written]]
    page = form_page(1, xs, rows, row_h=40, size=6, above=["项目支出绩效目标表"])
    (p,) = document([page], tmp_path).projects
    assert p.goals == ["做好培训", "提高质量"]
    assert [(i.level1, i.level2, i.level3, i.target.raw) for i in p.indicators] == [
        ("产出指标", "数量指标", "培训人次", "≥100人次"), ("产出指标", "数量指标", "培训班次", "≥4期"),
        ("产出指标", "质量指标", "合格率", "≥95%"), ("效益指标", "社会效益指标", "群众满意度", "≥90%")]


def test_two_forms_in_one_drawn_table(tmp_path):
    """A table that holds the end of one form's rows and then the next
    form (专项（项目）名称 and its value in one merged cell) is two forms."""
    xs = [0, 90, 180, 400, 520]
    rows = [
        ["专项（项目）名称：甲资金", "", "", ""],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "指标：人数", "100人"],
        ["专项（项目）名称：乙奖", "", "", ""],
        ["实施期资金总额：", "", "100", ""],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "质量指标", "指标：到位率", "100%"],
    ]
    merges = [(0, 0, 1, 4), (3, 0, 1, 4), (4, 0, 1, 2), (4, 2, 1, 2)]
    doc = document([form_page(1, xs, rows, merges=merges)], tmp_path)
    assert [(p.name, p.budget.total, [i.level3 for i in p.indicators]) for p in doc.projects] == [
        ("甲资金", None, ["指标：人数"]), ("乙奖", 100, ["指标：到位率"])]


def test_swapped_comparator_and_unit_columns_and_a_unit_in_the_name(tmp_path):
    """A comparator under 度量单位 and the unit under 指标值类型 are read
    swapped, with a warning; a value without a unit takes the unit the
    indicator's name ends with ("（万元）")."""
    xs = [0, 70, 150, 300, 360, 430, 500]
    rows = [
        ["项目名称", "某某项目", "", "", "", ""],
        ["一级指标", "二级指标", "三级指标", "指标值", "度量单位", "指标值类型"],
        ["产出指标", "时效指标", "年内招录完成率", "90", "≥", "%"],
    ]
    (p,) = document([form_page(1, xs, rows, merges=[(0, 1, 1, 5)])], tmp_path).projects
    t = p.indicators[0].target
    assert (t.cmp, t.value, t.unit, t.cmp_raw) == (">=", 90, "%", "≥")
    xs = [0, 70, 150, 330, 420]
    rows = [["项目名称", "某某项目", "", ""], ["一级指标", "二级指标", "三级指标", "指标值"],
            ["成本指标", "经济成本", "法律援助业务（万元）", "≤455"]]
    doc = document([form_page(1, xs, rows, merges=[(0, 1, 1, 3)])], tmp_path)
    t = doc.projects[0].indicators[0].target
    assert (t.cmp, t.value, t.unit, t.unit_raw, t.raw) == ("<=", 455, "万元", "万元", "≤455")


def _two_sets_page(sets, others=("", ""), name="项目名称", title="2022年专项资金总体绩效目标表"):
    """A 专项资金总体绩效目标表 header: 资金金额（万元） over three rows, each
    holding one label/value pair per set of amounts, side by side."""
    xs = [0, 90, 200, 290, 400, 490]
    (head_a, total_a, fiscal_a), (head_b, total_b, fiscal_b) = sets
    rows = [
        [name, "某某资金", "", "", ""],
        ["主管部门", "某某局", "", "实施期限", "5年"],
        ["资金金额（万元）", head_a, total_a, head_b, total_b],
        ["", "其中：财政拨款", fiscal_a, "其中：财政拨款", fiscal_b],
        ["", "其他资金", others[0], "其他资金", others[1]],
        ["年度目标", "完成某某工作", "", "", ""],
        ["一级指标", "二级指标", "三级指标", "指标值", "备注"],
        ["产出指标", "数量指标", "改造户数", "≥10户", ""],
    ]
    merges = [(0, 1, 1, 4), (1, 1, 1, 2), (2, 0, 3, 1), (5, 1, 1, 4)]
    return form_page(1, xs, rows, merges=merges, above=[title])


def test_two_sets_of_amounts_side_by_side(tmp_path):
    """实施期资金总额 | 301800 | 年度资金总额 | 200000 and their 其中：财政拨款,
    其他资金 side by side: the budget is the year's set, whichever side it
    stands on; the implementation period's set is kept in extra."""
    period = ("实施期资金总额：", "301800.00", "301700.00")
    annual = ("年度资金总额：", "200000.00", "199950.00")
    for sets, others in (((period, annual), ("100.00", "50.00")), ((annual, period), ("50.00", "100.00"))):
        doc = document([_two_sets_page(sets, others)], tmp_path)
        (p,) = doc.projects
        assert (p.budget.total, p.budget.fiscal, p.budget.other) == (200000, 199950, 50)
        assert p.budget.sources == {"财政拨款": 199950, "其他资金": 50}
        assert p.extra == {"实施期资金总额": "301800.00", "实施期资金总额/其中：财政拨款": "301700.00",
                           "实施期资金总额/其他资金": "100.00"}
        assert not [w for w in doc.warnings if w.code == "unparsed_amount"]
        assert p.period == "5年" and p.goals == ["完成某某工作"]
    # a department form's funds likewise; blank 其他资金 pairs are pairs
    # still, whose values are blank (not labels over the next row's values)
    doc = document([_two_sets_page((annual, period), name="部门名称", title="2022年部门整体支出绩效目标表")], tmp_path)
    (form,) = doc.overall.forms
    assert (form.funds.total, form.funds.fiscal, form.funds.other) == (200000, 199950, None)
    assert form.funds.sources == {"财政拨款": 199950} and form.goals == ["完成某某工作"]
    assert form.extra == {"实施期资金总额": "301800.00", "实施期资金总额/其中：财政拨款": "301700.00",
                          "实施期资金总额/其他资金": ""}


def test_one_set_of_amounts_beside_other_labels(tmp_path):
    """Only the implementation period's amounts printed (实施期资金总额,
    其中：财政拨款, 其他资金 under one another, 实施期限 in the row above):
    they are the budget."""
    xs = [0, 90, 200, 290, 400, 490]
    rows = [
        ["项目名称", "某某资金", "", "", ""],
        ["主管部门", "某某局", "", "实施期限", "1年"],
        ["资金金额（万元）", "实施期资金总额：", "7597.75", "", ""],
        ["", "其中：财政拨款", "7597.75", "", ""],
        ["", "其他资金", "", "", ""],
        ["总体目标", "完成某某工作", "", "", ""],
        ["一级指标", "二级指标", "三级指标", "指标值", "备注"],
        ["产出指标", "数量指标", "改造户数", "≥10户", ""],
    ]
    merges = [(0, 1, 1, 4), (1, 1, 1, 2), (2, 0, 3, 1), (2, 2, 1, 3), (3, 2, 1, 3), (4, 2, 1, 3), (5, 1, 1, 4)]
    doc = document([form_page(1, xs, rows, merges=merges, above=["2022年部门预算专项业务经费绩效目标表"])], tmp_path)
    (p,) = doc.projects
    assert (p.budget.total, p.budget.fiscal, p.budget.other) == (7597.75, 7597.75, None)
    assert p.budget.sources == {"财政拨款": 7597.75} and p.extra == {}
    assert not [w for w in doc.warnings if w.code == "unparsed_amount"]
