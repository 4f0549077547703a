"""Word 2007+ documents (.docx), read through python-docx's package loader and
walked at the XML level.

python-docx's ``row.cells`` repeats a merged cell's text in every grid cell it
covers; read that way, 表三's group labels and 表二's spanned values would
count several times. The body is walked instead as the XML has it: each
``<w:tc>`` once, at its grid column (``w:gridBefore`` and ``w:gridSpan``
counted), a vertically merged continuation (``<w:vMerge/>``) left out as HTML
leaves out the cells under a rowspan. Blank cells stay blank.

A zip whose parts would expand beyond a limit is refused before parsing (a
DOCX "zip bomb").
"""

from __future__ import annotations

import io
import zipfile

from extract.layout import Layout, Paragraph, SourceCell, SourceRow
from extract.readers.grid import grid_cell, grid_rows
from extract.sniff import UnreadableDocument

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_EXPANDED = 200 * 1024 * 1024  # bytes all parts may expand to
MAX_RATIO = 200  # expanded / compressed, for parts over 10 MB


def check_zip(data: bytes, required: str | None = "word/document.xml") -> None:
    """Refuse a zip that is not one or would expand beyond the limits."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise UnreadableDocument(f"DOCX is not a readable zip: {e}") from None
    total = sum(i.file_size for i in infos)
    if total > MAX_EXPANDED:
        raise UnreadableDocument(
            f"DOCX would expand to {total // 2**20} MB (limit {MAX_EXPANDED // 2**20} MB; zip bomb?)"
        )
    for i in infos:
        if i.file_size > 10 * 2**20 and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise UnreadableDocument(
                f"DOCX part {i.filename} compresses {i.file_size // max(i.compress_size, 1)}:1 "
                "(zip bomb?)"
            )
    if required and required not in {i.filename for i in infos}:
        raise UnreadableDocument(f"zip without {required}: not a Word document")


def _text(el) -> str:
    """Visible text of a paragraph or cell: runs joined, tabs as spaces,
    breaks and paragraphs as newlines."""
    parts: list[str] = []
    for node in el.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}p"):
        tag = node.tag
        if tag == f"{W}t":
            parts.append(node.text or "")
        elif tag == f"{W}tab":
            parts.append(" ")
        elif tag == f"{W}p":
            if parts:
                parts.append("\n")
        else:
            parts.append("\n")
    lines = [" ".join(x.split()) for x in "".join(parts).split("\n")]
    return "\n".join(x for x in lines if x)


def _int_attr(el, path: str, default: int) -> int:
    found = el.find(path)
    if found is None:
        return default
    try:
        return max(0, min(int(found.get(f"{W}val", default)), 100))
    except ValueError:
        return default


def read_table(tbl, index: int) -> list[SourceRow]:
    """A ``<w:tbl>`` as grid rows: each source cell once, with pos and span;
    a vertical merge's rowspan counted from its continuation cells."""
    rows: list[list[SourceCell]] = []
    width = 0
    continued_at: set[tuple[int, int]] = set()  # (row, grid column) of vMerge continuations
    for r, tr in enumerate(tbl.iterchildren(f"{W}tr")):
        col = _int_attr(tr, f"{W}trPr/{W}gridBefore", 0)
        cells: list[SourceCell] = []
        for tc in tr.iterchildren(f"{W}tc"):
            span = max(1, _int_attr(tc, f"{W}tcPr/{W}gridSpan", 1))
            vmerge = tc.find(f"{W}tcPr/{W}vMerge")
            if vmerge is not None and vmerge.get(f"{W}val", "continue") != "restart":
                continued_at.add((r, col))
            else:
                cells.append(grid_cell(_text(tc), index, r, col, 1, span))
            col += span
        width = max(width, col)
        rows.append(cells)
    for r, cells in enumerate(rows):
        for cell in cells:
            below = r + 1
            while (below, cell.pos) in continued_at:
                below += 1
            if below > r + 1:
                cell.where["rowspan"] = below - r
    return grid_rows(rows, index, width)


_REPORT_WORDS = ("本年新收", "自然人", "行政复议", "本年制发", "本年新制作", "信息内容", "处理决定")


def _is_report_table(tbl) -> bool:
    text = "".join(t.text or "" for t in tbl.iter(f"{W}t"))
    return sum(w in text for w in _REPORT_WORDS) >= 2


def read_blocks(container) -> list[Paragraph | SourceRow]:
    """Paragraphs and table rows of a body, in order. Content controls
    (``w:sdt``) are looked through; a table that holds a report table in its
    cells (a WPS/Word layout frame) is read as a container, not as a grid."""
    items: list[Paragraph | SourceRow] = []
    table_index = -1
    stack = [iter(container.iterchildren())]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        tag = child.tag
        if tag == f"{W}p":
            text = _text(child)
            if text:
                items.append(Paragraph(text, where={"paragraph": len(items)}))
        elif tag == f"{W}tbl":
            nested = [t for t in child.iter(f"{W}tbl") if t is not child]
            if len(stack) < 20 and any(_is_report_table(t) for t in nested):
                cells = [
                    tc for tr in child.iterchildren(f"{W}tr") for tc in tr.iterchildren(f"{W}tc")
                ]
                stack.append(iter([sub for tc in cells for sub in tc.iterchildren()]))
            else:
                table_index += 1
                items.extend(read_table(child, table_index))
        elif tag in (f"{W}sdt", f"{W}sdtContent") and len(stack) < 20:
            stack.append(iter(child.iterchildren()))
    return items


def read_docx(data: bytes) -> Layout:
    check_zip(data)
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        doc = Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as e:
        raise UnreadableDocument(f"DOCX cannot be opened: {e}") from None
    except Exception as e:  # lxml XMLSyntaxError and friends from a damaged part
        raise UnreadableDocument(f"DOCX is damaged: {type(e).__name__}: {e}") from None
    items = read_blocks(doc.element.body)
    # Word fills the title property with junk ("Microsoft Word - 1.doc", a
    # template's name): trust it only when it names a report.
    title = (doc.core_properties.title or "").strip()
    title = title if "报告" in title else None
    return Layout(reader="docx", items=items, title=title, encoding=None)
