"""Answerability: an entry on the topic that does not state what is asked gives a partial reply, never an
answer; a message that asks several things gets one reply per part, each with its own citation."""

from __future__ import annotations

import pytest

from bot.engine.analyse import analyse, asking_parts, counted_class
from bot.engine.gaps import GapKind
from bot.engine.matching import Matcher, Status
from bot.engine.render import render_text, to_json
from bot.knowledge.model import KnowledgeBase


@pytest.mark.parametrize(
    ("question", "missing"),
    [
        ("交城那40户高企一共有多少员工", "人数"),  # the entry counts firms, not people
        ("护理型床位现在住了多少老人", "人数"),  # beds, not people
        ("吕梁全市一共有多少户国家级高企", "全市"),  # the city's total, not the county's rank
        ("全县工业总产值全年是多少", "全年"),  # a first-three-quarters figure is not the year's
        ("交城硝基复合肥产业去年产值是多少", "去年"),  # nor last year's
        ("交城的万人发明专利授权数比上一年增长了多少", "上1年"),  # the entry states no growth over a year
        ("开发区危化停车场能停多少辆车", "车辆数"),  # the car park is named, its vehicles never counted
        ("交城县有几所大学？", "“交城县”的数字"),  # 全国30余所高校 are the partners across the country
        ("28个城乡公路项目里最长的一条是哪条路", "最"),  # which is the longest: the release ranks none of them
    ],
)
def test_a_detail_the_release_does_not_give_is_a_partial_reply(matcher: Matcher, kb: KnowledgeBase,
                                                               question: str, missing: str) -> None:
    result = matcher.match(question)
    assert result.status is Status.PARTIAL, result
    reply = to_json(result, kb)
    assert reply["status"] == "partial" and reply["entry_id"] == result.entry.id  # type: ignore[union-attr]
    assert reply["citation"]["quote"] == result.entry.quote  # type: ignore[union-attr]
    assert reply["answer"].startswith("发布材料没有提到") and missing in reply["answer"]
    assert result.entry.answer in reply["answer"]  # type: ignore[union-attr]  # the closest fact, stated


def test_a_part_of_a_figure_is_named_right_after_its_li(matcher: Matcher) -> None:
    # 985张 of all beds: the nursing-type ones the entry names (410张); the 普惠性 ones or the town's it never does
    result = matcher.match("985张床位里护理型的有多少张")
    assert result.status is Status.ANSWERED and result.entry is not None and "410张" in result.entry.answer
    for question in ("985张床位里普惠性养老机构有多少张", "985张床位里县城有多少张、乡下有多少张"):
        assert matcher.match(question).status is not Status.ANSWERED, question


def test_whether_a_set_holds_a_thing_the_release_never_names_is_not_answered(matcher: Matcher) -> None:
    assert matcher.match("跟交城合作的30余所高校里有没有山西大学？").status is not Status.ANSWERED


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("养老机构里有没有医务室", "医务室"),  # a thing the entry names is answered
        ("高塔造粒一步结晶技术是世界领先吗", "领跑全球"),  # 领跑全球 states a rank, 全球 an area beyond the country
        ("跟交城企业合作的高校有几所", "30余所"),  # the entry's own set, though it spans the country
    ],
)
def test_what_the_entry_states_is_answered_beside_the_checks_that_decline(
    matcher: Matcher, question: str, fact: str
) -> None:
    result = matcher.match(question)
    assert result.status is Status.ANSWERED and result.entry is not None and fact in result.entry.answer, result


def test_a_figure_stated_for_no_period_is_not_a_whole_years(matcher: Matcher) -> None:
    # 近百亿元 is stated for no period: it is not "去年全年的产值", nor is the first three quarters' figure
    result = matcher.match("交城硝基复合肥产业去年全年产值是多少")
    assert result.status is not Status.ANSWERED, result
    assert matcher.match("交城硝基复合肥行业及关联产业产值有多少").status is Status.ANSWERED


def test_an_amount_for_each_one_is_not_a_total(matcher: Matcher) -> None:
    # the release gives the subsidies' total (340余万元), never what one meal gets
    result = matcher.match("养老助餐补贴一顿饭补多少")
    assert result.status is not Status.ANSWERED, result
    assert matcher.match("养老补贴一共发了多少钱").status is Status.ANSWERED


def test_since_when_is_answered_by_the_start_an_entry_states(matcher: Matcher) -> None:
    # 2022年以来 says where the roads' figures start; the export figure states no start
    result = matcher.match("城乡公路那2.78亿是从哪年算起的")
    assert result.status is Status.ANSWERED and result.entry is not None and "2022年以来" in result.entry.answer
    result = matcher.match("交城化肥出口额是从哪年算起的")
    assert result.status is Status.PARTIAL and any(g.kind == "ask:since" for g in result.gaps), result


def test_a_yes_no_check_with_another_figure_is_answered_with_the_releases(matcher: Matcher) -> None:
    result = matcher.match("护理型床位是不是500张")
    assert result.status is Status.ANSWERED and result.entry is not None and "410张" in result.entry.answer


def test_every_kind_of_counted_thing_is_named_to_the_resident() -> None:
    from bot import messages
    from bot.language import ZH

    classes = set(ZH.classes("unit_classes").values()) - {"thing", "time"}
    assert classes <= set(messages.COUNTED_WHAT), classes - set(messages.COUNTED_WHAT)


def test_counted_things_are_told_apart() -> None:
    assert counted_class("有多少员工") == "person"
    assert counted_class("多少个社工站") == ""
    assert counted_class("几家企业") == "org"
    assert counted_class("能停多少辆车") == "vehicle"
    assert counted_class("多少项便民服务项目") == ""


def test_one_picked_out_is_not_a_count(matcher: Matcher) -> None:
    # the photo caption's entry says "最后一张配图": one picture picked out, not a number of beds
    result = matcher.match("交城县社会福利服务中心有多少张床位？")
    assert result.status is not Status.ANSWERED, result
    assert result.entry is None or result.entry.id != "about-photo-elderly-dining"


def test_a_noun_that_only_modifies_what_is_counted_is_not_counted(matcher: Matcher) -> None:
    # the release counts 8个乡镇社工站 and 10个乡镇卫生院, never the towns themselves
    assert matcher.match("交城县一共有几个乡镇？").status is not Status.ANSWERED
    for question in ("交城有几个乡镇社工站", "社工站有几个，乡镇的"):
        result = matcher.match(question)
        assert result.status is Status.ANSWERED and result.entry is not None, question
        assert result.entry.id == "elder-social-work-stations"


def test_a_compound_question_gets_each_part_with_its_citation(matcher: Matcher, kb: KnowledgeBase) -> None:
    question = "社工站全县有几个?三帮四查里“四查”查的是啥?"
    result = matcher.match(question)
    assert result.status is Status.ANSWERED and result.compound
    reply = to_json(result, kb)
    ids = [p["entry_id"] for p in reply["parts"]]
    assert ids == ["elder-social-work-stations", "elder-three-helps-four-checks"]
    assert reply["entry_id"] == ids[0] and reply["citation"] == reply["parts"][0]["citation"]
    assert "8个" in reply["answer"] and "吃、穿、住、病" in reply["answer"]
    text = render_text(result, kb)
    assert text.count("原文：") == 2


def test_a_compound_question_says_which_part_is_not_covered(matcher: Matcher, kb: KnowledgeBase) -> None:
    result = matcher.match("社工站全县有几个？县医保局电话多少？")
    assert result.compound and result.status is not Status.ANSWERED
    statuses = [p.status for p in result.parts]
    assert statuses[0] is Status.ANSWERED and statuses[1] is not Status.ANSWERED
    reply = to_json(result, kb)
    assert reply["parts"][1]["entry_id"] is None and "8个" in reply["answer"]


def test_a_follow_up_about_the_same_fact_is_one_answer(matcher: Matcher) -> None:
    result = matcher.match("国家级高新技术企业有多少户来着？是不是全市最多")
    assert result.status is Status.ANSWERED and not result.compound
    assert result.entry is not None and result.entry.id == "tech-high-tech-enterprises"


def test_asking_parts(matcher: Matcher) -> None:
    norm = matcher.normalizer
    assert asking_parts(norm, "污水处理厂一天能处理多少", matcher.decider.vocabulary) == ["污水处理厂一天能处理多少"]
    assert asking_parts(norm, "交城有高企吗，有多少家", matcher.decider.vocabulary) == ["交城有高企吗，有多少家"]
    assert len(asking_parts(norm, "社工站有几个？小巨人企业有几户？", matcher.decider.vocabulary)) == 2


def test_json_answer_carries_the_releases_own_words(matcher: Matcher, kb: KnowledgeBase) -> None:
    # the curated answer paraphrases (达到100%); whoever reads the JSON alone also gets the release's words
    reply = to_json(matcher.match("农村客运通村率多少"), kb)
    assert reply["status"] == "answered"
    assert reply["answer"].startswith("交城县农村客运通村率") and "原文：“农村客运通村率100%”" in reply["answer"]
    # an answer that already contains its quote word for word does not repeat it
    entry = next(e for e in kb.entries if e.quote and e.quote.replace("“", "").replace("”", "") in e.answer)
    reply = to_json(matcher.match(entry.canonical_question), kb)
    assert reply["status"] == "answered" and reply["entry_id"] == entry.id
    assert "原文" not in reply["answer"]


def test_an_overview_quoting_the_same_passage_does_not_compete_with_the_detail(matcher: Matcher) -> None:
    # the fluidised-bed entry and the summary of the granulation techniques quote the same sentence
    decider, kb = matcher.decider, matcher.kb
    detail, summary = kb.index_of("fert-tech-fluidized-bed-granulation"), kb.index_of("fert-technologies-summary")
    assert detail is not None and summary is not None and decider.facts.agree(detail, summary)
    result = matcher.match("哪种造粒技术是国内首创")
    assert result.status is Status.ANSWERED and result.entry is not None
    assert result.entry.id == "fert-tech-fluidized-bed-granulation"
    # two entries that share only a term (民生事业一体化) quote different passages and still compete
    listing, own = kb.index_of("urban-three-integrations"), kb.index_of("urban-livelihood-integration")
    assert listing is not None and own is not None and not decider.facts.agree(listing, own)


@pytest.mark.parametrize(
    ("question", "entry_id", "stated"),
    [
        # the reform entry restates the three-companies sentence word for word: the two do not compete
        ("开发区纵深推进的是什么改革？", "zone-three-companies-reform", "三化三改"),
        # the subsidies sentence, nearly word for word, in the policy overview
        ("发放的养老补贴包括哪几种？", "elder-subsidies", "护理补贴"),
        # asked who, an entry naming the same person (the topic he presented) gives the same reply
        ("城乡一体化那个问题谁答的？", "about-speaker-cui-weiting", "崔维廷"),
        ("科技创新成效这个问题是谁回答的", "about-speaker-liu-dapeng", "刘大鹏"),
    ],
)
def test_a_runner_up_that_gives_the_same_reply_takes_nothing_from_the_lead(
    matcher: Matcher, question: str, entry_id: str, stated: str
) -> None:
    result = matcher.match(question)
    assert result.status is Status.ANSWERED and result.entry is not None, result
    assert result.entry.id == entry_id and stated in result.entry.answer


@pytest.mark.parametrize(
    ("question", "filled"),
    [("开发区的改革叫几化几改", "三化三改"), ("社工站搞的那个几帮几查是啥", "三帮四查")],
)
def test_a_phrase_of_numbers_left_open_is_answered_filled_in(matcher: Matcher, question: str, filled: str) -> None:
    # only entries that state the phrase filled in answer it; two that state it alike give the same reply
    reply = to_json(matcher.match(question), matcher.kb)
    assert reply["status"] == "answered" and filled in reply["answer"]


def test_counts_and_figures_are_no_phrase_of_numbers() -> None:
    from bot.engine.checks import numbered_phrases

    assert [p for p, _ in numbered_phrases("开发区的改革叫几化几改")] == ["几化几改"]
    for message in ("有几个几家", "是42点几亿", "几加几的那个", "依托的是啥模式 几几几那个"):
        assert numbered_phrases(message) == (), message


@pytest.mark.parametrize(
    ("question", "said"),
    [("为啥要和晋阳海关、天津港签战略合作协议", "扩大对外贸易"), ("每年设立的科研奖补资金是多少,用来干啥", "科技创新")],
)
def test_what_a_thing_is_for_is_answered_by_what_it_serves(matcher: Matcher, question: str, said: str) -> None:
    reply = to_json(matcher.match(question), matcher.kb)
    assert reply["status"] == "answered" and said in reply["answer"], reply
    # a cause the release does not give is still not made up
    assert matcher.match("尿素为什么转化率只有30%左右？").status is Status.PARTIAL


def test_a_figure_before_an_event_the_entry_never_names_is_not_its_figure(matcher: Matcher) -> None:
    # the release states today's 5.4万立方米 and never an expansion: what it was before is not stated
    assert matcher.match("交城日处理污水能力扩容之前是多少").status is not Status.ANSWERED
    assert matcher.match("交城日处理污水能力是多少").status is Status.ANSWERED


def test_a_price_the_release_does_not_give_is_said_to_be_missing_as_a_price(matcher: Matcher) -> None:
    # 产出强度350万元/亩 is what a mu yields: the reply says the price is missing, not an amount per person
    reply = to_json(matcher.match("开发区标准地出让一亩地多少钱"), matcher.kb)
    assert reply["status"] == "partial" and "350万元" not in reply["answer"]
    assert "价格" in reply["answer"] and "按人" not in reply["answer"]


def test_a_figure_whose_share_of_a_bigger_area_is_asked_is_the_things_own(matcher: Matcher) -> None:
    # 300万吨 is the county's capacity, not a whole the question asks a part of: its share of the country is stated
    result = matcher.match("交城三百万吨硝基肥产能占全国同类产品多少")
    assert result.status is Status.ANSWERED and "75%" in to_json(result, matcher.kb)["answer"]


def test_two_entries_naming_the_same_person_do_not_make_a_role_the_release_never_gives(matcher: Matcher) -> None:
    # 王向前 presented the development zone; nothing says he heads its committee
    result = matcher.match("开发区管委会主任是谁")
    assert result.status is not Status.ANSWERED, result


@pytest.mark.parametrize(
    ("question", "status", "entry_id"),
    [
        # the question restates the entry's only figure and asks for a part of it
        ("5.4万立方米的日处理能力里，县城污水处理厂占多少？", Status.PARTIAL, "urban-sewage-capacity"),
        ("340余万元补贴里，高龄津贴占了多少？", Status.NO_MATCH, "elder-subsidies"),
        ("3.6亿里光14条主干道改造花了多少", Status.NO_MATCH, "zone-upgrade-investment"),  # a sum said without 元
        ("中水回用工程单独投资多少", Status.PARTIAL, "zone-water-pollution-reuse"),  # one sum for two works together
        # an ordinal (第五场) is not a count (一共要开几场)
        ("县市区专场一共要开几场？", Status.PARTIAL, "about-session-number"),
        # the town, the company, the ministry: the entry must name one the question does not already name
        ("市级硝基复合肥专业镇具体是交城的哪个镇？", Status.PARTIAL, "fert-honour-specialty-town"),
        ("国家外贸转型升级基地是哪个部委给认定的？", Status.PARTIAL, "fert-honour-foreign-trade-base"),
        # an amount per person and month, where the release gives only the total
        ("高龄津贴每人每月发多少？", Status.NO_MATCH, "elder-subsidies"),
        # why, where the release states only the fact
        ("尿素为什么转化率只有30%左右？", Status.PARTIAL, "fert-conversion-rate-vs-urea"),
        # an entry whose answer says the release does not go into it (具体标准……没有细说): its questions were
        # written to lead to the caveat, so what they ask is not given
        ("老人多大岁数才能领高龄津贴", Status.PARTIAL, "elder-subsidies"),
        # the company asked is told only as 第三方公司; the companies the entry names (开发区投资公司) are others
        ("开发区委托做项目审批服务的第三方公司叫啥", Status.PARTIAL, "zone-third-party-approval"),
        # what a mu of land costs, where the release gives what a mu yields (产出强度350万元/亩)
        ("开发区标准地出让一亩地多少钱", Status.PARTIAL, "zone-standard-land"),
    ],
)
def test_a_detail_finer_than_the_entry_is_not_answered(
    matcher: Matcher, kb: KnowledgeBase, question: str, status: Status, entry_id: str
) -> None:
    result = matcher.match(question)
    assert result.status is status, result
    reply = to_json(result, kb)
    if status is Status.PARTIAL:  # what is missing, then the closest fact, from that entry, cited
        assert reply["answer"].startswith("发布材料没有提到") and reply["entry_id"] == entry_id
        assert reply["citation"]["quote"] == kb.by_id[entry_id].quote
    else:  # the entry was the best found, and still not given as the answer
        assert reply["entry_id"] is None and reply["citation"] is None and reply["answer"] == ""
        assert result.candidates[0].entry.id == entry_id


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("交城这场是第几场啊", "about-session-number"),  # 第几 asks the order, which the release gives
        ("全县九十九个行政村建成了多少处农村养老服务设施", "elder-rural-facilities-coverage"),  # 109, not 99
        ("开发区成立了哪几个公司", "zone-three-companies-reform"),  # 投资公司、融资公司、管理公司
        ("交城是第几批创新型县？", "tech-innovative-county"),  # 首批
        ("2018年交城被认定为什么基地？", "fert-honour-foreign-trade-base"),  # 认定为 + 什么, not 为什么
        # an approximate figure asks for the exact one: 181.16亿元 is not the 180多亿 the resident has
        ("交城经济开发区近三年招商项目总投资一百八十多亿是多少来着", "zone-investment-projects"),
        ("开发区的“三个一批”指的是哪三个一批？", "zone-three-batches"),  # 哪三个: the three, not the 15 projects
        ("万人发明专利授权数是多少？备课要用", "tech-patents-per-10k"),  # 多少 ends its clause: no 多少备
        ("城乡融合发展的问题谁做的解答", "about-speaker-cui-weiting"),  # 谁做的: a person answers it
        ("开发区规划建设哪几个变电站", "zone-substations"),  # 220千伏和110千伏: a list around digits
        ("交城专场是不是县市区专场第三场？", "about-session-number"),  # an ordinal checked: corrected
        # a role in the resident's story (我们老板说) is not a person asked about
        ("我是开发区一家企业的员工我们老板说县里建了人才公寓还免费接待人才想问一下到现在累计接待了多少人次了",
         "zone-talent-apartment"),
    ],
)
def test_the_same_checks_answer_what_the_entry_does_state(matcher: Matcher, question: str, entry_id: str) -> None:
    result = matcher.match(question)
    assert result.status is Status.ANSWERED and result.entry is not None and result.entry.id == entry_id


def test_a_question_mark_alone_checks_a_figure_only_without_a_question_word(matcher: Matcher) -> None:
    from bot.engine.analyse import analyse

    assert analyse(matcher.normalizer, "护理型床位是500张？", matcher.decider.vocabulary).checks
    assert not analyse(matcher.normalizer, "340余万元补贴里，高龄津贴占了多少？", matcher.decider.vocabulary).checks


def test_questions_joined_by_a_list_mark_are_each_answered(matcher: Matcher, kb: KnowledgeBase) -> None:
    result = matcher.match("科技研发人数多少、引进人才多少名、中介机构几户？")
    assert result.status is Status.ANSWERED and len(result.parts) == 3
    reply = to_json(result, kb)
    assert all(fact in reply["answer"] for fact in ("710人", "203名", "17户"))
    # a list of things asked about together stays one question
    assert asking_parts(matcher.normalizer, "交城这些高新企业、专精特新企业主要是哪些行业的？", matcher.decider.vocabulary) == [
        "交城这些高新企业、专精特新企业主要是哪些行业的"
    ]


@pytest.mark.parametrize(
    ("question", "entry_id", "fact"),
    [
        ("养老补贴是不是发了500多万？", "elder-subsidies", "340余万元"),  # a sum said without 元, corrected
        ("乡镇社工站在全市是不是交城第一个设立的？", "elder-social-work-stations", "率先"),  # 第一个 is 率先
        ("OK so how many 乡镇社工站 does 交城 have", "elder-social-work-stations", "8个"),  # English around it
        # examples asked (举几个 is not a count): the release's list with 等 answers them
        ("义望合金参与制修订过哪些国家、行业标准？能举几个吗？", "tech-yiwang-standards", "《金属锰》"),
        ("集中办包括哪些部门的事项，比如？", "urban-centralized-services", "医保、社保、公积金"),
        ("硝基复合肥的主导产品都有哪些？举几个例子", "fert-main-products", "硝酸钙"),
    ],
)
def test_checks_english_and_examples_are_answered_with_the_releases_facts(
    matcher: Matcher, kb: KnowledgeBase, question: str, entry_id: str, fact: str
) -> None:
    reply = to_json(matcher.match(question), kb)
    assert reply["status"] == "answered" and reply["entry_id"] == entry_id and fact in reply["answer"]


def test_a_second_how_many_after_a_new_subject_is_a_second_question(matcher: Matcher) -> None:
    assert asking_parts(matcher.normalizer, "硝基負合肥企業多少戶總產能多少", matcher.decider.vocabulary) == ["硝基負合肥企業多少戶", "總產能多少"]
    # 多少个部门……多少项: however it is cut, the one entry that states both is the reply
    both = matcher.match("集中办的事项有多少个部门多少项")
    assert both.status is Status.ANSWERED and not both.compound and both.entry is not None, both
    assert "部门" in both.entry.answer and "项" in both.entry.answer
    # ... but after 项目多少个 the counted noun came first, and 多少钱 ends a question too
    assert asking_parts(matcher.normalizer, "承诺制项目有多少个标准地储备多少亩", matcher.decider.vocabulary) == ["承诺制项目有多少个", "标准地储备多少亩"]
    assert len(asking_parts(matcher.normalizer, "城乡公路投了多少钱一共修了多少公里", matcher.decider.vocabulary)) == 2


def test_a_caveat_about_one_topic_disclaims_only_that_topic(matcher: Matcher) -> None:
    # the speakers' entry says the fertiliser part names no speaker: asked who presented it, no answer …
    result = matcher.match("硝基复合肥那部分是哪位领导介绍的？")
    assert result.status is not Status.ANSWERED
    # … but who spoke at all is what that entry states
    result = matcher.match("发布会上都有谁讲话了")
    assert result.status is Status.ANSWERED and result.entry is not None
    assert result.entry.id == "about-speakers-summary"


def test_a_part_naming_another_subject_is_not_swallowed_by_the_whole_answer(matcher: Matcher) -> None:
    # 总目标 is not in the speaker's entry: the second question is not answered by the first's reply
    result = matcher.match("交城的“四创”战略是哪个领导讲的？总目标又是什么？")
    assert result.status is Status.NO_MATCH and [p.status for p in result.parts] == [Status.ANSWERED, Status.NO_MATCH]
    assert result.parts[0].entry is not None and result.parts[0].entry.id == "about-speaker-liu-dapeng"
    assert result.parts[1].question == "总目标又是什么" and result.parts[1].entry is None
    # a follow-up about the same thing stays one answer
    result = matcher.match("中国钙都这个牌子是谁给的，哪一年给的？")
    assert result.status is Status.ANSWERED and result.entry is not None
    assert result.entry.id == "fert-honour-calcium-capital"


def test_the_rest_of_a_list_after_naming_some_items_is_the_whole_list(matcher: Matcher, kb: KnowledgeBase) -> None:
    reply = to_json(matcher.match("“四创”战略里，除了产业创优和环境创建，另外两个是什么？"), kb)
    assert reply["status"] == "answered" and reply["entry_id"] == "about-four-strategies"
    assert "管理创新" in reply["answer"] and "民生创享" in reply["answer"]


@pytest.mark.parametrize(
    ("question", "entry_id", "status"),
    [
        ("民生创享战略要打造的名片叫什么？", "about-strategy-livelihood", Status.ANSWERED),  # “幸福吕梁向往地” names it
        ("社工站给农村留守老人提供的关爱服务叫什么？", "elder-three-helps-four-checks", Status.ANSWERED),  # “三帮四查”
        ("那家国家级专精特新小巨人企业叫什么名字", "tech-little-giant", Status.PARTIAL),  # “小巨人” names no company
    ],
)
def test_a_quoted_term_names_a_thing_but_not_a_company(
    matcher: Matcher, question: str, entry_id: str, status: Status
) -> None:
    result = matcher.match(question)
    assert result.status is status, result
    assert result.entry is not None and result.entry.id == entry_id


@pytest.mark.parametrize(
    "question",
    [
        "28个公路项目每个各投了多少钱？",  # per item, where the release gives the total
        "掌上办用的是哪个APP",  # an app the release does not name
        "县检验检测中心那25项检测项目具体都是啥",  # a counted group the release does not list
        "现在全国硝基复合肥一年市场需求多少吨",  # today's figure, where the release gives a forecast
        "交城要进“全省第一方阵”，现在在全省排第几？",  # a rank now, where the release gives a goal
        "大连理工大学在哪个城市",  # a city the release does not name
        "山西省有哪些化工园区已经通过认定？",  # the province's list, where the release gives the county's own
        "报道里的配图是谁拍摄的",  # a photographer the release does not name
        "“1+3+X”里的“3”具体指哪三个",  # what a name stands for, which the release does not spell out
        "检验检测中心升级的那些检测都是查啥的",  # the items of a counted group
        "985张床位里面，社会福利服务中心有多少张",  # a part the entry never names, of a stated figure
        "中国氮肥工业协会成立于哪一年",  # the date of another event than the honour it gave
        "陈蕴博什么时候当选的院士",
        "2.78亿元那28个城乡公路项目是哪年全部完工的",  # 全部 between the asking and the event: its completion
        "吕梁市一共有几个县市区？",  # the thing counted (县市区), which no entry counts
        "交城硝基复合肥去年实际产量多少",  # output, where the release gives capacity
        "那场发布会在什么地方开的",  # a place the release does not give
        "日间照料中心单独建了多少个",  # one count the release gives for two kinds of thing together
        "光幸福小屋建了几个，不算日间照料中心",  # the same, said with 光 and 不算
        "773项集中办事项里社保部门占多少项",  # 27个部门 counts departments, not the items of one of them
        "阳曲县农村客车通村率是多少",  # another county, one the release never names
        "全县养老院一共有多少名护理员",  # people, where the release counts beds
        "硝基肥的肥料转化率比碳铵高多少",  # compared with another thing than the release compares with (尿素)
    ],
)
def test_more_near_misses_are_not_answered_as_fact(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).status is not Status.ANSWERED


def test_who_presented_a_topic_needs_an_entry_that_names_the_topic(matcher: Matcher) -> None:
    # 郭强 spoke on elderly care: he is not the answer to who presented the fertiliser industry
    result = matcher.match("讲硝基复合肥产业那一部分，是哪位领导在发布会上介绍的？")
    assert result.status is not Status.ANSWERED
    result = matcher.match("养老服务是哪位副县长介绍的")
    assert result.status is Status.ANSWERED and result.entry is not None
    assert result.entry.id == "about-speaker-guo-qiang"


def test_the_kind_of_thing_asked_for_must_be_named_when_another_entry_names_it(matcher: Matcher) -> None:
    # 体制: the entry on 城乡二元体制 names it, the speaker's entry does not
    result = matcher.match("崔维廷讲要破除的是个什么体制")
    answered = result.entry.id if result.status is Status.ANSWERED and result.entry is not None else None
    assert answered != "about-speaker-cui-weiting"
    result = matcher.match("城乡融合大力破除的是什么体制")
    assert result.status is Status.ANSWERED and result.entry is not None and "城乡二元体制" in result.entry.answer
    # 目标是啥: the goal's entry names 目标, the presenter's does not
    result = matcher.match("刘县长说的目标是啥")
    assert not (result.status is Status.ANSWERED and result.entry is not None and "目标" not in result.entry.answer)
    # 职务: no entry's answer says the word; the value is the answer
    result = matcher.match("崔维廷是什么职务")
    assert result.status is Status.ANSWERED and result.entry is not None and "副县长" in result.entry.answer


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("刷到篇稿子，标题是啥来着", "about-headline"),  # 稿子，标题: no 子标题 across the comma
        ("肥效被哪个部委认可", "fert-moa-recognition"),  # 部委, named by 农业农村部
        ("邂逅回家山那张图原话怎么写的", "about-photo-huijiashan"),  # the release's own words: every entry quotes them
        ("刘大鹏在报道里是什么职务", "about-speaker-liu-dapeng"),  # 职务, grounded by 县长
        ("硝基肥主导产品举几个例子", "fert-main-products"),  # 例子, grounded by a list
    ],
)
def test_words_of_asking_are_not_unexplained_details(matcher: Matcher, question: str, entry_id: str) -> None:
    index = matcher.kb.index_of(entry_id)
    assert index is not None
    assert matcher.decider.facts.ungrounded(analyse(matcher.normalizer, question, matcher.decider.vocabulary), index) == []
    result = matcher.match(question)
    assert result.status is Status.ANSWERED and result.entry is not None and result.entry.id == entry_id, result


def test_a_figure_put_as_a_question_in_a_clause_of_its_own_is_checked(matcher: Matcher) -> None:
    # "……能到多少 听说是X？": the resident checks a figure; the release's figure answers, it is no part of it
    result = matcher.match("到十五末国内硝基复合肥市场需求能到多少 我听说是一千二百万吨？")
    assert result.status is Status.ANSWERED and result.entry is not None and "1200万吨" in result.entry.answer


def test_a_when_question_is_answered_by_the_entry_that_states_that_event(matcher: Matcher) -> None:
    result = matcher.match("县委县政府是从什么时候起锚定这个目标的")
    assert result.status is Status.ANSWERED and result.entry is not None and "二十大" in result.entry.answer


def test_nouns_are_read_as_words_not_as_any_two_characters(matcher: Matcher) -> None:
    from bot.engine.analyse import asked_nouns, salient_nouns

    assert "词形" not in asked_nouns("文章结尾用什么词形容交城的发展", matcher.decider.vocabulary)
    assert "后用" not in asked_nouns("报道最后用哪个词形容交城发展", matcher.decider.vocabulary)
    assert "管委会" in salient_nouns("开发区管委会主任是谁", matcher.decider.vocabulary)  # an abbreviation is a noun too


@pytest.mark.parametrize(
    ("question", "stated"),
    [
        ("义望合金参加过哪些国家、行业标准的制定修订", "标准"),  # 国家 is one kind of standard, not a country
        ("中国钙都的称号是哪个单位给的", "中国氮肥工业协会"),  # a 单位 may be an association
    ],
)
def test_a_kind_named_inside_a_list_or_a_body_as_a_unit_is_answered(
    matcher: Matcher, question: str, stated: str
) -> None:
    result = matcher.match(question)
    assert result.status is Status.ANSWERED and result.entry is not None and stated in result.entry.answer, result


def test_a_rank_checked_for_a_bigger_area_is_answered_with_the_releases_rank(matcher: Matcher) -> None:
    result = matcher.match("交城的国家级高企数量是全省第一吗")
    assert result.status is Status.ANSWERED and result.entry is not None and "全市第一" in result.entry.answer
    # asked, not checked: the province's rank is a detail the release does not give
    assert matcher.match("交城的国家级高企数量在全省排第几").status is not Status.ANSWERED


def test_a_voice_run_on_is_read_as_questions_and_a_story(matcher: Matcher, kb: KnowledgeBase) -> None:
    # no punctuation: two questions, then the resident's own words, which name nothing
    result = matcher.match("交城硝基复合肥企业一共多少户总产能是多少我听人说挺多的你给我讲讲")
    assert result.status is Status.ANSWERED and result.compound, result
    answer = to_json(result, kb)["answer"]
    assert "33户" in answer and "300万吨" in answer
    # "几个博士创新中心" counts centres, not doctors
    assert counted_class("几个博士创新中心") == ""
    assert counted_class("有多少员工") == "person"


def test_an_elliptical_part_is_read_in_the_context_of_the_answered_one(matcher: Matcher, kb: KnowledgeBase) -> None:
    # "村里的多少项" names nothing of its own that the 就近办 entry does not state: it is the same question
    result = matcher.match("就近办事项乡镇有多少项，村里的多少项")
    assert result.status is Status.ANSWERED and result.entry is not None, result
    answer = to_json(result, kb)["answer"]
    assert "179项" in answer and "48项" in answer


def test_a_comparison_with_what_the_release_compares_with_is_answered(matcher: Matcher) -> None:
    result = matcher.match("硝基肥的肥料转化率比尿素高多少")
    assert result.status is Status.ANSWERED and result.entry is not None and "尿素" in result.entry.answer
    # 跟……比: the thing compared with comes first, and 比例 compares nothing
    assert matcher.match("产出强度跟扩区前比是高了还是低了").status is Status.ANSWERED


def test_a_comparison_of_two_things_gets_the_releases_figure_for_each(matcher: Matcher, kb: KnowledgeBase) -> None:
    result = matcher.match("社工站和乡镇卫生院，哪个数量更多？")
    assert result.status is Status.ANSWERED and result.compound, result
    answer = to_json(result, kb)["answer"]
    assert "8个乡镇社工站" in answer and "10个乡镇卫生院" in answer
    # one entry that states both figures is one answer
    result = matcher.match("护理型床位和养老床位总数，哪个更多？")
    assert result.status is Status.ANSWERED and result.entry is not None
    assert "410张" in result.entry.answer and "985张" in result.entry.answer


@pytest.mark.parametrize(
    ("question", "stated"),
    [
        ("污水日处理能力 5.4万 还是 4.5万 立方", "5.4万立方米"),  # two figures offered: the release's is the answer
        ("交城专场是第三场还是第五场", "第五场"),
    ],
)
def test_figures_offered_as_alternatives_are_answered_with_the_releases(
    matcher: Matcher, question: str, stated: str
) -> None:
    result = matcher.match(question)
    assert result.status is Status.ANSWERED and result.entry is not None and stated in result.entry.answer, result


def test_who_presented_each_of_two_topics(matcher: Matcher, kb: KnowledgeBase) -> None:
    result = matcher.match("讲城乡融合的是谁，讲养老的又是谁？")
    assert result.status is Status.ANSWERED and result.compound, result
    answer = to_json(result, kb)["answer"]
    assert "崔维廷" in answer and "郭强" in answer


def test_the_whole_city_named_with_its_name_is_the_city_the_release_ranks_in(matcher: Matcher) -> None:
    result = matcher.match("有效发明专利在吕梁全市排第几")
    assert result.status is Status.ANSWERED and result.entry is not None and "第二" in result.entry.answer


def test_segmentation_is_jiebas_own() -> None:
    # the engine cuts with jieba's dictionary and jieba's dynamic programme (no prefix dictionary to load)
    import re

    import jieba

    from bot.engine.lexicon import segment

    jieba.setLogLevel(60)
    tokenizer = jieba.Tokenizer()
    samples = [
        "报道最后用哪个词形容交城发展，多点开花？",
        "娄烦县农村客运通村率多少",
        "交城有几个博士创新中心省级的那种 还有市级重点实验室几个",
        "开发区管委会主任是谁",
        "我在浙江打了八年工今年回来了想问问老家交城现在搞科技研发的人多不多",
    ]
    for text in samples:
        words = [w for w in segment(text) if re.fullmatch(r"[\u4e00-\u9fff]+", w)]
        assert words == [w for w in tokenizer.lcut(text, HMM=False) if re.fullmatch(r"[\u4e00-\u9fff]+", w)]


def test_word_classes_are_jiebas_tags() -> None:
    # nouns and verbs of two characters or more, as jieba's dictionary tags them
    from bot.engine.lexicon import noun_lexicon, verb_like

    nouns = noun_lexicon()
    assert "床位" in nouns and "学校" in nouns and "注册资本" in nouns
    assert "召开" not in nouns and verb_like("召开") and verb_like("成立")
    assert not verb_like("学校") and not verb_like("床位")
    assert "床" not in nouns and "不存在的词语" not in nouns


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("窑窑河交城段有多长", "ask:length"),  # the entry names the river, no length
        ("回家山传统村落离县城有多远", "ask:length"),
        ("院士工作站是哪一年落户交城的", "ask:year"),  # 近期 says when, not which year
    ],
)
def test_a_length_or_a_year_the_entry_does_not_state_is_not_answered(
    matcher: Matcher, question: str, kind: str
) -> None:
    result = matcher.match(question)
    assert result.status is Status.PARTIAL, result
    assert kind in {str(g.kind) for g in result.gaps}


def test_a_length_or_a_year_the_entry_states_is_answered(matcher: Matcher) -> None:
    roads = matcher.match("2022年以来城乡公路修了多少公里")
    assert roads.status is Status.ANSWERED and roads.entry is not None and "94.7公里" in roads.entry.answer
    assert matcher.match("中国钙都是哪一年授予的").status is Status.ANSWERED


def test_a_story_before_the_question_is_left_out_when_it_hides_the_question(matcher: Matcher) -> None:
    from bot.engine.analyse import asking_clauses

    story = (
        "我们村60多户，是山区的村，听说咱县里垃圾是分平川山区两种办法处理，山区那边具体咋弄的，是村里自己收吗"
    )
    asked, sentences = asking_clauses("我是夏家营的，今年六十八了，老伴身体不好。听说县里有社工站，社工站有几个啊？")
    assert asked == "听说县里有社工站，社工站有几个啊？" and sentences == 1
    result = matcher.match(story)
    assert result.status is Status.ANSWERED and result.entry is not None
    assert "村收集、镇转运、县处理" in result.entry.answer
    assert result.question == story  # the reply is to the whole message


def test_another_place_asked_in_a_clause_of_its_own_is_another_place(matcher: Matcher) -> None:
    # the county is named in a question clause before the asking one: not this county's figure
    assert matcher.match("交口县有经济开发区吗，产出强度是多少").status is not Status.ANSWERED
    assert matcher.match("孩子在太原打工，开发区产出强度是多少").status is Status.ANSWERED  # a story clause


def test_a_sentence_that_ends_in_a_full_stop_tells_when_the_question_has_a_question_mark(matcher: Matcher) -> None:
    # the first sentence wonders (有啥设施, 能不能看病) but tells; the question is the sentence with the mark
    result = matcher.match("前段时间村里开会，我没记清楚人家说的养老院有啥设施，不知道能不能看病。县里有几个养老机构配齐了医务室？")
    assert result.status is Status.ANSWERED and not result.compound
    assert result.entry is not None and result.entry.id == "elder-institution-clinics"


def test_a_clause_that_only_tells_is_not_a_part_of_its_own(matcher: Matcher) -> None:
    result = matcher.match(
        "我家种了几亩枣树，老两口自己种。这几年老是裂果，一下雨就裂，愁得很，卖不上价。嗯，就是说，听人讲交城的硝基复合肥能膨果增甜，"
        "那交城硝基复合肥主导产品一共有多少个品种？"
    )
    assert result.status is Status.ANSWERED, result
    answered = result.parts or (result,)
    assert all(p.status is Status.ANSWERED for p in answered)
    assert [p.entry.id for p in answered if p.entry is not None] == ["fert-main-products"]


def test_two_questions_one_entry_answers_both_are_answered_after_a_story(matcher: Matcher) -> None:
    message = (
        "我是外村嫁过来的，今年六十五了，老伴身体不好，孩子们都在太原打工，一年回不来几趟，我一个人也照顾不过来，"
        "村里人都说送养老院吧，我心里没底。现在县里这些养老机构的床位一共有多少张啊？里头专门护理卧床老人的护理型床位又有多少张？"
    )
    result = matcher.match(message)
    assert result.status is Status.ANSWERED, result
    said = " ".join(p.entry.answer for p in (result.parts or (result,)) if p.entry is not None)
    assert "985张" in said and "410张" in said


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("咱交城那养老床位有多少嘞", "elder-beds"),  # 嘞: a modal particle of spoken Chinese, not a thing counted
        ("主导产品都有哪些", "fert-main-products"),  # 都有哪些 asks the list the release gives, not the rest of it
    ],
)
def test_spoken_particles_and_the_list_asked_are_answered(matcher: Matcher, question: str, entry_id: str) -> None:
    result = matcher.match(question)
    assert result.status is Status.ANSWERED and result.entry is not None and result.entry.id == entry_id, result


def test_a_persons_unit_is_the_one_beside_the_name_not_a_partner(matcher: Matcher) -> None:
    # 山西韶洋装备有限公司与陈蕴博院士共建: the company is the academician's partner, not his unit
    assert matcher.match("陈蕴博院士是哪个单位的").status is not Status.ANSWERED
    assert matcher.match("陈蕴博院士是哪个院的院士").status is not Status.ANSWERED  # 哪个院: an academy asked
    # a partner asked for is the partner the entry names
    result = matcher.match("开发区跟哪个大学合作搞制氢")
    assert result.status is Status.ANSWERED and result.entry is not None and "大连理工大学" in result.entry.answer


def test_a_project_the_section_names_is_a_subject_of_its_own(matcher: Matcher) -> None:
    # the zone's 23 projects' total is not the investment of one project the same section names
    result = matcher.match("一步法制氢项目总投资多少钱？")
    assert result.status is not Status.ANSWERED or "181.16" not in (result.entry.answer if result.entry else "")
    # a speaker named with the topic he spoke on still is not another subject
    assert matcher.match("王向前讲的开发区产出强度是多少").status is Status.ANSWERED
    # a body claimed (是农业农村部给的吧) is the claim, not the subject: the title's entry answers it
    claimed = matcher.match("中国钙都这个称号是农业农村部给的吧")
    assert claimed.status is Status.ANSWERED and claimed.entry is not None
    assert "中国氮肥工业协会" in claimed.entry.answer


def test_a_total_asked_is_not_answered_by_a_part_or_a_share(matcher: Matcher) -> None:
    # 山区62个行政村 and 平川37个 are parts; 全县99个行政村 is the whole; 通村率100% counts no villages
    whole = matcher.match("交城县有几个行政村")
    assert whole.status is Status.ANSWERED and "99个行政村" in whole.entry.answer  # type: ignore[union-attr]
    part = matcher.match("山区有多少个行政村")
    assert part.status is Status.ANSWERED and "62个行政村" in part.entry.answer  # type: ignore[union-attr]
    lines = matcher.match("农村客运一共开通了多少条线路？")  # only the share of villages it reaches is given
    assert lines.status is not Status.ANSWERED  # declined, or the share given as the closest fact, saying so
    assert lines.status is Status.NO_MATCH or any(g.kind is GapKind.COUNTED for g in lines.gaps), lines


def test_a_last_question_left_unpunctuated_after_a_marked_one_is_asked_too(matcher: Matcher) -> None:
    message = (
        "我家老爷子一个人在村里住，我们在外地，一年回不去几趟，心里老悬着。听村里人说镇上有个社工站能上门帮忙，"
        "全县挂牌成立了几个乡镇社工站？那个三帮四查是帮老人做些甚"
    )
    result = matcher.match(message)
    assert result.status is Status.ANSWERED and len(result.parts) == 2
    assert [p.entry.id for p in result.parts if p.entry] == ["elder-social-work-stations", "elder-three-helps-four-checks"]


def test_the_rest_of_a_list_is_the_items_the_message_does_not_name(matcher: Matcher) -> None:
    # 除了院士工作站还有啥: the entry lists two more (with 等); every item named already leaves no rest to give
    rest = matcher.match("开发区建了哪些产学研基地，除了院士工作站还有啥")
    assert rest.status is Status.ANSWERED and rest.entry is not None
    assert "联合实验室" in rest.entry.answer
    named = matcher.match("35个品种除了硝酸钙、硝酸铵钙、硝酸钾之外还有哪些")
    assert named.status is not Status.ANSWERED


@pytest.mark.parametrize("question", ["交城在哪", "交城在哪里", "交城有多大"])
def test_where_or_how_big_the_county_itself_is_not_answered_with_a_fact_of_one_of_its_places(
    matcher: Matcher, question: str
) -> None:
    # the release never says where the county lies or how big it is: no entry's answer makes the county itself
    # its subject (庞泉沟镇的三个村, 交城县硝基复合肥总产能 are things of the county)
    result = matcher.match(question)
    assert result.status is Status.NO_MATCH and result.entry is None


def test_a_name_whose_words_the_entry_does_not_hold_is_not_answered(matcher: Matcher) -> None:
    # the entry names 省级技术创新中心, not a 博士 one; nor does the workstation's entry name its academician
    for question in ("交城那个省级博士创新中心叫什么名字？", "开发区的院士工作站是跟哪位院士共建的？"):
        assert matcher.match(question).status is not Status.ANSWERED, question


def test_words_quoted_that_many_entries_state_are_no_sure_sign(matcher: Matcher) -> None:
    # 中国钙都 is in many entries, and none says in which month the title was given
    assert matcher.match("“中国钙都”是几月份授的牌").status is not Status.ANSWERED


def test_a_place_claimed_where_the_answer_names_none_is_not_judged(matcher: Matcher) -> None:
    # the export entry names no market: it cannot say 山东 is wrong (复合肥 holds 合肥, which is no place named)
    result = matcher.match("交城的硝基肥主要卖到山东吧")
    assert result.status is not Status.ANSWERED and result.claim is None


def test_a_declined_subject_is_named_as_the_resident_typed_it(matcher: Matcher, kb: KnowledgeBase) -> None:
    reply = render_text(matcher.match("刘大鹏县长几岁了"), kb)
    assert "几岁" in reply and "多少岁" not in reply


def test_a_kind_another_entry_names_is_not_answered_with_the_whole_figure(matcher: Matcher) -> None:
    # the release names 普惠性养老机构 (4 of them) and gives the occupancy and the beds of all institutions only
    assert matcher.match("交城普惠性养老机构的入住率是多少？").status is not Status.ANSWERED
    for question in ("普惠性养老机构一共有多少张床位", "嵌入式社区养老服务机构一共有多少张床？"):
        result = matcher.match(question)
        assert result.status is not Status.ANSWERED and (result.entry is None or "985" not in result.entry.answer)
    beds = matcher.match("县里养老服务机构有多少张床")  # 服务, which many entries state, narrows nothing
    assert beds.status is Status.ANSWERED and beds.entry is not None and "985" in beds.entry.answer
    result = matcher.match("县里养老机构的入住率是多少")
    assert result.status is Status.ANSWERED and result.entry is not None and "70%" in result.entry.answer
    # a word ending in a kind (安全类) narrows no more than the word the entry states (安全)
    safety = matcher.match("开发区统筹推进的危化安全类项目有哪些？")
    assert safety.status is Status.ANSWERED and safety.entry is not None and "应急事故池" in safety.entry.answer


def test_the_one_a_list_leaves_out_is_not_answered_with_the_ones_it_names(matcher: Matcher) -> None:
    # 庞泉沟镇中庄、代家庄等3个村: the release names two of the three; its 等 ends that list, and the one after it
    # (完善的基础设施) is another list's item, not the third village
    for question in ("庞泉沟镇试点的3个村，除了中庄和代家庄还有哪个", "庞泉沟镇试点康养的3个村,除了中庄和代家庄,还有一个是哪个村"):
        assert matcher.match(question).status is not Status.ANSWERED, question
    named = matcher.match("庞泉沟镇哪些村在试点康养？")
    assert named.status is Status.ANSWERED and named.entry is not None and "代家庄" in named.entry.answer


def test_the_county_town_is_not_the_countryside(matcher: Matcher) -> None:
    # the release counts 20 rural schools that meet the standard; the county town's are not counted
    assert matcher.match("县城里的中小学校有多少所达到了标准化").status is not Status.ANSWERED
    rural = matcher.match("农村中小学校有多少所达到了标准化")
    assert rural.status is Status.ANSWERED and rural.entry is not None and "20所" in rural.entry.answer, rural


@pytest.mark.parametrize(
    "question",
    ["开发区一共有多少户高新技术企业", "县检验检测中心一共能做多少项检测", "全县四上企业一共多少户"],
)
def test_a_total_is_not_answered_with_what_was_added(matcher: Matcher, question: str) -> None:
    # the release gives only the number added (新增10户, 新增40户) or upgraded (56项检测项目升级改造)
    result = matcher.match(question)
    assert result.status is not Status.ANSWERED, result
    assert result.status is not Status.PARTIAL or "总数" in to_json(result, matcher.kb)["answer"], result


def test_what_was_added_is_answered(matcher: Matcher) -> None:
    result = matcher.match("开发区新增多少户高新技术企业")
    assert result.status is Status.ANSWERED and result.entry is not None and "10户" in result.entry.answer, result


@pytest.mark.parametrize("question", ["全县招商引资多少项目", "交城全县四上企业多少"])
def test_a_figure_asked_of_the_whole_county_is_not_answered_with_a_zones(matcher: Matcher, question: str) -> None:
    # the release gives these only for the development zone (开发区近三年共招引项目23个, 开发区“四上”企业新增40户)
    result = matcher.match(question)
    assert result.status is not Status.ANSWERED
    assert all(g.detail != "全县" for g in matcher.match(question.replace("全县", "开发区")).gaps)


def test_a_figure_the_answer_states_of_the_county_answers_a_whole_county_question(matcher: Matcher) -> None:
    result = matcher.match("全县高新技术企业多少户")
    assert result.status is Status.ANSWERED and result.entry is not None and "40户" in result.entry.answer


def test_what_a_thing_is_about_asks_an_explanation_not_a_reason(matcher: Matcher) -> None:
    # 怎么回事 was read as 为什么 and the honour's entry, which gives no reason, lost to the list of speakers
    for question in ("钙都是怎么回事", "鈣都是怎麼回事"):
        result = matcher.match(question)
        assert result.status is Status.ANSWERED and result.entry is not None
        assert result.entry.id == "fert-honour-calcium-capital"


def test_a_persons_age_is_not_answered_with_their_post(matcher: Matcher) -> None:
    result = matcher.match("交城县长刘大鹏今年多大")  # the release gives no age
    assert result.status is not Status.ANSWERED


def test_a_thing_heard_of_with_an_indefinite_what_is_the_context_of_the_ask_after_it(matcher: Matcher) -> None:
    # 有个什么5G平台 tells what was heard; 能帮老人干啥 asks of it (it got the 社工站's 三帮四查)
    result = matcher.match("我奶奶在星河华府住，听说社区有个什么5G平台，能帮老人干啥")
    assert result.status is Status.ANSWERED and result.entry is not None
    assert result.entry.id == "elder-xinghe-5g-platform" and not result.parts


@pytest.mark.parametrize("question", ["专精特新小巨人是啥意思", "“三化三改”具体指啥"])
def test_a_thing_asked_to_be_explained_is_not_explained_by_an_answer_that_only_names_it(
    matcher: Matcher, question: str
) -> None:
    # the release counts 专精特新“小巨人”企业 and names the 三化三改 reform; it never says what either means
    assert matcher.match(question).status is not Status.ANSWERED


def test_a_thing_the_answer_explains_after_it_is_answered(matcher: Matcher) -> None:
    # “四创”战略是产业创优、环境创建…: the answer spells out what it names
    result = matcher.match("“四创”战略具体指什么？")
    assert result.status is Status.ANSWERED and result.entry is not None and "产业创优" in result.entry.answer


def test_who_hosted_is_not_answered_by_who_organised(matcher: Matcher) -> None:
    # the release names the organisers (市委宣传部、市政府新闻办) and no host; the author is who wrote it
    assert matcher.match("交城县专场新闻发布会是谁主持的").status is not Status.ANSWERED
    author = matcher.match("这篇报道是谁写的")
    assert author.status is Status.ANSWERED and author.entry is not None and "冀美丽" in author.entry.answer


def test_what_a_presenter_said_of_a_thing_is_not_answered_by_the_presenters_entry(matcher: Matcher) -> None:
    # the county head's entry names him and his topics, not the goal he stated
    result = matcher.match("刘大朋县长说的那个目标是挺进啥")
    assert result.entry is None or result.entry.id != "about-speaker-liu-dapeng", result
    # what the deputy said the zone is: the entry that states it, not the one about him
    role = matcher.match("王县长说开发区是县域发展的“三主”,哪三个主")
    assert role.status is Status.ANSWERED and role.entry is not None and "主阵地" in role.entry.answer, role
    # what the presenter spoke on is still his entry's to answer
    topics = matcher.match("刘大鹏县长讲了啥")
    assert topics.status is Status.ANSWERED and topics.entry is not None and topics.entry.id == "about-speaker-liu-dapeng"
