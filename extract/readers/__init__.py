"""Readers: one per document kind, each turning bytes into a
:class:`extract.layout.Layout` (paragraphs and rows of labelled cells).

A reader knows its format and nothing of the templates. Register new kinds in
``READERS``; ``extract()`` picks the reader from :func:`extract.sniff.sniff`.
"""

from __future__ import annotations

from collections.abc import Callable

from extract.layout import Layout
from extract.readers.docx import read_docx
from extract.readers.html import read_html, read_mht
from extract.readers.ocr import read_image
from extract.readers.pdf import read_pdf
from extract.readers.text import read_text
from extract.readers.word import read_doc, read_rtf, read_zip

Reader = Callable[[bytes], Layout]

READERS: dict[str, Reader] = {
    "text": read_text,
    "markdown": read_text,
    "html": read_html,
    "docx": read_docx,
    "doc": read_doc,
    "mht": read_mht,
    "rtf": read_rtf,
    "zip": read_zip,
    "pdf": read_pdf,
    "image": read_image,
}
