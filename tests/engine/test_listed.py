"""Two things joined in one question are asked of each when no one entry states both, each answered and cited."""

from __future__ import annotations

import pytest

from bot.engine.listed import each_asked
from bot.engine.matching import Matcher, Status
from bot.engine.render import to_json
from bot.knowledge.model import KnowledgeBase


@pytest.mark.parametrize(
    ("message", "each"),
    [
        ("开发区承诺制项目和全代办事项累计多少", ("开发区承诺制项目累计多少", "全代办事项累计多少")),
        ("引进了多少中介机构和人才", ("引进了多少中介机构", "引进了多少人才")),
        ("国家级小巨人企业和省级专精特新企业有多少户", ("国家级小巨人企业有多少户", "省级专精特新企业有多少户")),
    ],
)
def test_the_question_is_asked_of_each_thing_joined(message: str, each: tuple[str, str]) -> None:
    assert each_asked(message) == each


def test_a_message_that_joins_nothing_in_its_asking_clause_is_one_question() -> None:
    assert each_asked("交城县养老机构一共有多少张床位") is None
    assert each_asked("王向前、郭强、崔维廷分别讲了啥") is None  # three things: the list reply's work


@pytest.mark.parametrize(
    ("message", "facts"),
    [
        ("开发区承诺制项目和全代办事项累计多少", ["38个", "314项"]),
        ("引进了多少中介机构和人才?科技研发人数现在多少?", ["17户", "203名", "710人"]),
        ("国家级小巨人企业和省级专精特新企业有多少户", ["1户", "29户"]),
        ("养老床位总数和入住率？", ["985张", "70%"]),  # two things named alone, with a question mark: no check
    ],
)
def test_two_things_no_entry_states_together_get_a_cited_part_each(
    matcher: Matcher, kb: KnowledgeBase, message: str, facts: list[str]
) -> None:
    result = matcher.match(message)
    assert result.status is Status.ANSWERED and len(result.parts) == len(facts)
    for part, fact in zip(result.parts, facts, strict=True):
        reply = to_json(part, kb)
        assert fact in reply["answer"] and reply["citation"]["quote"]


def test_two_things_one_entry_states_stay_one_answer(matcher: Matcher) -> None:
    result = matcher.match("养老床位和护理型床位各有多少张")  # one entry: 985张, 其中护理型床位410张
    assert result.status is Status.ANSWERED and result.entry is not None
    assert "985张" in result.entry.answer and "410张" in result.entry.answer


@pytest.mark.parametrize(
    "message",
    [
        "国家级小巨人企业有几户？省级专精特新？",
        "How many national-level 专精特新小巨人 enterprises does Jiaocheng have? And provincial 专精特新?",
    ],
)
def test_a_thing_named_and_ended_by_a_question_mark_after_a_question_is_asked_the_same(
    matcher: Matcher, kb: KnowledgeBase, message: str
) -> None:
    result = matcher.match(message)
    assert result.status is Status.ANSWERED and len(result.parts) == 2
    assert ["1户" in to_json(result.parts[0], kb)["answer"], "29户" in to_json(result.parts[1], kb)["answer"]] == [
        True,
        True,
    ]


def test_a_figure_ended_by_a_question_mark_is_a_claim_not_a_thing_asked(matcher: Matcher) -> None:
    result = matcher.match("到“十五”末国内硝基复合肥需求会到多少？1000万吨？")
    assert result.status is Status.ANSWERED and not result.compound
