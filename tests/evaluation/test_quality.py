"""Answer quality on the development questions (worded independently of the knowledge base)."""

from __future__ import annotations

import pytest

from bot.engine.matching import Matcher
from bot.evaluation.quality import LabelledSet, evaluate, load_labelled_set
from bot.knowledge.model import KnowledgeBase
from tests.conftest import ROOT

DEV = ROOT / "tests" / "data" / "dev_questions.yaml"


@pytest.fixture(scope="module")
def dev() -> LabelledSet:
    return load_labelled_set(DEV)


def test_dev_set_is_large_labelled_and_independent(dev: LabelledSet, kb: KnowledgeBase, matcher: Matcher) -> None:
    assert len(dev.in_scope) >= 200 and len(dev.out_of_scope) >= 40
    assert all(entry_id in kb.by_id for _, entry_id in dev.in_scope)
    norm = matcher.normalizer.plain  # copied as written (synonyms may make two wordings one key: 稿子/报道)
    kb_keys = {norm(q) for e in kb.entries for q in (*e.questions, *e.keywords)}
    copied = [q for q, _ in dev.in_scope if norm(q) in kb_keys] + [q for q in dev.out_of_scope if norm(q) in kb_keys]
    assert copied == []
    assert len({entry_id for _, entry_id in dev.in_scope}) >= 150  # spread over the base


@pytest.mark.slow
def test_quality_bars(dev: LabelledSet, matcher: Matcher) -> None:
    report = evaluate(matcher.match, dev)
    # Floors at the measured figures (the answerability checks trade a few dev answers for honesty on
    # unseen near misses): no dev question answered wrongly, ≥ 94% right, ≥ 95% out of scope declined.
    assert report.wrong_rate == 0.0, report.misses
    assert report.correct_rate >= 0.94, (report.summary(), report.misses)
    assert report.rejected_rate >= 0.95, (report.summary(), report.false_answers)


# sets first measured with more noisy questions answered wrong than the others' ceiling (their header says which)
_NOISY_WRONG = {"fresh_BF.yaml": 0.067}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "right", "wrong", "declined"),
    [
        ("fresh_A.yaml", 0.94, 0.015, 0.95),
        ("fresh_B.yaml", 0.87, 0.015, 0.96),
        ("fresh_C.yaml", 0.86, 0.015, 0.95),
        ("fresh_D.yaml", 0.90, 0.01, 0.95),
        ("fresh_E.yaml", 0.95, 0.01, 0.96),
        ("fresh_F.yaml", 0.91, 0.01, 0.92),
        ("fresh_G.yaml", 0.94, 0.01, 0.98),
        ("fresh_H.yaml", 0.96, 0.01, 0.96),
        ("fresh_I.yaml", 0.945, 0.01, 0.96),
        ("fresh_J.yaml", 0.90, 0.01, 0.95),  # measured once, unseen, on the final engine (see README)
        ("fresh_L.yaml", 0.95, 0.02, 0.975),
        ("fresh_K.yaml", 0.965, 0.01, 0.93),  # measured once, unseen, on the engine at e5496b1 (see README)
        ("fresh_M.yaml", 0.95, 0.02, 0.945),  # measured once, unseen, on the engine at e5496b1 (see README)
        ("fresh_N.yaml", 0.955, 0.01, 0.945),  # measured once, unseen, on the engine at 5e13a45 (see README)
        ("fresh_O.yaml", 0.985, 0.01, 0.945),  # measured once, unseen, on the engine at 5e13a45 (see README)
        ("fresh_P.yaml", 0.975, 0.01, 0.97),  # measured once, unseen, on the final engine e031cd8 (see README)
        ("fresh_Q.yaml", 0.94, 0.01, 0.98),  # measured once, unseen, on the final engine e031cd8 (see README)
        ("fresh_R.yaml", 0.925, 0.01, 0.95),  # measured once, unseen, on 81a25be; then read (see its header)
        ("fresh_S.yaml", 0.965, 0.01, 0.89),  # measured once, unseen, on 81a25be; then read (see its header)
        ("fresh_T.yaml", 0.94, 0.01, 0.93),  # measured once, unseen, on the final engine f766652 (see its header)
        ("fresh_U.yaml", 0.915, 0.01, 0.945),  # measured once, unseen, on the final engine f766652 (see its header)
        ("fresh_V.yaml", 0.89, 0.04, 0.925),  # measured once, unseen, on 7d38f82 (see its header)
        ("fresh_W.yaml", 0.935, 0.016, 0.955),  # measured once, unseen, on 7d38f82 (see its header)
        ("fresh_X.yaml", 0.965, 0.01, 0.965),  # measured once, unseen, on f7b10d4 (see its header); then read
        ("fresh_Y.yaml", 0.96, 0.01, 0.945),  # measured once, unseen, on f7b10d4 (see its header); then read
        ("fresh_Z.yaml", 0.975, 0.01, 0.975),  # measured once, unseen, on 28301e6 (see its header); then read
        ("fresh_AA.yaml", 0.905, 0.016, 0.955),  # measured once, unseen, on the final engine 251ea02 (its header)
        ("fresh_AB.yaml", 0.89, 0.01, 0.975),  # measured once, unseen, on the final engine 251ea02 (its header)
        ("fresh_AC.yaml", 0.95, 0.01, 0.975),  # measured once, unseen, on the final engine 251ea02 (its header)
        ("fresh_AD.yaml", 0.95, 0.016, 0.955),  # measured once, unseen, on the final engine 1d4dcb8 (its header)
        ("fresh_AE.yaml", 0.875, 0.024, 0.995),  # measured once, unseen, on the final engine 1d4dcb8 (its header)
        ("fresh_AF.yaml", 0.89, 0.01, 0.935),  # measured once, unseen, on the final engine 1d4dcb8 (its header)
        ("fresh_AG.yaml", 0.93, 0.016, 0.955),  # measured once, unseen, on eda3a22 (its header)
        ("fresh_AH.yaml", 0.93, 0.01, 0.945),  # measured once, unseen, on eda3a22 (its header)
        ("fresh_AI.yaml", 0.875, 0.01, 0.965),  # measured once, unseen, on the final engine f83e94e (its header)
        ("fresh_AJ.yaml", 0.90, 0.01, 0.965),  # measured once, unseen, on the final engine f83e94e (its header)
        ("fresh_AK.yaml", 0.95, 0.01, 0.965),  # measured once, unseen, on fd3b8e6 (its header)
        ("fresh_AL.yaml", 0.96, 0.01, 0.965),  # measured once, unseen, on fd3b8e6 (its header)
        ("fresh_AM.yaml", 0.875, 0.031, 0.985),  # measured once, unseen, on e616e86 (its header)
        ("fresh_AN.yaml", 0.98, 0.01, 0.955),  # measured once, unseen, on e616e86 (its header)
        ("fresh_AO.yaml", 0.965, 0.01, 0.965),  # measured once, unseen, on f6efd88 (its header)
        ("fresh_AP.yaml", 0.96, 0.01, 0.975),  # measured once, unseen, on f6efd88 (its header)
        ("fresh_AQ.yaml", 0.93, 0.016, 0.985),  # measured once, unseen, on eb21444 (its header)
        ("fresh_AR.yaml", 0.905, 0.01, 0.985),  # measured once, unseen, on eb21444 (its header)
        ("fresh_AS.yaml", 0.96, 0.01, 0.955),  # measured once, unseen, on f05afde (its header)
        ("fresh_AT.yaml", 0.935, 0.024, 0.965),  # measured once, unseen, on f05afde (its header)
        ("fresh_AU.yaml", 0.94, 0.024, 0.965),  # measured once, unseen, on 61dab09 (its header)
        ("fresh_AV.yaml", 0.95, 0.031, 0.975),  # measured once, unseen, on 61dab09 (its header)
        ("fresh_AW.yaml", 0.94, 0.031, 0.945),  # measured once, unseen, on 50dfa47 (its header)
        ("fresh_AX.yaml", 0.935, 0.016, 0.985),  # measured once, unseen, on 50dfa47 (its header)
        ("fresh_AY.yaml", 0.94, 0.01, 0.975),  # measured once, unseen, on f4a79e9 (its header)
        ("fresh_AZ.yaml", 0.98, 0.01, 0.995),  # measured once, unseen, on f4a79e9 (its header)
        ("fresh_BA.yaml", 0.955, 0.01, 0.955),  # measured once, unseen, on 7023711 (its header)
        ("fresh_BB.yaml", 0.77, 0.03, 0.89),  # measured once, unseen, on 7023711 (its header): English
        ("fresh_BC.yaml", 0.92, 0.01, 0.935),  # measured once, unseen, on 25b5ec6 (its header)
        ("fresh_BD.yaml", 0.75, 0.031, 0.85),  # measured once, unseen, on 25b5ec6 (its header): English
        ("fresh_BF.yaml", 0.92, 0.01, 0.955),  # measured once, unseen, on 5ff628c (its header)
        ("fresh_BH.yaml", 0.93, 0.01, 0.965),  # measured once, unseen, on 1b18d7c (its header)
        ("fresh_BI.yaml", 0.96, 0.01, 0.925),  # measured once, unseen, on 87c0bfb (its header)
        ("fresh_BJ.yaml", 0.93, 0.01, 0.965),  # measured once, unseen, on 1ab23ad (its header)
        ("fresh_BK.yaml", 0.83, 0.016, 0.955),  # measured once, unseen, on 3160d1d (its header): two run-together asks
        ("fresh_BL.yaml", 0.93, 0.01, 0.91),  # measured once, unseen, on 6562f57 (its header)
        ("fresh_BM.yaml", 0.91, 0.01, 0.96),  # measured once, unseen, on 77dda81 (its header)
        ("fresh_BN.yaml", 0.93, 0.01, 0.975),  # measured once, unseen, on ff53c12 (its header)
        ("fresh_BO.yaml", 0.94, 0.01, 0.92),  # measured once, unseen, on d3628bb (its header)
        ("fresh_BP.yaml", 0.96, 0.01, 0.995),  # measured once, unseen, on 1f5fe13 (its header)
        ("fresh_BQ.yaml", 0.94, 0.025, 0.945),  # measured once, unseen, on a78f59b (its header): three wrong
        ("fresh_BR.yaml", 0.905, 0.01, 0.955),  # measured once, unseen, on cf41c73 (its header)
        ("english_probe.yaml", 0.975, 0.01, 0.85),  # English and mixed questions (bot/language/en.yaml)
    ],
)
def test_fresh_sets_stay_honest(
    name: str, right: float, wrong: float, declined: float, matcher: Matcher, kb: KnowledgeBase
) -> None:
    from bot.engine.render import to_json
    from bot.evaluation.judge import judge_set, load_fresh_set

    report = judge_set(load_fresh_set(DEV.parent / name), lambda q: to_json(matcher.match(q), kb))
    figures = report.figures()
    # regression floors at today's figures on the sets the thresholds were fitted on (see README)
    noisy_wrong = _NOISY_WRONG.get(name, 0.06)
    assert figures["wrong"] <= wrong and figures["noisy_wrong"] <= noisy_wrong, report.summary()
    assert figures["right"] >= right and figures["oos_declined"] >= declined, report.summary()
