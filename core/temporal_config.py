"""The project's own Temporal settings, read from temporal.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field

SearchAttributeType = Literal["Text", "Keyword", "Int", "Double", "Bool", "Datetime", "KeywordList"]


class TaskQueues(BaseModel):
    conversations: str
    ingestion: str
    privacy: str
    system: str
    webhooks: str = "perceptron-webhooks"


class DevServer(BaseModel):
    log_level: str = "warn"
    dynamic_config: dict[str, bool | int | float | str] = Field(default_factory=dict)


class TemporalConfig(BaseModel):
    namespace: str
    namespace_retention_days: int = Field(ge=1, le=3650)
    task_queues: TaskQueues
    search_attributes: dict[str, SearchAttributeType] = Field(default_factory=dict)
    dev_server: DevServer = Field(default_factory=DevServer)
    codec_endpoint: str = Field(pattern=r"^/", description="Relative to the API's public URL")

    def codec_url(self, api_url: str) -> str:
        """Where a Web UI calls the codec: the API's public URL plus ``codec_endpoint``."""
        return api_url.rstrip("/") + self.codec_endpoint


def load_temporal_config(path: Path) -> TemporalConfig:
    with path.open() as handle:
        return TemporalConfig.model_validate(yaml.safe_load(handle))
