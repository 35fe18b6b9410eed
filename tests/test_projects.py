import pytest

from extractor.forms import Span
from extractor.layout import Box
from extractor.projects import month_of, parse_amount, split_goals


@pytest.mark.parametrize("text, value", [("16.00", 16.0), ("1,200.50", 1200.5), ("１６", 16.0), ("0", 0.0), ("21.38", 21.38), ("5万", 5.0)])
def test_parse_amount(text, value):
    assert parse_amount(text) == value


@pytest.mark.parametrize("text", ["", "约16", "十六", "16按计提", "1.2.3"])
def test_parse_amount_refuses_non_numbers(text):
    assert parse_amount(text) is None


@pytest.mark.parametrize("label, month", [("3月底", 3), ("12月底", 12), ("6 月末", 6), ("第一季度", 3), ("四季度", 12), ("13月底", None), ("年底", None)])
def test_month_of(label, month):
    assert month_of(label) == month


def span(*lines):
    return Span("".join(lines), 1, Box(0, 0, 1, 1), lines)


def test_goals_split_by_printed_numbering():
    assert split_goals(span("1.保证队伍的稳定性；", "2.提高人员的", "积极性；", "3.维护合法权益。")) == [
        "保证队伍的稳定性",
        "提高人员的积极性",
        "维护合法权益",
    ]


def test_goals_on_one_line_and_unnumbered():
    assert split_goals(span("1.甲；2.乙；3.丙")) == ["甲", "乙", "丙"]
    assert split_goals(span("做好全年工作，", "服务职工。")) == ["做好全年工作，服务职工"]


def test_split_goals_counts_its_numbers_in_a_wrapped_cell():
    # seven numbered goals wrapped in one cell: "1." and "6." happen to start lines
    cell = span("1.做好来访接待；2.保障运行；3.做好", "会议服务；4.保障值班；5.按时接待", "；6.及时处置；7.做好", "培训。")
    assert split_goals(cell) == ["做好来访接待", "保障运行", "做好会议服务", "保障值班", "按时接待", "及时处置", "做好培训"]
    assert split_goals(span("目标1：有效保证系统运行。目标2：优化经办流程。")) == ["有效保证系统运行", "优化经办流程"]
    assert split_goals(span("1.提高覆盖率2.5个百分点；2.完成培训")) == ["提高覆盖率2.5个百分点", "完成培训"]
    assert split_goals(span("（1）甲；（2）乙")) == ["甲", "乙"]


def test_split_goals_reads_numbers_before_digits_and_a_skipped_number():
    assert split_goals(span("1、2022年6月施工完成", "2、2022年6月底交付", "3、2022年9月底完工")) == [
        "2022年6月施工完成", "2022年6月底交付", "2022年9月底完工"]
    assert split_goals(span("目标1：甲。", "目标2：乙。", "目标4：丁。")) == ["甲", "乙", "丁"]
