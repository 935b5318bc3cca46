"""Questions about the report's wording are answered by the source's own sentence, quoted and cited; a question
that names something the report does not say, or that no one sentence clearly holds, is not."""

from __future__ import annotations

import pytest

from bot.engine.matching import Matcher, Status
from bot.engine.render import to_json
from bot.knowledge.model import KnowledgeBase, quote_key
from bot.knowledge.passages import find_entry, passages


def test_a_word_the_report_uses_is_answered_with_its_sentence(matcher: Matcher, kb: KnowledgeBase) -> None:
    result = matcher.match("报道里说科技服务用的是哪个四字词？")
    assert result.status is Status.ANSWERED and result.entry is not None
    reply = to_json(result, kb)
    assert "宾至如归" in reply["answer"]
    quote = reply["citation"]["quote"]
    assert quote_key(quote) in quote_key(kb.sources["jiaocheng-release"].text)  # verbatim, checkable
    assert reply["citation"]["section"].startswith("科技赋能")


def test_a_caption_is_found_among_the_caption_lines(matcher: Matcher) -> None:
    result = matcher.match("回家山那张配图写的啥")
    assert result.status is Status.ANSWERED and result.entry is not None
    assert result.entry.quote == "邂逅回家山传统村落 感受悠悠古韵"


def test_words_quoted_from_the_report_ask_what_follows(matcher: Matcher) -> None:
    result = matcher.match("开发区第一条说打出强链补链的什么")
    assert result.status is Status.ANSWERED and result.entry is not None
    assert "组合拳" in result.entry.answer


def test_a_list_asked_one_by_one_gets_one_cited_sentence_each(matcher: Matcher) -> None:
    result = matcher.match("科技那一段分别用哪个四字词形容创新型企业、科技成果、产学研合作和科技服务？")
    assert result.status is Status.ANSWERED and result.compound
    said = [p.entry.answer for p in result.parts if p.entry is not None]
    for word, phrase in zip(["创新型企业", "科技成果", "产学研合作", "科技服务"],
                            ["独占鳌头", "枝繁叶茂", "硕果累累", "宾至如归"], strict=True):
        assert any(word in s and phrase in s for s in said), (word, said)
    # a long sentence is cut to what was asked: not the 300 characters of the whole paragraph
    assert all(len(p.entry.quote) < 90 for p in result.parts if p.entry is not None)


def test_two_wording_questions_in_one_message_each_get_their_words(matcher: Matcher, kb: KnowledgeBase) -> None:
    # the first no entry answers (the source's sentence does), the second one entry answers: both are replied to
    reply = to_json(matcher.match("科技成果用了个什么词来形容?产学研合作又用的啥词"), kb)
    assert reply["status"] == "answered" and len(reply["parts"]) == 2
    assert "枝繁叶茂" in reply["parts"][0]["answer"] and "硕果累累" in reply["parts"][1]["answer"]


def test_a_sentence_a_caption_interrupts_is_told_whole(matcher: Matcher) -> None:
    result = matcher.match("王向前在发布会上说开发区是县域高质量发展的什么？")
    assert result.status is Status.ANSWERED and result.entry is not None
    assert all(w in result.entry.answer for w in ("主阵地", "主战场", "主引擎"))
    assert "主引擎" not in result.entry.quote  # the quote stops where the caption cuts the sentence


@pytest.mark.parametrize(
    "question",
    [
        "硝酸钙的化学式怎么写",  # a word the report never uses
        "汾阳市的经济开发区是什么级别？",  # another place
        "能把这篇报道的原文发我吗？",  # no one sentence is asked for
        "报道怎么形容太原的？",
    ],
)
def test_wording_questions_the_report_does_not_answer_are_not_answered_from_it(matcher: Matcher, question: str) -> None:
    result = matcher.match(question)
    assert result.entry is None or "@" not in result.entry.id, result


def test_a_passage_id_finds_its_sentence_again(kb: KnowledgeBase) -> None:
    source = kb.sources["jiaocheng-release"]
    sentence = next(p for p in passages(source) if "宾至如归" in p.text)
    entry = find_entry(kb, sentence.id)
    assert entry is not None and entry.quote == sentence.text == source.text[sentence.start : sentence.end]
    assert find_entry(kb, "jiaocheng-release@1-999999") is None
    assert find_entry(kb, "elder-beds") is kb.by_id["elder-beds"]


def test_the_clause_that_asks_names_what_is_wanted(matcher: Matcher) -> None:
    # the clause before names another thing of the same sentence group: context, not what is asked
    result = matcher.match("文中说创新型企业“独占鳌头”，那科技成果用的是哪个词来形容？")
    assert result.status is Status.ANSWERED and result.entry is not None
    assert "枝繁叶茂" in result.entry.answer and "独占鳌头" not in result.entry.quote


def test_several_things_asked_and_not_named_are_the_list_the_report_counts_off(matcher: Matcher) -> None:
    # the development zone's section counts off 一是……二是……三是: each item is its own cited sentence
    for question in (
        "王向前讲的三件事分别比作了什么？",
        "王向前介绍开发区的三点,分别用了哪三个比喻说法?",
        "开发区那部分“一是、二是、三是”分别打了什么比方？",  # the counting off named, not the things
        "报道介绍开发区三项举措时，分别用了哪三个比喻？",  # 举措, 介绍: words for the items, not of them
    ):
        result = matcher.match(question)
        assert result.status is Status.ANSWERED and result.compound, question
        said = [p.entry.quote for p in result.parts if p.entry is not None]
        assert len(said) == 3 and all(w in q for w, q in zip(["组合拳", "大文章", "先手棋"], said, strict=True)), said
    # a section with no such list, or a list of another length, is not answered from the report's sentences
    for question in ("养老那段分别用了哪三个比喻", "王向前讲开发区的五件事分别比作了什么"):
        result = matcher.match(question)
        assert not any(p.entry is not None and "@" in p.entry.id for p in result.parts), question
        assert result.entry is None or "@" not in result.entry.id, question


@pytest.mark.parametrize(
    ("question", "words"),
    [
        # the context clause names things the report never does (出题, 孩子): only the clause that asks counts
        ("给孩子出题用：报道用什么词来形容交城的产学研合作？", "硕果累累"),
        # particles between the words asked about (交城的科技成果的) are not words of the report
        ("文章中是怎么形容交城的科技成果的", "枝繁叶茂"),
        ("科技服务那段用的四个字的词是啥", "宾至如归"),
        # what the report says, asked with its words and a question word after them
        ("文章里说交城县制定出台的政策彻底打通了产业发展的啥", "中梗阻"),
    ],
)
def test_wording_asked_around_particles_and_context_finds_its_sentence(
    matcher: Matcher, question: str, words: str
) -> None:
    reply = to_json(matcher.match(question), matcher.kb)
    assert reply["status"] == "answered" and words in reply["answer"], reply["answer"]


def test_a_wording_asked_after_one_the_resident_knows_is_the_one_asked(matcher: Matcher) -> None:
    # the first clause names 科技服务's word: the answer about 科技服务 does not answer what the last clause asks
    reply = to_json(matcher.match("文章里说科技服务是“宾至如归”，那科技成果用的是什么词来形容？"), matcher.kb)
    assert reply["status"] == "answered" and "枝繁叶茂" in reply["answer"], reply["answer"]


@pytest.mark.parametrize(
    ("question", "word"),
    [
        ("提到科技成果的时候用了哪个四字词形容", "枝繁叶茂"),  # 的时候 frames the thing named
        ("报告里形容科技服务用了哪个成语", "宾至如归"),  # 报告 is a word for the report, like 报道
        ("那些政策彻底打通了产业发展的啥", "中梗阻"),  # the resident's 了 and 的 around the report's words
        ("县里抓科技的那个理念原文怎么写的", "抓科技就是抓经济"),  # 县里 is the county, not a thing unsaid
        ("回家山那张照片的文字原文给我", "邂逅回家山"),  # 照片 is a word for a picture, like 配图
    ],
)
def test_the_report_asked_in_a_residents_words_is_found(matcher: Matcher, question: str, word: str) -> None:
    result = matcher.match(question)
    assert result.status is Status.ANSWERED and result.entry is not None, result
    assert word in result.entry.answer


def test_a_question_of_when_is_not_read_as_words_of_the_report(matcher: Matcher) -> None:
    # 什么时候 asks a date; the words before it are the report's, but it does not ask what follows them
    result = matcher.match("一步法制烯烃项目什么时候能投产")
    assert result.status is not Status.ANSWERED, result


def test_a_place_in_the_text_asked_for_picks_that_end_of_the_sentences_that_hold_it(matcher: Matcher) -> None:
    # several sentences name the zone alike; 最后 asks for the last of them, the one that ends its part
    result = matcher.match("报道最后把交城经济开发区比作啥")
    assert result.status is Status.ANSWERED and result.entry is not None, result
    assert "投资兴业宝地" in result.entry.answer
    # only the first sentence of 王向前's part names him; later ones of the part name the zone: not answered from
    # the first sentence
    speaker = matcher.match("王向前最后把开发区形容成了什么")
    assert speaker.status is not Status.ANSWERED or "投资兴业宝地" in (speaker.entry.answer if speaker.entry else "")


def test_words_quoted_in_quotation_marks_ask_how_the_sentence_goes_on(matcher: Matcher) -> None:
    # the goal is quoted in two sentences that go on alike: the first answers, once in quotation marks
    result = matcher.match("“转型引领”后半句怎么说的")
    assert result.status is Status.ANSWERED and result.entry is not None, result
    assert "蹚出新路" in result.entry.answer and "““" not in result.entry.answer


def test_two_words_quoted_that_stand_once_in_the_report_ask_how_it_goes_on(matcher: Matcher) -> None:
    result = matcher.match("有一张配图写着“宜居”俩字，后面跟着啥")
    assert result.status is Status.ANSWERED and result.entry is not None, result
    assert "宜居交城" in result.entry.answer


@pytest.mark.parametrize(
    ("question", "words"),
    [
        ("开发区讲了三条,第一条打出什么,第三条下好什么", ["组合拳", "先手棋"]),
        ("开发区那三条，一是打出啥，二是做足啥，三是下好啥", ["组合拳", "大文章", "先手棋"]),
    ],
)
def test_items_of_a_counted_off_list_asked_by_place_and_first_words(
    matcher: Matcher, kb: KnowledgeBase, question: str, words: list[str]
) -> None:
    result = matcher.match(question)
    assert result.status is Status.ANSWERED and len(result.parts) == len(words)
    for part, word in zip(result.parts, words, strict=True):
        assert part.entry is not None and word in to_json(part, kb)["answer"]


def test_an_ordinal_that_names_no_words_of_an_item_is_not_a_list_item(matcher: Matcher) -> None:
    # 第三个是哪个村 counts villages; 全市第一是哪个县 asks a rank: neither quotes an item of a list
    for question in ("庞泉沟镇试点的3个村，除了中庄、代家庄，第三个是哪个村？", "有效发明专利全市第一是哪个县？"):
        result = matcher.match(question)
        assert result.entry is None or not result.entry.id.startswith("jiaocheng-release@"), question
