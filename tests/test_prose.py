from builders import line

from extractor.prose import lines_to_paragraphs, overall_paragraphs, paragraphs_to_overall
from extractor.settings import DEFAULT

# A body text 20 em wide at x=0..200 (size 10), headings and first lines indented 2 em.
FULL = "这是一行写满了的正文文字内容这是一行写满了"  # 21 CJK chars ≈ full width


def body(lines_spec):
    out, top, page = [], 0.0, 1
    for spec in lines_spec:
        if spec == "PAGE":
            page, top = page + 1, 0.0
            continue
        indent, text = spec
        out.append(line(text, x=indent, top=top, page=page))
        top += 20
    return out


def test_paragraphs_open_on_indent_and_close_on_short_lines_and_run_across_pages():
    lines = body([
        (20, FULL[:19]),
        (0, FULL),
        (0, "结束。"),
        (20, FULL[:19]),
        (0, FULL),
        "PAGE",
        (0, "下一页继续。"),
        (20, "新段落。"),
    ] + [(0, FULL)] * 6)
    paras = lines_to_paragraphs(lines, DEFAULT)
    assert paras[0].text.endswith("结束。") and paras[0].pages == (1,)
    assert paras[1].text.endswith("下一页继续。") and paras[1].pages == (1, 2)
    assert paras[2].text.startswith("新段落。")


def test_sections_items_and_measures():
    lines = body([
        (0, "第一部分"),
        (0, "部门整体绩效目标"),
        (20, "一、总体绩效目标"),
        (20, "总体目标的文字。"),
        (20, "二、分项绩效目标"),
        (20, "1、第一项"),
        (20, "绩效目标：做好第一项。"),
        (20, "绩效指标：落实第一项，使满意度达到 80%。"),
        (20, "2、第二项"),
        (20, "绩效目标：做好第二项。"),
        (20, "绩效指标：群众满意度不低于90%。"),
        (20, "三、工作保障措施"),
        (20, "（一）加强领导。具体做法一。"),
        (20, "（二）强化监督。具体做法二。"),
        (0, "第二部分"),
        (0, "预算项目绩效目标"),
    ])
    paras = overall_paragraphs(lines_to_paragraphs(lines, DEFAULT))
    overall = paragraphs_to_overall(paras)
    assert overall.summary == "总体目标的文字。"
    assert [(t.no, t.title) for t in overall.targets] == [(1, "第一项"), (2, "第二项")]
    assert overall.targets[0].goal == "做好第一项。"
    assert overall.targets[0].indicator == "落实第一项，使满意度达到80%。"
    sat = overall.targets[0].satisfaction
    assert (sat.cmp, sat.value, sat.unit, sat.raw) == (">=", 80, "%", "满意度达到80%")
    assert overall.targets[1].satisfaction.value == 90
    assert [(m.no, m.title, m.text) for m in overall.measures] == [("一", "加强领导", "具体做法一。"), ("二", "强化监督", "具体做法二。")]


def test_no_overall_heading_means_no_overall():
    lines = body([(20, "部门职责"), (20, "负责本部门的工作。")])
    assert overall_paragraphs(lines_to_paragraphs(lines, DEFAULT)) is None
