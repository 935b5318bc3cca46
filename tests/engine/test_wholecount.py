"""The count of one thing for the whole county, asked alone, is looked up among the facts the release states."""

from __future__ import annotations

import re

import pytest

from bot.engine.analyse import analyse
from bot.engine.matching import Matcher, Status
from bot.engine.wholecount import counted_alone, whole_counts

HOME = re.compile("交城县|交城")


@pytest.mark.parametrize("question", ["全县有多少个行政村", "交城一共多少个行政村", "咱县行政村有几个", "全县多少行政村"])
def test_a_count_asked_alone_is_answered_with_the_figure_stated_for_the_whole_county(
    matcher: Matcher, question: str
) -> None:
    result = matcher.match(question)
    assert result.status is Status.ANSWERED and result.entry is not None, result
    assert "99个行政村" in result.entry.answer


def test_a_count_stated_for_a_part_of_the_county_is_not_the_whole() -> None:
    plain = "平川37个行政村、13个社区全部实行市场化运营，山区62个行政村全部采用"
    assert whole_counts(plain, "行政村", HOME) == set()
    whole = "目前交城县99个行政村已建成109个农村养老服务设施"  # 109: a verb stands between, not a narrowing noun
    assert whole_counts(whole, "行政村", HOME) == {"99"} and whole_counts(whole, "农村养老服务设施", HOME) == {"109"}


@pytest.mark.parametrize(
    ("question", "noun"),
    [("全县有多少个行政村", "行政村"), ("行政村有几个", "行政村"), ("全县有多少个行政村通了公交", "行政村通公交")],
)
def test_only_a_bare_count_names_its_thing(question: str, noun: str) -> None:
    assert counted_alone(question, HOME)[0] == noun


def test_a_count_asked_in_another_measure_word_is_not_that_count() -> None:
    assert counted_alone("部门多少项", HOME) == ("部门", "项")
    assert whole_counts("27个部门773项事项实现集中办", "部门", HOME, "项") == set()
    assert whole_counts("27个部门773项事项实现集中办", "部门", HOME, "个") == {"27"}


def test_a_count_entries_state_differently_is_not_looked_up(matcher: Matcher) -> None:
    # 40户 national high-tech enterprises, 10户 new ones: which is meant decides the figure
    asked = analyse(matcher.normalizer, "咱县多少户高新技术企业", matcher.decider.vocabulary)
    assert counted_alone(asked.plain, HOME)[0] == "高新技术企业" and matcher.decider.counted_by(asked) == ()


@pytest.mark.parametrize("question", ["全县有几个村", "全县有几个社区"])
def test_a_count_of_a_part_or_of_another_thing_is_not_looked_up(matcher: Matcher, question: str) -> None:
    # 175个村卫生室 counts clinics, not villages; 13个社区 is 平川's (平川37个行政村、13个社区)
    assert matcher.match(question).status is not Status.ANSWERED
