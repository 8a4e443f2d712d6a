"""Turning an uploaded file into an ExtractedDocument: plain text in sections under headings.

Uploads are untrusted. The real type is detected from the bytes rather than believed from
the name, archives are measured before they are opened, and every way a file can be unusable
ends in an ExtractionError whose reason the member can act on. Headings matter because
chunking keeps sections apart and cites them; the document title is not repeated as a
section.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePosixPath

import docx
from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString, PageElement, PreformattedString
from docx.table import Table
from docx.text.paragraph import Paragraph
from markdown_it import MarkdownIt
from markdown_it.token import Token
from pypdf import DocumentInformation, PageObject, PasswordType, PdfReader
from pypdf.generic import DictionaryObject

from agents.knowledge.documents import ExtractedDocument, ExtractionError, Section

DEFAULT_MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_ARCHIVE_MEMBERS = 10_000
# Tiny members (an empty relationship file, a run of spaces) can compress more than
# MAX_COMPRESSION_RATIO times without being dangerous; only members at least this big count.
COMPRESSION_RATIO_FLOOR_BYTES = 1024 * 1024


class DocumentFormat(StrEnum):
    """The formats knowledge can come from; the value is the content type recorded."""

    PDF = "application/pdf"
    DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    HTML = "text/html"
    MARKDOWN = "text/markdown"
    CSV = "text/csv"
    TEXT = "text/plain"

    @property
    def noun(self) -> str:
        """How reasons name the format: "not a PDF", "not a DOCX document"."""
        return _NOUNS[self]


def extract(
    data: bytes,
    filename: str,
    declared_content_type: str | None = None,
    *,
    max_uncompressed_bytes: int = DEFAULT_MAX_UNCOMPRESSED_BYTES,
) -> ExtractedDocument:
    """The text of an uploaded file, in sections under its headings.

    The format comes from the file name's extension; the declared content type (what the
    browser or the crawler said) is only used when the extension is unknown, because
    browsers derive it from the extension anyway or send application/octet-stream. Either
    way the bytes must agree with it. Raises ExtractionError for anything unusable.
    """
    name = _base_name(filename)
    if not data:
        raise ExtractionError("the file is empty")
    content = _sniff(data)
    expected, claim = _expected_format(name, declared_content_type, content)
    _check_content_matches(expected, claim, content)
    fallback_title = _title_from_file_name(name)
    if expected is DocumentFormat.PDF:
        parsed = _parse_pdf(data)
    elif expected is DocumentFormat.DOCX:
        parsed = _parse_docx(data, max_uncompressed_bytes)
    else:
        assert content.text is not None  # _check_content_matches lets only text through
        parsed = _TEXT_PARSERS[expected](content.text, name)
    return _assemble(parsed, expected, fallback_title)


# --- What the bytes are ---------------------------------------------------------------------


_NOUNS: dict[DocumentFormat, str] = {
    DocumentFormat.PDF: "a PDF",
    DocumentFormat.DOCX: "a DOCX document",
    DocumentFormat.HTML: "an HTML page",
    DocumentFormat.MARKDOWN: "Markdown text",
    DocumentFormat.CSV: "a CSV table",
    DocumentFormat.TEXT: "text",
}

_EXTENSIONS: dict[str, DocumentFormat] = {
    ".pdf": DocumentFormat.PDF,
    ".docx": DocumentFormat.DOCX,
    ".html": DocumentFormat.HTML,
    ".htm": DocumentFormat.HTML,
    ".xhtml": DocumentFormat.HTML,
    ".md": DocumentFormat.MARKDOWN,
    ".markdown": DocumentFormat.MARKDOWN,
    ".mdown": DocumentFormat.MARKDOWN,
    ".mkd": DocumentFormat.MARKDOWN,
    ".csv": DocumentFormat.CSV,
    ".tsv": DocumentFormat.CSV,
    ".txt": DocumentFormat.TEXT,
    ".text": DocumentFormat.TEXT,
}

_CONTENT_TYPES: dict[str, DocumentFormat] = {
    **{document_format.value: document_format for document_format in DocumentFormat},
    "application/xhtml+xml": DocumentFormat.HTML,
    "text/x-markdown": DocumentFormat.MARKDOWN,
    "text/tab-separated-values": DocumentFormat.CSV,
}

# Extensions people try that deserve advice rather than a bare "not supported".
_UNSUPPORTED_ADVICE: dict[str, str] = {
    ".doc": "old Word .doc files are not supported; save the document as DOCX and upload it again",
    ".rtf": "RTF files are not supported; save the document as DOCX or PDF and upload it again",
    ".pages": "Pages files are not supported; export the document as DOCX or PDF first",
}

_SUPPORTED_LIST = "PDF, DOCX, HTML, Markdown, text or CSV"

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted Office document is an OLE container holding an "EncryptionInfo" stream.
_OLE_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
_HTML_START = re.compile(r"\A\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.I | re.S)


class _Kind(StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    DAMAGED_ZIP = "damaged zip"
    ZIP = "zip"
    ENCRYPTED_OFFICE = "encrypted office"
    OLE = "ole"
    TEXT = "text"
    NOT_UTF8 = "not utf-8"
    BINARY = "binary"


_KIND_NOUNS: dict[_Kind, str] = {
    _Kind.PDF: "a PDF",
    _Kind.DOCX: "a DOCX document",
    _Kind.DAMAGED_ZIP: "a damaged ZIP archive",
    _Kind.ZIP: "a ZIP archive",
    _Kind.ENCRYPTED_OFFICE: "a password-protected Office document",
    _Kind.OLE: "an old-style Office file such as .doc",
    _Kind.TEXT: "text",
    _Kind.NOT_UTF8: "text in an encoding other than UTF-8",
    _Kind.BINARY: "binary data",
}


@dataclass(frozen=True)
class _Content:
    """What the bytes turned out to be; ``text`` is set for text that decoded cleanly."""

    kind: _Kind
    text: str | None = None


def _sniff(data: bytes) -> _Content:
    """Magic bytes first, then whether it is clean text: extensions and declared types lie."""
    if data.startswith(b"%PDF-"):
        return _Content(_Kind.PDF)
    if data.startswith(b"PK\x03\x04"):
        return _Content(_zip_kind(data))
    if data.startswith(_OLE_MAGIC):
        encrypted = _OLE_ENCRYPTION_STREAM in data
        return _Content(_Kind.ENCRYPTED_OFFICE if encrypted else _Kind.OLE)
    text = _decode_text(data)
    if text is not None:
        return _Content(_Kind.TEXT, text)
    if b"\x00" in data:
        return _Content(_Kind.BINARY)
    return _Content(_Kind.NOT_UTF8)


def _zip_kind(data: bytes) -> _Kind:
    """Reads only the central directory: nothing is inflated before _refuse_zip_bomb."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return _Kind.DAMAGED_ZIP
    return _Kind.DOCX if "word/document.xml" in names else _Kind.ZIP


def _decode_text(data: bytes) -> str | None:
    """UTF-8, or UTF-8/UTF-16 announced by a byte order mark; None when it is not text.

    A NUL never occurs in real text, so it marks binary data (and PostgreSQL refuses it).
    """
    try:
        if data.startswith(codecs.BOM_UTF8):
            text = data[len(codecs.BOM_UTF8) :].decode("utf-8")
        elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")
        else:
            text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return None if "\x00" in text else text


def _expected_format(
    name: str, declared_content_type: str | None, content: _Content
) -> tuple[DocumentFormat, str]:
    """The format the file claims to be, and how it claims it (for the mismatch reason).

    Without a known extension or declared type, PDF and DOCX are recognised by their bytes
    alone; text is accepted only from a name with no extension at all, because text under
    an unknown extension (.json, .svg, .rtf) is usually markup that is not knowledge.
    """
    extension = _extension(name)
    if extension in _EXTENSIONS:
        return _EXTENSIONS[extension], f"the file is named {name}"
    declared = (declared_content_type or "").split(";")[0].strip().lower()
    if declared in _CONTENT_TYPES:
        return _CONTENT_TYPES[declared], f"the file is declared as {declared}"
    if content.kind is _Kind.PDF:
        return DocumentFormat.PDF, f"the file {name}"
    if content.kind is _Kind.DOCX:
        return DocumentFormat.DOCX, f"the file {name}"
    if content.text is not None and not extension:
        html = _HTML_START.match(content.text)
        return (DocumentFormat.HTML if html else DocumentFormat.TEXT), f"the file {name}"
    if extension in _UNSUPPORTED_ADVICE:
        raise ExtractionError(_UNSUPPORTED_ADVICE[extension])
    described = f"files ending in {extension}" if extension else "files like this one"
    raise ExtractionError(f"{described} are not supported; upload a {_SUPPORTED_LIST} file")


def _extension(name: str) -> str:
    """ ".pdf" from "report.pdf"; nothing from "Lamp v2.1 notes", whose dot is not one."""
    suffix = PurePosixPath(name).suffix
    return suffix.lower() if re.fullmatch(r"\.[A-Za-z0-9]{1,10}", suffix) else ""


def _check_content_matches(expected: DocumentFormat, claim: str, content: _Content) -> None:
    """Refuse bytes that are not what the name says, naming what they look like instead."""
    if expected is DocumentFormat.PDF and content.kind is _Kind.PDF:
        return
    if expected is DocumentFormat.DOCX:
        if content.kind is _Kind.DOCX:
            return
        if content.kind is _Kind.DAMAGED_ZIP:
            raise ExtractionError("the DOCX file is damaged and cannot be opened")
        if content.kind is _Kind.ENCRYPTED_OFFICE:
            raise ExtractionError(
                "the DOCX file is password-protected; remove the password and upload it again"
            )
    if expected not in {DocumentFormat.PDF, DocumentFormat.DOCX}:
        if content.text is not None:
            return
        if content.kind is _Kind.NOT_UTF8:
            raise ExtractionError(
                f"{claim} but its text is not UTF-8; save it as UTF-8 and upload it again"
            )
    raise ExtractionError(
        f"{claim} but its content is not {expected.noun} "
        f"(it looks like {_KIND_NOUNS[content.kind]})"
    )


def _base_name(filename: str) -> str:
    """Only the last path component: some browsers still send C:\\Users\\...\\file.pdf."""
    return re.split(r"[\\/]", filename.strip())[-1] or "document"


def _title_from_file_name(name: str) -> str:
    stem = name.removesuffix(PurePosixPath(name).suffix) if _extension(name) else name
    title = _collapse_spaces(re.sub(r"[-_]+", " ", stem))
    return title or "Untitled document"


# --- From parsed blocks to sections -----------------------------------------------------------


@dataclass(frozen=True)
class _Heading:
    """Level 0 is a document's own title paragraph (the DOCX "Title" style)."""

    level: int
    text: str


# A paragraph is a plain string; lines inside it are list items, table rows or CSV rows.
_Block = _Heading | str


@dataclass(frozen=True)
class _Parsed:
    blocks: list[_Block]
    title: str | None = None  # the document's own title (front matter, <title>, properties)
    metadata: dict[str, str] | None = None
    blank_reason: str = "no extractable text: the file holds no readable text"


def _assemble(
    parsed: _Parsed, document_format: DocumentFormat, fallback_title: str
) -> ExtractedDocument:
    """Sections from blocks; the title from the document, else its first top heading, else
    the file name. A leading heading that is the title is not repeated as a section."""
    blocks = [_normalise_block(block) for block in parsed.blocks]
    blocks = [block for block in blocks if (block.text if isinstance(block, _Heading) else block)]
    headings = [block for block in blocks if isinstance(block, _Heading)]
    title_heading = _title_heading(headings, parsed.title)
    document_title = _collapse_spaces(parsed.title or "")
    if not document_title and title_heading is not None:
        document_title = title_heading.text
    if not document_title:
        first_top = next((heading for heading in headings if heading.level <= 1), None)
        document_title = first_top.text if first_top is not None else fallback_title

    sections: list[Section] = []
    path: list[_Heading] = []
    paragraphs: list[str] = []

    def close_section() -> None:
        if paragraphs:
            heading_path = tuple(heading.text for heading in path)
            sections.append(Section(heading_path, "\n\n".join(paragraphs)))
            paragraphs.clear()

    for block in blocks:
        if isinstance(block, _Heading):
            close_section()
            if block is title_heading:
                continue
            while path and path[-1].level >= block.level:
                path.pop()
            path.append(block)
        else:
            paragraphs.append(block)
    close_section()
    if not sections:
        raise ExtractionError(parsed.blank_reason)
    return ExtractedDocument(
        title=document_title,
        sections=sections,
        content_type=document_format.value,
        metadata=dict(parsed.metadata or {}),
    )


def _title_heading(headings: list[_Heading], title: str | None) -> _Heading | None:
    """The first heading when it names the whole document: it repeats the title, or it is
    a lone top-level heading (one h1 over h2 sections, or a DOCX Title paragraph)."""
    if not headings:
        return None
    first = headings[0]
    if title and _same_words(first.text, title):
        return first
    if first.level <= 1 and all(heading.level > first.level for heading in headings[1:]):
        return first
    return None


def _same_words(left: str, right: str) -> bool:
    return _collapse_spaces(left).casefold() == _collapse_spaces(right).casefold()


def _normalise_block(block: _Block) -> _Block:
    if isinstance(block, _Heading):
        return _Heading(block.level, _collapse_spaces(block.text))
    return _normalise_whitespace(block)


_SPACE_LIKE = dict.fromkeys(
    [0x09, 0x0B, 0x0C, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000], " "
)
_INVISIBLE = dict.fromkeys(
    [
        *range(0x09),
        *range(0x0E, 0x20),
        0x7F,
        *range(0x80, 0xA0),
        0xAD,
        *range(0x200B, 0x200E),
        0x2060,
        0xFEFF,
    ]
)
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85]")


def _normalise_whitespace(text: str) -> str:
    """Collapse runs of spaces, keep line and paragraph breaks (at most one blank line).

    Control characters and zero-width marks go: they confuse tokenizers and PostgreSQL
    rejects NUL. Non-breaking and other wide spaces become plain spaces.
    """
    text = _LINE_BREAKS.sub("\n", text)
    text = text.translate(_INVISIBLE).translate(_SPACE_LIKE)
    lines = [re.sub(r" {2,}", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _collapse_spaces(text: str) -> str:
    return " ".join(_normalise_whitespace(text).split())


# --- PDF ------------------------------------------------------------------------------------


_PDF_DAMAGED = "the PDF file is damaged and cannot be opened"
_PDF_SCANNED = (
    "no extractable text: this PDF has no text layer (it looks like scanned images); "
    "export it with text, run OCR on it, or upload it as text"
)
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.I)
_PAGE_NUMBER = re.compile(r"^(page\s+)?\d{1,3}(\s*(/|of)\s*\d{1,3})?$", re.I)
_LIST_ITEM = re.compile(r"^([-*\u2022\u25aa\u25cf\u2013]|\d{1,3}[.)]|[a-z][.)])\s")
_SENTENCE_END = (".", "!", "?", ":", '."', ".)")


@dataclass(frozen=True)
class _PdfLine:
    text: str
    bold: bool
    size: float


def _parse_pdf(data: bytes) -> _Parsed:
    """PDFs carry no structure, only positioned text: headings are recognised by font
    (bold, or larger than the body text) and wrapped lines are joined back into paragraphs.
    """
    reader = _open_pdf(data)
    try:
        pages = list(reader.pages)
        title = _pdf_title(reader.metadata)
    except Exception as error:
        raise ExtractionError(_PDF_DAMAGED) from error
    if not pages:
        raise ExtractionError(_PDF_DAMAGED)

    lines: list[_PdfLine] = []
    unreadable: list[str] = []
    for number, page in enumerate(pages, start=1):
        try:
            lines.extend(_pdf_page_lines(page))
        except Exception:  # one broken page should not cost the rest of the document
            unreadable.append(str(number))
    if len(unreadable) == len(pages):
        raise ExtractionError(_PDF_DAMAGED)
    lines = [line for line in lines if not _PAGE_NUMBER.match(line.text)]
    if not any(line.text for line in lines):
        raise ExtractionError(_PDF_SCANNED)
    metadata = {"pages": str(len(pages))}
    if unreadable:
        metadata["unreadable_pages"] = ", ".join(unreadable)
    return _Parsed(_pdf_blocks(lines), title, metadata, _PDF_SCANNED)


def _open_pdf(data: bytes) -> PdfReader:
    """Many PDFs are "encrypted" only to restrict printing, with an empty user password:
    those open fine. The rest need a password we do not have."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        locked = reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED
    except Exception as error:
        # pypdf raises many types on hostile or broken input; all mean the same to a member.
        raise ExtractionError(_PDF_DAMAGED) from error
    if locked:
        raise ExtractionError(
            "the PDF is password-protected; remove the password and upload it again"
        )
    return reader


def _pdf_title(metadata: DocumentInformation | None) -> str | None:
    title = metadata.title if metadata is not None else None
    return (title.strip() or None) if isinstance(title, str) else None


def _pdf_page_lines(page: PageObject) -> list[_PdfLine]:
    """The page's lines with their font: pypdf reports text runs with font and matrices."""
    runs: list[list[tuple[str, bool, float]]] = [[]]

    def visit(
        text: str, cm: list[float], tm: list[float], font: DictionaryObject | None, size: float
    ) -> None:
        bold = _is_bold(font)
        # The rendered size: the nominal size scaled by the text and graphics matrices,
        # rounded to half points so 11 and 11.0001 are one size.
        rendered = round(size * math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3]) * 2) / 2
        for index, part in enumerate(text.split("\n")):
            if index:
                runs.append([])
            if part:
                runs[-1].append((part, bold, rendered))

    page.extract_text(visitor_text=visit)
    lines: list[_PdfLine] = []
    for line_runs in runs:
        text = _collapse_spaces("".join(part for part, _, _ in line_runs))
        if not text:
            continue
        visible = [(bold, size) for part, bold, size in line_runs if part.strip()]
        lines.append(
            _PdfLine(
                text,
                bold=all(bold for bold, _ in visible),
                size=max(size for _, size in visible),
            )
        )
    return lines


def _is_bold(font: DictionaryObject | None) -> bool:
    """By name (Helvetica-Bold, ABCDEF+Inter-SemiBold) or by the declared weight."""
    if font is None:
        return False
    if _BOLD_FONT.search(str(font.get("/BaseFont", ""))):
        return True
    try:
        descriptor = font.get("/FontDescriptor")
        weight = descriptor.get_object().get("/FontWeight") if descriptor is not None else None
        return weight is not None and float(weight) >= 600
    except (AttributeError, TypeError, ValueError):
        return False


def _pdf_blocks(lines: list[_PdfLine]) -> list[_Block]:
    body_size = _most_common_size(lines)
    heading_sizes = sorted(
        {line.size for line in lines if _is_pdf_heading(line, body_size)}, reverse=True
    )
    body_lengths = sorted(len(line.text) for line in lines if line.size == body_size)
    full_width = body_lengths[int(len(body_lengths) * 0.9)] if body_lengths else 80

    blocks: list[_Block] = []
    paragraph = ""
    previous: _PdfLine | None = None
    for line in lines:
        if _is_pdf_heading(line, body_size):
            if paragraph:
                blocks.append(paragraph)
                paragraph = ""
            level = heading_sizes.index(line.size) + 1
            last = blocks[-1] if blocks else None
            if (
                isinstance(last, _Heading)
                and last.level == level
                and previous is not None
                and previous.bold == line.bold
            ):
                blocks[-1] = _Heading(level, f"{last.text} {line.text}")  # a wrapped heading
            else:
                blocks.append(_Heading(level, line.text))
        elif not paragraph:
            paragraph = line.text
        elif _LIST_ITEM.match(line.text):
            paragraph += "\n" + line.text
        elif (
            paragraph.endswith(_SENTENCE_END)
            and previous is not None
            and len(previous.text) < 0.8 * full_width
        ):
            blocks.append(paragraph)  # a short line ending a sentence ends its paragraph
            paragraph = line.text
        elif paragraph.endswith("-"):
            paragraph += line.text  # "Wi-" + "Fi": keep the hyphen, drop the wrap
        else:
            paragraph += " " + line.text
        previous = line
    if paragraph:
        blocks.append(paragraph)
    return blocks


def _most_common_size(lines: list[_PdfLine]) -> float:
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0]


def _is_pdf_heading(line: _PdfLine, body_size: float) -> bool:
    """Short, lettered, not ending like a sentence, and bold or clearly larger than body."""
    text = line.text
    if len(text) > 120 or len(text.split()) > 12 or not any(c.isalpha() for c in text):
        return False
    if text.endswith((".", ",", ";")) or _LIST_ITEM.match(text):
        return False
    return (line.bold and line.size >= body_size) or line.size >= body_size * 1.2


# --- DOCX -----------------------------------------------------------------------------------


_DOCX_DAMAGED = "the DOCX file is damaged and cannot be opened"
_DOCX_HEADING_STYLE = re.compile(r"^heading ([1-6])$", re.I)


def _parse_docx(data: bytes, max_uncompressed_bytes: int) -> _Parsed:
    """Heading 1..6 styles give the heading path; the archive is measured before python-docx
    decompresses anything, so a small upload cannot expand into gigabytes."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _refuse_zip_bomb(archive.infolist(), "DOCX file", max_uncompressed_bytes)
    except zipfile.BadZipFile as error:
        raise ExtractionError(_DOCX_DAMAGED) from error

    blocks: list[_Block] = []
    try:
        document = docx.Document(io.BytesIO(data))
        title = document.core_properties.title or None
        in_list = False
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                blocks.append("\n".join(_docx_table_rows(item)))
                in_list = False
                continue
            block = _docx_paragraph(item)
            is_item = isinstance(block, str) and block.startswith("- ")
            if is_item and in_list:
                blocks[-1] = f"{blocks[-1]}\n{block}"  # a list stays one paragraph of lines
            else:
                blocks.append(block)
            in_list = is_item
    except Exception as error:
        # python-docx, lxml and zipfile raise many types on broken parts; one meaning here.
        raise ExtractionError(_DOCX_DAMAGED) from error
    return _Parsed(blocks, title, blank_reason="no extractable text: the DOCX document is blank")


def _docx_paragraph(paragraph: Paragraph) -> _Block:
    """Headings by style name; list paragraphs get a dash, since numbering is not text."""
    style = (paragraph.style.name or "") if paragraph.style is not None else ""
    heading = _DOCX_HEADING_STYLE.match(style)
    if heading:
        return _Heading(int(heading.group(1)), paragraph.text)
    if style.lower() == "title":
        return _Heading(0, paragraph.text)
    if style.lower().startswith("list"):
        return f"- {paragraph.text}" if paragraph.text.strip() else ""
    return paragraph.text


def _docx_table_rows(table: Table) -> Iterator[str]:
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = _collapse_spaces(cell.text)
            if text and (not cells or cells[-1] != text):  # merged cells repeat their text
                cells.append(text)
        if cells:
            yield " | ".join(cells)


def _refuse_zip_bomb(
    members: list[zipfile.ZipInfo], label: str, max_uncompressed_bytes: int
) -> None:
    """Judge an archive by its central directory alone, before inflating a byte. zipfile
    stops reading a member at its declared size, so the declared sizes are binding."""
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise ExtractionError(
            f"the {label} holds more than {MAX_ARCHIVE_MEMBERS:,} files (possible zip bomb)"
        )
    if sum(member.file_size for member in members) > max_uncompressed_bytes:
        raise ExtractionError(
            f"the {label} expands to more than {_size(max_uncompressed_bytes)} (possible zip bomb)"
        )
    for member in members:
        if (
            member.file_size >= COMPRESSION_RATIO_FLOOR_BYTES
            and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
        ):
            raise ExtractionError(
                f"the {label} contains a part compressed more than {MAX_COMPRESSION_RATIO} "
                "times (possible zip bomb)"
            )


def _size(size: int) -> str:
    """1024-based, as file managers show sizes: "100 MB", "1.5 MB", "10 KB"."""
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:,.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


# --- Text formats ---------------------------------------------------------------------------


def _parse_text(text: str, name: str) -> _Parsed:
    """Plain text has no headings: paragraphs are separated by blank lines."""
    return _Parsed(_paragraphs(text), blank_reason="no extractable text: the text file is blank")


def _paragraphs(text: str) -> list[_Block]:
    return [part for part in re.split(r"\n\s*\n", _LINE_BREAKS.sub("\n", text)) if part.strip()]


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


def _parse_markdown(text: str, name: str) -> _Parsed:
    """Headings (#, setext) give the heading path; list items and table rows stay lines of
    one paragraph so a list is not torn apart. Front matter gives the title."""
    text = _LINE_BREAKS.sub("\n", text)
    metadata: dict[str, str] = {}
    front_matter = _FRONT_MATTER.match(text)
    if front_matter:
        metadata = _front_matter_fields(front_matter.group(1))
        text = text[front_matter.end() :]
    blocks = _markdown_blocks(MarkdownIt("commonmark").enable("table").parse(text))
    return _Parsed(
        blocks,
        metadata.get("title"),
        metadata,
        blank_reason="no extractable text: the Markdown file is blank",
    )


def _front_matter_fields(front_matter: str) -> dict[str, str]:
    """Flat "key: value" lines only; nested YAML is not knowledge."""
    fields: dict[str, str] = {}
    for line in front_matter.split("\n"):
        key, separator, value = line.partition(":")
        value = value.strip()
        if separator and key.strip() and not line[:1].isspace() and value:
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            fields[key.strip().lower()] = value
    return fields


def _markdown_blocks(tokens: list[Token]) -> list[_Block]:
    walker = _MarkdownWalker()
    for token in tokens:
        walker.visit(token)
    return walker.blocks


class _MarkdownWalker:
    """Markdown-it's flat token stream, with the little state it needs: open lists, the
    current heading, the current table row."""

    def __init__(self) -> None:
        self.blocks: list[_Block] = []
        self.lines: list[str] = []  # lines of the current list or table, flushed at its end
        self.lists: list[str] = []  # the marker of each open list: "-" or "1."
        self.item_prefix: str | None = None
        self.heading_level: int | None = None
        self.cells: list[str] | None = None

    def visit(self, token: Token) -> None:
        kind = token.type
        if kind == "heading_open":
            self.heading_level = int(token.tag[1])
        elif kind == "heading_close":
            self.heading_level = None
        elif kind in {"bullet_list_open", "ordered_list_open"}:
            self.lists.append("-" if kind == "bullet_list_open" else "1.")
        elif kind in {"bullet_list_close", "ordered_list_close"}:
            self.lists.pop()
            if not self.lists:
                self.flush_lines()
        elif kind == "list_item_open":
            marker = self.lists[-1]
            if marker == "1." and token.info:
                marker = f"{token.info}."
            self.item_prefix = "  " * (len(self.lists) - 1) + marker + " "
        elif kind == "tr_open":
            self.cells = []
        elif kind == "tr_close" and self.cells is not None:
            self.lines.append(" | ".join(cell for cell in self.cells if cell))
            self.cells = None
        elif kind == "table_close":
            self.flush_lines()
        elif kind in {"inline", "fence", "code_block", "html_block"}:
            self.add_text(_markdown_token_text(token))

    def add_text(self, text: str) -> None:
        if self.heading_level is not None:
            self.blocks.append(_Heading(self.heading_level, text))
        elif self.cells is not None:
            self.cells.append(_collapse_spaces(text))
        elif self.lists:
            self.lines.append((self.item_prefix or "  " * len(self.lists)) + text)
            self.item_prefix = None
        else:
            self.blocks.append(text)

    def flush_lines(self) -> None:
        self.blocks.append("\n".join(self.lines))
        self.lines.clear()


def _markdown_token_text(token: Token) -> str:
    if token.type == "inline":
        return _markdown_inline_text(token)
    if token.type == "html_block":
        return _visible_html_text(token.content)
    return token.content  # code keeps its text: commands and settings are knowledge


def _markdown_inline_text(token: Token) -> str:
    """Text without markup: soft line breaks are spaces, images count by their alt text."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in {"text", "code_inline", "image"}:
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
    return "".join(parts)


_HTML_DROPPED = ("script", "style", "noscript", "template", "iframe", "nav", "footer", "svg")
_HTML_HEADING = re.compile(r"^h([1-6])$")
_HTML_BLOCKS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "form",
        "header",
        "hr",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tr",
        "ul",
    }
)


def _parse_html(text: str, name: str) -> _Parsed:
    """Only what a reader sees: scripts, styles, navigation and footers are dropped."""
    soup = BeautifulSoup(text, "lxml")
    title_tag = soup.find("title")
    title = title_tag.get_text(" ") if title_tag is not None else None
    _drop_invisible(soup)
    root = soup.find("body") or soup
    blocks = _html_blocks(root) if isinstance(root, Tag) else []
    return _Parsed(
        blocks,
        title,
        blank_reason="no extractable text: the HTML page has no visible text",
    )


def _drop_invisible(soup: BeautifulSoup) -> None:
    for element in soup.find_all(_HTML_DROPPED):
        element.decompose()
    head = soup.find("head")
    if head is not None:
        head.decompose()


def _visible_html_text(html: str) -> str:
    """Raw HTML inside Markdown: its text, without scripts or styles."""
    soup = BeautifulSoup(html, "lxml")
    _drop_invisible(soup)
    return soup.get_text(" ")


@dataclass(frozen=True)
class _EndOf:
    """Marks where an element's children end in the explicit walk stack."""

    tag: Tag


def _html_blocks(root: Tag) -> list[_Block]:
    """Walk the tree with an explicit stack, so deep nesting cannot exhaust recursion."""
    walker = _HtmlWalker()
    stack: list[PageElement | _EndOf] = list(reversed(root.contents))
    while stack:
        node = stack.pop()
        if isinstance(node, _EndOf):
            walker.close(node.tag)
        elif isinstance(node, NavigableString):
            walker.text(node)
        elif isinstance(node, Tag) and walker.open(node):
            stack.append(_EndOf(node))
            stack.extend(reversed(node.contents))
    walker.end_paragraph()
    return walker.blocks


class _HtmlWalker:
    """Inline whitespace collapses as a browser would; block elements end the paragraph;
    a list, however nested, becomes one paragraph with a line per item."""

    def __init__(self) -> None:
        self.blocks: list[_Block] = []
        self.inline: list[str] = []
        self.preformatted = 0
        self.lists: list[int] = []  # per open list: items so far, negative when unordered
        self.list_lines: list[str] = []

    def open(self, tag: Tag) -> bool:
        """Handle an element's start; False when its children need no visit."""
        heading = _HTML_HEADING.match(tag.name)
        if heading:
            self.end_paragraph()
            self.blocks.append(_Heading(int(heading.group(1)), tag.get_text(" ")))
            return False
        if tag.name == "br":
            self.inline.append("\n")
            return False
        if tag.name in _HTML_BLOCKS:
            self.end_paragraph()
        if tag.name in {"ul", "ol"}:
            self.lists.append(0 if tag.name == "ol" else -1)
        elif tag.name == "li":
            self.inline.append(self.item_marker())
        elif tag.name in {"td", "th"} and "".join(self.inline).strip():
            self.inline.append(" | ")
        elif tag.name == "pre":
            self.preformatted += 1
        return True

    def item_marker(self) -> str:
        if not self.lists:
            return "- "
        indent = "  " * (len(self.lists) - 1)
        if self.lists[-1] < 0:
            return f"{indent}- "
        self.lists[-1] += 1
        return f"{indent}{self.lists[-1]}. "

    def close(self, tag: Tag) -> None:
        if tag.name == "pre":
            self.preformatted -= 1
        if tag.name in _HTML_BLOCKS:
            self.end_paragraph()
        if tag.name in {"ul", "ol"} and self.lists:
            self.lists.pop()
            if not self.lists and self.list_lines:
                self.blocks.append("\n".join(self.list_lines))
                self.list_lines.clear()

    def text(self, node: NavigableString) -> None:
        if isinstance(node, PreformattedString):  # comments, CDATA, doctype
            return
        self.inline.append(str(node) if self.preformatted else re.sub(r"\s+", " ", str(node)))

    def end_paragraph(self) -> None:
        text = "".join(self.inline)
        self.inline.clear()
        if not text.strip():
            return
        if self.lists:
            self.list_lines.append(_collapse_spaces(text) if not self.preformatted else text)
        else:
            self.blocks.append(text)


_CSV_SECTION_ROWS = 40
_CSV_SECTION_CHARACTERS = 3000


def _parse_csv(text: str, name: str) -> _Parsed:
    """Each row becomes a line "column: value; column: value" so a passage retrieved alone
    still says what its numbers mean. Rows are grouped into sections of modest size."""
    rows = _csv_rows(text, tab_separated=name.lower().endswith(".tsv"))
    if not rows:
        raise ExtractionError("no extractable text: the CSV file is blank")
    header, data_rows = rows[0], rows[1:]
    if not data_rows:
        raise ExtractionError("no extractable text: the CSV file has a header row but no data")
    labels = [
        _collapse_spaces(label) or f"column {index + 1}" for index, label in enumerate(header)
    ]

    lines: list[tuple[int, str]] = []
    for number, row in enumerate(data_rows, start=1):
        fields = [
            f"{labels[index] if index < len(labels) else f'column {index + 1}'}: {value}"
            for index, value in enumerate(_collapse_spaces(cell) for cell in row)
            if value
        ]
        if fields:
            lines.append((number, "; ".join(fields)))
    groups = list(_csv_groups(lines))
    blocks: list[_Block] = []
    for group in groups:
        if len(groups) > 1:
            blocks.append(_Heading(1, f"Rows {group[0][0]}-{group[-1][0]}"))
        blocks.append("\n".join(line for _, line in group))
    return _Parsed(
        blocks,
        metadata={"rows": str(len(data_rows)), "columns": str(len(labels))},
        blank_reason="no extractable text: the CSV file holds no values",
    )


def _csv_rows(text: str, *, tab_separated: bool) -> list[list[str]]:
    sample = text[:8192]
    dialect: type[csv.Dialect] | csv.Dialect = csv.excel_tab if tab_separated else csv.excel
    if not tab_separated:
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        except csv.Error:
            dialect = csv.excel  # one column, or too irregular to guess: plain commas
    try:
        rows = list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as error:
        raise ExtractionError(f"the CSV file is malformed: {error}") from error
    return [row for row in rows if any(cell.strip() for cell in row)]


def _csv_groups(lines: list[tuple[int, str]]) -> Iterable[list[tuple[int, str]]]:
    group: list[tuple[int, str]] = []
    characters = 0
    for line in lines:
        if group and (
            len(group) >= _CSV_SECTION_ROWS or characters + len(line[1]) > _CSV_SECTION_CHARACTERS
        ):
            yield group
            group, characters = [], 0
        group.append(line)
        characters += len(line[1]) + 1
    if group:
        yield group


_TEXT_PARSERS: dict[DocumentFormat, Callable[[str, str], _Parsed]] = {
    DocumentFormat.TEXT: _parse_text,
    DocumentFormat.MARKDOWN: _parse_markdown,
    DocumentFormat.HTML: _parse_html,
    DocumentFormat.CSV: _parse_csv,
}
