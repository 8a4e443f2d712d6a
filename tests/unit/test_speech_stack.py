"""Which speech providers a process uses, and what it says about them."""

from __future__ import annotations

import pytest
import typer
from pydantic import SecretStr

from core.settings import Settings, VoiceSynthesizer, VoiceTranscriber
from services.voice import espeak, piper
from services.voice.deepgram import DeepgramSynthesizer, DeepgramTranscriber
from services.voice.espeak import EspeakSynthesizer
from services.voice.piper import PiperSynthesizer
from services.voice.speech import NO_OFFLINE_VOICE, VoiceUnavailableError, speech_stack
from services.voice.vad import SileroDetector
from services.voice.whisper import WhisperTranscriber


def _settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]  # pydantic-settings


@pytest.fixture
def no_piper(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(piper, "piper_available", lambda: False)


@pytest.fixture
def no_espeak(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(espeak, "espeak_path", lambda: None)


def test_deepgram_hears_and_speaks_when_keyed() -> None:
    stack = speech_stack(_settings(deepgram_api_key=SecretStr("dg-key")))
    assert isinstance(stack.transcriber, DeepgramTranscriber)
    assert isinstance(stack.synthesizer, DeepgramSynthesizer)
    assert stack.description == "Deepgram (nova-3, aura-2-thalia-en)"
    assert "dg-key" not in repr(stack)
    assert isinstance(stack.detector(), SileroDetector)


def test_offline_stack_is_whisper_and_piper_when_the_extra_is_installed() -> None:
    stack = speech_stack(_settings())
    assert isinstance(stack.transcriber, WhisperTranscriber)
    assert isinstance(stack.synthesizer, PiperSynthesizer)
    assert stack.description == "offline: faster-whisper tiny.en, Piper en_US-joe-medium"
    assert stack.speaks


def test_offline_stack_falls_back_to_espeak_without_piper(no_piper: None) -> None:
    stack = speech_stack(_settings())
    assert isinstance(stack.synthesizer, EspeakSynthesizer)
    assert stack.description == "offline: faster-whisper tiny.en, espeak-ng"


def test_without_any_offline_voice_the_stack_says_so_and_how_to_get_one(
    no_piper: None, no_espeak: None
) -> None:
    stack = speech_stack(_settings())
    assert stack.synthesizer is None
    assert not stack.speaks
    assert "no offline voice" in stack.description
    assert "make install" in stack.description
    assert "apt-get install espeak-ng" in stack.description


def test_explicit_choices_override_the_key() -> None:
    stack = speech_stack(
        _settings(
            deepgram_api_key=SecretStr("dg-key"),
            voice_transcriber=VoiceTranscriber.WHISPER,
            voice_synthesizer=VoiceSynthesizer.ESPEAK,
        )
    )
    assert isinstance(stack.transcriber, WhisperTranscriber)
    assert isinstance(stack.synthesizer, EspeakSynthesizer)
    assert speech_stack(_settings(voice_synthesizer="none")).synthesizer is None


@pytest.mark.parametrize(
    ("values", "needs"),
    [
        ({"voice_transcriber": "deepgram"}, "DEEPGRAM_API_KEY"),
        ({"voice_synthesizer": "deepgram"}, "DEEPGRAM_API_KEY"),
    ],
)
def test_a_chosen_provider_that_cannot_work_is_refused(values: dict[str, str], needs: str) -> None:
    with pytest.raises(VoiceUnavailableError, match=needs):
        speech_stack(_settings(**values))


def test_piper_chosen_without_the_extra_is_refused(no_piper: None) -> None:
    with pytest.raises(VoiceUnavailableError, match="piper` extra"):
        speech_stack(_settings(voice_synthesizer="piper"))


def test_espeak_chosen_without_espeak_is_refused(no_espeak: None) -> None:
    with pytest.raises(VoiceUnavailableError, match="apt-get install espeak-ng"):
        speech_stack(_settings(voice_synthesizer="espeak"))


def test_deepgram_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEEPGRAM_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("PERCEPTRON_VOICE_SYNTHESIZER", "espeak")
    settings = _settings()
    assert settings.deepgram_base_url == "http://127.0.0.1:9"
    assert settings.voice_synthesizer is VoiceSynthesizer.ESPEAK
    monkeypatch.delenv("DEEPGRAM_BASE_URL")
    monkeypatch.setenv("PERCEPTRON_DEEPGRAM_BASE_URL", "http://127.0.0.1:10")
    assert _settings().deepgram_base_url == "http://127.0.0.1:10"


def test_perceptron_check_reports_the_voice(
    monkeypatch: pytest.MonkeyPatch, no_piper: None, no_espeak: None
) -> None:
    import cli.main

    said: list[tuple[str, bool]] = []
    monkeypatch.setattr(typer, "echo", lambda text, err=False: said.append((text, err)))
    cli.main._check_voice(_settings())
    assert said == [(f"warning: voice: offline: faster-whisper tiny.en; {NO_OFFLINE_VOICE}", False)]


def test_perceptron_check_fails_on_a_voice_setting_that_cannot_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import cli.main

    said: list[tuple[str, bool]] = []
    monkeypatch.setattr(typer, "echo", lambda text, err=False: said.append((text, err)))
    with pytest.raises(typer.Exit):
        cli.main._check_voice(_settings(voice_transcriber="deepgram"))
    assert said == [
        ("error: voice: PERCEPTRON_VOICE_TRANSCRIBER=deepgram needs DEEPGRAM_API_KEY", True)
    ]


async def test_warming_up_loads_each_provider_and_survives_one_that_fails() -> None:
    from services.voice.speech import SpeechStack, warm_up
    from services.voice.vad import SileroDetector

    loaded: list[str] = []

    class Loads:
        name = "loads"

        async def warm_up(self) -> None:
            loaded.append(self.name)

    class Fails:
        name = "fails"

        async def warm_up(self) -> None:
            raise OSError("the model file is missing")

    class NothingToLoad:  # a network provider: no warm_up
        name = "network"

    for transcriber, synthesizer, expected in (
        (Loads(), Fails(), ["loads"]),
        (Fails(), Loads(), ["loads"]),
        (NothingToLoad(), None, []),
    ):
        loaded.clear()
        stack = SpeechStack(
            detector=SileroDetector,
            transcriber=transcriber,  # type: ignore[arg-type]
            synthesizer=synthesizer,  # type: ignore[arg-type]
            description="test",
        )
        await warm_up(stack)
        assert loaded == expected
