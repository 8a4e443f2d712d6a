"""Chunking: sizes respected, sections kept apart, neighbours overlapping, same output every
time. Tokens are counted as whitespace-separated words, the tokenizer being injected."""

from __future__ import annotations

import itertools

import pytest

from agents.knowledge.chunking import chunk_document
from agents.knowledge.documents import Chunk, ExtractedDocument, Section
from agents.knowledge.extraction import extract
from tests.fixtures.documents import FixtureArticle, load_articles

ARTICLES = load_articles()


def words(text: str) -> int:
    return len(text.split())


def characters(text: str) -> int:
    """A tokenizer for which a long unspaced string is many tokens."""
    return len(text)


def sentences(count: int, topic: str = "lamp", start: int = 0) -> str:
    """``count`` distinct ten-word sentences."""
    return " ".join(
        f"Sentence {number} explains one detail about the {topic} settings here."
        for number in range(start, start + count)
    )


def document(*sections: tuple[tuple[str, ...], str]) -> ExtractedDocument:
    return ExtractedDocument(
        title="Lumen desk lamp",
        sections=[Section(path, text) for path, text in sections],
        content_type="text/markdown",
    )


def long_section_chunks(**sizes: int) -> list[Chunk]:
    """One section of 30 paragraphs of 5 sentences: far above every chunk size."""
    text = "\n\n".join(sentences(5, start=paragraph * 5) for paragraph in range(30))
    return chunk_document(document((("Troubleshooting",), text)), words, **sizes)


def article_document(article: FixtureArticle) -> ExtractedDocument:
    return extract(article.markdown.encode(), f"{article.slug}.md")


# --- Sizes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "maximum", "overlap"), [(350, 450, 50), (40, 60, 10), (12, 15, 4)]
)
def test_no_chunk_exceeds_max_tokens(target: int, maximum: int, overlap: int) -> None:
    sizes = {"target_tokens": target, "max_tokens": maximum, "overlap_tokens": overlap}
    chunks = long_section_chunks(**sizes)
    for article in ARTICLES:
        chunks += chunk_document(article_document(article), words, **sizes)

    assert chunks
    assert all(chunk.token_count <= maximum for chunk in chunks)
    assert all(chunk.token_count == words(chunk.content) for chunk in chunks)


def test_long_single_section_splits_into_chunks_near_the_target() -> None:
    chunks = long_section_chunks()

    assert len(chunks) >= 4
    assert all(chunk.section == "Troubleshooting" for chunk in chunks)
    assert all(250 <= chunk.token_count <= 350 for chunk in chunks[:-1])


def test_long_section_is_cut_at_paragraph_boundaries_when_paragraphs_fit() -> None:
    chunks = long_section_chunks(target_tokens=120, max_tokens=150, overlap_tokens=0)

    paragraphs = {sentences(5, start=paragraph * 5) for paragraph in range(30)}
    for chunk in chunks:
        assert set(chunk.content.split("\n\n")) <= paragraphs


def test_paragraph_longer_than_the_target_is_cut_between_sentences() -> None:
    text = sentences(40)

    chunks = chunk_document(document(((), text)), words, target_tokens=100, max_tokens=120)

    assert len(chunks) > 1
    for chunk in chunks:
        assert chunk.content.startswith("Sentence ")
        assert chunk.content.endswith("settings here.")


def test_sentence_longer_than_the_target_is_cut_between_words() -> None:
    run_on = " ".join(f"word{number}" for number in range(1000))

    chunks = chunk_document(document(((), run_on)), words, target_tokens=100, max_tokens=120)

    assert len(chunks) >= 9
    assert all(chunk.token_count <= 120 for chunk in chunks)
    assert chunks[0].content.split()[0] == "word0"
    assert chunks[-1].content.split()[-1] == "word999"


def test_unspaced_text_is_cut_within_the_word_when_it_alone_is_too_long() -> None:
    key = "A" * 2000

    chunks = chunk_document(
        document(((), f"Paste this key: {key}")),
        characters,
        target_tokens=300,
        max_tokens=400,
        overlap_tokens=20,
    )

    assert all(chunk.token_count <= 400 for chunk in chunks)
    assert "".join(chunk.content for chunk in chunks).count("A") >= 2000


def test_section_that_fits_max_tokens_is_not_cut_even_above_the_target() -> None:
    text = sentences(40)  # 400 words: above the 350 target, within the 450 maximum

    chunks = chunk_document(document((("Setup",), text)), words)

    assert [chunk.content for chunk in chunks] == [text]


# --- Overlap --------------------------------------------------------------------------------


def test_consecutive_chunks_of_a_section_share_whole_sentences() -> None:
    chunks = long_section_chunks()

    for previous, current in itertools.pairwise(chunks):
        shared = _shared_prefix_words(previous.content, current.content)
        assert 0 < shared <= 50
        overlap = " ".join(current.content.split()[:shared])
        assert overlap.startswith("Sentence ")  # whole sentences, start to end
        assert overlap.endswith("settings here.")


def test_overlap_can_be_switched_off() -> None:
    chunks = long_section_chunks(overlap_tokens=0)

    text = " ".join(chunk.content for chunk in chunks)
    assert words(text) == 30 * 5 * 10


def test_chunks_of_different_sections_do_not_overlap() -> None:
    chunks = chunk_document(
        document(
            (("Reset",), sentences(60, "reset")),
            (("Billing",), sentences(60, "billing")),
        ),
        words,
    )

    reset = [chunk for chunk in chunks if chunk.section == "Reset"]
    billing = [chunk for chunk in chunks if chunk.section == "Billing"]
    assert len(reset) > 1
    assert len(billing) > 1
    assert "reset" not in billing[0].content


# --- Sections -------------------------------------------------------------------------------


def test_small_top_level_sections_are_never_packed_together() -> None:
    chunks = chunk_document(
        document(
            ((), "The Lumen lamp."),
            (("Reset",), "Hold the dial for 12 seconds."),
            (("Billing",), "Cloud Plus costs 3.99 EUR per month."),
        ),
        words,
    )

    assert [(chunk.section, chunk.content) for chunk in chunks] == [
        ("", "The Lumen lamp."),
        ("Reset", "Hold the dial for 12 seconds."),
        ("Billing", "Cloud Plus costs 3.99 EUR per month."),
    ]


def test_small_sub_sections_under_one_heading_are_packed_under_their_common_path() -> None:
    chunks = chunk_document(
        document(
            (("Setup",), "Unbox the lamp."),
            (("Setup", "On Android"), "Allow Nearby devices."),
            (("Setup", "On iOS"), "Allow Bluetooth."),
            (("Care",), "Use a dry cloth."),
        ),
        words,
    )

    assert [(chunk.section, chunk.content) for chunk in chunks] == [
        (
            "Setup",
            "Unbox the lamp.\n\nOn Android\n\nAllow Nearby devices.\n\nOn iOS\n\nAllow Bluetooth.",
        ),
        ("Care", "Use a dry cloth."),
    ]


def test_sub_sections_too_big_to_pack_keep_their_full_path() -> None:
    chunks = chunk_document(
        document(
            (("Setup", "On Android"), sentences(25, "android")),
            (("Setup", "On iOS"), sentences(25, "ios")),
        ),
        words,
    )

    assert [chunk.section for chunk in chunks] == ["Setup > On Android", "Setup > On iOS"]


def test_every_chunk_keeps_the_document_title_and_its_section_path() -> None:
    article = next(article for article in ARTICLES if article.slug == "firmware-errors")

    chunks = chunk_document(article_document(article), words)

    assert {chunk.title for chunk in chunks} == {"Firmware update error codes"}
    assert [chunk.section for chunk in chunks] == ["", *article.headings]
    error_chunk = next(chunk for chunk in chunks if chunk.section.startswith("E-204"))
    assert error_chunk.embedding_text().startswith(
        "Firmware update error codes > E-204: download interrupted\n\nError code E-204"
    )


@pytest.mark.parametrize("article", ARTICLES, ids=lambda article: article.slug)
def test_each_article_section_is_one_chunk_at_default_sizes(article: FixtureArticle) -> None:
    extracted = article_document(article)

    chunks = chunk_document(extracted, words)

    assert [chunk.content for chunk in chunks] == [s.text for s in extracted.sections]


# --- Order and determinism ------------------------------------------------------------------


def test_ordinals_run_from_zero_in_reading_order() -> None:
    chunks = chunk_document(
        document((("Reset",), sentences(80, "reset")), (("Billing",), sentences(80))), words
    )

    assert [chunk.ordinal for chunk in chunks] == list(range(len(chunks)))
    assert chunks[0].content.startswith("Sentence 0 explains one detail about the reset")
    assert chunks[-1].content.endswith(
        "Sentence 79 explains one detail about the lamp settings here."
    )


def test_chunking_is_deterministic() -> None:
    extracted = [article_document(article) for article in ARTICLES]
    sizes = {"target_tokens": 40, "max_tokens": 60, "overlap_tokens": 10}

    first = [chunk_document(item, words, **sizes) for item in extracted]
    second = [chunk_document(item, words, **sizes) for item in extracted]

    assert first == second


def test_document_without_sections_has_no_chunks() -> None:
    assert chunk_document(document(), words) == []
    assert chunk_document(document((("Empty",), "  \n ")), words) == []


@pytest.mark.parametrize(
    "sizes",
    [
        {"target_tokens": 0},
        {"target_tokens": 500, "max_tokens": 450},
        {"overlap_tokens": 350},
        {"overlap_tokens": -1},
    ],
)
def test_inconsistent_sizes_are_refused(sizes: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="chunk"):
        chunk_document(document(((), "text")), words, **sizes)


def _shared_prefix_words(previous: str, current: str) -> int:
    """How many words at the start of ``current`` repeat the end of ``previous``."""
    previous_words, current_words = previous.split(), current.split()
    for length in range(min(len(previous_words), len(current_words)), 0, -1):
        if previous_words[-length:] == current_words[:length]:
            return length
    return 0
