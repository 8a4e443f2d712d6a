"""WebhookDeliveryWorkflow: one event to one endpoint, signed, retried, logged.

The POST is one activity retried with exponential backoff until the delivery window
(``schedule_to_close``, 24 hours by default) runs out; then the delivery is marked failed and
counts toward disabling the endpoint. The id is ``webhook-<org>-<delivery>`` and is never
reused, so dispatching the same event twice starts it once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.webhooks import (
        DELIVERY_REFUSED,
        DeliveryOutcome,
        DeliveryRef,
        WebhookActivities,
    )


@dataclass
class WebhookDeliveryInput:
    org_id: uuid.UUID
    delivery_id: uuid.UUID
    # From settings (webhook_*); tests pass short ones.
    initial_interval_seconds: float = 5.0
    maximum_interval_seconds: float = 3600.0
    window_seconds: float = 24 * 3600.0
    timeout_seconds: float = 10.0
    disable_after_failures: int = 5


@dataclass
class WebhookDeliveryResult:
    status: str  # succeeded or failed


@workflow.defn
class WebhookDeliveryWorkflow:
    @workflow.run
    async def run(self, input: WebhookDeliveryInput) -> WebhookDeliveryResult:
        ref = DeliveryRef(org_id=input.org_id, delivery_id=input.delivery_id)
        error: str | None = None
        try:
            await workflow.execute_activity_method(
                WebhookActivities.deliver_webhook,
                ref,
                start_to_close_timeout=timedelta(seconds=input.timeout_seconds + 5),
                schedule_to_close_timeout=timedelta(seconds=input.window_seconds),
                retry_policy=RetryPolicy(
                    initial_interval=timedelta(seconds=input.initial_interval_seconds),
                    backoff_coefficient=2.0,
                    maximum_interval=timedelta(seconds=input.maximum_interval_seconds),
                    maximum_attempts=0,
                    non_retryable_error_types=[DELIVERY_REFUSED],
                ),
            )
            succeeded = True
        except ActivityError as failure:
            succeeded = False
            error = "no successful answer within the delivery window"
            workflow.logger.info("webhook delivery failed: %s", type(failure.cause).__name__)
        await workflow.execute_activity_method(
            WebhookActivities.finish_delivery,
            DeliveryOutcome(
                org_id=input.org_id,
                delivery_id=input.delivery_id,
                succeeded=succeeded,
                disable_after_failures=input.disable_after_failures,
                error=error,
            ),
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=RetryPolicy(maximum_interval=timedelta(minutes=1)),
        )
        return WebhookDeliveryResult(status="succeeded" if succeeded else "failed")
