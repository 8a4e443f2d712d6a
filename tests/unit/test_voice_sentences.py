"""What is spoken of a streamed answer: whole sentences as they complete, nothing that only
makes sense on a screen."""

from __future__ import annotations

from services.voice.sentences import SentenceSplitter, speakable

ANSWER = (
    "Here's what I found in our help center:\n\n"
    "A factory reset returns the **Lumen** lamp to the state it left the factory in. [1]\n\n"
    "1. Make sure the lamp is plugged in.\n"
    "2. Hold the dial, e.g. for 12 seconds. [2]\n"
    "See [the guide](https://help.example/reset) or https://help.example/faq."
)


def streamed(text: str, step: int) -> list[str]:
    splitter = SentenceSplitter()
    pieces: list[str] = []
    for start in range(0, len(text), step):
        pieces += splitter.push(text[start : start + step])
    return pieces + splitter.flush()


def test_pieces_are_whole_sentences_without_citations_markdown_or_addresses() -> None:
    expected = [
        "Here's what I found in our help center:",
        "A factory reset returns the Lumen lamp to the state it left the factory in.",
        "1. Make sure the lamp is plugged in.",
        "2. Hold the dial, e.g. for 12 seconds.",
        "See the guide or the link in the chat",
    ]
    # However the tokens are cut, the same pieces come out.
    for step in (1, 3, 7, 50, len(ANSWER)):
        assert streamed(ANSWER, step) == expected


def test_a_sentence_is_let_go_as_soon_as_it_ends_not_when_the_answer_does() -> None:
    splitter = SentenceSplitter()
    assert splitter.push("Press and hold the dial") == []
    assert splitter.push(" for twelve seconds. Then rel") == [
        "Press and hold the dial for twelve seconds."
    ]
    assert splitter.flush() == ["Then rel"]


def test_the_first_piece_may_end_at_a_clause_so_the_caller_hears_the_start_sooner() -> None:
    splitter = SentenceSplitter()
    first = splitter.push("Sure, you can reset the lamp from its base, which takes a minute")
    assert first == ["Sure, you can reset the lamp from its base,"]
    # Later pieces are whole sentences.
    assert splitter.push(" or so, and then it restarts, on its own") == []


def test_a_very_long_sentence_is_cut_at_a_word_boundary() -> None:
    splitter = SentenceSplitter()
    pieces = splitter.push("word " * 100)
    assert pieces
    assert all(len(piece) <= 300 for piece in pieces)
    assert all(not piece.endswith("wor") for piece in pieces)


def test_speakable_keeps_the_words() -> None:
    assert speakable("## Reset\n- **Hold** the `dial` [1, 2]") == "Reset Hold the dial"
    assert speakable("[3]") == ""
    assert splitter_consumed("One. Two.") == len("One. Two.")


def splitter_consumed(text: str) -> int:
    splitter = SentenceSplitter()
    splitter.push(text)
    splitter.flush()
    return splitter.consumed


def test_the_vocabulary_prompt_is_a_short_list_of_the_terms() -> None:
    from services.voice.whisper import PROMPT_CHARACTERS, vocabulary_prompt

    assert vocabulary_prompt([]) is None
    assert vocabulary_prompt(["Lumen", "  Wi-Fi\nsetup ", ""]) == "Lumen, Wi-Fi setup."
    long = vocabulary_prompt([f"Article number {index}" for index in range(200)])
    assert long is not None
    assert len(long) <= PROMPT_CHARACTERS + 1
    assert long.endswith(".")
    assert "Article number 1," in long


def test_a_section_path_is_read_as_a_pause_not_as_greater_than() -> None:
    assert speakable("**Status light > Blinking**") == "Status light, Blinking"
