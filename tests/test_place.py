"""The deployment's place and the language as data: another county's base answers as that county, with no
word of the shipped county; every gap kind has its text; the admin checks of validate."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pytest
import yaml

from bot.engine.decide import Gap, GapKind
from bot.engine.matching import Matcher, Status
from bot.engine.render import describe_gaps, render_text
from bot.knowledge.load import load_knowledge
from bot.knowledge.problems import KnowledgeError
from bot.language import Lexicon
from bot.messages import GAP_KINDS

ROOT = Path(__file__).resolve().parent.parent

PINGYAO_SOURCE = """---
title: 平遥县高质量发展发布会
sections: [科技创新, 养老服务]
speakers:
  养老服务: 平遥县副县长张三
---
平遥

科技创新

平遥县拥有国家级高新技术企业25户，总量全市第二。

养老服务

全县12个乡镇社工站挂牌成立，养老床位达到600张。
"""
PINGYAO_TOPIC = """\
topic: 平遥概况
source: pingyao
entries:
  - id: pingyao-high-tech
    section: 科技创新
    questions: [平遥县有多少户国家级高新技术企业？, 高企有几家, 高新技术企业多少户]
    answer: 平遥县有国家级高新技术企业25户，总量全市第二。
    quote: 平遥县拥有国家级高新技术企业25户，总量全市第二
  - id: pingyao-social-work
    section: 养老服务
    questions: [平遥县有几个乡镇社工站？, 社工站, 社工站有多少个]
    answer: 全县12个乡镇社工站挂牌成立。
    quote: 全县12个乡镇社工站挂牌成立
"""
PINGYAO_PLACE = """\
name: 平遥问答
county: 平遥县
city: 晋中市
province: 山西省
event: 平遥县高质量发展发布会
examples: [平遥县有几个乡镇社工站？]
"""


@pytest.fixture
def pingyao(tmp_path: Path) -> Path:
    root = tmp_path / "pingyao"
    (root / "sources").mkdir(parents=True)
    (root / "sources" / "pingyao.md").write_text(PINGYAO_SOURCE, encoding="utf-8")
    (root / "topics.yaml").write_text(PINGYAO_TOPIC, encoding="utf-8")
    (root / "place.yaml").write_text(PINGYAO_PLACE, encoding="utf-8")
    (root / "scope.yaml").write_text("other_places: [太原, 交城]\nnot_covered: [天气]\n", encoding="utf-8")
    return root


def test_another_countys_base_answers_as_that_county(pingyao: Path) -> None:
    kb = load_knowledge(pingyao)
    matcher = Matcher(kb)
    # the county's own name in a question is not another place
    result = matcher.match("平遥县里有几个社工站")
    assert result.status is Status.ANSWERED and result.entry is not None and result.entry.id == "pingyao-social-work"
    # a total for the city above it is not the county's own figure
    assert matcher.match("整个晋中有多少户高新技术企业").status is not Status.ANSWERED
    assert matcher.match("晋中市一共有多少户高新技术企业").status is not Status.ANSWERED
    # small talk, help and refusals name this county and never the shipped one
    replies = [render_text(matcher.match(q), kb) for q in ("你好", "你是谁", "帮助", "太原有多少高企", "明天天气")]
    assert "平遥问答" in replies[0] and "平遥县" in replies[3]
    assert not any("交城" in r or "吕梁" in r for r in replies), replies


def test_a_base_without_a_place_file_names_no_county(pingyao: Path) -> None:
    (pingyao / "place.yaml").unlink()
    kb = load_knowledge(pingyao)
    matcher = Matcher(kb)
    refusal = render_text(matcher.match("太原有多少高企"), kb)
    assert "太原" in refusal and "只介绍了" not in refusal
    greeting = render_text(matcher.match("你好"), kb)
    assert "县情问答" in greeting and "交城" not in greeting


def test_a_sections_speaker_answers_who_presented_it(pingyao: Path) -> None:
    kb = load_knowledge(pingyao)
    assert kb.by_id["pingyao-social-work"].answer.startswith("据平遥县副县长张三介绍，")
    assert kb.by_id["pingyao-high-tech"].answer.startswith("平遥县有")  # no speaker for that section
    result = Matcher(kb).match("社工站是谁介绍的")
    assert result.status is Status.ANSWERED and result.entry is not None and "张三" in result.entry.answer


def test_place_file_mistakes_name_file_and_line(pingyao: Path) -> None:
    (pingyao / "place.yaml").write_text("name: 平遥问答\ncounty: 平遥\ncitty: 晋中市\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(pingyao)
    text = str(caught.value)
    assert "place.yaml:2: county '平遥' must be the full name" in text
    assert "place.yaml:3: unknown field 'citty'" in text


def test_adding_a_question_word_is_one_line_of_data() -> None:
    data = resources.files("bot.language").joinpath("zh.yaml").read_text(encoding="utf-8")
    before = Lexicon(yaml.safe_load(data), "zh")
    row = "  - [几多, mark, interrogative, asking, near]\n"
    after = Lexicon(yaml.safe_load(data.replace("question_words:\n", "question_words:\n" + row)), "zh")
    for role in ("mark", "interrogative", "asking", "near"):
        assert after.question_pattern(role).fullmatch("几多"), role
        assert not before.question_pattern(role).fullmatch("几多"), role
    assert not after.question_pattern("yes_no").search("几多")


def test_every_gap_kind_has_a_text_a_resident_reads() -> None:
    assert set(GapKind) <= set(GAP_KINDS), set(GapKind) - set(GAP_KINDS)
    for kind in GapKind:
        said = describe_gaps((Gap(kind, "磷酸二铵"),))
        assert said and said != "您问的这个细节", kind
    assert "磷酸二铵" in describe_gaps((Gap(GapKind.COMPARE, "磷酸二铵"),))
    with pytest.raises(ValueError):
        Gap("no-such-kind")


def _validate(knowledge: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "validate", "--knowledge", str(knowledge)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )


@pytest.mark.slow
def test_validate_refuses_a_quote_that_runs_into_a_caption(make_kb: Callable[..., Path]) -> None:
    source = (
        "---\ntitle: 测试\n---\n开发区作为全县经济发展的主阵地和主引擎，目前入驻企业达340户，其中“四上”企业93户、规上工业企业\n"
        "发布会现场\n88户，作用愈发突出。\n"
    )
    topic = """\
topic: 测试
source: mini
entries:
  - id: zone
    questions: [开发区有多少户企业, 入驻企业]
    answer: 开发区入驻企业340户。
    quote: 规上工业企业 发布会现场 88户
"""
    root = make_kb({"sources/mini.md": source}, topic=topic)
    done = _validate(root)
    assert done.returncode == 1
    assert "topic.yaml:7: quote crosses a heading or caption ('发布会现场')" in done.stdout


@pytest.mark.slow
def test_validate_warns_of_a_not_covered_word_an_entry_states(make_kb: Callable[..., Path]) -> None:
    root = make_kb({"scope.yaml": "not_covered: [社工站, 天气]\n"})
    done = _validate(root)
    lines = done.stdout.splitlines()
    assert any(line.startswith(f"{root / 'scope.yaml'}:1: warning: not_covered '社工站' occurs in entry 'social-work'")
               for line in lines), done.stdout
    assert not any("'天气'" in line for line in lines)
    assert done.stdout.endswith("\n") and "problem(s) found" not in done.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    ("answer", "warning"),
    [
        ("全县乡镇社工站服务约1.2万。", "warning: the answer of 'social-work' states '1.2万' without a unit"),
        # after a claim is corrected the reply would read "不对……。是的，……"
        ("是的，全县8个乡镇社工站挂牌成立。", "warning: the answer of 'social-work' begins '是的，'; state the fact without it"),
    ],
)
def test_validate_warns_of_an_answer_the_bot_cannot_use_as_written(
    make_kb: Callable[..., Path], answer: str, warning: str
) -> None:
    topic = f"""\
topic: 测试
source: mini
entries:
  - id: social-work
    questions: [交城有几个乡镇社工站？, 社工站]
    answer: {answer}
    quote: 全县8个乡镇社工站挂牌成立
"""
    done = _validate(make_kb(topic=topic))
    assert done.returncode == 0, done.stdout
    assert warning in done.stdout
