"""Matching: the right entry for how residents ask, honest refusals for what the release does not say."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine.keywords import groupings
from bot.engine.matching import Matcher, Status
from bot.engine.render import render_text, to_json
from bot.knowledge.model import KnowledgeBase


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("交城有多少家高新技术企业", "tech-high-tech-enterprises"),
        ("咱县高企几家", "tech-high-tech-enterprises"),
        ("設工站有幾個", "elder-social-work-stations"),  # traditional characters and a homophone
        ("养老院有几张床", "elder-beds"),
        ("县长是谁", "about-speaker-liu-dapeng"),
        ("这篇稿子是谁写的", "about-author"),
        ("这发布会多会儿开的", "about-release-date"),  # 多会儿: Shanxi for 什么时候
    ],
)
def test_residents_questions_get_the_right_answer(matcher: Matcher, question: str, entry_id: str) -> None:
    result = matcher.match(question)
    assert result.status is Status.ANSWERED, result
    assert result.entry is not None and result.entry.id == entry_id


@pytest.mark.parametrize(
    "question",
    ["上海有多少高新技术企业", "县委书记是谁", "明天天气怎么样", "交城房价多少钱一平", "身份证在哪里办", "交城硝基肥一吨多少钱"],
)
def test_out_of_scope_questions_get_no_confident_answer(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).status is not Status.ANSWERED


@pytest.mark.parametrize(
    "question",
    [
        "庞泉沟那边康养住一晚上要多少钱",  # a price, phrased around a stay
        "星河华府养老服务中心坐几路车能到",  # how to get there
        "院士工作站能去参观不",  # a visit
        "农村公路那些项目都修到哪些村了",  # which villages: the release gives counts only
        "化工园区周边的村子要搬迁吗",  # a subject the release never covers
        "开发区今年工业总产值是多少",  # 开发区 is named: an entry about the county's 硝基肥 output does not do
        "开发区的示范村庄是哪四个村",  # the release gives how many, not which
        "村卫生室看病能报销多少",
        "吕梁市区一天能处理多少污水",  # the city, not the county
        "那20所达标的农村中小学是哪20所",  # which ones, when the release gives only how many
        "城乡公路那些项目修的是哪几条路",
        "科技研发人员比去年多了还是少了",  # a comparison the release does not make
        "污水处理厂在哪儿，日处理能力多少",  # the first clause asks where
        "开发区以后还打不打算再扩区",  # a plan the release does not state
    ],
)
def test_near_misses_in_the_releases_own_words_are_not_answered(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).status is not Status.ANSWERED


def test_a_generic_asking_clause_does_not_pull_in_an_unrelated_entry(matcher: Matcher) -> None:
    result = matcher.match("县里推进医养康养融合，采用了哪几种方式？")  # 城乡垃圾处理都采用了哪几种方式 is a KB question
    assert result.status is Status.ANSWERED and result.entry is not None
    assert result.entry.id == "elder-medical-care-modes"


@pytest.mark.parametrize(
    "question", ["花了多少钱", "是谁", "总共投资多少", "交城县一共有多少", "县里有几个", "多大", "全市排第几"]
)
def test_a_message_that_names_nothing_is_asked_to_say_what(
    matcher: Matcher, kb: KnowledgeBase, question: str
) -> None:
    # alone, these read like the questions of a dozen entries; the one whose wording is closest is not the answer
    result = matcher.match(question)
    assert result.status is Status.NO_MATCH and result.entry is None
    assert render_text(result, kb).startswith("您问的是哪一项呢？请把要问的事说全")


def test_a_part_that_names_nothing_leans_on_the_answered_part(matcher: Matcher) -> None:
    # 花了多少钱 alone is declined; after the platform is named it is the platform's cost, not the roads' 2.78亿元
    reply = to_json(matcher.match("我家住在星河华府，社区里引进了个5G智慧服务平台，能干啥用，花了多少钱？"), matcher.kb)
    assert reply["status"] == "answered" and reply["entry_id"] == "elder-xinghe-5g-platform"
    assert "350余万元" in reply["answer"] and "健康管理" in reply["answer"] and "2.78亿元" not in reply["answer"]
    assert matcher.match("发布会是谁办的").status is Status.ANSWERED  # the event named is a subject


def test_he_after_a_part_that_asks_who_is_the_person_its_answer_names(matcher: Matcher) -> None:
    # 他 is 郭强, whom the first part's answer names, not the topic the first part asked about
    reply = to_json(matcher.match("养老那部分是谁介绍的，他是什么职务"), matcher.kb)
    assert reply["status"] == "answered" and "郭强" in reply["answer"] and "副县长" in reply["answer"], reply


def test_who_with_an_adverb_before_the_verb_asks_who(matcher: Matcher) -> None:
    # 谁先介绍 asks for a person as 谁介绍 does: the presenter's entry, not the session's or the list of speakers
    reply = to_json(matcher.match("发布会一开场是谁先介绍交城情况的"), matcher.kb)
    assert reply["status"] == "answered" and "刘大鹏" in reply["answer"], reply


def test_a_word_the_message_says_the_thing_holds_picks_the_one_that_holds_it(matcher: Matcher) -> None:
    # 享老 is in the elderly care part's heading, not in the report's headline
    reply = to_json(matcher.match("养老那一段的标题里有个享老,整句标题是什么"), matcher.kb)
    assert reply["status"] == "answered" and reply["entry_id"] == "elder-section-heading", reply


@pytest.mark.parametrize("question", ["专精特新", "专精特新企业有多少"])
def test_a_thing_asked_with_no_value_of_a_kind_gets_every_value_the_release_states(
    matcher: Matcher, question: str
) -> None:
    # 国家级 1户 and 省级 29户 are both 专精特新: one entry that states both, or each value's entry as a part
    reply = to_json(matcher.match(question), matcher.kb)
    assert reply["status"] == "answered" and "1户" in reply["answer"] and "29户" in reply["answer"], reply


def test_a_thing_asked_with_its_value_gets_that_value_alone(matcher: Matcher) -> None:
    reply = to_json(matcher.match("省级专精特新企业有多少"), matcher.kb)
    assert reply["entry_id"] == "tech-provincial-specialized" and not reply.get("parts"), reply


def test_keywords_alone_ask_of_every_thing_they_name(matcher: Matcher) -> None:
    # two counts named as keywords: the entry that states one of them does not answer both
    reply = to_json(matcher.match("合作协议 联合研发项目 数量"), matcher.kb)
    assert reply["status"] != "answered" or ("53项" in reply["answer"] and "315项" in reply["answer"]), reply
    # keywords one entry states all of are answered by it
    both = to_json(matcher.match("社工站 三帮四查"), matcher.kb)
    assert both["status"] == "answered" and "三帮四查" in both["answer"] and "社工站" in both["answer"]


def test_short_keywords_are_grouped_by_what_the_base_answers(matcher: Matcher) -> None:
    # 四创 战略 名片: the strategies and the cards, each from its own entry, not the speaker who named both
    reply = to_json(matcher.match("四创 战略 名片"), matcher.kb)
    assert reply["status"] == "answered" and len(reply.get("parts") or []) == 2, reply
    assert "民生创享" in reply["answer"] and "幸福吕梁向往地" in reply["answer"], reply
    # keywords of one thing, the entry that states it touching each of them: one answer, no parts
    one = to_json(matcher.match("开发区 高新企业 新增 增幅"), matcher.kb)
    assert one["status"] == "answered" and "41.67%" in one["answer"] and not one.get("parts"), one


def test_keyword_groupings_join_neighbours_fewest_groups_first() -> None:
    assert groupings(["a", "b", "c"]) == [("a", "bc"), ("ab", "c"), ("a", "b", "c")]
    assert groupings(["a"]) == []


def test_an_asking_clause_that_names_nothing_asks_of_the_clause_before(matcher: Matcher) -> None:
    # 在吕梁市排第几 alone matches another thing's rank (硝基肥出口额在吕梁排第几); the clause before names what is
    # ranked, and the release gives no rank for it
    result = matcher.match("省级专精特新企业29户,在吕梁市排第几?")
    assert result.status is not Status.ANSWERED, result
    # the same form where the release states it: the photo's entry names what the clause before it names
    reply = to_json(matcher.match("报道里有张交城县社会福利服务中心老人们的照片，他们在干啥"), matcher.kb)
    assert reply["status"] == "answered" and "用餐" in reply["answer"], reply


def test_a_choice_asked_is_a_part_of_its_own(matcher: Matcher) -> None:
    # 是A还是B asks (which of two), so the clause after it (……呢) is a second part, not the first one's subject
    reply = to_json(matcher.match("流化床液筒造粒技术是国内首创还是国内领先 高温熔岩塔造粒呢"), matcher.kb)
    assert reply["status"] == "answered" and "国内首创" in reply["answer"] and "国内领先" in reply["answer"], reply
    assert len(reply.get("parts") or []) == 2, reply


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [("科技赋能 吹响“创新型县”特色名片", "tech-section-heading"), ("开发区 责任重大", "zone-responsibility")],
)
def test_an_entrys_own_question_is_that_question_however_it_splits(
    matcher: Matcher, question: str, entry_id: str
) -> None:
    # two keyword clauses would each ask of their own thing; typed as an entry's question stands, they are it
    result = matcher.match(question)
    assert result.status is Status.ANSWERED and result.entry is not None and result.entry.id == entry_id, result


def test_clauses_of_keywords_each_ask_of_the_thing_they_name(matcher: Matcher) -> None:
    # two targets named clause by clause, with no question word: one part each, not one entry for both
    reply = to_json(matcher.match("2025年新增产能目标 2030年底产能和产值目标"), matcher.kb)
    assert reply["status"] == "answered" and "100万吨" in reply["answer"] and "600万吨" in reply["answer"], reply
    # a clause that checks what the clause before it states is not a keyword of its own
    claim = to_json(matcher.match("城乡公路投了2.78亿，是2021年以来投的吧"), matcher.kb)
    assert claim["claim"]["verdict"] == "differs" and "2022年以来" in claim["answer"], claim


def test_a_part_that_names_nothing_asks_what_the_answered_entry_must_state(matcher: Matcher) -> None:
    # 在全省排第几: the entry ranks exports in the city only; the province's rank is not given as answered
    result = matcher.match("硝基复合肥一年出口多少钱 在全省排第几")
    assert result.status is not Status.ANSWERED, result


def test_a_dialect_question_word_splits_a_message_into_its_asks(matcher: Matcher) -> None:
    # 甚 (Shanxi for 什么) asks as 什么 does: two strategies asked, two cards answered
    result = matcher.match("管理创新战略要打造成个甚 民生创享战略又要打造成个甚")
    said = " ".join(p.entry.answer for p in result.parts if p.entry is not None)
    assert result.status is Status.ANSWERED and "省城城市后花园" in said and "幸福吕梁向往地" in said, result


@pytest.mark.parametrize(
    ("question", "facts"),
    [
        ("有效发名专利多少项全市排几", ["98项", "全市排名第二"]),  # typed in one run, a typo in it
        ("主导产品年出口额多少全市排几", ["近10亿元", "全市第一"]),
        # a part of its own that names nothing: the answered part's entry states the rank it asks
        ("硝基复合肥一年出口多少钱 在市里排第几", ["近10亿元", "全市第一"]),
    ],
)
def test_a_rank_asked_right_after_a_count_is_the_same_things_rank(
    matcher: Matcher, question: str, facts: list[str]
) -> None:
    result = matcher.match(question)
    assert result.status is Status.ANSWERED and result.entry is not None, result
    assert all(fact in result.entry.answer for fact in facts), result.entry.answer


@pytest.mark.parametrize(
    ("question", "facts"),
    [
        ("硝机复合肥企业多少户总产能", ["33户", "300万吨"]),  # typed in one run, a typo in it
        ("养老机构多少个 入住率", ["普惠性养老机构4个", "70%"]),  # the measure in a clause of its own
    ],
)
def test_a_measure_named_after_a_count_is_asked_too(matcher: Matcher, question: str, facts: list[str]) -> None:
    result = matcher.match(question)
    said = " ".join(p.entry.answer for p in result.parts if p.entry is not None)
    assert result.status is Status.ANSWERED and result.compound, result
    assert all(fact in said for fact in facts), said
    assert not matcher.match("入住率").compound  # a measure alone is one question


@pytest.mark.parametrize(
    ("question", "facts"),
    [
        ("交城硝基复合肥企业有多少户 总产能多大", ["33户", "300万吨"]),  # 多大 asks
        ("开发区提档升级投了多少钱 从多会儿开始搞的", ["3.6亿元", "2024年2月"]),  # 多会儿 (Shanxi: when) asks
        # a coverb and a question word first: the part leans on the subject before it
        ("开发区提档升级是从多会儿开始的 在哪个部门的总体安排下搞的", ["2024年2月", "省生态环境厅"]),
    ],
)
def test_a_second_ask_after_a_space_gets_its_own_answer(matcher: Matcher, question: str, facts: list[str]) -> None:
    result = matcher.match(question)
    said = " ".join(p.entry.answer + p.entry.quote for p in result.parts if p.entry is not None)
    assert result.status is Status.ANSWERED and result.compound, result
    assert all(fact in said for fact in facts), said


@pytest.mark.parametrize("question", ["护理型床位的入住率是多少", "交城护理型床位的入住率是多少"])
def test_a_measure_of_a_part_the_entry_never_names_is_not_the_whole_s(matcher: Matcher, question: str) -> None:
    """The release gives the occupancy of all institutions (70%), not of the nursing beds."""
    result = matcher.match(question)
    assert result.status is not Status.ANSWERED, result
    # and the reply does not say the release never mentions 入住率: only not for what was asked
    reply = to_json(result, matcher.kb)["answer"]
    assert "没有提到“入住率”" not in reply and ("没有提到" not in reply or "这一项的“入住率”" in reply), reply
    for asked in ("养老机构的入住率是多少", "老人的入住率多少", "交城硝基肥主导产品每年的出口额有多少"):
        assert matcher.match(asked).status is Status.ANSWERED, asked  # the thing the entry names


def test_where_the_resident_is_is_not_what_they_ask_about(matcher: Matcher) -> None:
    """我在汾阳听人说: the other county is where the story is told; asked about, it is still declined."""
    heard = matcher.match("我在汾阳听人说交城光硝基复合肥企业就有五十来户,真有那么多?")
    assert heard.status is Status.ANSWERED and heard.entry is not None and "33户" in heard.entry.answer
    assert matcher.match("我是文水人，交城有多少家高新技术企业").status is Status.ANSWERED
    for asked in ("汾阳有多少家高新技术企业", "我在汾阳，汾阳的高新技术企业有多少"):
        assert matcher.match(asked).status is not Status.ANSWERED, asked


def test_a_price_per_mu_is_not_the_output_per_mu(matcher: Matcher) -> None:
    """出让价 is a measure the output entry (350万元/亩) never names."""
    result = matcher.match("开发区标准地每亩出让价多少钱")
    assert result.status is not Status.ANSWERED
    assert matcher.match("开发区一亩地能产出多少钱").status is Status.ANSWERED


def test_another_place_is_named_in_the_reply(matcher: Matcher, kb: KnowledgeBase) -> None:
    result = matcher.match("太原有多少户国家级高新技术企业")
    assert result.status is Status.NO_MATCH and result.out_of_scope == "太原"
    assert "太原" in render_text(result, kb)


def test_a_question_several_entries_answer_offers_them(matcher: Matcher, kb: KnowledgeBase) -> None:
    result = matcher.match("省级的中心有几个")  # three kinds of provincial centres are counted apart
    ids = {c.entry.id for c in result.candidates}
    assert result.status is Status.AMBIGUOUS and 2 <= len(ids) <= 3
    assert {"tech-provincial-innovation-centers", "tech-provincial-enterprise-rd-centers"} <= ids
    assert render_text(result, kb).startswith("您是想问：\n1. ")


@pytest.mark.parametrize(("text", "kind"), [("你好", "greeting"), ("谢谢！", "thanks"), ("你是谁", "identity")])
def test_smalltalk(matcher: Matcher, kb: KnowledgeBase, text: str, kind: str) -> None:
    result = matcher.match(text)
    assert result.status is Status.SMALLTALK and result.smalltalk == kind
    assert to_json(result, kb)["answer"]


def test_greeting_before_a_question_still_answers_it(matcher: Matcher) -> None:
    result = matcher.match("你好，请问交城有几个乡镇社工站")
    assert result.status is Status.ANSWERED and result.entry is not None
    assert result.entry.id == "elder-social-work-stations"


def test_answer_json_carries_a_verified_citation(matcher: Matcher, kb: KnowledgeBase) -> None:
    data = to_json(matcher.match("省级专精特新企业有多少户"), kb)
    assert data["status"] == "answered" and "29户" in data["answer"]
    citation = data["citation"]
    assert citation["source"] == "jiaocheng-release" and citation["title"] == "多维驱动 高质量发展行稳致远"
    assert citation["quote"] in kb.sources["jiaocheng-release"].text


VALID = {"answered", "partial", "ambiguous", "no_match", "smalltalk"}


@pytest.mark.parametrize(
    ("text", "entry_id"),
    [
        ("", None), ("   ", None), ("\x00\x01\x1b[31m", None), ("🙂🎉🚀", None), ("x" * 100_000, None),
        ("\u202e\u200b\ufeff", None),  # nothing asked: not covered
        ("<b>高企</b> **多少**", "tech-high-tech-enterprises"),  # markup around a question
        ("社工站 social work station 사회 ソーシャル", "elder-social-work-stations"),  # the Chinese word leads
    ],
)
def test_strange_input_gets_the_reply_its_words_ask_for(
    matcher: Matcher, kb: KnowledgeBase, text: str, entry_id: str | None
) -> None:
    data = to_json(matcher.match(text), kb)
    assert data["status"] == ("no_match" if entry_id is None else "answered"), data
    assert data["entry_id"] == entry_id
    assert 0 <= data["score"] <= 100


def test_a_huge_repeated_word_is_not_answered(matcher: Matcher, kb: KnowledgeBase) -> None:
    data = to_json(matcher.match("交城" * 50_000), kb)  # the county's name alone asks nothing
    assert data["status"] in VALID - {"answered", "partial"} and data["citation"] is None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=400))
def test_any_text_gets_a_valid_status(matcher: Matcher, kb: KnowledgeBase, text: str) -> None:
    data = to_json(matcher.match(text), kb)
    assert data["status"] in VALID
    assert 0 <= data["score"] <= 100
    assert (data["citation"] is None) == (data["status"] not in ("answered", "partial"))


@pytest.mark.parametrize("text", ["县里推进医养康养融合", "开发区主干道", "养老院床位", "zzz"])
def test_coverage_of_a_few_entries_equals_the_full_pass(matcher: Matcher, text: str) -> None:
    from bot.engine.index import gram_codes

    index = matcher.retriever.chars
    full, _ = index.coverage(gram_codes(text))
    some = [0, 5, 17, len(full) - 1, int(full.argmax())]
    assert index.coverage_of(gram_codes(text), some).tolist() == pytest.approx(full[some].tolist())


def test_in_which_few_is_not_where(matcher: Matcher) -> None:
    # 在哪几块 asks which areas, not a location: the county's location is not in the release
    assert matcher.match("交城在哪").status is not Status.ANSWERED
    result = matcher.match("交城搞创新主要在哪几块使劲")
    assert result.status is Status.ANSWERED and result.entry is not None and result.entry.id == "tech-focus-areas"


@pytest.mark.parametrize(
    ("message", "fact"),
    [
        ("我奶奶住村里 村里养老设施多不多", "109个"),
    ],
)
def test_a_short_question_after_the_residents_story_is_read_by_its_asking_clause(
    matcher: Matcher, message: str, fact: str
) -> None:
    # the story (我奶奶住村里) would otherwise dilute a message too short to be read clause by clause
    result = matcher.match(message)
    assert result.status is Status.ANSWERED and result.entry is not None, result
    assert fact in result.entry.answer + result.entry.quote, result.entry.id
