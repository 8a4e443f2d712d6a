"""`python -m bench.calibrate` (``make calibrate``): fit the keyless answerability judge.

The Arduino help-center corpus is ingested through the real pipeline, then every labelled
question of ``bench/questions/arduino/`` goes through the product's ``SupportAgent`` with no
language model; the judge's features are read from each turn's decision trail, so they are
exactly what production computes. A logistic regression (scikit-learn, features
standardised, L2, its strength chosen by cross-validation) is fitted on the ``fit`` split
only. The operating point is the threshold that maximises answered-when-answerable plus
declined-when-not on the fit split's cross-validated probabilities. The ``test`` split is
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

OUTPUT = Path(__file__).resolve().parents[1] / "agents" / "support" / MODEL_FILE
STRENGTHS = (0.1, 0.3, 1.0, 3.0, 10.0)
THRESHOLDS = np.round(np.arange(0.10, 0.91, 0.01), 2)


async def _ignore(_: str) -> None:
    return None


async def features_of(questions: Sequence[LabelledQuestion]) -> list[dict[str, float]]:
    """Each question's judge features, from a real keyless turn on the ingested corpus."""
    corpus = Settings().corpus_dir
    if corpus is None:
        raise SystemExit(MISSING_CORPUS)
    articles = corpus_articles(corpus)
    async with running_stack() as stack:
        org_id = await stack.create_organization("Arduino help center")
        await ingest_articles(stack.knowledge, stack.session_maker, org_id, articles)
        agent = SupportAgent(Retriever(stack.session_maker, stack.embedder), None)
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
        return max(
            ((float(t), *rates(probability, y_fit, float(t))) for t in THRESHOLDS),
            key=lambda row: (row[1] + row[2], row[1]),
        )

    scored = []
    for strength in STRENGTHS:
        probability = cross_val_predict(
            pipeline(strength), x_fit, y_fit, cv=folds, method="predict_proba"
        )[:, 1]
        point, answered, declined = best_point(probability)
        scored.append((answered + declined, strength, point, answered, declined))
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
            {
                "threshold": float(t),
                "answered": round(rates(test_probability, labels[~on_fit], float(t))[0], 3),
                "declined": round(rates(test_probability, labels[~on_fit], float(t))[1], 3),
            }
            for t in THRESHOLDS[::5]
        ],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.calibrate", description=__doc__)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    arguments = parser.parse_args(argv)
    questions = load_labelled()
    features = asyncio.run(features_of(questions))
    document = fit(features, questions)
    arguments.output.write_text(json.dumps(document, indent=2) + "\n")
    print(json.dumps({key: document[key] for key in ("operating_point", "fitted_on", "test")}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
