"""Loading and validating knowledge: every mistake an admin can make is reported with file and line."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.engine.matching import Matcher, Status
from bot.knowledge.load import load_knowledge, with_common_synonyms
from bot.knowledge.model import KnowledgeBase, quote_key
from bot.knowledge.problems import KnowledgeError
from tests.conftest import MINI_TOPIC, ROOT


def problems_of(root: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(root)
    return [str(p) for p in info.value.problems]


def test_mini_base_loads(make_kb: Callable[..., Path]) -> None:
    kb = load_knowledge(make_kb())
    assert [e.id for e in kb.entries] == ["high-tech", "social-work"]
    entry = kb.by_id["high-tech"]
    assert entry.topic == "测试" and entry.section == "第一节" and entry.source == "mini"
    assert entry.line == 5 and entry.question_lines == (7, 8)
    assert kb.sources["mini"].title == "测试材料"


def test_yaml_syntax_error_names_file_and_line(make_kb: Callable[..., Path]) -> None:
    broken = MINI_TOPIC.replace("      - 高企有几家\n", "      - 高企有几家\n     answer: [unclosed\n", 1)
    problems = problems_of(make_kb(topic=broken))
    assert len(problems) == 1
    assert re.match(r"knowledge/topic\.yaml:\d+: YAML syntax error", problems[0]), problems


def test_missing_and_empty_fields(make_kb: Callable[..., Path]) -> None:
    broken = MINI_TOPIC.replace("    answer: 交城有国家级高新技术企业40户。\n", "    answer: ''\n")
    broken = broken.replace("    quote: 全县8个乡镇社工站挂牌成立\n", "")
    problems = problems_of(make_kb(topic=broken))
    assert "knowledge/topic.yaml:9: answer is empty; write the text after the colon" in problems
    assert any(p.startswith("knowledge/topic.yaml:11: entry is missing 'quote:'") for p in problems), problems


def test_wrong_types(make_kb: Callable[..., Path]) -> None:
    broken = MINI_TOPIC.replace(
        "    questions:\n      - 交城有几个乡镇社工站？\n      - 社工站\n", "    questions: 社工站有几个\n"
    )
    broken = broken.replace("    answer: 交城有国家级高新技术企业40户。", "    answer: [40户]")
    problems = problems_of(make_kb(topic=broken))
    assert any("questions must be a list" in p and ":12:" in p for p in problems), problems
    assert any("answer must be a single text, not a list" in p and ":9:" in p for p in problems), problems


def test_duplicate_ids_across_files(make_kb: Callable[..., Path]) -> None:
    other = MINI_TOPIC.replace("交城有多少户高新技术企业？", "高新技术企业数量").replace("高企有几家", "高企数目")
    other = other.replace("交城有几个乡镇社工站？", "乡镇社工站数量").replace("- 社工站\n", "- 社工站数目\n")
    problems = problems_of(make_kb({"zz-other.yaml": other}))
    assert any("duplicate id 'high-tech' (first used at knowledge/topic.yaml:5)" in p for p in problems), problems
    assert all(p.startswith("knowledge/zz-other.yaml:") for p in problems)


def test_unknown_source_and_related(make_kb: Callable[..., Path]) -> None:
    broken = MINI_TOPIC.replace("source: mini", "source: missing-doc", 1)
    broken = broken.replace("    quote: 全县8个乡镇社工站挂牌成立\n", "    quote: 全县8个乡镇社工站挂牌成立\n    related: [nope]\n")
    problems = problems_of(make_kb(topic=broken))
    assert any("unknown source 'missing-doc': add sources/missing-doc.md" in p and ":2:" in p for p in problems)
    assert any("related id 'nope' does not exist" in p for p in problems), problems


def test_quote_not_in_source(make_kb: Callable[..., Path]) -> None:
    broken = MINI_TOPIC.replace("quote: 交城县拥有国家级高新技术企业40户", "quote: 交城县拥有国家级高新技术企业41户")
    problems = problems_of(make_kb(topic=broken))
    assert problems == [
        "knowledge/topic.yaml:10: quote not found in source 'mini': copy it verbatim from knowledge/sources/mini.md "
        "(a quote may not span a heading or caption)"
    ]


def test_quote_comparison_ignores_width_space_and_punctuation() -> None:
    assert quote_key("交城县拥有国家级高新技术企业４０户，总量 全市第一。") == quote_key(
        "交城县拥有国家级高新技术企业40户、总量全市第一"
    )


def test_same_question_in_two_entries(make_kb: Callable[..., Path]) -> None:
    broken = MINI_TOPIC.replace("      - 社工站\n", "      - 高企有几家？\n")
    problems = problems_of(make_kb(topic=broken))
    assert len(problems) == 1
    assert problems[0] == (
        "knowledge/topic.yaml:14: question or keyword '高企有几家？' is also used by 'high-tech' "
        "(knowledge/topic.yaml:8); keep it in one entry only"
    )


def test_bad_synonyms_and_source_front_matter(make_kb: Callable[..., Path]) -> None:
    root = make_kb({"synonyms.yaml": "synonyms:\n  - [高企]\n  - [养老院, 养老机构]\n  - [敬老院, 养老院]\n"})
    (root / "sources" / "nofront.md").write_text("只有正文", encoding="utf-8")
    problems = problems_of(root)
    assert "knowledge/synonyms.yaml:2: a synonym group needs at least two words" in problems
    assert any(p.startswith("knowledge/synonyms.yaml:4: '养老院' is already in the group on line 3") for p in problems)
    assert any(p.startswith("knowledge/sources/nofront.md:1: a source starts with a front matter") for p in problems)


def test_unknown_field_is_reported_with_hint(make_kb: Callable[..., Path]) -> None:
    broken = MINI_TOPIC.replace("    answer: 交城有国家级高新技术企业40户。", "    anwser: 交城有国家级高新技术企业40户。")
    problems = problems_of(make_kb(topic=broken))
    assert any(":9: unknown field 'anwser' in an entry" in p for p in problems), problems
    assert any(":5: entry is missing 'answer:'" in p for p in problems), problems


def test_a_broken_file_never_gives_a_half_loaded_base(make_kb: Callable[..., Path]) -> None:
    root = make_kb({"broken.yaml": "topic: 坏\nsource: mini\nentries:\n  - id: Bad_ID\n"})
    with pytest.raises(KnowledgeError):
        load_knowledge(root)


def test_validate_command_reports_problems_and_exit_code(
    make_kb: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    good = make_kb()
    assert main(["validate", "--knowledge", str(good)]) == 0
    assert "OK: 2 entries" in capsys.readouterr().out
    bad = make_kb(topic=MINI_TOPIC.replace("40户。", "40户。\n    quote2: x"))
    assert main(["validate", "--knowledge", str(bad)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert out and all(re.match(r"^knowledge/topic\.yaml:\d+: ", line) for line in out), out


def test_validate_catches_an_entry_its_own_questions_do_not_retrieve(
    make_kb: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    # a question that is really small talk can never bring up its entry
    topic = MINI_TOPIC.replace("      - 高企有几家\n", "      - 高企有几家\n      - 谢谢\n")
    assert main(["validate", "--knowledge", str(make_kb(topic=topic))]) == 1
    out = capsys.readouterr().out
    assert "knowledge/topic.yaml:9: question '谢谢' of 'high-tech' is taken as small talk; reword it" in out


@pytest.mark.slow
def test_shipped_base_validates(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--knowledge", str(ROOT / "knowledge")]) == 0
    *notes, last = capsys.readouterr().out.splitlines()
    assert last.startswith("OK: ")
    assert all(": warning: " in line for line in notes), [n for n in notes if ": warning: " not in n]


# ---- the content of the shipped base ---------------------------------------------------------------


def test_shipped_base_size_and_shape(kb: KnowledgeBase) -> None:
    assert 130 <= len(kb.entries) <= 200
    for entry in kb.entries:
        assert len(entry.questions) >= 5, entry.id
        sentences = entry.answer.count("。") + entry.answer.count("！") + entry.answer.count("？")
        assert sentences in range(1, 5), entry.id
    assert len(kb.synonyms) >= 30


def test_every_number_of_the_release_is_answered(kb: KnowledgeBase) -> None:
    text = kb.sources["jiaocheng-release"].text
    answers = " ".join(e.answer for e in kb.entries)
    numbers = set(re.findall(r"\d+(?:\.\d+)?", text))
    missing = [n for n in numbers if not re.search(rf"(?<![\d.]){re.escape(n)}(?![\d.])", answers)]
    assert len(numbers) > 70 and not missing


def test_every_named_programme_and_title_is_answered(kb: KnowledgeBase) -> None:
    text = kb.sources["jiaocheng-release"].text
    answers = quote_key(" ".join(e.answer for e in kb.entries))
    names = set(re.findall(r"[“《]([^”》]{2,30})[”》]", text))
    missing = [n for n in names if quote_key(n) not in answers]
    assert len(names) > 50 and not missing


def test_speakers_author_organisers_and_captions_are_answered(kb: KnowledgeBase) -> None:
    answers = " ".join(e.answer for e in kb.entries)
    for fact in ("冀美丽", "刘大鹏", "崔维廷", "王向前", "郭强", "中共吕梁市委宣传部", "吕梁市人民政府新闻办公室",
                 "回家山", "宜居交城", "县市区专场第五场"):
        assert fact in answers, fact


# -- files as county staff save them ------------------------------------------------------------------


SYNONYMS = "synonyms:\n  - [养老机构, 养老院]\n  - [高新技术企业, 高企]\n"
SCOPE = "other_places: [太原]\nnot_covered: [天气]\n"


def _problems(directory: Path) -> list[str]:
    try:
        load_knowledge(directory)
    except KnowledgeError as exc:
        return [str(p) for p in exc.problems]
    return []


def test_bom_crlf_and_gbk_files_are_read(make_kb: Any) -> None:
    root = make_kb()
    (root / "synonyms.yaml").write_bytes(SYNONYMS.replace("\n", "\r\n").encode("gbk"))
    (root / "scope.yaml").write_bytes("\ufeff".encode() + SCOPE.replace("\n", "\r\n").encode("utf-8"))
    (root / "topic.yaml").write_bytes(MINI_TOPIC.encode("gb18030"))
    kb = load_knowledge(root)
    # the file's group, and the language's common words after the file's own (养老院 stays in the file's group)
    assert kb.synonyms[0][:2] == ("养老机构", "养老院") and kb.scope.other_places == ("太原",)
    assert kb.by_id["high-tech"].answer == "交城有国家级高新技术企业40户。"


def test_a_source_saved_with_a_bom_keeps_its_front_matter(make_kb: Any) -> None:
    root = make_kb()
    source = root / "sources" / "mini.md"
    source.write_bytes("\ufeff".encode() + source.read_bytes().replace(b"\n", b"\r\n"))
    assert load_knowledge(root).sources["mini"].title == "测试材料"


def test_a_tab_in_the_indentation_says_file_line_and_the_fix(make_kb: Any) -> None:
    root = make_kb({"synonyms.yaml": "synonyms:\n\t- [养老机构, 养老院]\n"})
    problems = _problems(root)
    assert problems == ["knowledge/synonyms.yaml:2: a tab character on this line; YAML indents with spaces only: "
                        "replace the tab with spaces"]


def test_a_folder_an_unreadable_file_and_broken_utf8_are_file_line_problems(make_kb: Any) -> None:
    root = make_kb()
    (root / "scope.yaml").mkdir()
    (root / "gone.yaml").symlink_to(root / "nowhere.yaml")  # listed, but cannot be read
    (root / "synonyms.yaml").write_bytes(("synonyms:\n  - [养老机构, 养老院]\n" * 5).encode() + b"  - [\xff\xfe]\n")
    problems = _problems(root)
    assert "knowledge/scope.yaml:1: is a folder, but a file is expected here; move the folder away or rename it" \
        in problems
    assert any(p.startswith("knowledge/gone.yaml:1: cannot be read") for p in problems)
    assert any(p.startswith("knowledge/synonyms.yaml:11: is not UTF-8 text (byte 0xff on this line); save it as UTF-8")
               for p in problems)


def test_cli_validate_reports_a_folder_without_a_traceback(make_kb: Any, capsys: Any) -> None:
    root = make_kb()
    (root / "scope.yaml").mkdir()
    assert main(["validate", "--knowledge", str(root)]) == 1
    out, err = capsys.readouterr()
    assert "scope.yaml:1: is a folder" in out and "Traceback" not in out + err


def test_the_languages_common_words_join_a_base_without_overriding_its_own() -> None:
    own = (("养老机构", "养老院"), ("厂子", "车间"))
    common = (("养老机构", "敬老院", "养老院"), ("企业", "公司", "厂子"), ("照片", "相片"))
    merged = with_common_synonyms(own, common)
    assert merged[0] == ("养老机构", "养老院", "敬老院")  # the base's group takes the common group's other words
    assert merged[1] == ("厂子", "车间")  # a word the base groups stays where it put it
    assert ("企业", "公司") in merged and ("照片", "相片") in merged


def test_a_base_without_a_synonyms_file_still_knows_everyday_words(small_kb: KnowledgeBase) -> None:
    # the small base lists no synonyms: 敬老院 and 床 are the language's own words for 养老机构 and 床位
    matcher = Matcher(small_kb)
    for question in ("敬老院的床有几张", "老人院一共多少个床"):
        result = matcher.match(question)
        assert result.status is Status.ANSWERED and result.entry is not None and result.entry.id == "beds", result
