from builders import chars, line

from extractor.rejoin import chars_to_lines, collapse_gaps, join_lines, join_pair, joins_as_word
from extractor.settings import DEFAULT


def test_autospacing_gap_between_digit_and_cjk_is_dropped():
    # "3 月底" drawn with a visible gap before 月
    assert line("3月底", gaps={1: 3.0}).text == "3月底"
    assert line("2023年", gaps={4: 3.0}).text == "2023年"
    assert line("16按计提", gaps={2: 2.5}).text == "16按计提"


def test_real_space_between_latin_words_is_kept():
    assert line("HelloWorld", gaps={5: 4.0}).text == "Hello World"
    # a literal space glyph between Latin words is kept too, once
    assert line("PDF  export").text == "PDF export"


def test_space_glyph_next_to_cjk_is_dropped():
    assert line("711001 巨鹿县").text == "711001巨鹿县"


def test_tight_latin_is_not_split():
    assert line("13052923P00584011331Y").text == "13052923P00584011331Y"


def test_wide_gap_separates_fields_even_next_to_cjk():
    assert line("巨鹿县单位：万元", gaps={3: 200.0}).text == "巨鹿县 单位：万元"


def test_chars_to_lines_orders_lines_and_characters():
    cs = chars("费精确性", top=20) + chars("发放工会经", top=5)
    lines = chars_to_lines(list(reversed(cs)), 1, DEFAULT)
    assert [l.text for l in lines] == ["发放工会经", "费精确性"]


def test_wrapped_cjk_rejoins_without_space():
    lines = [line("发放工会经", top=0), line("费精确性", top=12)]
    assert join_lines(lines, right_edge=50) == "发放工会经费精确性"
    lines = [line("≥95百分", top=0), line("比", top=12)]
    assert join_lines(lines, right_edge=40) == "≥95百分比"
    lines = [line("≥95", top=0), line("百分", top=12), line("比", top=24)]
    assert join_lines(lines, right_edge=20) == "≥95百分比"


def test_wrapped_latin_words_rejoin_with_space_unless_the_line_was_full():
    short = [line("annual", top=0), line("report", top=12)]
    assert join_lines(short, right_edge=100) == "annual report"
    full = [line("13052923P005", top=0), line("84011331Y", top=12)]
    assert join_lines(full, right_edge=61) == "13052923P00584011331Y"


def test_join_pair_rules():
    assert join_pair("经", "费", first_filled=False) == "经费"
    assert join_pair("(2019", ")", first_filled=False) == "(2019)"
    assert join_pair("", "x", first_filled=False) == "x"


def test_collapse_gaps():
    assert collapse_gaps("3 月底 6 月底") == "3月底6月底"
    assert collapse_gaps("Hello   World 年") == "Hello World年"


def test_jieba_sees_a_word_across_the_break():
    assert joins_as_word("发放工会经", "费精确性")
    assert not joins_as_word("县政府批示", "问卷调查")
    assert not joins_as_word("abc", "def")
