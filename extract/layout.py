"""What a reader hands to the rest of the extractor: the document as a stream
of paragraphs and table rows, each cell with where it came from.

Readers differ only in how they produce this stream (plain text, Markdown,
HTML, PDF, Word, OCR); the template mapper, the checks, the metadata and the
section splitter read nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class SourceCell:
    """One cell as printed. ``pos`` is its grid column when the layout has a
    grid (tab-separated text, HTML after span expansion), else ``None``."""

    text: str
    pos: int | None = None
    span: int = 1
    where: dict[str, Any] = field(default_factory=dict)


@dataclass
class SourceRow:
    """A table row. ``padded`` says that empty cells at either end of the row
    are layout padding (tab-separated text, Markdown) rather than blank cells
    of the table (one-cell-per-line text, where a blank cell is a line)."""

    cells: list[SourceCell]
    where: dict[str, Any] = field(default_factory=dict)
    padded: bool = False
    positional: bool = False
    table_index: int | None = None

    @property
    def width(self) -> int:
        return len(self.cells)


@dataclass
class Paragraph:
    text: str
    where: dict[str, Any] = field(default_factory=dict)


Item = Paragraph | SourceRow


@dataclass
class Layout:
    """A document read into paragraphs and rows, in reading order."""

    reader: str
    items: list[Item]
    title: str | None = None  # a title the container declares (HTML <title>, meta)
    confidence: float = 1.0
    encoding: str | None = None
    # Reader-level warnings (garbled pages, OCR used, ambiguous splits); the
    # extractor copies them into the record's warnings.
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def paragraphs(self) -> list[Paragraph]:
        return [i for i in self.items if isinstance(i, Paragraph)]

    def rows(self) -> list[SourceRow]:
        return [i for i in self.items if isinstance(i, SourceRow)]

    def all_text(self) -> str:
        parts: list[str] = []
        for item in self.items:
            if isinstance(item, Paragraph):
                parts.append(item.text)
            else:
                parts.append("\t".join(c.text for c in item.cells))
        return "\n".join(parts)
