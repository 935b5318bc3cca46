"""Entries derived from a source's own text (bot/knowledge/derived.py): the report's headings, how it begins and ends,
and who spoke in what order, answered in the source's words."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.engine.matching import Matcher, Status
from bot.knowledge.derived import is_derived
from bot.knowledge.load import load_knowledge
from bot.knowledge.model import KnowledgeBase, quote_key
from tests.conftest import ROOT


def _answer(matcher: Matcher, question: str) -> str:
    result = matcher.match(question)
    assert result.status is Status.ANSWERED and result.entry is not None, (question, result.status)
    return result.entry.answer


def test_the_headings_are_listed_in_order(matcher: Matcher) -> None:
    answer = _answer(matcher, "报道里有哪几个小标题？")
    heads = ["科技赋能", "城乡融合", "焕新升级", "产业深耕", "养老优化"]
    assert [answer.index(h) for h in heads] == sorted(answer.index(h) for h in heads)
    assert "5个部分" in answer


def test_the_speakers_in_the_order_they_spoke(matcher: Matcher) -> None:
    answer = _answer(matcher, "文中发言人按出场顺序是哪几位？")
    people = ["刘大鹏", "崔维廷", "王向前", "郭强"]
    assert [answer.index(p) for p in people] == sorted(answer.index(p) for p in people)
    assert "陈蕴博" not in answer  # named in the text, but he presented nothing
    assert _answer(matcher, "发布会上第一个发言的是谁？") == answer


def test_the_ending_in_the_release_own_words(matcher: Matcher, kb: KnowledgeBase) -> None:
    answer = _answer(matcher, "报道最后一句原文是什么？")
    assert "让这座城市绽放出更为耀眼的光彩" in answer
    entry = kb.by_id["jiaocheng-release-ending"]
    source = kb.sources[entry.source]
    assert quote_key(entry.quote) in quote_key(source.text)  # the quote is the source's, word for word
    assert is_derived(entry) and not is_derived(kb.by_id["elder-beds"])


def test_another_county_gets_its_own(matcher: Matcher) -> None:
    other = load_knowledge(ROOT / "examples" / "jiaokou" / "knowledge")
    speakers = other.by_id["jiaokou-release-speakers"].answer
    assert "李刚" in speakers and "交城" not in speakers
    assert "交城" not in other.by_id["jiaokou-release-headings"].answer


def test_a_curated_question_stays_with_its_entry(make_kb: Callable[..., Path]) -> None:
    long_line = "交城县委副书记、县长刘大鹏介绍，全县拥有国家级高新技术企业40户、总量全市第一，发展势头强劲。"
    source = f"""---
title: 测试材料
sections:
  - 导语
  - 科技赋能 吹响名片
  - 养老优化 打造服务
---
{long_line}
科技赋能
吹响名片
交城县副县长郭强说道，全县8个乡镇社工站挂牌成立，切实提升农村老年人生活幸福指数，成效明显。
养老优化
打造服务
交城在高质量发展的道路上多点开花，成果斐然，展现出蓬勃的发展活力与强劲的发展势头。
"""
    topic = """\
topic: 测试
source: mini
section: 导语
entries:
  - id: high-tech
    questions:
      - 交城有多少户高新技术企业？
      - 报道有哪几个小标题
    answer: 交城有国家级高新技术企业40户。
    quote: 全县拥有国家级高新技术企业40户
"""
    # the people come from scope.yaml's names: a name with a title, in a sentence where they present
    root = make_kb({"sources/mini.md": source, "scope.yaml": "names: [刘大鹏, 郭强]\n"}, topic=topic)
    kb = load_knowledge(root)
    headings = kb.by_id["mini-headings"]
    assert "报道有哪几个小标题" not in headings.questions  # the curated entry keeps it; no duplicate refused
    assert "第1部分：科技赋能 吹响名片、第2部分：养老优化 打造服务" in headings.answer
    assert "刘大鹏" in kb.by_id["mini-speakers"].answer.split("郭强")[0]
    assert kb.by_id["mini-ending"].quote.startswith("交城在高质量发展")


def test_one_item_of_the_order_is_answered(matcher: Matcher) -> None:
    # 第二个发言的 / 第一个小标题: the numbered list states it
    assert "第2位崔维廷" in _answer(matcher, "第二个发言的是谁")
    assert "第1部分：科技赋能" in _answer(matcher, "第一个小标题是什么")


def test_a_second_source_gets_its_own_and_the_base_still_loads(make_kb: Callable[..., Path]) -> None:
    # two releases, each long enough for an opening of its own: both derive the same questions (导语是怎么写的),
    # which is no mistake of the admin's: the base loads, and each opening is the source's own
    first = "交城县拥有国家级高新技术企业40户、总量全市第一，县长刘大鹏介绍说，科技创新发展势头强劲，前景十分广阔。"
    second = "第二份发布材料开头一段：全县8个乡镇社工站挂牌成立，切实提升农村老年人生活幸福指数，成效明显，群众满意。"
    root = make_kb(
        {
            "sources/mini.md": f"---\ntitle: 测试材料\nsections:\n  - 第一节\n---\n{first}\n全县8个乡镇社工站挂牌成立。\n",
            "sources/later.md": f"---\ntitle: 后续材料\nsections:\n  - 第一节\n---\n{second}\n",
        }
    )
    kb = load_knowledge(root)
    assert first in kb.by_id["mini-opening"].answer and second in kb.by_id["later-opening"].answer
    assert "导语是怎么写的" in kb.by_id["mini-opening"].questions and "导语是怎么写的" in kb.by_id["later-opening"].questions


def test_the_subtitle_and_the_captions_of_another_countys_report() -> None:
    # the 交口 base curates one overview of its pictures (quoting one caption): the captions are derived in order,
    # the subtitle too, and asked by a resident's words they answer
    other = load_knowledge(ROOT / "examples" / "jiaokou" / "knowledge")
    matcher = Matcher(other)
    captions = _answer(matcher, "文章第一张图的图片说明是什么？")
    assert captions.index("第1张：“推动高质量发展") < captions.index("第2张：交口县委副书记、县长李刚在发布会上介绍情况")
    assert "4张图" in captions and "□" not in captions and "延伸工业链条" not in captions  # no byline, no title
    assert "系列主题新闻发布会交口县专场举行" in _answer(matcher, "报道的副题写的是什么")
    for kind in ("subtitle", "captions"):
        entry = other.by_id[f"jiaokou-release-{kind}"]
        assert quote_key(entry.quote) in quote_key(other.sources[entry.source].text)


def test_captions_a_curated_entry_quotes_all_of_are_not_derived_again(kb: KnowledgeBase) -> None:
    assert "jiaocheng-release-captions" not in kb.by_id  # about-photos-overview quotes all five
    assert "jiaocheng-release-subtitle" not in kb.by_id  # the release has no subtitle line


def test_short_lines_with_no_byline_above_them_are_not_captions(small_kb: KnowledgeBase) -> None:
    # the small base's source is a list of short lines, not a report with a head: nothing is read as a caption
    assert not [e.id for e in small_kb.entries if e.id.endswith(("-captions", "-subtitle"))]
