"""Comparisons of two stated facts (bot/engine/compare.py): both facts answered and cited, and compared in one
sentence; a long message's part headings never echo the story in full."""

from __future__ import annotations

import pytest

from bot.engine.compare import compared_pair
from bot.engine.matching import Matcher, Status
from bot.engine.render import to_json


@pytest.mark.parametrize(
    ("question", "sentence", "facts"),
    [
        # two entries
        (
            "国家级高新技术企业和硝基复合肥企业哪个多",
            "国家级高新技术企业（40户）比硝基复合肥企业（33户）多",
            ["40户", "33户"],
        ),
        ("省级研发中心多还是市级研发中心多", "市级研发中心（26个）比省级研发中心（17个）多", ["17个", "26个"]),
        # the measure named between 哪个 and the comparing word (哪类数量更多)
        ("国家级高新技术企业和硝基复合肥企业，哪类数量更多", "国家级高新技术企业（40户）比硝基复合肥企业（33户）多", ["40户", "33户"]),
        # what is compared named after 哪个 is each thing's measure (掌上办's 事项)
        ("掌上办和集中办 哪个事项多", "集中办事项（773项）比掌上办事项（219项）多", ["773项", "219项"]),
        # one entry stating both
        ("国内市场占有率和国际市场占有率哪个高？", "国内市场占有率（80%）比国际市场占有率（60%）高", ["80%", "60%"]),
        ("护理型床位和养老床位哪个少", "护理型床位（410张）比养老床位（985张）少", ["410张", "985张"]),
        # the resident's own figures are left out of the things asked; the release's are compared, and an entry
        # that never names the thing in its words (提档升级) gives its one sum
        (
            "提档升级那3.6亿和窑窑河治理加中水回用那3.56亿,哪个多",
            "提档升级（3.6亿元）比窑窑河治理加中水回用（3.56亿元）多",
            ["3.6亿元", "3.56亿元"],
        ),
        # the resident's figure for one thing, a measure for the other: the figure is of that measure too
        (
            "开发区升级的3.6亿和水污染治理项目的投资，哪个多？",
            "开发区升级的投资（3.6亿元）比水污染治理项目的投资（3.56亿元）多",
            ["3.6亿元", "3.56亿元"],
        ),
        # vs, read as 和
        (
            "Jiaocheng national high-tech enterprises 40户 vs 省级专精特新 29户 哪个多",
            "交城国家级高新技术企业（40户）比省级专精特新（29户）多",
            ["40户", "29户"],
        ),
        # whether the two are the same
        ("开发区承诺制项目数和三年投产产业项目数一样多吗", "开发区承诺制项目数和三年投产产业项目数一样，都是38个", ["38个"]),
    ],
)
def test_two_facts_compared(matcher: Matcher, question: str, sentence: str, facts: list[str]) -> None:
    reply = to_json(matcher.match(question), matcher.kb)
    assert reply["status"] == "answered"
    assert reply["comparison"].startswith(sentence)
    assert reply["answer"].startswith(sentence)
    assert all(fact in reply["answer"] for fact in facts)


def test_a_comparison_with_another_place_is_declined(matcher: Matcher) -> None:
    result = matcher.match("交城和文水哪个高新技术企业多")
    assert result.status is Status.NO_MATCH and result.out_of_scope == "文水"  # the reply names the other place
    assert result.comparison is None


@pytest.mark.parametrize(
    ("question", "first", "second"),
    [
        ("2030年底硝基肥产能要到多少 是现在的几倍", "2030年底硝基肥产能", "现在硝基肥产能"),
        ("到2030年产能比目前多多少", "到2030年产能", "目前产能"),
    ],
)
def test_a_thing_compared_that_is_only_a_time_is_the_other_at_that_time(
    matcher: Matcher, question: str, first: str, second: str
) -> None:
    pair = compared_pair(question)
    assert pair is not None and (pair.first, pair.second) == (first, second)
    reply = to_json(matcher.match(question), matcher.kb)
    assert reply["status"] == "answered" and "600万吨" in reply["answer"] and "300万吨" in reply["answer"]


def test_which_noun_is_not_a_comparison() -> None:
    assert compared_pair("开发区有个跟大学合作的制氢项目，是哪个大学") is None
    assert compared_pair("交城县有多少户国家级高新技术企业") is None


def test_part_headings_repeat_only_the_last_words(matcher: Matcher) -> None:
    story = "我是西营镇的，今年七十了，老伴身体不好，电话13812345678，听说县里有社工站，社工站有几个啊，还有护理型床位有多少"
    reply = to_json(matcher.match(story), matcher.kb)
    assert reply["status"] == "answered" and len(reply["parts"]) == 2
    assert "8个" in reply["answer"] and "410张" in reply["answer"]
    assert "西营镇" not in reply["answer"] and "13812345678" not in reply["answer"]


@pytest.mark.parametrize(
    ("question", "sentence"),
    [
        # two figures in one clause: each thing gets the figure beside its own words
        ("农村养老服务设施和行政村哪个多", "农村养老服务设施（109个）比行政村（99个）多"),
        ("招引项目和开工项目哪个多", "招引项目（23个）比开工项目（18个）多"),
    ],
)
def test_each_thing_gets_its_own_figure(matcher: Matcher, question: str, sentence: str) -> None:
    assert to_json(matcher.match(question), matcher.kb)["comparison"].startswith(sentence)


def test_a_measure_both_name_is_compared_or_nothing_is(matcher: Matcher) -> None:
    # 增幅 of both: the counts of new firms beside them (40户, 10户) must not be compared as 增幅
    reply = to_json(matcher.match("开发区高新技术企业增幅和四上企业增幅哪个大"), matcher.kb)
    assert "（40户）" not in reply.get("comparison", "")


@pytest.mark.parametrize(
    ("question", "sentence", "facts"),
    [
        # two questions, then which is more: the two answers and their figures compared
        ("平川有多少个行政村？山区有多少个行政村？哪边更多？", "山区行政村（62个）比平川行政村（37个）多", ["37个", "62个"]),
        ("平川和山区各有多少个行政村？哪边多", "山区行政村（62个）比平川行政村（37个）多", ["37个", "62个"]),
        # two sums of money: each thing's sum, not the count of roads beside it
        (
            "开发区提档升级的投资和窑窑河水污染治理工程的投资，哪个更多？",
            "开发区提档升级的投资（3.6亿元）比窑窑河水污染治理工程的投资（3.56亿元）多",
            ["3.6亿元", "3.56亿元"],
        ),
    ],
)
def test_a_comparison_after_its_questions_and_of_two_sums(
    matcher: Matcher, question: str, sentence: str, facts: list[str]
) -> None:
    reply = to_json(matcher.match(question), matcher.kb)
    assert reply["status"] == "answered", reply
    assert reply["comparison"].startswith(sentence), reply["comparison"]
    assert all(fact in reply["answer"] for fact in facts)


def test_a_comparison_stops_at_the_end_of_its_sentence() -> None:
    # "A和B…？…？哪个多": the things compared do not run across a question mark
    assert compared_pair("窑窑河治理和中水回用工程投资多少？开发区修路投了多少？哪个多") is None


@pytest.mark.parametrize(
    "question",
    [
        "哪个多：国家级高新技术企业还是硝基复合肥企业？",  # the comparison first, the two things after it
        "Which is more, national high-tech enterprises or nitro compound fertilizer companies?",  # in English
    ],
)
def test_a_comparison_put_first_or_in_english(matcher: Matcher, question: str) -> None:
    reply = to_json(matcher.match(question), matcher.kb)
    assert reply["status"] == "answered", reply
    assert reply["comparison"] == "国家级高新技术企业（40户）比硝基复合肥企业（33户）多。"


@pytest.mark.parametrize(
    ("question", "sentence"),
    [
        ("高新技术企业比省级专精特新企业多多少户", "高新技术企业（40户）比省级专精特新企业（29户）多11户。"),
        ("平川的行政村比山区少多少个", "平川的行政村（37个）比山区（62个）少25个。"),  # the first thing first
        ("平川和山区的行政村一共多少个", "平川（37个）和山区的行政村（62个）加起来是99个。"),
        # how many times: whole as it is, else to one place and said to be rough
        ("国家级高新技术企业是省级专精特新企业的几倍", "国家级高新技术企业（40户）是省级专精特新企业（29户）的约1.4倍。"),
        # an entry that states one of the two (315 joint projects) does not answer it: both facts are asked
        ("联合研发项目大概是合作协议的多少倍", "联合研发项目（315项）是合作协议（53项）的约5.9倍。"),
        # 国家级专精特新“小巨人”企业1户 shares most words of 省级专精特新企业 but states another level: not its figure
        ("国家级小巨人企业和省级专精特新企业差多少户", "国家级小巨人企业（1户）比省级专精特新企业（29户）少28户。"),
    ],
)
def test_how_much_more_and_both_together_are_worked_out_from_the_two_figures(
    matcher: Matcher, question: str, sentence: str
) -> None:
    reply = to_json(matcher.match(question), matcher.kb)
    assert reply["status"] == "answered" and reply["comparison"] == sentence
    assert reply["answer"].startswith(sentence) and reply["citation"] is not None  # the figures cited


def test_a_difference_an_entry_states_itself_is_its_answer(matcher: Matcher) -> None:
    """差了多少 answered by the entry that compares the two (远高于尿素的30%), not by two other entries."""
    reply = to_json(matcher.match("硝基复合肥跟尿素的肥料转化率差了多少"), matcher.kb)
    assert reply["status"] == "answered" and reply["entry_id"] == "fert-conversion-rate-vs-urea"


@pytest.mark.parametrize(
    ("question", "facts"),
    [
        ("国内市场占有率比国际的高多少", ["80%以上", "60%以上"]),  # bounds: no difference to tell
        ("掌上办和就近办一共多少项", ["219项", "179项", "48项"]),  # 就近办 has two figures, listed
    ],
)
def test_a_bound_or_a_listed_figure_is_not_added_or_taken_from(
    matcher: Matcher, question: str, facts: list[str]
) -> None:
    reply = to_json(matcher.match(question), matcher.kb)
    assert reply["status"] == "answered" and "comparison" not in reply
    assert all(fact in reply["answer"] for fact in facts)


@pytest.mark.parametrize("adjective", ["快", "慢", "高"])
def test_growth_compared_by_fast_or_slow_is_a_comparison(matcher: Matcher, adjective: str) -> None:
    # 哪个快 of two rates of growth asks what 哪个高 asks: each figure, not one of them
    pair = compared_pair(f"高新技术企业增幅和四上企业增幅哪个{adjective}")
    assert pair is not None and pair.by == adjective
    reply = to_json(matcher.match(f"开发区高新技术企业增幅和四上企业增幅哪个{adjective}"), matcher.kb)
    assert "41.67%" in reply["answer"] and "75.47%" in reply["answer"], reply["answer"]


def test_growths_are_compared_by_their_rates(matcher: Matcher) -> None:
    # 增幅 named: the rates (75.47%, 41.67%), not the firms added (40户, 10户)
    reply = to_json(matcher.match("四上企业增幅和高新技术企业增幅哪个高"), matcher.kb)
    assert reply["answer"].startswith("四上企业增幅（75.47%）比高新技术企业增幅（41.67%）高"), reply["answer"]

