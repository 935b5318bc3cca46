"""Pinyin typed in letters is read as Chinese before the question is analysed."""

from __future__ import annotations

import pytest

from bot.engine.matching import Matcher, Status
from bot.language.ime import PinyinReader


@pytest.fixture(scope="module")
def reader(matcher: Matcher) -> PinyinReader:
    return matcher.reader


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("shegongzhan you jige", "社工站有几个"),  # the base's own word, then a measure word after 几
        ("yanglao chuangwei duoshao zhang", "养老床位多少张"),  # 多少zhang is 张, not 长
        ("zhe pian wenzhang de zuozhe shi shei", "这篇文章的作者是谁"),  # shei as people type it
        ("交城县副县长guoqiang讲的是啥内容", "交城县副县长郭强讲的是啥内容"),  # a name inside Chinese
        ("gaoxin qiye zai lvliang pai di ji", "高新企业在吕梁排第几"),  # di ji asks 第几, not 地基
    ],
)
def test_pinyin_is_read_as_chinese(reader: PinyinReader, typed: str, read: str) -> None:
    assert reader.read(typed) == read


def test_english_and_lone_syllables_stay_as_typed(reader: PinyinReader) -> None:
    assert reader.read("ok so how many 乡镇社工站") == "ok so how many 乡镇社工站"
    assert reader.read("liu什么鹏") == "liu什么鹏"  # one syllable alone is too little to guess from
    assert reader.read("5g platform") == "5g platform"


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("yanglao chuangwei duoshao zhang", "elder-beds"),
        ("zhe pian wenzhang de zuozhe shi shei", "about-author"),
        ("jiaocheng xiaojifei qiye ji hu", "fert-enterprise-count"),
    ],
)
def test_a_question_typed_in_pinyin_is_answered(matcher: Matcher, question: str, entry_id: str) -> None:
    result = matcher.match(question)
    assert result.status is Status.ANSWERED and result.entry is not None and result.entry.id == entry_id
    assert result.question == question  # the reply quotes what the resident typed


def test_english_words_that_spell_syllables_are_not_read_as_pinyin(reader: PinyinReader) -> None:
    # nation would be na-ti-o-n: single-letter syllables inside a word are English, not pinyin
    assert reader.read("省级的几户 nation级是1户") == "省级的几户 nation级是1户"


def test_english_words_for_the_releases_terms_and_unknown_english_asked_about(matcher: Matcher) -> None:
    result = matcher.match("想问下 中国钙都 这个 title 是哪个 association 给的")
    assert result.status is Status.ANSWERED and result.entry is not None
    assert "中国氮肥工业协会" in result.entry.answer
    # an English word the release never states, asked about, is a detail it does not give
    assert matcher.match("乡镇卫生院能做CT吗").status is not Status.ANSWERED


def test_a_word_of_the_base_typed_by_its_initials_is_read(reader: PinyinReader) -> None:
    assert reader.read("省级zjtx企业交城有多少户") == "省级专精特新企业交城有多少户"
    assert reader.read("kfq要建成啥样的园区") == "开发区要建成啥样的园区"
    # consonants only, and initials one word of the base has: English and pinyin stay as they are
    assert reader.read("app ok pdf") == "app ok pdf"


def test_two_questions_one_typed_with_initials_are_both_answered(matcher: Matcher) -> None:
    result = matcher.match("kfq那块是谁介绍的 城乡融合又是谁回答的")
    assert result.status is Status.ANSWERED and len(result.parts) == 2
    assert [p.entry.id for p in result.parts if p.entry] == [
        "about-speaker-wang-xiangqian",
        "about-speaker-cui-weiting",
    ]
