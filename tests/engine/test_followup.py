"""Follow-ups that lean on the previous question (bot/engine/followup.py): "那省级的呢", "这个目标", "它", read with
what the same person asked before, in the terminal chat, in ask --json --follow-ups, and in Telegram."""

from __future__ import annotations

import io
from typing import Any

import pytest

from bot.cli import run_chat
from bot.engine.followup import names_a_thing, only_another, resolved
from bot.engine.matching import Matcher, Status
from bot.engine.render import to_json
from bot.knowledge.model import KnowledgeBase
from bot.language import Vocabulary
from tests.conftest import assert_parts_state


def test_another_thing_of_the_same_kind_takes_its_place(kb: KnowledgeBase) -> None:
    vocab = Vocabulary.for_place(kb.place)
    assert resolved("国家级专精特新小巨人企业有几户", "那省级的呢", vocab)[0] == "省级专精特新小巨人企业有几户"
    assert "养老机构有几个" in resolved("社工站有几个", "那养老机构呢", vocab)
    assert resolved("回家山是什么", "它在哪个乡镇", vocab) == ["回家山在哪个乡镇"]
    assert resolved("社工站有几个", "交城县有多少户国家级高新技术企业", vocab) == []  # a question of its own


@pytest.mark.parametrize(
    ("previous", "follow_up", "fact"),
    [
        ("国家级专精特新小巨人企业有几户", "那省级的呢", "29户"),
        ("刘大鹏是谁", "他讲了什么", "刘大鹏"),
        # a message that names nothing: alone it is declined, after a question it asks about that question's subject
        ("星河华府的5G智慧平台是干啥的", "花了多少钱？", "350余万元"),
        ("村里修路的情况", "花了多少钱", "2.78亿元"),
    ],
)
def test_a_follow_up_is_answered_with_the_previous_subject(
    matcher: Matcher, previous: str, follow_up: str, fact: str
) -> None:
    result = matcher.match_after(follow_up, previous)
    assert result.status is Status.ANSWERED and result.entry is not None
    assert fact in result.entry.answer
    assert result.question == follow_up and result.asked != follow_up
    assert matcher.match(follow_up).entry != result.entry  # read alone it is not this answer


def test_a_follow_up_that_is_a_question_of_its_own_is_answered_as_it_is(matcher: Matcher) -> None:
    result = matcher.match_after("那养老机构呢", "社工站有几个")
    assert result.entry is not None and "护理型养老机构1个" in result.entry.answer


def test_a_question_of_its_own_is_not_bent_by_the_previous_one(matcher: Matcher) -> None:
    result = matcher.match_after("交城县有多少户国家级高新技术企业", "社工站有几个")
    assert result.entry is not None and result.entry.id == "tech-high-tech-enterprises"


def test_another_value_of_a_kind_is_not_answered_with_the_stated_one(matcher: Matcher) -> None:
    result = matcher.match("到“十五”末国际市场对硝基复合肥的需求有多少")  # the release forecasts 国内 demand
    assert result.status is Status.PARTIAL and result.entry is not None
    assert result.entry.id == "fert-market-demand-forecast"  # the 国内 figure, given as the closest fact
    assert [(g.kind, g.detail) for g in result.gaps] == [("value", "国际")]


def test_the_terminal_chat_reads_follow_ups(matcher: Matcher, kb: KnowledgeBase) -> None:
    out = io.StringIO()
    run_chat(matcher, kb, io.StringIO("国家级专精特新小巨人企业有几户\n那省级的呢\n"), out)
    replies = out.getvalue()
    assert "1户" in replies and "29户" in replies


def test_ask_json_reads_follow_ups_only_when_asked(kb: KnowledgeBase, capsys: Any) -> None:
    import json
    import sys

    from bot.cli import main

    lines = "国家级专精特新小巨人企业有几户\n那省级的呢\n"
    for flags, expected in ((["--follow-ups"], "answered"), ([], "no_match")):
        sys.stdin = io.StringIO(lines)
        try:
            main(["ask", "--json", *flags, "-"])
        finally:
            sys.stdin = sys.__stdin__
        replies = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert replies[1]["status"] == expected


def test_a_check_without_a_subject_leans_on_the_previous_question(matcher: Matcher) -> None:
    # 是全市第一吧 alone would be answered about the high-tech firms (全市第一); after patents it checks patents
    result = matcher.match_after("是全市第一吧", "有效发明专利有多少项")
    assert result.entry is not None and result.entry.id == "tech-valid-patents"
    assert result.claim is not None and not result.claim.holds


def test_another_value_is_never_read_beside_the_value_it_replaces(matcher: Matcher) -> None:
    # 省级 after 国家级高新技术企业: the release states no provincial count; 省级国家级… must not be read and
    # answered with the national figure
    result = matcher.match_after("那省级的呢", "国家级高新技术企业有多少户")
    assert result.status is not Status.ANSWERED, result
    assert matcher.match_after("那省级的呢", "国家级专精特新企业有几户").entry.id == "tech-provincial-specialized"  # type: ignore[union-attr]


def test_a_check_that_names_its_own_subject_is_not_bent_by_the_previous_question(matcher: Matcher) -> None:
    # 是不是… leaves a subject out by its form, but 水泥路 is named: the bus question before it does not apply
    result = matcher.match_after("是不是每个村都通水泥路了", "村里都能坐上班车吗？通村率多少")
    assert result.status is Status.ANSWERED and result.entry is not None
    assert result.entry.id == matcher.match("是不是每个村都通水泥路了").entry.id  # type: ignore[union-attr]
    assert "水泥路" in result.entry.answer


def test_a_part_that_leaves_its_subject_out_asks_it_of_the_part_before(matcher: Matcher) -> None:
    # 都给老人帮些啥 alone names no subject: within the message it asks about the social work stations
    result = matcher.match("社工站几个？都给老人帮些啥？")
    assert result.status is Status.ANSWERED and len(result.parts) == 2, result
    said = " ".join(p.entry.answer for p in result.parts if p.entry is not None)
    assert "8个乡镇社工站" in said and "帮助做饭" in said
    # a part answered alone is not read again with the one before
    result = matcher.match("社工站有几个？养老床位有多少张？")
    assert [p.entry.id for p in result.parts if p.entry is not None] == ["elder-social-work-stations", "elder-beds"]


@pytest.mark.parametrize("part", ["搞啥方向", "负责什么"])
def test_a_part_that_starts_with_a_verb_and_a_question_word_leans_on_the_subject_before(
    matcher: Matcher, part: str
) -> None:
    """搞啥方向 after 院士工作站名字叫啥 asks the workstation's field: its subject is the one asked before."""
    from bot.engine.followup import points_back

    assert points_back(part)
    result = matcher.match("韶洋那个院士工作站名字叫啥 搞啥方向")
    assert result.status is Status.ANSWERED and result.entry is not None
    assert "轻量化材料及成形技术" in result.entry.answer
    assert not points_back("社工站有几个")  # a subject of its own


def test_he_after_a_question_of_who_is_the_person_the_answer_named(matcher: Matcher) -> None:
    # in a chat as in one message: 他 is 郭强, whom the answer to 讲养老的是谁 named
    result = matcher.match_after("他是什么职务", "讲养老的是谁")
    assert result.status is Status.ANSWERED and result.entry is not None, result
    assert "郭强" in result.entry.answer and "副县长" in result.entry.answer


@pytest.mark.parametrize(
    ("message", "facts"),
    [
        # alone, 国家级的呢 was answered with an honour of 2018 (国家外贸转型升级基地); it asks the part before's count
        ("省级专精特新企业多少户 国家级的呢", ["29户", "1户"]),
        # answered alone on the part before's topic, it keeps its answer (read as 省级小巨人, it was the overview)
        ("国家级小巨人有几家 省级的呢", ["1户", "29户"]),
        # a year alone asks what the part before asked of its year (2030's capacity, not the 2025 addition)
        ("2025年新增产能多少 2030年呢", ["100万吨", "600万吨"]),
        # each names only another thing: both ask what the first part asks (who presented it)
        ("开发区介绍人是谁？城乡融合呢？养老呢？", ["王向前", "崔维廷", "郭强"]),
    ],
)
def test_a_part_that_names_only_another_thing_asks_what_the_part_before_asked(
    matcher: Matcher, message: str, facts: list[str]
) -> None:
    assert_parts_state(matcher.match(message), facts)


def test_a_part_that_names_another_thing_keeps_its_own_answer_when_no_reading_is_answered(matcher: Matcher) -> None:
    # the release gives no investment of the rural buses: 农村客运呢 gets what it states of them
    result = matcher.match("2022年以来城乡公路投资多少，农村客运呢")
    assert [p.entry.id for p in result.parts if p.entry is not None] == ["urban-roads", "urban-rural-bus"]


@pytest.mark.parametrize("part", ["能开车上去吗", "是真的吗", "对吗", "贵吗"])
def test_a_yes_no_question_is_not_another_thing(part: str) -> None:
    assert not only_another(part)


def test_the_kind_a_which_word_asks_for_is_not_a_thing_of_its_own() -> None:
    names = frozenset({"污水处理"})
    assert not names_a_thing("用的啥模式", names)  # (模式 is the kind of answer asked for)
    assert names_a_thing("污水用的啥模式", names)
    assert names_a_thing("133模式是啥", names)  # (a figure of its own)


@pytest.mark.parametrize(
    ("question", "facts"),
    [
        ("污水一天能处理多少 用的啥模式", ["5.4万立方米", "133"]),
        ("发布会开场谁先讲的 啥职务", ["刘大鹏", "县长"]),
    ],
)
def test_a_part_that_asks_only_what_kind_asks_it_of_the_part_before(
    matcher: Matcher, question: str, facts: list[str]
) -> None:
    reply = to_json(matcher.match(question), matcher.kb)
    assert reply["status"] == "answered" and all(f in reply["answer"] for f in facts), reply
