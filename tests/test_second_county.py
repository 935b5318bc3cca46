"""A second county's base, curated from knowledge/README.md alone (examples/jiaokou/knowledge), with a question
set written from its release alone: the engine answers it as that county, and nothing it says names the shipped
county."""

from __future__ import annotations

import shutil
import time
from collections.abc import AsyncIterator
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from bot.config import Config, TelegramSettings
from bot.engine.matching import Matcher, Status
from bot.engine.render import render_text, to_json
from bot.engine.service import KnowledgeService
from bot.evaluation.judge import judge_set, load_fresh_set
from bot.knowledge.load import load_knowledge
from bot.knowledge.model import KnowledgeBase
from bot.storage import Storage
from bot.tg.app import build_application
from tests.conftest import assert_parts_state
from tests.tg_fakes import RecordingRequest, message_update

ROOT = Path(__file__).resolve().parent.parent
JIAOKOU = ROOT / "examples" / "jiaokou"
SHIPPED_COUNTY = ("交城",)  # the shipped base's county: never named on another county's base
_ids = count(90_000)


@pytest.fixture(scope="module")
def jiaokou() -> KnowledgeBase:
    return load_knowledge(JIAOKOU / "knowledge")


@pytest.fixture(scope="module")
def jiaokou_matcher(jiaokou: KnowledgeBase) -> Matcher:
    return Matcher(jiaokou)


# sets first measured answering a question about another county (their header says which)
_ELSEWHERE = {"questions_d.yaml": 14 / 15, "questions_f.yaml": 14 / 15, "questions_m.yaml": 14 / 15}
# first measurements: two English or compound questions answered in part (f); a second question of a story lost
# and a compound answered in part (i); a story's question answered with another entry, a compound in part and a
# "why" with a label (j); the host's name asked answered with the conference's name, a compound in part (k); two
# short asks answered as one, a heritage level claimed answered without the level, two keywords answered with one,
# a comparison of two growths answered with one of them (m); three kinds of new energy asked after keywords answered
# in part, a story's two asks (mushrooms' yield and output) answered with the output alone, and two asks in English
# and Chinese answered as one (n)
_WRONG = {
    "questions_f.yaml": 0.02, "questions_i.yaml": 0.02, "questions_j.yaml": 0.03, "questions_k.yaml": 0.02,
    "questions_m.yaml": 0.04, "questions_n.yaml": 0.03,
}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "right", "noisy", "declined"),
    [
        ("questions.yaml", 0.88, 0.9, 0.85),  # residents on phones (see the set's header)
        ("questions_b.yaml", 0.80, 0.66, 0.85),  # outsiders checking claims, mixed languages
        # residents and outsiders, measured once on 5ff628c (76%; its header); 88, not 89, since 铝土矿's 可采储量 (the
        # release states its 储量 only) is a partial reply that says so
        ("questions_c.yaml", 0.88, 0.96, 0.86),
        ("questions_d.yaml", 0.89, 0.96, 0.86),  # phones, keywords, the place itself, measured once on 1b18d7c (81%)
        ("questions_e.yaml", 0.68, 0.96, 0.88),  # older residents' everyday words, measured once on 87c0bfb (67%)
        ("questions_f.yaml", 0.92, 0.92, 0.85),  # everyone's everyday words, measured once on 1ab23ad (its header)
        ("questions_g.yaml", 0.88, 0.92, 0.91),  # a balanced mix of everyone, measured once on 3160d1d (its header)
        ("questions_h.yaml", 0.78, 0.92, 0.95),  # older residents and families, measured once on 6562f57 (its header)
        ("questions_i.yaml", 0.81, 0.88, 0.90),  # a balanced mix of everyone, measured once on dcda1a2 (its header)
        ("questions_j.yaml", 0.72, 0.96, 0.90),  # a balanced mix of everyone, measured once on ff53c12 (its header)
        ("questions_k.yaml", 0.80, 1.0, 0.93),  # residents on phones and relatives, measured once on d3628bb
        ("questions_l.yaml", 0.81, 1.0, 0.88),  # a balanced mix of residents, measured once on 1f5fe13
        ("questions_m.yaml", 0.82, 0.96, 0.90),  # a balanced mix of residents, measured once on a78f59b
        ("questions_n.yaml", 0.79, 1.0, 0.95),  # a balanced mix of residents, measured once on cf41c73
    ],
)
def test_the_second_countys_questions_stay_answered(
    name: str, right: float, noisy: float, declined: float, jiaokou: KnowledgeBase, jiaokou_matcher: Matcher
) -> None:
    replies: list[dict[str, Any]] = []

    def ask(question: str) -> dict[str, Any]:
        reply = to_json(jiaokou_matcher.match(question), jiaokou)
        replies.append(reply)
        return reply

    report = judge_set(load_fresh_set(JIAOKOU / name), ask)
    figures = report.figures()
    # floors at the figures measured when the sets were first run (see each set's header)
    assert figures["wrong"] <= _WRONG.get(name, 0.01) and figures["noisy_wrong"] <= 0.05, report.summary()
    assert figures["right"] >= right and figures["noisy_right"] >= noisy, report.summary()
    elsewhere = _ELSEWHERE.get(name, 1.0)
    assert figures["oos_declined"] >= declined and figures["oos_elsewhere"] >= elsewhere, report.summary()
    # (what the bot says: a question may name the other county itself, 交城县是哪一年建县的)
    named = [r["question"] for r in replies if any(w in str({**r, "question": ""}) for w in SHIPPED_COUNTY)]
    assert named == []


def test_a_growth_over_the_year_before_is_answered_by_the_growth_stated(jiaokou_matcher: Matcher) -> None:
    # 比上年增长 compares with the past year, which the entry's 增长8.5% answers; 去年的 alone it does not state
    result = jiaokou_matcher.match("交口地区生产总值比上年增长了多少")
    assert result.status is Status.ANSWERED and result.entry is not None and "8.5%" in result.entry.answer
    assert jiaokou_matcher.match("交口去年地区生产总值是多少").status is not Status.ANSWERED


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        ("What is the total land area of Jiaokou County?", "1259.92平方公里"),
        ("交口的 forest coverage 是多少", "42.41%"),
    ],
)
def test_english_words_of_any_county_are_read_for_the_second_county(
    jiaokou_matcher: Matcher, question: str, figure: str
) -> None:
    result = jiaokou_matcher.match(question)
    assert result.status is Status.ANSWERED and result.entry is not None and figure in result.entry.answer, result


def test_a_growth_asked_as_a_rate_is_stated_by_the_growth(jiaokou_matcher: Matcher) -> None:
    # 增幅 is stated by 增长32.1% (measure_stated_as in zh.yaml): no question of the base need say 增幅
    result = jiaokou_matcher.match("2018年交口一般公共预算收入是多少？增幅多少？")
    assert result.status is Status.ANSWERED and result.entry is not None and "32.1%" in result.entry.answer, result
    assert jiaokou_matcher.match("交口的一般公共预算收入占全市多少").status is not Status.ANSWERED


def test_a_rate_asked_of_the_city_in_english_is_not_the_countys(jiaokou_matcher: Matcher) -> None:
    assert jiaokou_matcher.match("What's the forest coverage rate of Lüliang City?").status is not Status.ANSWERED


def test_small_talk_and_refusals_name_the_second_county(jiaokou: KnowledgeBase, jiaokou_matcher: Matcher) -> None:
    texts = {q: render_text(jiaokou_matcher.match(q), jiaokou) for q in ("你好", "你是谁", "帮助", "太原有多少企业")}
    assert "交口问答" in texts["你好"] and "交口问答" in texts["你是谁"]
    assert "只介绍了交口县的情况" in texts["太原有多少企业"]
    assert not [q for q, t in texts.items() if any(w in t for w in SHIPPED_COUNTY)]


@pytest.fixture
async def jiaokou_app(tmp_path: Path) -> AsyncIterator[tuple[Any, RecordingRequest]]:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(JIAOKOU / "knowledge", knowledge)
    storage = Storage(tmp_path / "bot.sqlite3")
    config = Config(telegram=TelegramSettings(token="123:TEST"), knowledge_dir=str(knowledge))
    request = RecordingRequest()
    app = build_application(config, KnowledgeService(knowledge), storage, request=request, rate_limit=False)
    await app.initialize()
    request.clear()
    yield app, request
    await app.shutdown()
    storage.close()


def _photo(app: Any) -> Update:
    message = {
        "message_id": next(_ids), "date": int(time.time()), "chat": {"id": 42, "type": "private"},
        "from": {"id": 42, "is_bot": False, "first_name": "居民"},
        "photo": [{"file_id": "p", "file_unique_id": "pu", "width": 90, "height": 90}],
    }
    return Update.de_json({"update_id": next(_ids), "message": message}, app.bot)


async def test_the_bot_on_the_second_countys_base_never_names_the_shipped_county(jiaokou_app: Any) -> None:
    app, request = jiaokou_app
    for text in ("/start", "/help", "你好", "你是谁", "帮助", "/ask", "太原有多少企业", "房价多少"):
        await app.process_update(message_update(app.bot, text))
    await app.process_update(_photo(app))
    sent = [m["text"] for m in request.sent()]
    assert len(sent) == 9, sent
    assert "交口问答" in sent[0] and "交口" in sent[5]  # /start names the bot; /ask's example is the county's
    assert [t for t in sent if any(w in t for w in SHIPPED_COUNTY)] == []


def test_where_and_how_big_the_county_is_answered_where_its_base_says_it(jiaokou_matcher: Matcher) -> None:
    # the same check that declines 交城在哪 (the release never says) answers the other county's own facts
    for question, entry_id in (("交口县有多大", "profile-area"), ("交口在哪", "profile-location")):
        result = jiaokou_matcher.match(question)
        assert result.status is Status.ANSWERED and result.entry is not None and result.entry.id == entry_id


def test_a_full_name_asked_by_its_words_is_answered_by_the_longer_name(jiaokou_matcher: Matcher) -> None:
    # the entry writes the name whole (综合低碳智慧能源绿电支撑项目), the resident asks with two of its words
    for question, fact in (("那个绿电项目全名叫啥", "综合低碳智慧能源绿电支撑项目"), ("交口在建的水网工程叫甚", "中部引黄县域小水网工程")):
        result = jiaokou_matcher.match(question)
        assert result.status is Status.ANSWERED and result.entry is not None and fact in result.entry.answer, result



def test_the_sentence_someone_said_is_quoted_from_the_release(jiaokou_matcher: Matcher, jiaokou: KnowledgeBase) -> None:
    reply = render_text(jiaokou_matcher.match("李刚发言里讲到的那句关于吕梁的话是什么？"), jiaokou)
    assert "英雄吕梁、魅力无限" in reply and "来源" in reply


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        # 从当时的孝义、灵石、隰县划出9个边远乡镇: the 9 counts towns; the three counties are listed
        ("建县时的乡镇是从哪几个县划出来的？", "孝义、灵石、隰县"),
        ("旧址是哪个部门公布为文保单位的？", "山西省人民政府"),  # a government names the body asked
        ("交口 建县 年份", "1971年5月"),  # 年份 asks for a year: the kind of answer, not a thing to be named
    ],
)
def test_what_a_sparse_base_states_is_answered(jiaokou_matcher: Matcher, question: str, fact: str) -> None:
    result = jiaokou_matcher.match(question)
    assert result.status is Status.ANSWERED and result.entry is not None and fact in result.entry.answer, result


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("听说交口是1961年设的县，没记错吧？", "1971年5月"),  # 没记错吧 checks; 设县 is 建县
        ("有人说毛主席在交口驻了62天，是真的吗", "42天"),  # a number of days is a figure claimed
    ],
)
def test_a_wrong_claim_is_answered_with_the_releases_fact(
    jiaokou_matcher: Matcher, jiaokou: KnowledgeBase, question: str, fact: str
) -> None:
    result = jiaokou_matcher.match(question)
    assert result.status is Status.ANSWERED and result.claim is not None, result
    assert result.claim.verdict.value == "differs" and fact in render_text(result, jiaokou)


def test_a_place_claimed_of_the_county_is_checked_and_a_place_asked_about_is_not(jiaokou_matcher: Matcher) -> None:
    wrong = jiaokou_matcher.match("有人说交口北边紧挨着离石，对吗？")
    assert wrong.status is Status.ANSWERED and wrong.claim is not None and wrong.claim.verdict.value == "differs"
    assert wrong.entry is not None and "北连中阳" in wrong.entry.answer
    right = jiaokou_matcher.match("交口北边挨着中阳吧")
    assert right.claim is not None and right.claim.verdict.value == "holds"
    assert jiaokou_matcher.match("离石有多少企业，对吗").status is not Status.ANSWERED  # 离石 is asked about


def test_words_quoted_from_one_entry_alone_answer_with_that_entry(jiaokou_matcher: Matcher) -> None:
    result = jiaokou_matcher.match("交口一直讲的“一脉相承的根基”指的是什么？")
    assert result.status is Status.ANSWERED and result.entry is not None and "工业立县" in result.entry.answer


def test_a_second_question_in_words_of_its_own_is_a_part_of_its_own(jiaokou_matcher: Matcher) -> None:
    # 又是谁作的主要情况介绍 names no thing, but asks in words of its own: not one more ask of the host's part
    result = jiaokou_matcher.match("发布会是谁主持的？又是谁作的主要情况介绍？")
    assert [p.entry.id for p in result.parts if p.entry is not None] == ["event-host", "event-li-gang"], result


@pytest.mark.parametrize(
    ("question", "verdict"),
    [
        ("交口东边挨着石楼吧", "differs"),  # 石楼 is a neighbour, to the west (西靠石楼)
        ("交口西边挨着孝义，对吗？", "differs"),  # 孝义 is to the east
        ("交口西边挨着石楼吧", "holds"),
    ],
)
def test_a_place_claimed_in_a_direction_holds_only_in_that_direction(
    jiaokou_matcher: Matcher, question: str, verdict: str
) -> None:
    result = jiaokou_matcher.match(question)
    assert result.claim is not None and result.claim.verdict.value == verdict, result


@pytest.mark.parametrize(
    "question",
    [
        "交口以前属于隰县吧",  # the entry that answers names no place of that kind: no verdict from it
        "小水网工程是哪个部门批的？",  # 中部 is a part of the county, not a body
        "那个储能电站全名叫什么",  # 交口县储能电站 names the county, not the station
        "交口老人晒太阳的时间有多长",  # how long the old people sit in the sun is not the sunshine hours
    ],
)
def test_what_the_release_does_not_state_is_not_answered_on_the_sparse_base(
    jiaokou_matcher: Matcher, question: str
) -> None:
    assert jiaokou_matcher.match(question).status is not Status.ANSWERED


def test_a_narrower_thing_than_an_entry_states_is_not_answered_with_its_figure(
    jiaokou_matcher: Matcher, jiaokou: KnowledgeBase
) -> None:
    # 户籍 is a word no entry states: the population entry's 常住 figure is not the registered population
    assert jiaokou_matcher.match("交口户籍人口有多少？").status is not Status.ANSWERED
    assert jiaokou_matcher.match("交口常住人口有多少").status is Status.ANSWERED
    # the coal entry states 可采储量, the dolomite entry only 地质储量: neither answers the dolomite's 可采储量
    result = jiaokou_matcher.match("交口白云岩的可采储量是多少？")
    assert result.status is Status.PARTIAL and result.entry is not None and result.entry.id == "min-dolomite"
    reply = render_text(result, jiaokou)
    assert "没有提到您问的这一项的“可采储量”" in reply and "100亿吨" in reply
    coal = jiaokou_matcher.match("交口煤炭的可采储量是多少")
    assert coal.status is Status.ANSWERED and coal.entry is not None and coal.entry.id == "min-coal-reserve"


def test_a_measure_narrowed_by_a_word_no_entry_uses_is_not_the_one_stated(jiaokou_matcher: Matcher) -> None:
    # the release states 华瑞煤业's 500万吨 of capacity being raised (核增), never a 核定 (approved) capacity
    assert jiaokou_matcher.match("华瑞煤业现在的核定产能是多少？").status is not Status.ANSWERED
    capacity = jiaokou_matcher.match("华瑞煤业产能多少")
    assert capacity.status is Status.ANSWERED and capacity.entry is not None and "500万吨" in capacity.entry.answer


def test_an_ordinal_is_stated_by_the_answer_not_by_a_question_written_for_the_entry(jiaokou_matcher: Matcher) -> None:
    # the entry's questions include the claim 交口是第一场吗; its answer states 第二场: the first session was another's
    assert jiaokou_matcher.match("县市区专场的第一场是哪个县？").status is not Status.ANSWERED
    second = jiaokou_matcher.match("交口是县市区专场的第几场")
    assert second.status is Status.ANSWERED and second.entry is not None and "第二场" in second.entry.answer
    claim = jiaokou_matcher.match("交口是第一场吗")  # the claim checked is answered with the release's 第二场
    assert claim.status is Status.ANSWERED and claim.entry is not None and "第二场" in claim.entry.answer


def test_a_count_given_for_a_list_is_not_the_count_of_one_of_its_items(jiaokou_matcher: Matcher) -> None:
    # 从当时的孝义、灵石、隰县划出9个边远乡镇: the 9 are the three counties' together
    part = jiaokou_matcher.match("建县时从孝义划过来几个乡镇？")
    assert part.status is not Status.ANSWERED
    whole = jiaokou_matcher.match("建县时从孝义、灵石、隰县一共划出来几个乡镇")
    assert whole.status is Status.ANSWERED and whole.entry is not None and "9个" in whole.entry.answer
    story = jiaokou_matcher.match("我老家在隰县，爷爷说当年建交口县时从几个县划了一批乡镇过去，一共划了几个？")
    assert story.status is Status.ANSWERED and story.entry is not None and "9个" in story.entry.answer


def test_review_mends_of_the_eleventh_session(jiaokou_matcher: Matcher, jiaokou: KnowledgeBase) -> None:
    # a reserve asked of coal that the release does not state is not answered with coal's output
    result = jiaokou_matcher.match("交口煤炭的地质储量是多少")
    assert result.status is not Status.ANSWERED or (result.entry is not None and "储量" in result.entry.answer)
    assert result.entry is None or "原煤产量" not in result.entry.answer
    # 各 of two counties of the three: the 9 are the three's together
    assert jiaokou_matcher.match("建县时孝义和灵石各划了几个乡镇").status is not Status.ANSWERED
    # declined for its count, not for a place the release does name
    reply = render_text(jiaokou_matcher.match("建县时从孝义划过来几个乡镇"), jiaokou)
    assert "没有讲到孝义" not in reply


def test_how_much_asked_as_a_not_a_is_an_ask_of_its_own(jiaokou_matcher: Matcher, jiaokou: KnowledgeBase) -> None:
    # 多不多 asks how much: after a story, the second question is answered too, not dropped
    message = "我刚退休，想找个凉快的地方住，朋友推荐了交口。那边年平均气温多少？一年降水多不多？"
    result = jiaokou_matcher.match(message)
    said = " ".join(p.entry.answer for p in result.parts if p.entry is not None)
    assert result.compound and "6.7" in said and "618" in said, result


@pytest.mark.parametrize(
    ("message", "facts"),
    [
        ("交口面积多大有几个乡镇", ["1259.92平方公里", "4镇3乡"]),  # 多大 ends an ask run together with the next
        # 产量 names no thing of its own: the coal's output, not the mushrooms'
        ("煤炭储量多少产量多少", ["10亿吨", "336.52万吨"]),
    ],
)
def test_each_ask_of_a_message_is_answered(
    jiaokou_matcher: Matcher, message: str, facts: list[str]
) -> None:
    result = jiaokou_matcher.match(message)
    said = " ".join(p.entry.answer + p.entry.quote for p in result.parts if p.entry is not None)
    assert result.compound and all(f in said for f in facts), result


def test_a_growth_asked_after_a_figure_is_that_figures_growth(jiaokou_matcher: Matcher) -> None:
    # 增长了多少, run on after the revenue, is the revenue's growth (32.1%), not the GDP's (8.5%)
    reply = to_json(jiaokou_matcher.match("一般公共预算收入多少增长了多少"), jiaokou_matcher.kb)["answer"]
    assert "32.1%" in reply and "8.5%" not in reply, reply


def test_a_short_question_after_a_story_is_read_by_its_asking_clause(jiaokou_matcher: Matcher) -> None:
    result = jiaokou_matcher.match("我在外地读书 交口人口多不多")
    assert result.status is Status.ANSWERED and result.entry is not None, result
    assert "95313人" in result.entry.answer, result.entry.answer


def test_a_measure_asked_after_a_thing_the_release_gives_none_of_is_not_another_things(
    jiaokou_matcher: Matcher,
) -> None:
    # 产值多少 after 煤炭储量: no coal output value is stated; the mushrooms' (食用菌产值3亿元) is not an answer to it
    result = jiaokou_matcher.match("煤炭储量多少 产值多少")
    said = [p.entry.id for p in result.parts if p.entry is not None and p.status is Status.ANSWERED]
    assert said == ["min-coal-reserve"], result


@pytest.mark.parametrize("message", ["谁在发布会上介绍的铝镁产业", "谁在发布会上介绍的工业发展"])
def test_who_presented_a_topic_is_the_speaker_of_the_section_that_holds_it(
    jiaokou_matcher: Matcher, message: str
) -> None:
    # the source's front matter says 李刚 presented the section on industry, whose text names 铝镁
    result = jiaokou_matcher.match(message)
    assert result.status is Status.ANSWERED and result.entry is not None, result
    assert "李刚" in result.entry.answer, result.entry.id


def test_the_main_title_is_not_confused_with_the_subtitle(jiaokou_matcher: Matcher) -> None:
    for message in ("主标题是啥", "标题是啥"):
        result = jiaokou_matcher.match(message)
        assert result.status is Status.ANSWERED and result.entry is not None, (message, result)
        assert "延伸工业链条" in result.entry.answer and "专场举行" not in result.entry.answer, result.entry.id


def test_when_a_count_was_taken_is_the_census_date(jiaokou_matcher: Matcher) -> None:
    # 统计 asked of a figure the release dates by its census (普查, 截至2020年11月1日零时): the same event
    result = jiaokou_matcher.match("常住人口是什么时候统计的")
    assert result.status is Status.ANSWERED and result.entry is not None, result
    assert "2020年11月1日" in to_json(result, jiaokou_matcher.kb)["answer"], result


def test_another_thing_after_a_measure_is_asked_that_measure(jiaokou_matcher: Matcher) -> None:
    # (read as 农村多少, with the whole subject replaced, it would be the 95 villages)
    result = jiaokou_matcher.match("城镇居民人均可支配收入多少 农村的呢")
    assert [p.entry.id for p in result.parts if p.entry is not None] == ["econ-urban-income", "econ-rural-income"]


def test_the_second_countys_head_is_its_county_head(jiaokou_matcher: Matcher) -> None:
    result = jiaokou_matcher.match("县长叫什么名字")  # not one of the three 副县长 who attended
    assert result.status is Status.ANSWERED and result.entry is not None and "李刚" in result.entry.answer


@pytest.mark.parametrize(
    ("message", "facts"),
    [
        ("森林覆盖率多少林木绿化率呢", ["42.41%", "65.43%"]),
        ("食用菌年产量多少产值呢", ["2.5万吨", "3亿元"]),
        ("交口人口多少那面积呢还有几个乡镇", ["95313人", "1259.92平方公里", "4镇3乡"]),
    ],
)
def test_an_ask_run_on_by_another_thing_alone_is_an_ask_of_its_own(
    jiaokou_matcher: Matcher, message: str, facts: list[str]
) -> None:
    # (read as one ask, 林木绿化率 was declined for want of 覆盖率, 产值 for want of 产量)
    assert_parts_state(jiaokou_matcher.match(message), facts)


def test_a_one_character_thing_asked_is_not_answered_by_an_entry_that_never_names_it(jiaokou_matcher: Matcher) -> None:
    # 交口有啥树 read like 交口有什么矿 (the minerals); the release's trees (树种139个) are another entry's
    result = jiaokou_matcher.match("交口有啥树")
    assert result.status is not Status.ANSWERED or (result.entry is not None and "树" in result.entry.answer)
    assert jiaokou_matcher.match("交口有啥矿").status is Status.ANSWERED


def test_how_many_times_one_figure_is_another_is_worked_out(jiaokou_matcher: Matcher) -> None:
    # the entry quotes both incomes but states no ratio; 农村 alone is measured by 收入 too (not its 95 villages)
    result = jiaokou_matcher.match("交口城镇居民收入是农村的几倍")
    assert result.comparison is not None and result.comparison.times
    assert (result.comparison.first_figure, result.comparison.second_figure) == ("20825元", "8180元")
    assert result.comparison.amount == "约2.5"


def test_why_a_thing_is_called_so_is_explained_by_the_reason_given(jiaokou_matcher: Matcher) -> None:
    # 是因为1931年……: the reason the release gives is what 为什么叫 asks (it was the county's founding)
    result = jiaokou_matcher.match("交口为什么叫老区县")
    assert result.status is Status.ANSWERED and result.entry is not None and "晋西游击队" in result.entry.answer


@pytest.mark.parametrize("message", ["城镇和农村收入差多少", "城镇收入比农村多多少"])
def test_a_difference_of_two_figures_one_entry_quotes_is_worked_out(jiaokou_matcher: Matcher, message: str) -> None:
    # the measure named once is each thing's (城镇 alone is the towns: 辖4镇3乡); the entry quotes both incomes
    result = jiaokou_matcher.match(message)
    assert result.comparison is not None and result.comparison.amount == "12645元"


def test_a_capacity_the_release_does_not_give_is_not_answered(jiaokou_matcher: Matcher) -> None:
    # the release says only that an energy-storage station is being built (装机容量 is a measure it never states)
    assert jiaokou_matcher.match("储能电站装机容量多大").status is not Status.ANSWERED


@pytest.mark.parametrize("question", ["交口和那些县接壤", "交口东边临近那些县"])
def test_neighbours_in_everyday_words_are_the_neighbours(jiaokou_matcher: Matcher, question: str) -> None:
    # 接壤, 临近, 挨着 and the release's 相邻 are one group of every base's everyday words (common_synonyms)
    result = jiaokou_matcher.match(question)
    assert result.status is Status.ANSWERED and result.entry is not None and result.entry.id == "profile-neighbors"


def test_a_thing_asked_after_the_words_that_narrow_it_must_be_one_the_release_gives(jiaokou_matcher: Matcher) -> None:
    # 啥特色美食 asks for 美食, which the release never names: not the three labels (老区县、生态县、资源县)
    assert jiaokou_matcher.match("交口都有些啥特色美食").status is not Status.ANSWERED
    labels = jiaokou_matcher.match("交口有什么特色")
    assert labels.status is Status.ANSWERED and labels.entry is not None and "老区县" in labels.entry.answer


def test_a_measure_of_a_one_character_thing_is_that_things_not_another_things(jiaokou_matcher: Matcher) -> None:
    # 镁 and 铝 are things of the release (铝镁产业): their output is not the coal's, nor a coal mine's capacity
    for question in ("交口的镁产量多少", "交口铝产能多少万吨"):
        assert jiaokou_matcher.match(question).status is not Status.ANSWERED, question
    coal = jiaokou_matcher.match("交口煤产量多少")
    assert coal.status is Status.ANSWERED and coal.entry is not None and "336.52万吨" in coal.entry.answer
    # 没 sounds like 煤 and names no thing: a homophone typo, still the coal's output
    typo = jiaokou_matcher.match("交口没产量多少")
    assert typo.status is Status.ANSWERED and typo.entry is not None and typo.entry.id == coal.entry.id


@pytest.mark.parametrize(
    ("claim", "holds"),
    [
        ("食用菌是2015年开始试种的吧", False),  # 2015 is the year of 推广; 试种 began in 2012
        ("香菇是2012年推广的吧", False),
        ("听说交口香菇是2012年开始试种的", True),
        ("香菇2015年开始大力推广的吧", True),
    ],
)
def test_a_year_claimed_for_an_event_is_checked_against_that_events_year(
    jiaokou_matcher: Matcher, jiaokou: KnowledgeBase, claim: str, holds: bool
) -> None:
    reply = render_text(jiaokou_matcher.match(claim), jiaokou)
    assert reply.startswith("对") if holds else reply.startswith("不对"), reply


@pytest.mark.parametrize("question", ["交口县城常住人口多少", "县城有多少人", "交口县城面积1259.92平方公里对吗"])
def test_a_figure_asked_of_the_county_town_is_not_the_whole_countys(
    jiaokou_matcher: Matcher, jiaokou: KnowledgeBase, question: str
) -> None:
    # the release gives the county's 常住人口95313人 and 国土总面积1259.92平方公里, never the town's
    result = jiaokou_matcher.match(question)
    assert result.status is not Status.ANSWERED
    assert not render_text(result, jiaokou).startswith("对")
    whole = jiaokou_matcher.match("交口常住人口多少")
    assert whole.status is Status.ANSWERED and whole.entry is not None and "95313" in whole.entry.answer


def test_people_counted_by_taking_part_are_not_the_population(jiaokou_matcher: Matcher, jiaokou: KnowledgeBase) -> None:
    # 几个人出席 counts those at the conference; the county's 常住人口95313人 counts everyone
    reply = render_text(jiaokou_matcher.match("发布会哪天开的，谁主持，几个人出席"), jiaokou)
    assert "2024年12月18日" in reply and "赵凤昌" in reply and "95313" not in reply
    assert "95313" in render_text(jiaokou_matcher.match("交口住着多少人"), jiaokou)


@pytest.mark.parametrize("question", ["副县长有哪些", "副县长是谁"])
def test_a_title_several_people_hold_is_answered_with_all_of_them(jiaokou_matcher: Matcher, question: str) -> None:
    # each deputy has an entry of their own; the entry that names all three answers, not one of them
    result = jiaokou_matcher.match(question)
    assert result.status is Status.ANSWERED and result.entry is not None
    assert all(name in result.entry.answer for name in ("王琳", "白玉明", "尹永彪")), result.entry.answer
    one = jiaokou_matcher.match("王琳是什么职务")
    assert one.status is Status.ANSWERED and one.entry is not None and "副县长" in one.entry.answer


def test_who_did_something_is_answered_by_an_entry_that_says_that_doing(jiaokou_matcher: Matcher) -> None:
    # 赵凤昌 hosted (主持); 主讲 is presenting (李刚作主要情况介绍): the host's entry does not say who presented
    assert jiaokou_matcher.match("发布会谁主讲的").status is not Status.ANSWERED
    host = jiaokou_matcher.match("发布会谁主持的")
    assert host.status is Status.ANSWERED and host.entry is not None and "赵凤昌" in host.entry.answer


def test_short_keywords_of_two_things_get_both(jiaokou_matcher: Matcher, jiaokou: KnowledgeBase) -> None:
    # 无霜期 日照时数: two facts, two entries; the entry of one does not answer the pair
    reply = render_text(jiaokou_matcher.match("无霜期 日照时数"), jiaokou)
    assert "142天" in reply and "7.65小时" in reply, reply
    # keywords of one thing (that year's coal output): one answer, not a part for 产量 alone
    one = jiaokou_matcher.match("2017 原煤 产量")
    assert one.status is Status.ANSWERED and not one.parts and one.entry is not None and "336.52万吨" in one.entry.answer


def test_a_level_claimed_of_a_site_is_checked_by_the_entry_that_states_its_level(
    jiaokou_matcher: Matcher, jiaokou: KnowledgeBase
) -> None:
    # the site's entry says where it is, not its level: the level's entry answers, and says the claim differs
    reply = render_text(jiaokou_matcher.match("红军东征总指挥部旧址是国家级文保单位吧"), jiaokou)
    assert reply.startswith("不对") and "省级第二批重点文物保护单位" in reply, reply


def test_names_listed_as_the_bodies_they_are_answer_which_firms(jiaokou_matcher: Matcher) -> None:
    # 旺庄、天鹏等生铁铸造骨干企业 names the firms, though neither name ends in 公司
    result = jiaokou_matcher.match("生铁铸造重点抓哪几个厂子")
    assert result.status is Status.ANSWERED and result.entry is not None and "旺庄" in result.entry.answer


def test_which_grew_faster_compares_the_growth_not_the_amount(jiaokou_matcher: Matcher) -> None:
    # 66.3亿元 is more than 8.39亿元, but the revenue grew faster (32.1% against 8.5%)
    reply = render_text(jiaokou_matcher.match("地区生产总值和一般公共预算收入哪个增长得快"), jiaokou_matcher.kb)
    assert "一般公共预算收入增长（32.1%）比地区生产总值增长（8.5%）快" in reply, reply


@pytest.mark.parametrize(
    ("question", "fact"),
    [("How many hours of sunshine does Jiaokou get?", "7.65小时"), ("What is the frost-free period in Jiaokou?", "142天")],
)
def test_climate_asked_in_english_is_read_as_the_profile_writes_it(
    jiaokou_matcher: Matcher, question: str, fact: str
) -> None:
    result = jiaokou_matcher.match(question)
    assert result.status is Status.ANSWERED and result.entry is not None and fact in result.entry.answer, result
