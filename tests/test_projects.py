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
