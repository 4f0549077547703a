"""Plain-text and Markdown reports, as other tools and people export them.

Three table layouts are recognised, line by line:

* one cell per line, each starting with a tab, rows separated by a blank line
  (a line without the tab continues the cell above: "本年新" / "制作数量");
  a cell holding only spaces is a blank cell of the table;
* one row per line, cells separated by tabs, padded to a grid;
* Markdown pipe tables;
* a short label followed by space-separated numbers on one line.

Everything else is a paragraph.
"""

from __future__ import annotations

import re

from extract.layout import Layout, Paragraph, SourceCell, SourceRow
from extract.sniff import decode_text

# "行政许可 97", "规章 0 0 0": a short label, then numbers separated by spaces
# (PDF-to-text output that lost the table but kept the row on one line).
_SPACED_ROW = re.compile(
    r"^(?P<label>[^\d\s|][^|]{0,30}?[^\d\s.,，。、|])\s+(?P<values>-?\d[\d.,]*(?:\s+-?\d[\d.,]*)*)$"
)
# A label with digits or sentence punctuation inside is narrative that
# happens to end in a number ("部分公开答复 0 件，不予公开答复 2").
_NARRATIVE = re.compile(r"[\d，。；：,;:]")
_ENUM_PREFIX = re.compile(
    r"^(?:\d+[.、．]|[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、)+"
)
_MD_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def read_text(data: bytes) -> Layout:
    text, encoding = decode_text(data)
    return read_lines(text.splitlines(), encoding=encoding)


def read_lines(lines: list[str], *, encoding: str = "utf-8") -> Layout:
    items: list[Paragraph | SourceRow] = []
    cell_row: list[SourceCell] | None = None  # the one-cell-per-line row being read
    row_line = 0
    last_was_cell = False
    table_index = -1
    in_table = False

    def flush() -> None:
        nonlocal cell_row
        if cell_row:
            items.append(SourceRow(cell_row, where={"line": row_line}, table_index=table_index))
        cell_row = None

    for n, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        stripped = line.strip()
        if stripped.startswith("|") and stripped.count("|") >= 2:
            flush()
            last_was_cell = False
            if _MD_SEPARATOR.match(stripped):
                continue
            if not in_table:
                table_index += 1
                in_table = True
            parts = stripped.strip("|").split("|")
            cells = [
                SourceCell(p.strip(), pos=i, where={"line": n, "cell": i})
                for i, p in enumerate(parts)
            ]
            items.append(
                SourceRow(
                    cells, where={"line": n}, padded=True, positional=False, table_index=table_index
                )
            )
            continue
        if "\t" in line:
            body = line[1:] if line.startswith("\t") else None
            if body is not None and "\t" not in body:
                if not in_table:
                    table_index += 1
                    in_table = True
                if cell_row is None:
                    cell_row = []
                    row_line = n
                cell_row.append(SourceCell(body, where={"line": n, "cell": len(cell_row)}))
                last_was_cell = True
                continue
            flush()
            last_was_cell = False
            if not in_table:
                table_index += 1
                in_table = True
            parts = line.split("\t")
            cells = [
                SourceCell(p, pos=i, where={"line": n, "cell": i}) for i, p in enumerate(parts)
            ]
            items.append(
                SourceRow(
                    cells, where={"line": n}, padded=True, positional=True, table_index=table_index
                )
            )
            continue
        if not stripped:
            flush()
            last_was_cell = False
            continue
        if last_was_cell and cell_row and len(stripped) <= 20:
            # A cell that wrapped onto a line of its own ("本年新" / "制作数量").
            cell_row[-1].text += "\n" + stripped
            continue
        flush()
        last_was_cell = False
        in_table = False
        spaced = _SPACED_ROW.match(stripped)
        if spaced and not _NARRATIVE.search(_ENUM_PREFIX.sub("", spaced.group("label"))):
            label = spaced.group("label")
            cells = [SourceCell(label, pos=0, where={"line": n, "cell": 0})]
            cells += [
                SourceCell(v, pos=i, where={"line": n, "cell": i})
                for i, v in enumerate(spaced.group("values").split(), start=1)
            ]
            items.append(SourceRow(cells, where={"line": n}, padded=True))
            continue
        items.append(Paragraph(line, where={"line": n}))
    flush()
    return Layout(reader="text", items=items, encoding=encoding)
