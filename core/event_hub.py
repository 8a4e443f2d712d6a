"""One LISTEN connection per process on the conversation events channel, waking whoever
waits on a conversation (or an organization) that a notification names; and, when asked
for, on other channels whose every notification wakes all their waiters (the API's webhook
dispatcher waits on ``core.webhooks.CHANNEL``).

Waiters always read the rows themselves from the table, so a missed notification costs
nothing (see ``core.conversation_events``); after the connection is (re)established every
waiter is woken once, for whatever was committed while nobody listened. Used by the API's
event streams and webhook dispatcher, and by the voice media loop, which follows an
answer's tokens.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import defaultdict
from collections.abc import Sequence

import psycopg

from core.conversation_events import CHANNEL
from core.logging import get_logger

log = get_logger(__name__)


class EventHub:
    def __init__(self, database_url: str, channels: Sequence[str] = ()) -> None:
        """``channels``: more channels to LISTEN on, each woken as a whole."""
        self._dsn = database_url.replace("postgresql+psycopg://", "postgresql://", 1)
        self._waiters: dict[uuid.UUID, set[asyncio.Event]] = defaultdict(set)
        self._channels: dict[str, set[asyncio.Event]] = {name: set() for name in channels}
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._listen(), name="event-hub")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def waiter(self, key: uuid.UUID) -> _Subscription:
        return _Subscription(self, key)

    def channel_waiter(self, channel: str) -> _ChannelSubscription:
        """An event set by every notification on ``channel`` (one of ``channels``)."""
        if channel not in self._channels:
            raise ValueError(f"this hub does not listen on {channel}")
        return _ChannelSubscription(self._channels[channel])

    def _add(self, key: uuid.UUID, event: asyncio.Event) -> None:
        self._waiters[key].add(event)

    def _remove(self, key: uuid.UUID, event: asyncio.Event) -> None:
        waiters = self._waiters.get(key)
        if waiters is not None:
            waiters.discard(event)
            if not waiters:
                del self._waiters[key]

    def _wake(self, key: uuid.UUID) -> None:
        for event in self._waiters.get(key, ()):
            event.set()

    async def _listen(self) -> None:
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self._dsn, autocommit=True
                ) as connection:
                    for channel in (CHANNEL, *self._channels):
                        await connection.execute(f"LISTEN {channel}")
                    # Wake everyone once: anything committed while we were away is read now.
                    for key in list(self._waiters):
                        self._wake(key)
                    for channel in self._channels:
                        self._wake_channel(channel)
                    async for notification in connection.notifies():
                        if notification.channel == CHANNEL:
                            self._dispatch(notification.payload)
                        else:
                            self._wake_channel(notification.channel)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.warning("event listener lost its connection", error_type=type(error).__name__)
                await asyncio.sleep(1.0)

    def _wake_channel(self, channel: str) -> None:
        for event in self._channels.get(channel, ()):
            event.set()

    def _dispatch(self, payload: str) -> None:
        try:
            org, conversation, _ = payload.split(":")
            self._wake(uuid.UUID(conversation))
            self._wake(uuid.UUID(org))
        except ValueError:
            log.warning("malformed notification")


class _Subscription:
    def __init__(self, hub: EventHub, key: uuid.UUID) -> None:
        self._hub = hub
        self._key = key
        self.event = asyncio.Event()

    def __enter__(self) -> asyncio.Event:
        self._hub._add(self._key, self.event)
        return self.event

    def __exit__(self, *_: object) -> None:
        self._hub._remove(self._key, self.event)


class _ChannelSubscription:
    def __init__(self, waiters: set[asyncio.Event]) -> None:
        self._waiters = waiters
        self.event = asyncio.Event()

    def __enter__(self) -> asyncio.Event:
        self._waiters.add(self.event)
        return self.event

    def __exit__(self, *_: object) -> None:
        self._waiters.discard(self.event)
