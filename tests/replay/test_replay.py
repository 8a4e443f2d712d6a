"""Replay every recorded workflow history against today's workflow code.

A change that breaks determinism (reordered activities, a new timer in the middle) fails here
instead of in production. Record histories with PERCEPTRON_RECORD_HISTORIES=1 on the
integration tests that produce them; they are stored decrypted (record_history), so they
replay with the project's encrypting converter just as histories written before the payload
codec existed do: payloads without encryption metadata pass through it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from core.encryption import DataKeys
from core.payload_codec import ENCODING, data_converter
from workflows.registry import ALL_WORKFLOWS

HISTORIES = sorted((Path(__file__).resolve().parent / "histories").glob("*.json"))


def test_histories_are_recorded() -> None:
    assert HISTORIES, "tests/replay/histories holds no recorded history"


@pytest.mark.parametrize("path", HISTORIES, ids=[path.stem for path in HISTORIES])
def test_recorded_history_holds_no_ciphertext(path: Path) -> None:
    """Stored histories must be readable without any test's keys."""
    history = WorkflowHistory.from_json(path.stem, path.read_text())
    assert all(ENCODING not in event.SerializeToString() for event in history.events)


@pytest.mark.parametrize("path", HISTORIES, ids=[path.stem for path in HISTORIES])
async def test_history_replays_deterministically(path: Path, keyring: DataKeys) -> None:
    history = WorkflowHistory.from_json(path.stem, path.read_text())
    replayer = Replayer(workflows=ALL_WORKFLOWS, data_converter=data_converter(keyring))
    await replayer.replay_workflow(history)
