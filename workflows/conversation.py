"""ConversationWorkflow: one conversation, any channel, from first message to resolution.

Visitor messages arrive as Updates that return once the message is stored; the first one
starts the workflow (Update-with-Start). Each visitor message gets one agent turn, in order,
one at a time; messages that arrive meanwhile queue. Operators join, reply, leave, resolve and
reopen by signals; while an operator is in the conversation the AI is silent. Timers: an idle
conversation is resolved; a handoff nobody picks up in time gets a fallback message offering
email follow-up. The history is kept small by continuing as new, carrying the state.
"""

from __future__ import annotations

import contextlib
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.conversation import (
        APOLOGY,
        UNSTORABLE_MESSAGE,
        ConversationActivities,
        ConversationChange,
        InterruptedAnswer,
        StoreMessage,
        TurnRequest,
        answer_id,
    )

MAX_MESSAGE_LENGTH = 4000
FALLBACK = (
    "Our team hasn't been able to join yet. Leave your email address here and we'll follow up "
    "by email as soon as someone is available."
)
OPEN = "open"
WAITING = "waiting_for_human"
WITH_OPERATOR = "with_operator"
RESOLVED = "resolved"
CLOSED = "closed"
# Why a visitor message Update failed: it can never be stored (UNSTORABLE_MESSAGE, a 422),
# or not now (a 503).
MESSAGE_NOT_STORED = "MessageNotStored"
UNSTORABLE_REASON = "the message could not be stored: its text holds characters that are refused"


@dataclass
class ConversationSettings:
    idle_timeout_seconds: int = 30 * 60
    handoff_timeout_seconds: int = 5 * 60
    # How long a resolved conversation waits for a reopening before its workflow completes.
    resolved_retention_seconds: int = 24 * 3600
    # Continue as new after this many events in the history (Temporal suggests it too).
    max_history_events: int = 2000
    # A turn whose worker stops heartbeating this long is retried on another worker.
    turn_heartbeat_seconds: int = 20


@dataclass
class Operator:
    member_id: uuid.UUID
    name: str


@dataclass
class CarriedState:
    status: str
    operator: Operator | None
    queued: list[uuid.UUID]
    handoff_requested_at: datetime | None
    fallback_sent: bool
    dissatisfaction: int
    last_activity: datetime


@dataclass
class ConversationInput:
    org_id: uuid.UUID
    conversation_id: uuid.UUID
    settings: ConversationSettings = field(default_factory=ConversationSettings)
    carried: CarriedState | None = None


@dataclass
class VisitorMessage:
    message_id: uuid.UUID
    text: str


@dataclass
class PostedMessage:
    message_id: uuid.UUID
    queued: int


@dataclass
class OperatorReply:
    member_id: uuid.UUID
    name: str
    message_id: uuid.UUID
    text: str


@dataclass
class Feedback:
    message_id: uuid.UUID
    value: int  # 1 or -1


@dataclass
class Assignment:
    member_id: uuid.UUID | None


@dataclass
class Interruption:
    """The caller spoke over the answer to ``visitor_message_id``; ``heard`` is what played."""

    visitor_message_id: uuid.UUID
    heard: str


@dataclass
class ConversationView:
    status: str
    operator: Operator | None
    pending_handoff: bool
    handoff_deadline: datetime | None
    queued: int
    dissatisfaction: int


STORE_LOCALLY = "store-messages-as-local-activities"  # workflow.patched id (issue 15)
MESSAGE_RETRY = RetryPolicy(initial_interval=timedelta(milliseconds=200), maximum_attempts=20)
TURN_RETRY = RetryPolicy(initial_interval=timedelta(milliseconds=200), maximum_attempts=3)


@workflow.defn  # pinned to its worker version (workflows/worker.py deployment_config)
class ConversationWorkflow:
    @workflow.init
    def __init__(self, input: ConversationInput) -> None:
        self._org_id = input.org_id
        self._conversation_id = input.conversation_id
        self._settings = input.settings
        carried = input.carried
        now = workflow.now()
        self._status = carried.status if carried else OPEN
        self._operator = carried.operator if carried else None
        self._queue: deque[uuid.UUID] = deque(carried.queued if carried else [])
        self._handoff_requested_at = carried.handoff_requested_at if carried else None
        self._fallback_sent = carried.fallback_sent if carried else False
        self._dissatisfaction = carried.dissatisfaction if carried else 0
        self._last_activity = carried.last_activity if carried else now
        # Changes asked for by signals, applied in order by the main loop.
        self._changes: deque[ConversationChange | StoreMessage | InterruptedAnswer] = deque()

    @workflow.run
    async def run(self, input: ConversationInput) -> str:
        while True:
            await self._wait_for_work()
            await self._apply_changes()
            if self._status == CLOSED:
                await workflow.wait_condition(workflow.all_handlers_finished)
                await self._apply_changes()
                return CLOSED
            if self._queue and self._status in {OPEN, RESOLVED} and self._operator is None:
                await self._answer(self._queue.popleft())
            elif self._queue and (self._operator is not None or self._status == WAITING):
                self._queue.clear()  # a person answers these (or will)
            if await self._timers_fired():
                return RESOLVED
            if self._should_continue_as_new():
                await workflow.wait_condition(workflow.all_handlers_finished)
                await self._apply_changes()
                # On versioned workers, the new run starts on the deployment's current version.
                versioned = workflow.info().get_current_deployment_version() is not None
                workflow.continue_as_new(
                    ConversationInput(
                        org_id=self._org_id,
                        conversation_id=self._conversation_id,
                        settings=self._settings,
                        carried=self._carry(),
                    ),
                    initial_versioning_behavior=(
                        workflow.ContinueAsNewVersioningBehavior.AUTO_UPGRADE if versioned else None
                    ),
                )

    # Visitor messages ------------------------------------------------------------------

    @workflow.update
    async def post_message(self, message: VisitorMessage) -> PostedMessage:
        try:
            await self._store(
                StoreMessage(
                    org_id=self._org_id,
                    conversation_id=self._conversation_id,
                    message_id=message.message_id,
                    role="visitor",
                    text=message.text,
                )
            )
        except (ActivityError, ApplicationError) as error:
            # The Update fails and the sender is told; the conversation goes on.
            if _unstorable(error):
                raise ApplicationError(UNSTORABLE_REASON, type=UNSTORABLE_MESSAGE) from None
            raise ApplicationError(
                "the message could not be stored now: try again", type=MESSAGE_NOT_STORED
            ) from None
        self._last_activity = workflow.now()
        if self._status == RESOLVED:
            self._set_status(OPEN, "status.changed", {"reason": "visitor wrote again"})
        self._queue.append(message.message_id)
        return PostedMessage(message_id=message.message_id, queued=len(self._queue))

    @post_message.validator
    def _validate_message(self, message: VisitorMessage) -> None:
        if not message.text.strip():
            raise ValueError("the message is empty")
        if len(message.text) > MAX_MESSAGE_LENGTH:
            raise ValueError(f"the message is longer than {MAX_MESSAGE_LENGTH} characters")
        if self._status == CLOSED:
            raise ValueError("the conversation has ended")

    @workflow.signal
    def request_human(self) -> None:
        if self._operator is None and self._status != CLOSED:
            self._ask_for_human("the visitor asked for a person")

    @workflow.signal
    def give_feedback(self, feedback: Feedback) -> None:
        self._dissatisfaction = self._dissatisfaction + 1 if feedback.value < 0 else 0

    @workflow.signal
    def answer_interrupted(self, interruption: Interruption) -> None:
        """Voice: the caller barged in. Applied after the turn has stored its answer."""
        self._changes.append(
            InterruptedAnswer(
                org_id=self._org_id,
                conversation_id=self._conversation_id,
                message_id=answer_id(interruption.visitor_message_id),
                heard=interruption.heard[:MAX_MESSAGE_LENGTH],
            )
        )

    @workflow.signal
    def end(self) -> None:
        if self._status != CLOSED:
            self._set_status(CLOSED, "status.changed", {"reason": "the visitor ended it"})

    # Operators ---------------------------------------------------------------------------

    @workflow.signal
    def operator_join(self, operator: Operator) -> None:
        self._operator = operator
        self._handoff_requested_at = None
        self._fallback_sent = False
        self._last_activity = workflow.now()
        self._changes.append(
            self._change(
                "operator.joined",
                status=WITH_OPERATOR,
                needs_human=False,
                assignee_id=operator.member_id,
                data={"operator": {"id": str(operator.member_id), "name": operator.name}},
            )
        )
        self._status = WITH_OPERATOR

    @workflow.signal
    def operator_reply(self, reply: OperatorReply) -> None:
        if self._operator is None:
            self.operator_join(Operator(member_id=reply.member_id, name=reply.name))
        self._last_activity = workflow.now()
        self._changes.append(
            StoreMessage(
                org_id=self._org_id,
                conversation_id=self._conversation_id,
                message_id=reply.message_id,
                role="operator",
                text=reply.text,
                author_member_id=reply.member_id,
            )
        )

    @workflow.signal
    def operator_leave(self) -> None:
        if self._operator is None:
            return
        left = self._operator
        self._operator = None
        self._set_status(
            OPEN,
            "operator.left",
            {"operator": {"id": str(left.member_id), "name": left.name}},
            clear_assignee=True,
        )

    @workflow.signal
    def resolve(self) -> None:
        if self._status in {RESOLVED, CLOSED}:
            return
        self._operator = None
        self._handoff_requested_at = None
        self._set_status(RESOLVED, "status.changed", {"reason": "resolved"}, needs_human=False)

    @workflow.signal
    def reopen(self) -> None:
        if self._status == RESOLVED:
            self._last_activity = workflow.now()
            self._set_status(OPEN, "status.changed", {"reason": "reopened"})

    @workflow.signal
    def assign(self, assignment: Assignment) -> None:
        self._changes.append(
            self._change(
                "conversation.assigned",
                assignee_id=assignment.member_id,
                clear_assignee=assignment.member_id is None,
                data={"assignee_id": str(assignment.member_id) if assignment.member_id else None},
            )
        )

    @workflow.query
    def view(self) -> ConversationView:
        return ConversationView(
            status=self._status,
            operator=self._operator,
            pending_handoff=self._handoff_requested_at is not None,
            handoff_deadline=self._handoff_deadline(),
            queued=len(self._queue),
            dissatisfaction=self._dissatisfaction,
        )

    # The main loop's parts ---------------------------------------------------------------

    async def _wait_for_work(self) -> None:
        deadline = self._next_deadline()
        timeout = None
        if deadline is not None:
            timeout = max(deadline - workflow.now(), timedelta(milliseconds=1))
        with contextlib.suppress(TimeoutError):  # a timer is due: _timers_fired handles it
            await workflow.wait_condition(
                lambda: bool(self._changes) or self._has_turn_to_run() or self._status == CLOSED,
                timeout=timeout,
            )

    def _has_turn_to_run(self) -> bool:
        return bool(self._queue)

    async def _answer(self, visitor_message_id: uuid.UUID) -> None:
        try:
            result = await workflow.execute_activity_method(
                ConversationActivities.run_turn,
                TurnRequest(
                    org_id=self._org_id,
                    conversation_id=self._conversation_id,
                    visitor_message_id=visitor_message_id,
                    dissatisfaction=self._dissatisfaction,
                ),
                start_to_close_timeout=timedelta(minutes=3),
                heartbeat_timeout=timedelta(seconds=self._settings.turn_heartbeat_seconds),
                retry_policy=TURN_RETRY,
            )
            decision = result.decision
        except ActivityError:
            workflow.logger.warning("agent turn failed after retries")
            await self._store(
                StoreMessage(
                    org_id=self._org_id,
                    conversation_id=self._conversation_id,
                    message_id=uuid.UUID(int=workflow.random().getrandbits(128), version=4),
                    role="system",
                    text=APOLOGY,
                )
            )
            decision = "handoff"
        self._last_activity = workflow.now()
        if decision == "handoff" and self._operator is None:
            self._ask_for_human("the assistant handed off")
            await self._apply_changes()

    def _ask_for_human(self, reason: str) -> None:
        if self._handoff_requested_at is None:
            self._handoff_requested_at = workflow.now()
            self._fallback_sent = False
        self._set_status(WAITING, "handoff.requested", {"reason": reason}, needs_human=True)

    async def _timers_fired(self) -> bool:
        """Handle due timers. True when the workflow is done (resolved and retained long
        enough without being reopened)."""
        now = workflow.now()
        idle_for = now - self._last_activity
        handoff_deadline = self._handoff_deadline()
        if handoff_deadline is not None and now >= handoff_deadline and not self._fallback_sent:
            self._fallback_sent = True
            await self._store(
                StoreMessage(
                    org_id=self._org_id,
                    conversation_id=self._conversation_id,
                    message_id=uuid.UUID(int=workflow.random().getrandbits(128), version=4),
                    role="system",
                    text=FALLBACK,
                )
            )
        if self._status == RESOLVED:
            return idle_for >= timedelta(seconds=self._settings.resolved_retention_seconds)
        if (
            self._status in {OPEN, WAITING}
            and self._operator is None
            and idle_for >= timedelta(seconds=self._settings.idle_timeout_seconds)
            and not self._queue
        ):
            self._handoff_requested_at = None
            self._set_status(RESOLVED, "status.changed", {"reason": "idle"}, needs_human=False)
            await self._apply_changes()
            self._last_activity = now
        return False

    def _next_deadline(self) -> datetime | None:
        deadlines = []
        handoff = self._handoff_deadline()
        if handoff is not None and not self._fallback_sent:
            deadlines.append(handoff)
        if self._status == RESOLVED:
            deadlines.append(
                self._last_activity + timedelta(seconds=self._settings.resolved_retention_seconds)
            )
        elif self._status in {OPEN, WAITING} and self._operator is None:
            deadlines.append(
                self._last_activity + timedelta(seconds=self._settings.idle_timeout_seconds)
            )
        return min(deadlines) if deadlines else None

    def _handoff_deadline(self) -> datetime | None:
        if self._handoff_requested_at is None:
            return None
        return self._handoff_requested_at + timedelta(
            seconds=self._settings.handoff_timeout_seconds
        )

    def _should_continue_as_new(self) -> bool:
        info = workflow.info()
        return (
            info.is_continue_as_new_suggested()
            or info.get_current_history_length() >= self._settings.max_history_events
        )

    def _carry(self) -> CarriedState:
        return CarriedState(
            status=self._status,
            operator=self._operator,
            queued=list(self._queue),
            handoff_requested_at=self._handoff_requested_at,
            fallback_sent=self._fallback_sent,
            dissatisfaction=self._dissatisfaction,
            last_activity=self._last_activity,
        )

    # Effects -----------------------------------------------------------------------------

    def _set_status(
        self,
        status: str,
        event: str,
        data: dict[str, object],
        needs_human: bool | None = None,
        clear_assignee: bool = False,
    ) -> None:
        self._status = status
        self._changes.append(
            self._change(
                event,
                status=status,
                needs_human=needs_human,
                clear_assignee=clear_assignee,
                data=data,
            )
        )

    def _change(
        self,
        event: str,
        *,
        status: str | None = None,
        needs_human: bool | None = None,
        assignee_id: uuid.UUID | None = None,
        clear_assignee: bool = False,
        data: dict[str, object] | None = None,
    ) -> ConversationChange:
        return ConversationChange(
            org_id=self._org_id,
            conversation_id=self._conversation_id,
            event=event,
            status=status,
            needs_human=needs_human,
            assignee_id=assignee_id,
            clear_assignee=clear_assignee,
            data=dict(data or {}),
        )

    async def _apply_changes(self) -> None:
        while self._changes:
            change = self._changes.popleft()
            if isinstance(change, StoreMessage):
                await self._store_or_report(change)
            elif isinstance(change, InterruptedAnswer):
                await workflow.execute_activity_method(
                    ConversationActivities.mark_interrupted,
                    change,
                    start_to_close_timeout=timedelta(seconds=30),
                    retry_policy=MESSAGE_RETRY,
                )
            else:
                await self._apply_change(change)

    async def _store_or_report(self, message: StoreMessage) -> None:
        """Store a message sent by signal (an operator's reply). The sender got no answer to
        wait for, so one that can never be stored is reported on the conversation's event
        stream (``message.failed``), not dropped."""
        try:
            await self._store(message)
        except (ActivityError, ApplicationError) as error:
            if not _unstorable(error):
                raise
            workflow.logger.warning("a message could not be stored")
            await self._apply_change(
                self._change(
                    "message.failed",
                    data={
                        "message_id": str(message.message_id),
                        "role": message.role,
                        "reason": UNSTORABLE_REASON,
                    },
                )
            )

    async def _apply_change(self, change: ConversationChange) -> None:
        await workflow.execute_activity_method(
            ConversationActivities.apply_change,
            change,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=MESSAGE_RETRY,
        )

    async def _store(self, message: StoreMessage) -> None:
        # A local activity: the message is written by the worker that runs this workflow
        # task, without a round trip through the server's activity queue (the visitor's
        # Update returns sooner). Histories from before it replay the regular activity.
        if workflow.patched(STORE_LOCALLY):
            await workflow.execute_local_activity_method(
                ConversationActivities.store_message,
                message,
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=MESSAGE_RETRY,
            )
            return
        await workflow.execute_activity_method(
            ConversationActivities.store_message,
            message,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=MESSAGE_RETRY,
        )


def _unstorable(error: ActivityError | ApplicationError) -> bool:
    """The store activity refused the message for good (see ``store_message``). A regular
    activity's failure arrives as an ActivityError caused by it; a local activity's, as the
    activity's own error."""
    cause = error if isinstance(error, ApplicationError) else error.cause
    return isinstance(cause, ApplicationError) and cause.type == UNSTORABLE_MESSAGE
