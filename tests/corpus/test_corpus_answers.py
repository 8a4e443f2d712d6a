"""What the keyless assistant answers over the Arduino help center, asked through the API's
"try it" (the real agent, nothing stored), on the labelled questions of the test split that
stand alone (follow-ups need a conversation). Floors sit a little below what was measured, so
a regression in reading, quoting or judging fails here; ``make bench answers`` reports the
figures through the simulator."""

from __future__ import annotations

import uuid

import pytest

from agents.support.evaluation import Labels, score
from agents.support.turn import Decision
from bench.corpus import load_labelled
from tests.corpus.conftest import IngestedCorpus

pytestmark = pytest.mark.timeout(1800)

# Measured on 2026-12-03 over the 60 answerable and 30 unanswerable stand-alone test
# questions: 26/60 (0.43) with every key fact from the right article, 18/30 (0.60) declined.
# Each floor allows about four more misses.
WITH_KEY_FACTS_AT_LEAST = 0.36
DECLINED_AT_LEAST = 0.47


async def test_answers_carry_the_key_facts_and_unanswerable_questions_are_declined(
    ingested: IngestedCorpus,
) -> None:
    questions = [q for q in load_labelled() if q.split == "test" and not q.history]
    documents = {path: uuid.UUID(document) for document, path in ingested.paths.items()}
    with_facts = declined = 0
    async with ingested.api.client(headers=ingested.headers) as client:
        for question in questions:
            response = await client.post(
                f"/api/orgs/{ingested.org_id}/knowledge/try", json={"question": question.text}
            )
            response.raise_for_status()
            trial = response.json()
            labels = Labels(
                answerable=question.answerable,
                articles=frozenset(documents[a] for a in question.articles if a in documents),
                facts=question.facts,
            )
            result = score(
                trial["answer"],
                Decision(trial["decision"]),
                [uuid.UUID(c["document_id"]) for c in trial["citations"]],
                [],
                labels,
            )
            with_facts += bool(result.all_facts and result.right_article)
            declined += not question.answerable and trial["decision"] != "answer"
    answerable = sum(q.answerable for q in questions)
    unanswerable = len(questions) - answerable
    print(
        f"\nanswers: {with_facts}/{answerable} with every key fact, "
        f"{declined}/{unanswerable} unanswerable declined"
    )
    assert answerable >= 40
    assert unanswerable >= 20
    assert with_facts / answerable >= WITH_KEY_FACTS_AT_LEAST
    assert declined / unanswerable >= DECLINED_AT_LEAST
