"""The learned answer decision: its features, the model file, and the command that fits it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.engine.analyse import analyse
from bot.engine.decide import Scored
from bot.engine.decision import FEATURES, DecisionModel, ModelError, decision_features, fit_logistic
from bot.engine.gaps import Gap, GapKind
from bot.engine.matching import Matcher, Status
from bot.knowledge.model import KnowledgeBase


def _features(matcher: Matcher, question: str, *, part: bool = False) -> dict[str, float]:
    analysis = analyse(matcher.normalizer, question, matcher.decider.vocabulary)
    values = matcher.features(question, analysis, part=part)
    assert values is not None
    assert len(values) == len(FEATURES)
    return dict(zip(FEATURES, values, strict=True))


def test_every_check_is_a_feature() -> None:
    expected = {"score", "base", "kept", "lead", "lead_capped", "runner_up", "concurs", "close", "gapped", "length", "part",
                "score_x_lead", "score_sq"}
    assert expected <= set(FEATURES)
    # every gap kind a check finds, one-hot (words lower the score instead of making a gap)
    assert {f"gap:{k.value}" for k in GapKind if k is not GapKind.WORDS} <= set(FEATURES)


def test_features_of_a_clear_question(matcher: Matcher) -> None:
    f = _features(matcher, "养老院有几张床")
    assert f["score"] > 0.8 and f["base"] == f["score"] and f["kept"] == 1.0
    assert f["lead"] > 0.3 and f["lead_capped"] == pytest.approx(0.1)
    assert f["gapped"] == 0.0 and f["part"] == 0.0
    assert not any(v for k, v in f.items() if k.startswith("gap:"))


def test_features_name_the_gap_of_the_best_entry(matcher: Matcher) -> None:
    price = _features(matcher, "交城硝基肥一吨多少钱")
    assert price["gapped"] == 1.0 and price["gap:ask:price"] == 1.0
    assert price["kept"] < 1.0 and price["score"] < price["base"]
    scope = _features(matcher, "上海有多少高新技术企业")
    assert scope["gap:scope"] == 1.0 and scope["gap:ask:price"] == 0.0


def test_features_of_a_part_and_its_length(matcher: Matcher) -> None:
    short = _features(matcher, "社工站有几个", part=True)
    assert short["part"] == 1.0
    longer = _features(matcher, "我家老人住在夏家营镇，想问问咱们县的乡镇社工站一共有几个啊", part=False)
    assert longer["part"] == 0.0 and longer["length"] > short["length"]


def test_runner_up_that_concurs_takes_nothing_from_the_lead() -> None:
    ranked = [Scored(80.0, 0, "q", (), 80.0), Scored(79.0, 1, "q", (), 79.0), Scored(50.0, 2, "q", (), 50.0)]
    f = dict(zip(FEATURES, decision_features(ranked, 50.0, concurs=True, suggest=40.0, length=6, part=False), strict=True))
    assert f["concurs"] == 1.0 and f["lead"] == pytest.approx(0.3) and f["close"] == 2.0
    gapped = [Scored(40.0, 0, "q", (Gap(GapKind.PERIOD, "去年"),), 66.0)]
    g = dict(zip(FEATURES, decision_features(gapped, 0.0, concurs=False, suggest=40.0, length=6, part=True), strict=True))
    assert g["gap:period"] == 1.0 and g["concurs"] == 0.0 and g["close"] == 0.0 and g["part"] == 1.0


def _constant(bias: float) -> DecisionModel:
    n = len(FEATURES)
    return DecisionModel((0.0,) * n, bias, (0.0,) * n, (1.0,) * n, threshold=0.5)


def test_the_model_decides_in_place_of_the_rules(kb: KnowledgeBase) -> None:
    never = Matcher(kb, decision=_constant(-10.0))
    assert never.match("养老院有几张床").status is not Status.ANSWERED
    always = Matcher(kb, decision=_constant(10.0))
    result = always.match("养老院有几张床")
    assert result.status is Status.ANSWERED and result.entry is not None and result.entry.id == "elder-beds"


def test_the_model_file_round_trips_and_refuses_other_features(tmp_path: Path) -> None:
    weights, _, _, _ = fit_logistic([[0.0, 1.0], [1.0, 0.0], [0.9, 0.1], [0.1, 0.8]], [0, 1, 1, 0])
    assert weights[0] > 0 > weights[1]  # the model learns which way each feature points
    model = _constant(0.3)
    path = tmp_path / "decision.json"
    model.save(path)
    loaded = DecisionModel.load(path)
    assert loaded == model and loaded.answers([0.0] * len(FEATURES))
    data = model.to_json()
    data["features"] = data["features"][:-1]
    with pytest.raises(ModelError, match="fit --learn"):
        DecisionModel.from_json(data)
    with pytest.raises(ModelError, match="fit --learn"):
        DecisionModel.load(tmp_path / "missing.json")


_SMALL_A = """\
in_scope:
  - {q: "养老院有几张床", id: elder-beds}
  - {q: "咱县高企几家", id: tech-high-tech-enterprises}
  - {q: "社工站有几个", id: elder-social-work-stations}
out_of_scope:
  - "明天天气怎么样"
  - "县委书记是谁"
"""
_SMALL_B = """\
in_scope:
  - {q: "县长是谁", facts: ["刘大鹏"]}
  - {q: "这篇稿子是谁写的", facts: ["冀美丽"]}
out_of_scope:
  - {q: "上海有多少高新技术企业", kind: elsewhere}
  - {q: "交城房价多少钱一平", kind: unmentioned}
"""


def test_fit_learn_writes_a_model_the_matcher_uses(
    tmp_path: Path, kb: KnowledgeBase, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.yaml").write_text(_SMALL_A, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(_SMALL_B, encoding="utf-8")
    target = tmp_path / "decision.json"
    code = main(["fit", "--learn", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"), "--out", str(target)])
    text = capsys.readouterr().out
    assert code == 0
    assert "leave one set out" in text and "a.yaml" in text and "b.yaml" in text and "pooled" in text
    model = DecisionModel.load(target)
    assert model.about["fitted_on"] == ["a.yaml", "b.yaml"]
    assert set(model.about["held_out"]) == {"a.yaml", "b.yaml"}
    assert Matcher(kb, decision=model).match("养老院有几张床").status is Status.ANSWERED
