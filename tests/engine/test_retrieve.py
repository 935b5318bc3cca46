"""Retrieval on its own (bot.engine.retrieve): which entries a question finds and the evidence for each,
on the small base of four facts (conftest), not the shipped release."""

from __future__ import annotations

import pytest

from bot.engine.analyse import Analysis, analyse
from bot.engine.matching import Matcher
from bot.engine.retrieve import Evidence, Retriever
from bot.knowledge.model import KnowledgeBase


def _analysis(matcher: Matcher, question: str) -> Analysis:
    return analyse(matcher.normalizer, question, matcher.decider.vocabulary)


def _evidence(matcher: Matcher, question: str, retriever: Retriever | None = None) -> dict[str, Evidence]:
    """Entry id → its evidence for the question."""
    found = (retriever or matcher.retriever).evidence(_analysis(matcher, question))
    return {matcher.kb.entries[e.index].id: e for e in found}


def _best(found: dict[str, Evidence]) -> str:
    return max(found, key=lambda entry_id: found[entry_id].coverage)


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("乡镇社工站有几个", "social-work"),
        ("高企有几家", "high-tech"),
        ("养老院的床位有多少", "beds"),
        ("污水处理厂每天处理多少", "sewage"),
    ],
)
def test_the_entry_that_shares_the_words_explains_most_of_the_question(
    small_matcher: Matcher, question: str, entry_id: str
) -> None:
    found = _evidence(small_matcher, question)
    assert _best(found) == entry_id
    others = [e.coverage for i, e in found.items() if i != entry_id]
    assert found[entry_id].coverage > 0.6 and max(others, default=0.0) < 0.3


def test_a_question_asked_word_for_word_is_contained_and_similar_in_full(small_matcher: Matcher) -> None:
    exact = _evidence(small_matcher, "养老院床位数")["beds"]
    assert exact.question == "养老院床位数"
    assert exact.coverage == pytest.approx(1.0) and exact.contain == pytest.approx(1.0)
    assert exact.fuzzy == pytest.approx(1.0)
    reworded = _evidence(small_matcher, "养老院的床位有多少")["beds"]
    assert reworded.fuzzy < exact.fuzzy and reworded.contain < exact.contain


def test_the_closest_of_an_entrys_questions_is_reported(small_matcher: Matcher) -> None:
    # social-work has 有几个乡镇社工站？ and 社工站挂牌了多少个: each wording finds its own
    assert _evidence(small_matcher, "社工站挂牌了几个")["social-work"].question == "社工站挂牌了多少个"
    assert _evidence(small_matcher, "乡镇社工站有几个")["social-work"].question == "有几个乡镇社工站？"


def test_a_homophone_typo_is_found_through_the_pinyin_index(small_matcher: Matcher) -> None:
    # 设 for 社: no character of 社工站 is typed, the sounds are
    found = _evidence(small_matcher, "设工站有几个")
    assert _best(found) == "social-work" and found["social-work"].coverage > 0.7


def test_words_only_the_answer_states_find_the_entry_but_count_less_than_its_questions(small_matcher: Matcher) -> None:
    by_answer = _evidence(small_matcher, "985张")  # only the answer and the quote say 985
    assert _best(by_answer) == "beds"
    assert by_answer["beds"].coverage > 0.5 and by_answer["beds"].fuzzy < 0.3


def test_the_answer_weight_is_what_the_answer_counts_for(small_kb: KnowledgeBase, small_matcher: Matcher) -> None:
    light = Retriever(small_kb, small_matcher.normalizer, answer_weight=0.2)
    heavy = Retriever(small_kb, small_matcher.normalizer, answer_weight=1.0)
    question = "全县养老机构共有床位"  # the answer's words, in part the questions' too
    assert _evidence(small_matcher, question, heavy)["beds"].coverage > _evidence(small_matcher, question, light)[
        "beds"
    ].coverage


def test_words_the_whole_base_never_uses_are_novelty(small_matcher: Matcher) -> None:
    assert _evidence(small_matcher, "养老院床位数")["beds"].novelty == 0.0
    weather = _evidence(small_matcher, "明天天气怎么样")
    assert weather and all(e.novelty > 0.6 for e in weather.values())  # one number for the question
    assert all(e.coverage < 0.1 for e in weather.values())


def test_the_shortlist_bounds_how_many_entries_come_back(small_kb: KnowledgeBase, small_matcher: Matcher) -> None:
    question = "社工站有几个，床位多少张"  # words of three entries
    assert len(_evidence(small_matcher, question)) >= 3
    two = Retriever(small_kb, small_matcher.normalizer, shortlist=2)
    kept = _evidence(small_matcher, question, two)
    assert set(kept) == {"social-work", "beds"}  # the two that explain most of it


def test_a_question_sharing_no_gram_finds_nothing(small_matcher: Matcher) -> None:
    assert _evidence(small_matcher, "🙂🙂") == {}
    assert small_matcher.retriever.evidence(_analysis(small_matcher, "")) == []


def test_the_rest_of_a_long_message_is_measured_outside_its_asking_clause(small_matcher: Matcher) -> None:
    analysis = _analysis(small_matcher, "我家老人想住养老院，床位紧不紧张，乡镇社工站有几个")
    assert analysis.focus != analysis.key  # a long message: its last asking clause is the focus
    kb = small_matcher.kb
    beds, social = kb.index_of("beds"), kb.index_of("social-work")
    assert beds is not None and social is not None
    rest = small_matcher.retriever.rest_coverage(analysis, [beds, social])
    assert rest[beds] > rest[social]  # the story is about beds; the question is about 社工站


def test_entry_text_holds_the_questions_and_what_the_entry_says(small_matcher: Matcher) -> None:
    index = small_matcher.kb.index_of("sewage")
    assert index is not None
    text = small_matcher.retriever.entry_text(index)
    assert "污水处理厂" in text and "5.4" in text
    assert small_matcher.retriever.answer_key(index) in text
    assert "\x00" not in small_matcher.retriever.answer_key(index)
