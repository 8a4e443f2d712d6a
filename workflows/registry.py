"""Every workflow the product defines, for the worker and for the replay tests."""

from __future__ import annotations

from workflows.system_check import SystemCheckWorkflow

ALL_WORKFLOWS: list[type] = [SystemCheckWorkflow]
