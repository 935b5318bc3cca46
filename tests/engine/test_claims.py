"""Claims a resident checks (bot/engine/claims.py): the reply says whether the release states what was claimed, and
gives the release's fact either way."""

from __future__ import annotations

import pytest

from bot.engine.analyse import value_of_no_kind_stated
from bot.engine.claims import Verdict, claimed_values, without_claim
from bot.engine.matching import Matcher, Status
from bot.engine.render import to_json
from bot.knowledge.model import KnowledgeBase


def _checked(matcher: Matcher, question: str) -> tuple[str, str, str]:
    result = matcher.match(question)
    reply = to_json(result, matcher.kb)
    claim = reply.get("claim") or {}
    return reply["status"], claim.get("verdict", ""), reply["answer"]


@pytest.mark.parametrize(
    ("question", "verdict", "fact"),
    [
        ("交城硝基复合肥企业是35户吧", "differs", "33户"),  # a wrong figure: the release's figure follows
        ("国家级高新技术企业是不是40户", "holds", "40户"),
        ("全县养老床位是不是接近一千张", "roughly", "985张"),  # a rough figure within a tenth
        ("护理型床位是不是985张", "differs", "410张"),  # 985张 is all beds, not the nursing-type ones
        ("有效发明专利是全市第一吧", "differs", "第二"),  # a rank
        ("高新技术企业数量是不是全省第一", "differs", "全市第一"),  # the right rank of another area
        ("中国钙都是2023年授予的对吧", "differs", "2024年"),  # a year the release states otherwise
        ("城乡一体化是刘大鹏回答的吧", "differs", "崔维廷"),  # a person: another speaker answered it
        ("开发区高新技术企业增幅是51.67% 对不", "differs", "41.67%"),  # 对不 at the end, as spoken, checks too
        ("交城有40户国家级高企，真的假的", "holds", "40户"),
        # a last clause that names nothing and asks nothing of its own checks the clause before it
        ("我姐说交城有50户国家级高新技术企业，是这么回事不", "differs", "40户"),
        ("邻居说养老机构一共有985张床位，帮忙check一下", "holds", "985张"),
        # how the claim was heard (在电话里, 群里) is not what is asked: 电话 asks for no phone number here
        ("我舅在电话里说交城国家级高新技术企业有40户，是不是真的", "holds", "40户"),
        ("硝基复合肥总产能是3亿吨吧", "differs", "300万吨"),  # the same unit in another magnitude
        ("城乡公路投了2.78亿，是2021年以来投的吧", "differs", "2022年以来"),  # a year beside a figure claimed
        # 讲 says as 说 does; 评上 names the event 授予 names; 是这样吗 checks the clause before it
        ("人家讲交城2020年就评上中国钙都了，是这样吗", "differs", "2024年"),
    ],
)
def test_a_checked_claim_gets_its_verdict_and_the_release_fact(
    matcher: Matcher, question: str, verdict: str, fact: str
) -> None:
    status, said, answer = _checked(matcher, question)
    assert status == "answered"
    assert said == verdict
    assert fact in answer
    opening = {"holds": "对，", "roughly": "差不多", "differs": "不对，"}[verdict]
    assert answer.startswith(opening)


def test_a_question_that_checks_nothing_gets_no_verdict(matcher: Matcher) -> None:
    status, verdict, answer = _checked(matcher, "交城县有多少户国家级高新技术企业")
    assert status == "answered" and verdict == "" and answer.startswith("交城")


def test_a_figure_the_question_is_put_in_is_not_a_claim() -> None:
    # 2022年以来 frames what is asked (多少钱); 一个小村子 and 四张名片 are words, not figures claimed
    assert claimed_values("2022年以来城乡公路到底投了多少钱，对吧", ()) == []
    assert claimed_values("我老家在一个小村子，是真的吗", ()) == []
    assert [v.said for v in claimed_values("四张名片里有“省城城市后花园”吗", ())] == []


def test_the_last_claim_is_the_one_checked() -> None:
    values = claimed_values("发明专利全市第二，高企全市第一，是不是这样", ())
    assert [v.said for v in values][:1] == ["全市第一"]


def test_a_claim_is_asked_again_as_a_question() -> None:
    value = claimed_values("养老床位是不是1000张吧", ())[0]
    assert value.said == "1000张"
    assert without_claim("养老床位是不是1000张吧", value) == "养老床位多少张"


def test_a_claim_about_something_not_covered_is_still_declined(matcher: Matcher) -> None:
    result = matcher.match("交城县人口是不是30万吧")
    assert result.status is not Status.ANSWERED
    assert result.claim is None


def test_verdicts_are_a_closed_set() -> None:
    assert {str(v) for v in Verdict} == {"holds", "roughly", "differs"}


@pytest.mark.parametrize(
    ("question", "verdict", "person"),
    [
        ("城乡融合那个问题是王向前副县长回答的吧", "differs", "崔维廷"),  # answered about 王向前 before
        ("开发区是王向前介绍的对吧", "holds", "王向前"),
        ("养老那一段是王向前副县长讲的吗", "differs", "郭强"),  # 讲, as residents say it
        ("城乡一体化的问题是副县长王向前答的吧?", "differs", "崔维廷"),  # the title before the name
        # heard from a neighbour, then doubted and asked: the heard name is judged
        ("我邻居老张说养老那一段是王向前副县长讲的，我咋记得不是，到底是谁", "differs", "郭强"),
        # the verb of presenting before the name, with a title: not answered about the person named
        ("开场介绍的是副县长郭强吧", "differs", "刘大鹏"),
        ("开发区那块讲的是郭强副县长对吗", "differs", "王向前"),
        ("有人跟我说开场介绍的是副县长郭强，是这样吗？", "differs", "刘大鹏"),  # told to the resident, then doubted
    ],
)
def test_who_presented_a_topic_is_checked_against_that_topic(
    matcher: Matcher, question: str, verdict: str, person: str
) -> None:
    status, said, answer = _checked(matcher, question)
    assert status == "answered" and said == verdict
    assert person in answer


@pytest.mark.parametrize(
    ("question", "said", "fact"),
    [
        ("硝基复合肥专业镇是省级认定的吧", "省级", "市级"),  # another value of a kind the entry states
        ("交城的乡镇社工站是全省率先设立的吗", "全省率先", "全市率先"),  # 率先 is first, for another area
        ("交城被授予“中国钙都”称号是在2022年吧", "2022年", "2024年"),  # 是在哪年 asks a year, not a place
        ("高温熔岩塔造粒技术是国际领先吗", "国际领先", "国内领先"),  # a level: 国际 is no area the entry states either
    ],
)
def test_a_wrong_value_rank_or_year_is_corrected(matcher: Matcher, question: str, said: str, fact: str) -> None:
    result = matcher.match(question)
    assert result.status is Status.ANSWERED and result.claim is not None and result.entry is not None
    assert result.claim.said == said and not result.claim.holds
    assert fact in result.entry.answer


@pytest.mark.parametrize(
    ("question", "said", "verdict"),
    [
        ("养老床位不到1000张吧", "不到1000张", "holds"),  # a bound: 985 is fewer than 1000
        ("出口额超过10亿了吧", "超过10亿", "differs"),  # 近10亿 is not more than 10亿
        ("村卫生室有一百多个吧", "100多个", "holds"),  # 175: more than 100, fewer than 200
        ("高新技术企业有40多户吧", "40多户", "roughly"),  # exactly 40
        ("开发区招引项目总投资181亿吧", "181亿", "roughly"),  # 181.16亿 rounded
        ("交城是第二批创新型县吧", "第二批", "differs"),  # 首批 is the first
        ("污水日处理能力5.4万方对不对", "5.4万方", "holds"),  # 方 is 立方米
        # hearsay put as a statement, with no question mark, is checked
        ("有人说护理型床位有500张", "500张", "differs"),
        ("听说污水一天能处理5.4万立方米", "5.4万立方米", "holds"),
        # told by someone close, and how it was heard (zh.yaml's hearsay_people and heard_via)
        ("我妈说护理型床位有500张", "500张", "differs"),
        ("邻居在电话里讲污水一天能处理5.4万立方米", "5.4万立方米", "holds"),
    ],
)
def test_bounds_rough_figures_and_other_forms(matcher: Matcher, question: str, said: str, verdict: str) -> None:
    result = matcher.match(question)
    assert result.status is Status.ANSWERED and result.claim is not None
    assert (result.claim.said, str(result.claim.verdict)) == (said, verdict)


def test_a_figure_heard_from_others_is_not_a_whole_the_question_asks_part_of(matcher: Matcher) -> None:
    # 一百多公里 is what the uncle said, not a total the resident has: the release's figure is the answer
    reply = to_json(matcher.match("我舅舅说这几年交城城乡公路修了一百多公里,文章里到底说的多少"), matcher.kb)
    assert reply["status"] == "answered" and "94.7公里" in reply["answer"]
    assert "100这个总数" not in reply["answer"]
    # and the uncle's figure is judged: 94.7 is close to 一百多 (这几年 asks nothing)
    assert reply["claim"] == {"said": "100多公里", "verdict": "roughly"}


@pytest.mark.parametrize(
    "question",
    [
        "高新技术企业是40户吧？有效发明专利多少",  # the answer is about patents: no figure in 户 to check against
        "开发区产出强度比2022年高了吧",  # 2022年 is what it is compared with, not a claim
        "我们村300多口人，村里有卫生室吗",  # 口 is no unit of the release: a story, not a claim
    ],
)
def test_no_verdict_where_nothing_is_claimed_about_the_answer(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).claim is None


def test_several_figures_claimed_are_each_judged_by_the_entry_that_states_it(matcher: Matcher) -> None:
    result = matcher.match("交城硝基复合肥企业33户、总产能300万吨，这个说法对吗？")
    assert result.status is Status.ANSWERED and result.compound
    judged = {p.claim.said: p.claim.verdict for p in result.parts if p.claim is not None}
    assert judged == {"33户": Verdict.HOLDS, "300万吨": Verdict.HOLDS}
    wrong = matcher.match("国家级高新技术企业有50户，有效发明专利98项，对吧？")
    judged = {p.claim.said: p.claim.verdict for p in wrong.parts if p.claim is not None}
    assert judged == {"50户": Verdict.DIFFERS, "98项": Verdict.HOLDS}
    assert any(p.entry is not None and "40户" in p.entry.answer for p in wrong.parts)


@pytest.mark.parametrize(
    ("message", "judged"),
    [
        # heard, in two clauses: each claim asked again in its own clause
        ("我爸说交城有33户硝基复合肥企业，总产能300万吨，是真的不", {"33户": Verdict.HOLDS, "300万吨": Verdict.HOLDS}),
        # two ranks of two things: each judged by the entry of its own thing, not by the one the message matched
        ("发明专利全市第二，高企全市第一，是不是这样", {"全市第二": Verdict.HOLDS, "全市第一": Verdict.HOLDS}),
    ],
)
def test_each_claim_is_judged_by_the_entry_of_what_it_is_claimed_of(
    matcher: Matcher, message: str, judged: dict[str, Verdict]
) -> None:
    result = matcher.match(message)
    assert result.status is Status.ANSWERED and result.compound, result
    assert {p.claim.said: p.claim.verdict for p in result.parts if p.claim is not None} == judged


def test_a_title_claimed_is_checked_against_who_it_was(matcher: Matcher) -> None:
    result = matcher.match("发布会开场讲话的是县委书记吧？")
    assert result.status is Status.ANSWERED and result.entry is not None
    assert result.claim is not None and result.claim.verdict is Verdict.DIFFERS
    assert "刘大鹏" in result.entry.answer and "县长" in result.entry.answer


def test_a_figure_in_an_electrical_unit_is_a_claim(matcher: Matcher) -> None:
    result = matcher.match("开发区规划建设的是两个330千伏变电站吧？")
    assert result.status is Status.ANSWERED and result.entry is not None
    assert result.claim is not None and result.claim.verdict is Verdict.DIFFERS and result.claim.said == "330千伏"
    assert "220千伏" in result.entry.answer


def test_another_year_checked_where_the_entry_states_a_year_is_a_claim(matcher: Matcher) -> None:
    result = matcher.match("中国钙都是哪年评的 2023？")
    assert result.status is Status.ANSWERED and result.entry is not None and "2024年" in result.entry.answer
    assert result.claim is not None and result.claim.verdict is Verdict.DIFFERS
    # a number that is no year, checked where the entry states none of its kind, is not judged
    assert matcher.match("大连理工大学是985吗").status is not Status.ANSWERED


@pytest.mark.parametrize(
    ("question", "said", "verdict"),
    [
        ("我同事说刘大鹏是县委书记，对不对", "县委书记", "differs"),  # 县委副书记 is not 县委书记
        ("听说王向前是县长，是吗", "县长", "differs"),  # 副县长 is not 县长
        ("王向前是副县长吧", "副县长", "holds"),
        # two titles claimed as one hold only when both do
        ("刘大鹏是交城县委书记兼县长吧?", "县委书记兼县长", "differs"),
        ("刘大鹏是县委副书记、县长吧", "县委副书记、县长", "holds"),
        ("刘大鹏是县长吧", "县长", "holds"),
    ],
)
def test_a_title_claimed_of_a_person_named_is_checked_against_that_persons_title(
    matcher: Matcher, question: str, said: str, verdict: str
) -> None:
    result = matcher.match(question)
    assert result.status is Status.ANSWERED and result.claim is not None
    assert (result.claim.said, str(result.claim.verdict)) == (said, verdict)


@pytest.mark.parametrize(
    "question",
    ["中国钙都是农业农村部授予的还是中国氮肥工业协会授予的", "中国钙都是中国氮肥工业协会授予的还是农业农村部授予的"],
)
def test_a_choice_between_two_names_is_answered_with_the_one_the_release_states(
    matcher: Matcher, question: str
) -> None:
    """The name the entry does not state is one side of the choice, not a subject the release never covers."""
    result = matcher.match(question)
    assert result.status is Status.ANSWERED and result.entry is not None, result
    assert "中国氮肥工业协会" in result.entry.answer


@pytest.mark.parametrize(
    ("question", "said", "verdict"),
    [
        ("刘大鹏是交城县委书记吗", "县委书记", "differs"),  # the county's own name before the title
        ("刘大鹏是交城县长吧", "县长", "holds"),
        ("王向前是交城县长吧", "县长", "differs"),  # he is 副县长
    ],
)
def test_a_title_claimed_with_the_countys_name_is_checked(
    matcher: Matcher, question: str, said: str, verdict: str
) -> None:
    result = matcher.match(question)
    assert result.status is Status.ANSWERED and result.claim is not None, result
    assert (result.claim.said, str(result.claim.verdict)) == (said, verdict)


@pytest.mark.parametrize(
    ("question", "said", "verdict", "fact"),
    [
        # a clause that checks, then one that asks: the claim is judged, the ask answered
        ("中国钙都这个称号是2022年给的吧,谁授予的", "2022年", "differs", "中国氮肥工业协会"),
        ("刘大鹏现在是交城的县长吧？另外还兼着县委什么职务", "县长", "holds", "县委副书记"),
        ("刘大鹏是交城的县委书记吧", "县委书记", "differs", "县委副书记"),  # 交城的 before the title
    ],
)
def test_a_claim_beside_a_question_is_judged_and_the_question_answered(
    matcher: Matcher, kb: KnowledgeBase, question: str, said: str, verdict: str, fact: str
) -> None:
    result = matcher.match(question)
    assert result.status is Status.ANSWERED and result.claim is not None
    assert (result.claim.said, str(result.claim.verdict)) == (said, verdict)
    assert fact in to_json(result, kb)["answer"]


def test_a_share_claimed_in_words_is_judged_as_a_percentage(matcher: Matcher) -> None:
    result = matcher.match("我女婿说交城硝基肥占了全国一半的产能，是这么回事吗")
    assert result.status is Status.ANSWERED and result.claim is not None
    assert result.claim.said == "50%" and not result.claim.holds
    assert result.entry is not None and "75%" in result.entry.answer


def test_a_place_in_the_order_claimed_is_not_confirmed_of_the_person_named(matcher: Matcher) -> None:
    # 第一个发言的是崔维廷吧: the verb before the name claims a place in the order, not what 崔维廷 presented
    status, verdict, answer = _checked(matcher, "第一个发言的是崔维廷吧")
    assert status == "answered" and verdict != "holds" and not answer.startswith("对"), answer
    assert "第1位刘大鹏" in answer


def test_a_term_the_release_never_covers_offered_as_one_choice_does_not_block_the_other(matcher: Matcher) -> None:
    # 县委书记 is not covered (scope.yaml); offered against 县长, the presenter's own entry says which he is
    result = matcher.match("刘大鹏是县委书记还是县长？")
    assert result.status is Status.ANSWERED and result.entry is not None and "县长" in result.entry.answer, result


def test_the_reporters_name_asked_is_the_byline(matcher: Matcher) -> None:
    # 记者叫啥名字 asks a person, as 负责人叫什么 does: the byline, not an entry about names in general
    result = matcher.match("【村支书转】交城专场那篇报道署名的记者叫啥名字")  # (a forwarded message)
    assert result.status is Status.ANSWERED and result.entry is not None and "冀美丽" in result.entry.answer, result


@pytest.mark.parametrize(
    ("message", "said"),
    [
        ("我二舅说交城高新技术企业有50户 全市第一 对不对", "50户"),  # half wrong: the rank holds, the count does not
        ("听说全县农村养老设施是99个", "99个"),  # 99 counts the villages, not the 109 facilities
    ],
)
def test_a_claim_half_wrong_or_of_another_thing_is_not_confirmed(matcher: Matcher, message: str, said: str) -> None:
    result = matcher.match(message)
    assert result.claim is not None and result.claim.verdict is Verdict.DIFFERS and said in result.claim.said


def test_a_value_is_claimed_only_as_a_word_said_of_the_thing() -> None:
    site = "红军东征总指挥部旧址位于桃红坡镇大麦郊村一处名为“城门里”的院落。"
    assert value_of_no_kind_stated("红军东征总指挥部旧址是国家级文保单位吧", site) == "国家级"
    # the entry that states a level of that kind is judged by the value it states, not here
    assert value_of_no_kind_stated("旧址是国家级文保单位吧", "公布为省级第二批重点文物保护单位") == ""
    # 农村 inside 农业农村部, and 县城 where the resident need not go, are not values claimed
    assert value_of_no_kind_stated("中国钙都的称号是农业农村部给的吗", "中国氮肥工业协会授予") == ""
    assert value_of_no_kind_stated("现在办事不用跑县城了,乡镇就近办的事项是179项吧", "乡镇179项") == ""
    # a national designation states its level by 国家 alone
    assert value_of_no_kind_stated("新型肥料外贸基地是国家级的吗", "认定为国家外贸转型升级基地(新型肥料)") == ""


def test_a_claim_is_judged_by_the_entry_about_its_subject(matcher: Matcher) -> None:
    # the card claimed belongs to another strategy: the entry that states the card but not 环境创建 does not answer;
    # the environment strategy's own card does
    status, _, answer = _checked(matcher, "听说环境创建战略是要打造转型蹚路先行区?")
    assert status == "answered" and "绿色发展品牌县" in answer and "转型蹚路先行区" not in answer, answer
    # a claim that holds of its subject is still answered by the entry that states both
    status, _, answer = _checked(matcher, "社工站是给留守老人提供三帮四查服务的吧")
    assert status == "answered" and "三帮四查" in answer, answer
