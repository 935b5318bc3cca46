"""Normalisation: what residents type becomes the same key as what the knowledge base says."""

from __future__ import annotations

import re

import pytest

from bot.language.text import Normalizer, SlottedPattern, chinese_numerals_to_digits, pinyin_key, positions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("二十九户", "29户"),
        ("一千二百万吨", "1200万吨"),
        ("二点七八亿元", "2.78亿元"),
        ("百分之七十", "70%"),
        ("两个变电站", "2个变电站"),
        ("三百零二项", "302项"),
        ("一体化", "一体化"),  # a single numeral inside a word stays
        ("四创战略", "四创战略"),
        ("统一", "统一"),
    ],
)
def test_chinese_numerals_are_written_like_the_release(text: str, expected: str) -> None:
    assert chinese_numerals_to_digits(text) == expected


def test_width_script_case_punctuation_and_fillers_fold_away() -> None:
    norm = Normalizer().normalize
    assert norm("請問，交城有多少戶高新技術企業呢？") == norm("交城有多少户高新技术企业")
    assert norm("ＡＢＣ４０户！！") == "abc40户"
    assert norm("  \t\n") == ""
    assert norm("🙂🙂") == ""


def test_synonyms_map_to_the_official_word_without_cutting_longer_words() -> None:
    norm = Normalizer([("床位", "床"), ("养老机构", "养老院", "敬老院"), ("交城", "咱县", "交城县")]).normalize
    assert norm("咱县敬老院有几张床") == norm("交城县养老机构有几张床位")
    assert "床位位" not in norm("床位有多少")


def test_a_count_asked_with_ji_reads_like_one_asked_with_duoshao() -> None:
    normalizer = Normalizer([("多少", "几个")])
    assert normalizer.normalize("交口几镇几乡") == normalizer.normalize("交口多少镇多少乡")
    assert normalizer.normalize_many(["要推几大片区"]) == [normalizer.normalize("要推多少大片区")]
    # which one, not how many: 第几, 哪几; and words that only hold the character
    for text in ("全市排第几", "是哪几张", "几乎全覆盖"):
        assert normalizer.normalize(text) == Normalizer().plain(text)


def test_homophones_share_a_pinyin_key() -> None:
    norm = Normalizer().normalize
    assert pinyin_key(norm("设工站")) == pinyin_key(norm("社工站"))
    assert pinyin_key(norm("社工站")) != pinyin_key(norm("社区站"))


def test_very_long_input_is_cut() -> None:
    key = Normalizer().normalize("交城" * 100_000)
    assert 0 < len(key) <= 300


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("是不是500张床", "500"),  # the checked figure and its unit
        ("是不是1500张床", "500"),  # inside a longer figure: not this one
        ("5.500张", "500"),  # after a decimal point: not this one
        ("有500人，是不是500多万张", "500"),  # the second place it stands is the one with a unit
        ("是不是500", "500"),  # no unit after it
        ("985张还是98张", "98"),
    ],
)
def test_a_pattern_with_a_slot_finds_what_the_filled_in_pattern_finds(text: str, value: str) -> None:
    source = "(?<![\\d.]){number}(?:余|多)?(?:万|亿)?(张|人)"
    found = SlottedPattern(source, "{number}").search(text, value)
    expected = re.search(source.replace("{number}", re.escape(value)), text)
    assert (found and (found.group(0), found.group(1), found.start())) == (
        expected and (expected.group(0)[len(value) :], expected.group(1), expected.start() + len(value))
    )


def test_a_slot_after_a_part_that_reads_characters_is_refused() -> None:
    with pytest.raises(ValueError, match="lookbehind"):
        SlottedPattern("是{number}张", "{number}")


def test_a_share_said_as_a_fraction_or_in_words_is_a_percentage() -> None:
    from bot.language.text import shares_as_percent

    assert shares_as_percent("全国四分之三的产能") == "全国75%的产能"
    assert shares_as_percent("三分之一") == "33.3%"
    assert shares_as_percent("占了全国一半") == "占了全国50%"
    assert shares_as_percent("三个一体化") == "三个一体化"


@pytest.mark.parametrize(
    ("word", "text"),
    [("交城", "交城县交城镇，交城"), ("哈哈", "哈哈哈哈哈"), ("县", "交口"), ("a.b", "a.b axb a.b"), ("", "交城")],
)
def test_positions_are_where_finditer_would_find_the_word(word: str, text: str) -> None:
    expected = [m.start() for m in re.finditer(re.escape(word), text)] if word else []
    assert positions(word, text) == expected
