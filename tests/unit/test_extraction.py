"""Extraction of every supported format from the fixture articles, and every bad upload
refused with a reason a member can act on."""

from __future__ import annotations

import codecs
import io
from collections.abc import Callable
from functools import cache
from pathlib import Path

import docx
import pytest

from agents.knowledge.documents import ExtractedDocument, ExtractionError
from agents.knowledge.extraction import DEFAULT_MAX_UNCOMPRESSED_BYTES, DocumentFormat, extract
from tests.fixtures import documents as fixtures
from tests.fixtures.documents import FixtureArticle, FixtureFile

ARTICLES = fixtures.load_articles()

# Facts only one article states: if extraction loses text, retrieval loses answers.
DISTINCTIVE_FACTS = {
    "account-email-and-deletion": ["30-day grace period", "valid for 24 hours", "Type DELETE"],
    "bluetooth-pairing": ["six-digit pairing code", "within 3 metres", "iOS 15 or later"],
    "cloud-plus-billing": ["3.99 EUR per month", "14-day free trial", "kept for 90 days"],
    "colour-schedules": ["between 2700 K and 6500 K", "up to 8 schedules", "4000 K at sunrise"],
    "factory-reset": ["for 12 seconds", "pulses amber three times", "Remove lamp"],
    "firmware-errors": ["E-204", "LMN-3000", "original 20 W USB-C power adapter"],
    "warranty-and-returns": ["24-month limited warranty", "starting with RMA-", "within 30 days"],
    "wifi-setup": ["TCP port 8883", "-70 dBm", "2.4 GHz networks only"],
}

STRUCTURED_FORMATS: dict[str, Callable[[FixtureArticle], bytes]] = {
    "md": fixtures.markdown_of,
    "pdf": fixtures.pdf_of,
    "docx": fixtures.docx_of,
    "html": fixtures.html_of,
}


@cache
def extracted(article: FixtureArticle, extension: str) -> ExtractedDocument:
    """Shared by the tests of one article and format: extraction is the slow part."""
    make = STRUCTURED_FORMATS.get(extension, fixtures.text_of)
    return extract(make(article), f"{article.slug}.{extension}")


def full_text(document: ExtractedDocument) -> str:
    """All section text with whitespace collapsed, so line wraps do not matter."""
    return " ".join(" ".join(section.text for section in document.sections).split())


def reason_for(
    file: FixtureFile, *, max_uncompressed_bytes: int = DEFAULT_MAX_UNCOMPRESSED_BYTES
) -> str:
    with pytest.raises(ExtractionError) as raised:
        extract(file.data, file.name, max_uncompressed_bytes=max_uncompressed_bytes)
    return raised.value.reason


def test_every_fixture_article_has_its_facts_listed() -> None:
    assert sorted(article.slug for article in ARTICLES) == sorted(DISTINCTIVE_FACTS)
    for article in ARTICLES:
        assert 2 <= len(article.headings) <= 5, article.slug
        assert 150 <= len(article.markdown.split()) <= 500, article.slug
        for fact in DISTINCTIVE_FACTS[article.slug]:
            assert fact in " ".join(article.markdown.split()), (article.slug, fact)


# --- Supported formats ----------------------------------------------------------------------


@pytest.mark.parametrize("extension", [*STRUCTURED_FORMATS, "txt"])
@pytest.mark.parametrize("article", ARTICLES, ids=lambda article: article.slug)
def test_extracted_text_keeps_the_articles_distinctive_facts(
    article: FixtureArticle, extension: str
) -> None:
    document = extracted(article, extension)

    text = full_text(document)
    for fact in DISTINCTIVE_FACTS[article.slug]:
        assert fact in text


@pytest.mark.parametrize("extension", STRUCTURED_FORMATS)
@pytest.mark.parametrize("article", ARTICLES, ids=lambda article: article.slug)
def test_section_headings_become_the_heading_path_and_the_title_is_not_a_section(
    article: FixtureArticle, extension: str
) -> None:
    document = extracted(article, extension)

    assert document.title == article.title
    headed = [section.heading_path for section in document.sections if section.heading_path]
    assert headed == [(heading,) for heading in article.headings]
    assert document.sections[0].heading_path == ()  # the introduction, under the title only


@pytest.mark.parametrize(
    ("extension", "content_type"),
    [
        ("md", "text/markdown"),
        ("pdf", "application/pdf"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("html", "text/html"),
        ("txt", "text/plain"),
    ],
)
def test_detected_content_type_is_recorded(extension: str, content_type: str) -> None:
    document = extracted(ARTICLES[0], extension)

    assert document.content_type == content_type


def test_html_scripts_styles_navigation_and_footer_never_reach_the_text() -> None:
    article = fixtures.article("firmware-errors")

    document = extract(fixtures.html_of(article), "firmware-errors.html")

    everything = document.title + full_text(document)
    for marker in (
        fixtures.SCRIPT_MARKER,
        fixtures.STYLE_MARKER,
        fixtures.NAV_MARKER,
        fixtures.FOOTER_MARKER,
        "Enable JavaScript",
    ):
        assert marker not in everything


def test_html_list_items_stay_together_as_numbered_lines() -> None:
    document = extract(fixtures.html_of(fixtures.article("factory-reset")), "reset.html")

    steps = next(s for s in document.sections if s.heading_path == ("Steps to reset the lamp",))
    assert steps.text.startswith(
        "1. Make sure the lamp is plugged in and switched on.\n"
        "2. Press and hold the brightness dial on the base for 12 seconds."
    )


def test_html_title_falls_back_to_the_first_h1_without_a_title_element() -> None:
    page = b"<html><body><h1>Lamp care</h1><p>Wipe the shade with a dry cloth.</p></body></html>"

    document = extract(page, "care.html")

    assert document.title == "Lamp care"
    assert document.sections[0].text == "Wipe the shade with a dry cloth."


def test_pdf_without_metadata_title_takes_its_leading_heading_as_title() -> None:
    article = fixtures.article("wifi-setup")

    document = extract(fixtures.pdf_of(article, with_metadata_title=False), "scan-0001.pdf")

    assert document.title == article.title
    assert document.metadata["pages"] == "1"


def test_pdf_joins_wrapped_lines_back_into_sentences() -> None:
    article = fixtures.article("cloud-plus-billing")

    document = extract(fixtures.pdf_of(article), "billing.pdf")

    trial = next(s for s in document.sections if s.heading_path == ("Prices and the free trial",))
    assert trial.text == (
        "Cloud Plus costs 3.99 EUR per month or 39 EUR per year, VAT included. New members get "
        "a 14-day free trial. We remind you by email 3 days before the trial ends, and you are "
        "not charged if you cancel before then. One subscription covers up to 10 lamps on the "
        "account."
    )


def test_pdf_encrypted_with_an_empty_user_password_opens_without_asking() -> None:
    file = fixtures.pdf_with_empty_password()

    document = extract(file.data, file.name)

    assert "30-day grace period" in full_text(document)


def test_docx_title_comes_from_core_properties_and_list_items_stay_together() -> None:
    article = fixtures.article("bluetooth-pairing")

    document = extract(fixtures.docx_of(article), "pairing.docx")

    assert document.title == article.title
    steps = next(s for s in document.sections if s.heading_path == ("Pairing steps",))
    assert steps.text.startswith(
        "- Put the lamp in pairing mode: double-tap the touch bar on the arm."
    )
    assert "\n- Open the Lumen app and tap Add device" in steps.text


def test_docx_tables_become_rows_of_cells() -> None:
    document = docx.Document()
    document.add_heading("Error codes", level=1)
    table = document.add_table(rows=2, cols=2)
    for row, (code, meaning) in enumerate([("Code", "Meaning"), ("E-204", "Download stopped")]):
        table.cell(row, 0).text = code
        table.cell(row, 1).text = meaning
    buffer = io.BytesIO()
    document.save(buffer)

    extracted = extract(buffer.getvalue(), "codes.docx")

    assert extracted.title == "Error codes"
    assert extracted.sections[0].text == "Code | Meaning\nE-204 | Download stopped"


def test_markdown_nested_headings_build_the_heading_path() -> None:
    markdown = (
        "# Lumen desk lamp\n\nIntro.\n\n## Setup\n\nPlug it in.\n\n### On Android\n\n"
        "Allow Nearby devices.\n\n### On iOS\n\nAllow Bluetooth.\n\n## Care\n\nUse a dry cloth.\n"
    )

    document = extract(markdown.encode(), "lamp.md")

    assert document.title == "Lumen desk lamp"
    assert [(s.heading_path, s.text) for s in document.sections] == [
        ((), "Intro."),
        (("Setup",), "Plug it in."),
        (("Setup", "On Android"), "Allow Nearby devices."),
        (("Setup", "On iOS"), "Allow Bluetooth."),
        (("Care",), "Use a dry cloth."),
    ]


def test_markdown_markup_is_removed_and_code_kept() -> None:
    markdown = (
        "Some **bold** and `inline code` with a [link](https://example.com).\n\n"
        "```\nlumen-cli reset --hard\n```\n\n| Code | Meaning |\n|---|---|\n| E-204 | Retry |\n"
    )

    document = extract(markdown.encode(), "notes.md")

    assert document.sections[0].text == (
        "Some bold and inline code with a link.\n\n"
        "lumen-cli reset --hard\n\n"
        "Code | Meaning\nE-204 | Retry"
    )


def test_whitespace_is_collapsed_and_paragraph_breaks_kept() -> None:
    text = "First  line\twith   gaps \r\nsecond line\u00a0here\n\n\n\n  Next paragraph\u200b.  "

    document = extract(text.encode(), "notes.txt")

    assert document.sections[0].text == (
        "First line with gaps\nsecond line here\n\nNext paragraph."
    )


@pytest.mark.parametrize(
    "encoded",
    [
        codecs.BOM_UTF8 + "Caf\u00e9 lamp".encode(),
        codecs.BOM_UTF16_LE + "Caf\u00e9 lamp".encode("utf-16-le"),
        codecs.BOM_UTF16_BE + "Caf\u00e9 lamp".encode("utf-16-be"),
    ],
    ids=["utf-8-bom", "utf-16-le-bom", "utf-16-be-bom"],
)
def test_text_with_a_byte_order_mark_is_decoded(encoded: bytes) -> None:
    document = extract(encoded, "menu.txt")

    assert document.sections[0].text == "Caf\u00e9 lamp"


def test_title_falls_back_to_the_file_name_stem() -> None:
    document = extract(b"Dust the lamp weekly.", r"C:\Users\me\lamp-care_guide.txt")

    assert document.title == "lamp care guide"


def test_csv_rows_become_labelled_lines() -> None:
    document = extract(fixtures.error_codes_csv(), "error-codes.csv")

    assert document.title == "error codes"
    assert document.content_type == "text/csv"
    lines = document.sections[0].text.split("\n")
    assert lines[0] == (
        "Code: E-204; Meaning: Download interrupted; "
        "What to do: Move the lamp closer to the router and retry"
    )
    assert lines[3].startswith("Code: LMN-3000; Meaning: Signature check failed")


def test_long_csv_is_split_into_sections_of_rows() -> None:
    document = extract(fixtures.error_codes_csv(rows=200), "codes.csv")

    sections = document.sections
    assert len(sections) > 1
    first_row = 1
    for section in sections:  # consecutive ranges covering every row, none oversized
        rows = len(section.text.split("\n"))
        assert section.heading_path == (f"Rows {first_row}-{first_row + rows - 1}",)
        assert rows <= 40
        assert len(section.text) <= 3000
        first_row += rows
    assert first_row - 1 == 204
    assert document.metadata["rows"] == "204"


def test_semicolon_separated_csv_is_recognised() -> None:
    document = extract(b"Code;Meaning\nE-204;Download interrupted\n", "codes.csv")

    assert document.sections[0].text == "Code: E-204; Meaning: Download interrupted"


def test_declared_content_type_decides_when_the_extension_is_unknown() -> None:
    page = b"<p>Hello <script>evil()</script>world</p>"

    document = extract(page, "page.php", "text/html; charset=utf-8")

    assert document.content_type == DocumentFormat.HTML
    assert full_text(document) == "Hello world"


def test_content_decides_when_neither_name_nor_declared_type_is_known() -> None:
    document = extract(fixtures.pdf_of(ARTICLES[0]), "download", "application/octet-stream")

    assert document.content_type == DocumentFormat.PDF


# --- Bad uploads ----------------------------------------------------------------------------


def test_empty_file_is_refused() -> None:
    assert reason_for(fixtures.empty_file()) == "the file is empty"


def test_password_protected_pdf_is_refused() -> None:
    assert reason_for(fixtures.encrypted_pdf()).startswith("the PDF is password-protected")


def test_scanned_pdf_without_text_layer_asks_for_ocr() -> None:
    assert reason_for(fixtures.scanned_pdf()) == (
        "no extractable text: this PDF has no text layer (it looks like scanned images); "
        "export it with text, run OCR on it, or upload it as text"
    )


def test_truncated_pdf_is_reported_damaged() -> None:
    assert reason_for(fixtures.corrupt_pdf()).startswith("the PDF file is damaged")


def test_truncated_docx_is_reported_damaged() -> None:
    assert reason_for(fixtures.corrupt_docx()).startswith("the DOCX file is damaged")


def test_docx_with_broken_xml_is_reported_damaged() -> None:
    assert reason_for(fixtures.docx_with_broken_xml()).startswith("the DOCX file is damaged")


def test_docx_that_expands_beyond_the_limit_is_refused_as_a_zip_bomb() -> None:
    assert reason_for(fixtures.docx_bomb()) == (
        "the DOCX file expands to more than 100 MB (possible zip bomb)"
    )


def test_expansion_limit_is_a_parameter() -> None:
    file = FixtureFile("pairing.docx", fixtures.docx_of(ARTICLES[1]))

    reason = reason_for(file, max_uncompressed_bytes=10 * 1024)

    assert reason == "the DOCX file expands to more than 10 KB (possible zip bomb)"


def test_docx_with_an_extreme_compression_ratio_is_refused_as_a_zip_bomb() -> None:
    assert reason_for(fixtures.docx_with_high_compression_ratio()) == (
        "the DOCX file contains a part compressed more than 100 times (possible zip bomb)"
    )


def test_docx_with_too_many_parts_is_refused_as_a_zip_bomb() -> None:
    assert reason_for(fixtures.docx_with_too_many_parts()) == (
        "the DOCX file holds more than 10,000 files (possible zip bomb)"
    )


def test_pdf_named_txt_is_refused_as_not_text() -> None:
    assert reason_for(fixtures.pdf_named_txt()) == (
        "the file is named notes.txt but its content is not text (it looks like a PDF)"
    )


def test_docx_named_pdf_is_refused_as_not_a_pdf() -> None:
    assert reason_for(fixtures.docx_named_pdf()) == (
        "the file is named report.pdf but its content is not a PDF (it looks like a DOCX document)"
    )


def test_text_named_pdf_is_refused_as_not_a_pdf() -> None:
    assert reason_for(fixtures.text_named_pdf()) == (
        "the file is named report.pdf but its content is not a PDF (it looks like text)"
    )


def test_zip_that_is_not_a_word_document_is_refused() -> None:
    assert reason_for(fixtures.zip_named_docx()) == (
        "the file is named photos.docx but its content is not a DOCX document "
        "(it looks like a ZIP archive)"
    )


def test_binary_data_named_txt_is_refused() -> None:
    assert reason_for(fixtures.binary_named_txt()) == (
        "the file is named notes.txt but its content is not text (it looks like binary data)"
    )


def test_text_in_a_legacy_encoding_asks_for_utf8() -> None:
    assert reason_for(fixtures.latin1_text()) == (
        "the file is named notes.txt but its text is not UTF-8; save it as UTF-8 and upload "
        "it again"
    )


def test_declared_type_that_the_content_contradicts_is_refused() -> None:
    with pytest.raises(ExtractionError) as raised:
        extract(b"just some words", "upload", "application/pdf")

    assert raised.value.reason == (
        "the file is declared as application/pdf but its content is not a PDF (it looks like text)"
    )


@pytest.mark.parametrize(
    ("file", "reason"),
    [
        (fixtures.blank_docx(), "no extractable text: the DOCX document is blank"),
        (
            fixtures.html_without_visible_text(),
            "no extractable text: the HTML page has no visible text",
        ),
        (fixtures.whitespace_text(), "no extractable text: the text file is blank"),
        (
            FixtureFile("codes.csv", b"Code,Meaning\n"),
            "no extractable text: the CSV file has a header row but no data",
        ),
        (FixtureFile("empty.md", b"---\ntitle: Nothing\n---\n\n"), "no extractable text"),
    ],
    ids=["docx", "html", "txt", "csv", "md"],
)
def test_document_without_text_is_refused(file: FixtureFile, reason: str) -> None:
    assert reason_for(file).startswith(reason)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("photo.png", "files ending in .png are not supported; upload a PDF, DOCX, HTML, "),
        ("letter.doc", "old Word .doc files are not supported; save the document as DOCX"),
    ],
)
def test_unsupported_file_types_are_refused_with_advice(name: str, reason: str) -> None:
    data = b"\x89PNG\r\n\x1a\n\x00\x00" if name.endswith(".png") else b"\xd0\xcf\x11\xe0\x00"

    assert reason_for(FixtureFile(name, data)).startswith(reason)


def test_fixture_files_can_be_written_for_upload_tests(tmp_path: Path) -> None:
    variants = fixtures.write_variants(ARTICLES[0], tmp_path / "good")
    bad = fixtures.write_bad_inputs(tmp_path / "bad")

    assert sorted(path.suffix for path in variants) == [".docx", ".html", ".md", ".pdf", ".txt"]
    assert bad["encrypted_pdf"].read_bytes().startswith(b"%PDF-")
    assert bad["empty_file"].stat().st_size == 0
