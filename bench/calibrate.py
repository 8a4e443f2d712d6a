"""`python -m bench.calibrate` (``make calibrate``): fit the keyless answerability judge.

The Arduino help-center corpus is ingested through the real pipeline, then every labelled
question of ``bench/questions/arduino/`` goes through the product's ``SupportAgent`` with no
language model; the judge's features are read from each turn's decision trail, so they are
exactly what production computes. A logistic regression (scikit-learn, features
standardised, L2, its strength chosen by cross-validation) is fitted on the ``fit`` split
only, from two knowledge bases: the Arduino help center (414 articles) and the Lumen test
fixture (8 articles, alternate questions), so the judge holds on a small help center too.
The operating point is the highest threshold that still answers ``ANSWERED_TARGET`` of the
answerable questions on the fit split's cross-validated probabilities. The ``test`` split is
only reported, never tuned on. The result, coefficients folded back to the raw features,
is written to ``agents/support/answerability.json`` with its figures.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from agents.knowledge.retrieval import Retriever
from agents.support.agent import SupportAgent
from agents.support.grounding import FEATURES, MODEL_FILE
from agents.support.turn import HistoryMessage, TurnInput
from bench.corpus import (
    MISSING_CORPUS,
    LabelledQuestion,
    corpus_articles,
    ingest_articles,
    load_labelled,
)
from bench.stack import running_stack
from core.settings import Settings
from tests.fixtures.documents import load_articles

OUTPUT = Path(__file__).resolve().parents[1] / "agents" / "support" / MODEL_FILE
STRENGTHS = (0.1, 0.3, 1.0, 3.0, 10.0)
THRESHOLDS = np.round(np.arange(0.10, 0.91, 0.01), 2)
ANSWERED_TARGET = 0.9  # the operating point answers at least this share of answerable ones
LUMEN_QUESTIONS = (
    Path(__file__).resolve().parents[1] / "tests" / "integration" / "support_agent_questions.yaml"
)


async def _ignore(_: str) -> None:
    return None


async def _features(
    agent: SupportAgent, org_id: uuid.UUID, questions: Sequence[LabelledQuestion]
) -> list[dict[str, float]]:
    found: list[dict[str, float]] = []
    for question in questions:
        outcome = await agent.run_turn(
            TurnInput(
                org_id=org_id,
                conversation_id=uuid.uuid4(),
                question=question.text,
                history=[HistoryMessage("visitor", text) for text in question.history],
            ),
            _ignore,
        )
        grounding = outcome.trail.get("grounding") or {}
        found.append({name: float(grounding.get(name, 0.0)) for name in FEATURES})
    return found


def lumen_questions() -> list[LabelledQuestion]:
    """The Lumen fixture's questions (a small knowledge base of eight articles), split
    alternately: the judge must work on a small help center as on a large one."""
    document = yaml.safe_load(LUMEN_QUESTIONS.read_text())
    questions: list[LabelledQuestion] = []
    for kind in ("answerable", "unanswerable"):
        for index, item in enumerate(document[kind]):
            questions.append(
                LabelledQuestion(
                    id=f"lumen-{kind}-{index}",
                    split="fit" if index % 2 == 0 else "test",
                    text=str(item["question"]),
                    history=(),
                    articles=(str(item["article"]),) if kind == "answerable" else (),
                    facts=(),
                    why=str(item.get("why", "")),
                    exact_token=False,
                )
            )
    return questions


async def features_of(
    arduino: Sequence[LabelledQuestion], lumen: Sequence[LabelledQuestion]
) -> list[dict[str, float]]:
    """Each question's judge features, from a real keyless turn on its ingested corpus."""
    corpus = Settings().corpus_dir
    if corpus is None:
        raise SystemExit(MISSING_CORPUS)
    articles = corpus_articles(corpus)
    async with running_stack() as stack:
        agent = SupportAgent(Retriever(stack.session_maker, stack.embedder), None)
        org_id = await stack.create_organization("Arduino help center")
        await ingest_articles(stack.knowledge, stack.session_maker, org_id, articles)
        found = await _features(agent, org_id, arduino)
        lumen_id = await stack.create_organization("Lumen")
        await stack.ingest_files(
            lumen_id, {f"{article.slug}.md": article.markdown for article in load_articles()}
        )
        return found + await _features(agent, lumen_id, lumen)


def rates(probability: np.ndarray, labels: np.ndarray, threshold: float) -> tuple[float, float]:
    """(share of answerable questions answered, share of unanswerable ones declined)."""
    answered = float(np.mean(probability[labels == 1] >= threshold))
    declined = float(np.mean(probability[labels == 0] < threshold))
    return answered, declined


def fit(
    features: Sequence[dict[str, float]], questions: Sequence[LabelledQuestion]
) -> dict[str, Any]:
    """The fitted judge as the document ``answerability.json`` holds."""
    matrix = np.array([[row[name] for name in FEATURES] for row in features])
    labels = np.array([1 if q.answerable else 0 for q in questions])
    on_fit = np.array([q.split == "fit" for q in questions])
    x_fit, y_fit = matrix[on_fit], labels[on_fit]
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=7)

    def pipeline(strength: float) -> Any:
        return make_pipeline(StandardScaler(), LogisticRegression(C=strength, max_iter=5000))

    def best_point(probability: np.ndarray) -> tuple[float, float, float]:
        """The highest threshold that still answers ANSWERED_TARGET of the answerable
        questions: as many declines as that allows."""
        rows = [(float(t), *rates(probability, y_fit, float(t))) for t in THRESHOLDS]
        meeting = [row for row in rows if row[1] >= ANSWERED_TARGET]
        return max(meeting or rows[:1], key=lambda row: (row[2], row[0]))

    scored = []
    for strength in STRENGTHS:
        probability = cross_val_predict(
            pipeline(strength), x_fit, y_fit, cv=folds, method="predict_proba"
        )[:, 1]
        point, answered, declined = best_point(probability)
        scored.append((declined, strength, point, answered, declined))
    _, strength, point, cv_answered, cv_declined = max(scored)
    model = pipeline(strength).fit(x_fit, y_fit)
    scaler, regression = model[0], model[1]
    coefficients = regression.coef_[0] / scaler.scale_
    intercept = float(regression.intercept_[0] - np.sum(coefficients * scaler.mean_))
    test_probability = model.predict_proba(matrix[~on_fit])[:, 1]
    test_answered, test_declined = rates(test_probability, labels[~on_fit], point)
    fit_answered, fit_declined = rates(model.predict_proba(x_fit)[:, 1], y_fit, point)
    return {
        "version": f"answerability-{dt.date.today().isoformat()}",
        "features": list(FEATURES),
        "coefficients": [round(float(value), 6) for value in coefficients],
        "intercept": round(intercept, 6),
        "operating_point": point,
        "fitted_on": {
            "questions": int(on_fit.sum()),
            "answerable": int(y_fit.sum()),
            "regularisation_c": strength,
            "cross_validated": {
                "answered": round(cv_answered, 3),
                "declined": round(cv_declined, 3),
            },
            "in_sample": {"answered": round(fit_answered, 3), "declined": round(fit_declined, 3)},
        },
        "test": {
            "questions": int((~on_fit).sum()),
            "answerable": int(labels[~on_fit].sum()),
            "answered": round(test_answered, 3),
            "declined": round(test_declined, 3),
        },
        "operating_points": [
            {"threshold": float(t), "answered": round(answered, 3), "declined": round(declined, 3)}
            for t in THRESHOLDS[::5]
            for answered, declined in [rates(test_probability, labels[~on_fit], float(t))]
        ],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.calibrate", description=__doc__)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    arguments = parser.parse_args(argv)
    arduino, lumen = load_labelled(), lumen_questions()
    questions = [*arduino, *lumen]
    features = asyncio.run(features_of(arduino, lumen))
    document = fit(features, questions)
    arguments.output.write_text(json.dumps(document, indent=2) + "\n")
    print(json.dumps({key: document[key] for key in ("operating_point", "fitted_on", "test")}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
