"""Questions about where a part of the report stands (第一个小节, 城乡融合后面那节, the section after another) are
answered with that part's heading, quoted as the source prints it; a question about a topic that happens to say
后面 or 那块 is not read as one."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine.matching import Matcher, Status
from bot.engine.render import to_json
from bot.engine.structure import StructureReader
from bot.knowledge.load import load_knowledge
from bot.knowledge.model import KnowledgeBase, quote_key
from bot.knowledge.passages import find_entry

JIAOKOU = Path(__file__).resolve().parents[2] / "examples" / "jiaokou" / "knowledge"


@pytest.mark.parametrize(
    ("question", "heading"),
    [
        ("报道正文第一个小节叫什么", "科技赋能 吹响“创新型县”特色名片"),
        ("文章第三部分讲的啥", "焕新升级 构筑绿色低碳循环示范园区"),
        ("城乡融合后面是哪一节", "焕新升级 构筑绿色低碳循环示范园区"),
        ("讲开发区那部分前面是哪部分", "城乡融合 落实“三个一体化”协同发展"),
        ("In the article, which section comes right after 城乡融合?", "焕新升级 构筑绿色低碳循环示范园区"),
        ("What is the first section of the report about?", "科技赋能 吹响“创新型县”特色名片"),
    ],
)
def test_a_part_asked_by_its_place_is_answered_with_its_heading(
    matcher: Matcher, kb: KnowledgeBase, question: str, heading: str
) -> None:
    result = matcher.match(question)
    assert result.status is Status.ANSWERED and result.entry is not None and not result.compound
    reply = to_json(result, kb)
    assert heading in reply["answer"]
    assert reply["citation"]["quote"] == heading
    assert quote_key(heading) in quote_key(kb.sources["jiaocheng-release"].text)


def test_two_places_asked_in_one_message_get_one_heading_each(matcher: Matcher) -> None:
    result = matcher.match("文章分了五块吧，第一块和最后一块标题叫啥")
    assert result.status is Status.ANSWERED and result.compound
    said = [p.entry.answer for p in result.parts if p.entry is not None]
    assert "科技赋能" in said[0] and "养老优化" in said[1]


def test_the_count_of_parts_and_one_of_them_are_both_answered(matcher: Matcher) -> None:
    result = matcher.match("报道正文一共分几个小节,第一个小节叫什么")
    assert result.status is Status.ANSWERED and result.compound
    count, first = (p.entry for p in result.parts)
    assert count is not None and first is not None
    assert "5个部分" in count.answer and all(h in count.answer for h in ("城乡融合", "养老优化"))
    assert first.quote == "科技赋能 吹响“创新型县”特色名片"


def test_the_last_part_has_nothing_after_it(kb: KnowledgeBase, matcher: Matcher) -> None:
    found = StructureReader(kb, matcher.normalizer).answer("养老那节后面还有小节吗")
    assert len(found) == 1
    assert "最后一部分" in found[0][1].answer and "养老优化" in found[0][1].answer


@pytest.mark.parametrize(
    "message",
    [
        "开发区那块后面规划啥",  # a topic, not the report's parts
        "开发区后面还要建什么",
        "养老部分的补贴有哪些",
        "报道第九部分讲的啥",  # no such part
        "一部分企业搬走了吗",
    ],
)
def test_a_message_that_names_no_part_of_the_report_is_not_read_as_one(
    kb: KnowledgeBase, matcher: Matcher, message: str
) -> None:
    assert StructureReader(kb, matcher.normalizer).answer(message) == []


def test_a_heading_answer_is_found_again_by_its_id(matcher: Matcher, kb: KnowledgeBase) -> None:
    """The buttons under an answer (👍, 原文) find the heading again by the answer's id."""
    result = matcher.match("城乡融合后面是哪一节")
    assert result.entry is not None
    again = find_entry(kb, result.entry.id)
    assert again is not None and again.quote == "焕新升级 构筑绿色低碳循环示范园区"


def test_another_countys_parts_are_read_from_its_own_source() -> None:
    other = load_knowledge(JIAOKOU)
    matcher = Matcher(other)
    result = matcher.match("报道正文第二个小节叫什么")
    assert result.status is Status.ANSWERED and result.entry is not None
    assert result.entry.quote.startswith("品质提升")
    assert "交城" not in result.entry.answer


@pytest.mark.parametrize(
    ("question", "heading"),
    [
        ("报道里哪一部分提到了大连理工大学", "焕新升级 构筑绿色低碳循环示范园区"),
        ("大连理工大学是哪个部分提到的", "焕新升级 构筑绿色低碳循环示范园区"),
        ("哪个部分讲养老", "养老优化 打造高品质“享老”服务体系"),
        ("which section of the article is about 中国钙都?", "产业深耕 擦亮“中国钙都”金字招牌"),
    ],
)
def test_which_part_says_a_thing_is_answered_with_that_parts_heading(
    matcher: Matcher, question: str, heading: str
) -> None:
    # not the entry about the university itself: where the report says it
    result = matcher.match(question)
    assert result.status is Status.ANSWERED and result.entry is not None
    assert result.entry.quote == heading and heading in result.entry.answer


def test_how_many_parts_with_words_between_is_the_list_of_headings(matcher: Matcher) -> None:
    reply = to_json(matcher.match("报道正文分了几个带小标题的部分?按先后顺序列出来"), matcher.kb)
    assert reply["status"] == "answered" and "5个部分" in reply["answer"]
    assert reply["answer"].index("科技赋能") < reply["answer"].index("养老优化")


def test_the_part_before_one_named_is_not_the_named_parts_heading(matcher: Matcher) -> None:
    # an entry tells the 钙都 part's own heading; the part asked is the one before it
    result = matcher.match("讲钙都那节的前面一节 标题是啥")
    assert result.status is Status.ANSWERED and result.entry is not None
    assert result.entry.quote == "焕新升级 构筑绿色低碳循环示范园区"
