"""temporal.yaml is valid and drives the dev server flags."""

from __future__ import annotations

from pathlib import Path

from cli.embedded.temporal import dev_server_args
from core.temporal_config import load_temporal_config

CONFIG = Path(__file__).resolve().parents[2] / "temporal.yaml"


def test_temporal_yaml_holds_namespace_queues_search_attributes_and_codec() -> None:
    config = load_temporal_config(CONFIG)
    assert config.namespace == "perceptron"
    assert config.namespace_retention_days >= 1
    queues = config.task_queues.model_dump().values()
    assert len(set(queues)) == len(queues)
    assert config.search_attributes["PerceptronOrgId"] == "Keyword"
    assert config.codec_endpoint.startswith("/")


def test_dev_server_flags_register_search_attributes_and_dynamic_config() -> None:
    args = dev_server_args(load_temporal_config(CONFIG))
    assert "PerceptronOrgId=Keyword" in args
    assert "frontend.enableUpdateWorkflowExecution=true" in args
    flags = args[0::2]
    assert set(flags) == {"--search-attribute", "--dynamic-config-value"}
