"""Scoring one answer against its labels (agents/support/evaluation.py), on answers written
the way the extractive responder and a model write them."""

from __future__ import annotations

import uuid

from agents.knowledge.retrieval import RetrievedPassage
from agents.support.evaluation import (
    Labels,
    answer_sentences,
    normalise,
    score,
    unsupported_sentences,
)
from agents.support.extractive import compose_answer, lead
from agents.support.prompts import EXTRACTIVE_LEAD, HANDOFF_TEXT
from agents.support.turn import Decision

RESET = uuid.uuid4()
WARRANTY = uuid.uuid4()

RESET_ARTICLE = """# Factory reset

A factory reset erases the **Wi-Fi credentials** and every schedule.

1. Make sure the lamp is plugged in and switched on.
2. Press and hold the brightness dial on the base for 12 seconds.
3. Release the dial when the ring pulses amber three times.

If the ring pulses red instead of amber, the dial was released too early. See the \
[warranty page](https://example.test/warranty) for replacements."""

RESET_LABELS = Labels(
    answerable=True,
    articles=frozenset({RESET}),
    facts=("12 seconds", "pulses amber three times"),
)
UNANSWERABLE = Labels(answerable=False)


def _passage(content: str, document: uuid.UUID) -> RetrievedPassage:
    return RetrievedPassage(
        chunk_id=uuid.uuid4(),
        document_id=document,
        title="Factory reset",
        section="Factory reset",
        content=content,
        source_url=None,
        score=0.8,
        rank=1,
    )


def test_normalising_drops_markers_emphasis_and_typographic_apostrophes() -> None:
    assert normalise("Hold **the  dial**\n for `12` seconds [1] \u2019ok\u2019") == (
        "hold the dial for 12 seconds 'ok'"
    )


async def test_an_extractive_answer_from_the_right_article_scores_every_fact_and_no_gap() -> None:
    extract = await compose_answer(
        "How do I factory reset my lamp?", [_passage(RESET_ARTICLE, RESET)]
    )
    assert extract is not None
    result = score(
        lead() + extract.text,
        Decision.ANSWER,
        [citation.document_id for citation in extract.citations],
        [RESET_ARTICLE],
        RESET_LABELS,
    )
    assert result.decided_right
    assert (result.facts_found, result.facts_total, result.all_facts) == (2, 2, True)
    assert result.right_article is True
    assert result.unsupported_sentences == []


def test_a_sentence_not_in_the_cited_passage_is_unsupported() -> None:
    text = (
        f"{EXTRACTIVE_LEAD}\n\n"
        "Press and hold the brightness dial on the base for 12 seconds. "
        "The lamp then reboots into pairing mode. [1]\n\n"
        "Read the full article: Factory reset"
    )
    result = score(text, Decision.ANSWER, [WARRANTY], [RESET_ARTICLE], RESET_LABELS)
    assert result.unsupported_sentences == ["The lamp then reboots into pairing mode."]
    assert result.right_article is False
    assert (result.facts_found, result.all_facts) == (1, False)


def test_a_quoted_link_and_numbered_step_are_found_in_the_passage() -> None:
    text = (
        f"{EXTRACTIVE_LEAD}\n\n1. Release the dial when the ring pulses amber three times.\n"
        "See the warranty page for replacements. [1]"
    )
    assert answer_sentences(text) == [
        "Release the dial when the ring pulses amber three times.",
        "See the warranty page for replacements.",
    ]
    result = score(text, Decision.ANSWER, [RESET], [RESET_ARTICLE], RESET_LABELS)
    assert result.unsupported_sentences == []


def test_headings_placeholders_and_a_cut_structure_are_found_in_the_passage() -> None:
    passage = (
        "Status light > Blinking\n\n- Open the folder{#folder} "
        "![the folder](folder.png)\n- Run `cd <folder name>` on <COM port>."
    )
    text = (
        f"{EXTRACTIVE_LEAD}\n\n**Status light > Blinking**\n- Open the folder\n"
        "- Run cd <folder name> on <COM port>.\n\u2026 [1]"
    )
    assert unsupported_sentences(text, [passage]) == []
    assert unsupported_sentences(text.replace("Blinking", "Off"), [passage]) == [
        "**Status light > Off**"
    ]


def test_a_model_answer_is_supported_by_key_terms_not_wording() -> None:
    paraphrase = (
        "Hold the brightness dial on the base for 12 seconds, until the ring pulses amber "
        "three times [1]. Your lamp will also email you a receipt [1]."
    )
    result = score(
        paraphrase, Decision.ANSWER, [RESET], [RESET_ARTICLE], RESET_LABELS, quoted=False
    )
    assert result.unsupported_sentences == ["Your lamp will also email you a receipt."]
    assert result.all_facts


def test_declining_is_right_for_an_unanswerable_question_and_wrong_for_an_answerable_one() -> None:
    handoff = HANDOFF_TEXT["unanswered"]
    declined = score(handoff, Decision.HANDOFF, [], [], UNANSWERABLE)
    assert declined.decided_right
    assert declined.right_article is None
    assert declined.unsupported_sentences == []
    missed = score(handoff, Decision.HANDOFF, [], [], RESET_LABELS)
    assert not missed.decided_right
    assert (missed.facts_found, missed.all_facts, missed.right_article) == (0, False, False)
    wrongly = score("Our lamps ship worldwide.", Decision.ANSWER, [RESET], [], UNANSWERABLE)
    assert not wrongly.decided_right
    assert wrongly.unsupported_sentences == ["Our lamps ship worldwide."]
