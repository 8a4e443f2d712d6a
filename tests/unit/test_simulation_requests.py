"""What a simulation may be asked (activities/simulation.py), and how a run is summed up."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from activities.simulation import (
    AgentSetup,
    Candidate,
    ConversationCases,
    LabelledQuestion,
    Responder,
    SimulationRequest,
    line_diff,
    summarise,
)
from core.models import CaseStatus, SimulationResult


def test_a_model_name_means_the_model_responder() -> None:
    assert Candidate(model="gpt-4o").setup == AgentSetup(responder=Responder.MODEL, model="gpt-4o")
    assert Candidate().setup == AgentSetup()
    with pytest.raises(ValidationError, match="needs the model responder"):
        Candidate(responder=Responder.KEYLESS, model="gpt-4o")


@pytest.mark.parametrize("point", [0.0, 0.04, 0.96, 1.0])
def test_the_operating_point_stays_inside_the_calibrated_range(point: float) -> None:
    with pytest.raises(ValidationError):
        Candidate(operating_point=point)


def test_a_question_is_labelled_answerable_or_not_never_both_or_neither() -> None:
    assert LabelledQuestion(question="q", articles=["a.md"], facts=["f"]).why is None
    assert LabelledQuestion(question="q", why="not covered").articles == []
    with pytest.raises(ValidationError, match="label the question"):
        LabelledQuestion(question="q")
    with pytest.raises(ValidationError, match="not both"):
        LabelledQuestion(question="q", articles=["a.md"], why="not covered")
    # The benchmark files' own keys are read past.
    assert (
        LabelledQuestion.model_validate(
            {"id": "x", "split": "fit", "exact_token": True, "question": "q", "why": "no"}
        ).id
        == "x"
    )


def test_conversations_are_chosen_one_way_and_times_without_a_zone_are_utc() -> None:
    chosen = ConversationCases(kind="conversations", last=3, since=datetime(2026, 1, 1))
    assert chosen.since == datetime(2026, 1, 1, tzinfo=UTC)
    with pytest.raises(ValidationError, match="not both"):
        ConversationCases(kind="conversations", conversation_ids=[uuid.uuid4()], last=3)
    with pytest.raises(ValidationError, match="choose conversations"):
        ConversationCases(kind="conversations")
    with pytest.raises(ValidationError, match="since must be before until"):
        SimulationRequest.model_validate(
            {
                "source": {
                    "kind": "conversations",
                    "since": "2026-02-01T00:00:00Z",
                    "until": "2026-01-01T00:00:00Z",
                }
            }
        )


def _result(status: CaseStatus, before: str, after: str, *, labelled: bool) -> SimulationResult:
    scores = {
        "decided_right": after == "answer",
        "all_facts": after == "answer",
        "right_article": after == "answer",
        "unsupported_sentences": [],
        "facts_found": 1,
        "facts_total": 1,
    }
    return SimulationResult(
        org_id=uuid.uuid4(),
        simulation_id=uuid.uuid4(),
        seq=0,
        case_key="k",
        question="q",
        status=status,
        labels={"answerable": True} if labelled else {},
        before={"decision": before, "scores": scores if labelled else None},
        after={"decision": after, "scores": scores if labelled else None},
        decision_changed=before != after,
        text_changed=before != after,
    )


def test_a_run_is_summed_up_per_side_and_failed_cases_count_apart() -> None:
    counts = summarise(
        [
            _result(CaseStatus.DONE, "handoff", "answer", labelled=True),
            _result(CaseStatus.DONE, "answer", "answer", labelled=False),
            _result(CaseStatus.FAILED, "answer", "answer", labelled=True),
        ]
    )
    assert (counts["cases"], counts["done"], counts["failed"], counts["labelled"]) == (3, 2, 1, 1)
    assert (counts["answer_before"], counts["answer_after"], counts["handoff_before"]) == (1, 2, 1)
    assert (counts["decision_changed"], counts["decided_right_after"]) == (1, 1)
    assert counts["clarify_after"] == 0


def test_the_diff_is_line_by_line_and_empty_when_nothing_changed() -> None:
    assert line_diff("same\ntext", "same\ntext") == ""
    assert line_diff("a\nb", "a\nc").splitlines() == [
        "--- before",
        "+++ after",
        "@@ -1,2 +1,2 @@",
        " a",
        "-b",
        "+c",
    ]
