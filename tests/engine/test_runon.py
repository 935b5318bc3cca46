"""Asks run together without a mark between them, as an older resident's voice input writes them: each ask gets
its own answer, and a message that only looks like two asks stays one."""

from __future__ import annotations

import pytest

from bot.engine.matching import Matcher, Status
from bot.engine.render import to_json
from bot.engine.runon import best_reading, lean_on, run_on_readings


def _said(matcher: Matcher, question: str) -> str:
    result = matcher.match(question)
    assert result.status is Status.ANSWERED, result
    return " ".join(p.entry.answer + p.entry.quote for p in (*result.parts, result) if p.entry is not None)


@pytest.mark.parametrize(
    ("question", "facts"),
    [
        # after an amount's measure word (亩) the next noun begins the next ask
        ("开发区标准地出让了多少亩人才公寓接待了多少人次", ["117.7亩", "335人次"]),
        # a measure (出口额) after a bare 多少 begins the next ask
        ("硝基肥国际市场占有率多少出口额在全市排第几", ["60%以上", "全市第一"]),
        # a year in the second ask, and 多少亿 after it
        ("2025年新增产能要多少万吨到2030年产值要突破多少亿", ["100万吨", "200亿元"]),
        # a which-word asks about the noun after it (啥名片); the next ask begins after that noun
        ("环境创建打造啥名片民生创享又打造啥名片", ["绿色发展品牌县", "幸福吕梁向往地"]),
        # three asks
        ("标准地出让了多少亩人才公寓接待了多少人次全代办办结了多少项", ["117.7亩", "335人次", "314项"]),
        # the nouns a count counts compound (多少户硝基复合肥企业), and an ask that leans on the one before (占全国多少)
        ("交城现在有多少户硝基复合肥企业总产能多少万吨占全国多少", ["33户", "300万吨", "75%"]),
    ],
)
def test_asks_run_together_each_get_their_answer(matcher: Matcher, question: str, facts: list[str]) -> None:
    said = _said(matcher, question)
    assert all(fact in said for fact in facts), said


def test_asks_run_together_are_not_answered_with_the_first_asks_entry_alone(matcher: Matcher) -> None:
    # the first ask's entry used to reply to the whole message, leaving the second unanswered
    result = matcher.match("开发区标准地出让了多少亩人才公寓接待了多少人次")
    assert result.compound and len({p.entry.id for p in result.parts if p.entry is not None}) == 2, result


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("发布会上几位县领导是按什么顺序发言的", "about-speakers-summary"),  # 几位: a few, not an ask
        ("刘大鹏县长说的目标是啥挺进全省第几方阵", "about-goal"),  # one goal, asked of twice
    ],
)
def test_one_ask_with_two_question_words_stays_one(matcher: Matcher, question: str, entry_id: str) -> None:
    result = matcher.match(question)
    assert not result.compound, result
    assert result.status is Status.ANSWERED and result.entry is not None and result.entry.id == entry_id, result


def test_a_claim_asked_again_is_not_split_into_asks(matcher: Matcher) -> None:
    # the claimed name is asked for again (哪所大学在哪个城市): that is one ask, and the release does not say
    reply = to_json(matcher.match("大连理工大学在哪个城市，是985吗"), matcher.kb)
    assert reply["status"] != "answered", reply


def test_grammar_gives_the_first_cut() -> None:
    clause = "标准地出让了多少亩人才公寓接待了多少人次"
    assert run_on_readings(clause, clause)[0] == ("标准地出让了多少亩", "人才公寓接待了多少人次")
    clause = "环境创建打造啥名片民生创享又打造啥名片"
    assert run_on_readings(clause, clause)[0] == ("环境创建打造啥名片", "民生创享又打造啥名片")
    clause = "养老床位一共多少张护理型床位多少张"  # 床位 was counted before: the noun after 张 begins the next ask
    assert run_on_readings(clause, clause)[0] == ("养老床位一共多少张", "护理型床位多少张")
    clause = "发布会谁主持的谁作主要情况介绍"  # 谁 is the subject: its ask runs through the 的 that closes its verb
    assert run_on_readings(clause, clause)[0] == ("发布会谁主持的", "谁作主要情况介绍")
    clause = "院士工作站是哪家公司建的哪位院士"
    assert run_on_readings(clause, clause)[0] == ("院士工作站是哪家公司建的", "哪位院士")


@pytest.mark.parametrize("clause", ["开发区升级是哪年几月开始的", "集中办有多少个部门的多少项事项", "硝基肥企业有多少户"])
def test_a_clause_with_one_ask_has_no_cut(clause: str) -> None:
    assert run_on_readings(clause, clause) == []


def test_a_piece_that_only_asks_a_number_is_no_ask_but_one_that_leans_reads_as_the_one_before() -> None:
    readings = [("甲多少", "占全国多少"), ("甲多少占", "全国多少")]
    scores = {"甲多少": 70.0, "占全国多少": None, "甲多少占": 40.0, "全国多少": 30.0, "甲多少占全国多少": 45.0}
    assert best_reading(readings, lambda piece, first: scores[piece], 50.0) == readings[0]


def test_the_base_overrules_grammar_only_when_it_reads_another_cut_clearly_better() -> None:
    readings = [("甲多少", "乙丙多少"), ("甲多少乙", "丙多少")]
    scores = {"甲多少": 60.0, "乙丙多少": 55.0, "甲多少乙": 80.0, "丙多少": 66.0, "甲多少乙丙多少": 30.0}
    assert best_reading(readings, lambda piece, first: scores[piece], 50.0) == readings[0]  # 66 is not clearly > 55
    scores["丙多少"] = 75.0
    assert best_reading(readings, lambda piece, first: scores[piece], 50.0) == readings[1]
    # a piece that would not be answered, and the clause reads as well whole: it stays whole
    scores.update({"乙丙多少": 20.0, "丙多少": 20.0, "甲多少乙丙多少": 45.0})
    assert best_reading(readings, lambda piece, first: scores[piece], 50.0) == ("甲多少乙丙多少",)


@pytest.mark.parametrize(
    ("question", "said", "not_said"),
    [
        # 增幅 names no thing of its own: the growth of the high-tech enterprises, not of 四上企业 (75.47%)
        ("高新技术企业新增多少增幅多少", "41.67%", "75.47%"),
        # 占比 of the output value asked before, not the share of the national capacity
        ("硝基肥产值多少占比多少", "20.3%", "75%"),
    ],
)
def test_an_ask_that_names_only_a_measure_asks_of_the_thing_before_it(
    matcher: Matcher, question: str, said: str, not_said: str
) -> None:
    reply = to_json(matcher.match(question), matcher.kb)["answer"]
    assert said in reply and not_said not in reply, reply


def test_when_asked_before_another_question_word_is_not_an_ask_of_its_own(matcher: Matcher) -> None:
    # 什么时候 names nothing: it is not the press conference's date, asked alone
    result = matcher.match("什么时候投了多少钱改造的开发区")
    entries = {p.entry.id for p in (result, *result.parts) if p.entry is not None}
    assert "about-release-date" not in entries, result


def test_lean_on_takes_the_thing_the_ask_before_names() -> None:
    assert lean_on("一般公共预算收入多少", "增长了多少") == "一般公共预算收入增长了多少"
    assert lean_on("煤炭储量多少", "产量多少") == "煤炭产量多少"  # its own measure in place of the one before
    assert lean_on("多少", "产量多少") == ""  # nothing named before


def test_an_ask_unanswered_alone_is_asked_of_the_thing_before_it(matcher: Matcher) -> None:
    # 省级几户 alone is not answered; asked of 专精特新 it is the provincial count (29户) beside the national one
    said = _said(matcher, "专精特新 小巨人几户 省级几户")
    assert "1户" in said and "29户" in said, said



def test_when_something_began_is_not_an_ask_of_its_own(matcher: Matcher) -> None:
    # 啥时候开始 names nothing: the whole is one ask, about the roads (not 开发区's 2024年2月以来)
    result = matcher.match("啥时候开始实施多少个城乡公路项目")
    entries = {p.entry.id for p in (result, *result.parts) if p.entry is not None}
    assert entries == {"urban-roads"}, result


def test_an_ask_naming_no_thing_leans_on_a_thing_named_before_though_that_ask_was_not_answered(
    matcher: Matcher,
) -> None:
    # 修了几条路 alone got the county's 28 road projects; after 开发区投资多少 it asks of the zone (27 main roads)
    result = matcher.match("开发区投资多少 修了几条路")
    answers = [p.entry.answer for p in result.parts if p.entry is not None] or [result.entry.answer if result.entry else ""]
    assert any("27条主干道" in a for a in answers) and not any("28个城乡公路" in a for a in answers)
