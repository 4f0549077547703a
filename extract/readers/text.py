"""Plain-text and Markdown reports, as other tools and people export them.

These table layouts are recognised, line by line:

* one cell per line, each starting with a tab, rows separated by a blank line
  (a line without the tab continues the cell above: "本年新" / "制作数量");
  a cell holding only spaces is a blank cell of the table;
* one row per line, cells separated by tabs, padded to a grid;
* Markdown pipe tables;
* a label followed by space-separated values on one line
  ("（三）不予公开 1.属于国家秘密 0 0 0 0 0 0 0"), or values alone
  ("0 0 0 1 1 …", 表四 under its header);
* HTML ``<table>`` blocks inside Markdown (PDF-to-Markdown converters write
  tables with merged cells that way), read by the HTML reader's grid;
* one cell per line without tabs, as text copied out of a web page or a
  PDF: a short label line, then one line per value ("行政许可" / "2293").
  Blank lines carry no cells there, so a row with blank cells comes out
  short and the mapper leaves it out rather than shift its values.

Everything else is a paragraph.
"""

from __future__ import annotations

import re

from lxml import etree

from extract.layout import Item, Layout, Paragraph, SourceCell, SourceRow
from extract.readers.html import read_table
from extract.sections import heading_of
from extract.sniff import decode_text
from extract.values import parse_value

# A label with digits or sentence punctuation inside (outside brackets) is
# narrative that happens to end in a number ("部分公开答复 0 件，不予公开答复 2").
_NARRATIVE = re.compile(r"[\d，。；：,;:！？!?]")
_ENUM_PREFIX = re.compile(
    r"^(?:\d+[.、．]|[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、)+"
)
_BRACKETED = re.compile(r"[（(][^（()）]*[）)]")
_GOES_ON = re.compile(r"^[件条个项次人篇万元%，。、；,.;）)]")
_MAX_LABEL = 60
_TABLE_OPEN = re.compile(r"<table[\s>]", re.I)
_TABLE_CLOSE = re.compile(r"</table\s*>", re.I)
_MAX_HTML_LINES = 20_000
_VALUE_KINDS = ("number", "zero", "na")
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

    html_block: list[str] | None = None  # lines of an HTML <table> being collected
    html_line = 0
    for n, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        stripped = line.strip()
        if html_block is None and _TABLE_OPEN.search(stripped):
            flush()
            last_was_cell = False
            html_block, html_line = [], n
        if html_block is not None:
            html_block.append(line)
            if _TABLE_CLOSE.search(stripped) or len(html_block) > _MAX_HTML_LINES:
                for rows in _html_tables("\n".join(html_block), html_line):
                    table_index += 1
                    items.extend(_renumber(rows, table_index))
                html_block = None
                in_table = False
            continue
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
        spaced = _spaced_row(stripped, n)
        if spaced is not None:
            items.append(spaced)
            continue
        items.append(Paragraph(line, where={"line": n}))
    if html_block is not None:
        for rows in _html_tables("\n".join(html_block), html_line):
            table_index += 1
            items.extend(_renumber(rows, table_index))
    flush()
    return Layout(reader="text", items=_vertical_rows(items), encoding=encoding)


def _html_tables(fragment: str, line: int) -> list[list[SourceRow]]:
    """The tables of an HTML fragment, each as grid rows."""
    try:
        root = etree.fromstring(fragment, parser=etree.HTMLParser(remove_comments=True))
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return []
    if root is None:
        return []
    out = []
    for table in root.iter("table"):
        if next(table.iterancestors("table"), None) is not None:
            continue
        rows = read_table(table, 0)
        for row in rows:
            row.where["line"] = line
        out.append(rows)
    return out


def _renumber(rows: list[SourceRow], index: int) -> list[SourceRow]:
    for row in rows:
        row.table_index = index
        for cell in row.cells:
            if "table" in cell.where:
                cell.where["table"] = index
    return rows


def _is_value(token: str) -> bool:
    """A token that can only be a cell's value: 0, 2293, 75394432.52元, /, —."""
    return len(token) <= 24 and parse_value(token).kind in _VALUE_KINDS


def _is_label(text: str) -> bool:
    """A short table label, not narrative and not a section heading.

    Enumeration prefixes (（二）, 1., 三、) and bracketed notes
    ("（区分处理的，只计这一情形，不计其他情形）") may hold digits and commas;
    the rest of the label may not."""
    text = text.strip()
    if not text or len(text) > _MAX_LABEL or parse_value(text).kind != "text":
        return False
    if heading_of(text):
        return False
    bare = " ".join(_ENUM_PREFIX.sub("", t) for t in text.split())
    bare = _BRACKETED.sub("", bare)
    return not _NARRATIVE.search(bare)


def _spaced_row(stripped: str, n: int) -> SourceRow | None:
    """ "行政许可 97", "（三）不予公开 1.属于国家秘密 0 0 0 0 0 0 0", "0 0 1 …":
    PDF-to-text output that lost the table but kept each row on one line.
    Label words become cells of their own, so the mapper finds the
    right-most one naming a template row."""
    tokens = _join_units(stripped.split())
    k = len(tokens)
    while k > 0 and _is_value(tokens[k - 1]):
        k -= 1
    if k == len(tokens):
        return None
    if k == 0 and len(tokens) < 2:
        return None  # a lone number is a paragraph (a page number, a date part)
    label = " ".join(tokens[:k])
    # Three values or more in a row are a table row even behind text that
    # reads like a sentence: a wrapped label's middle ("理的，只计这一情形，不
    # 5 0 0 0 0 0 5", pdftotext -layout). Fewer need a clean label.
    if k and not (_is_label(label) or (len(tokens) - k >= 3 and len(label) <= 80)):
        return None
    cells = [SourceCell(t, pos=i, where={"line": n, "cell": i}) for i, t in enumerate(tokens)]
    return SourceRow(cells, where={"line": n}, padded=True)


_UNIT = re.compile(r"^(?:万元|元|件|条|个|项|次|%)$")


def _join_units(tokens: list[str]) -> list[str]:
    """ "832995 元" → "832995元": a unit printed apart from its number."""
    out: list[str] = []
    for t in tokens:
        if out and _UNIT.match(t) and parse_value(out[-1]).kind in ("number", "zero"):
            out[-1] += t
        else:
            out.append(t)
    return out


def _opens_bracket(text: str) -> bool:
    return text.count("（") + text.count("(") > text.count("）") + text.count(")")


def _closes_bracket(text: str) -> bool:
    return text.count("（") + text.count("(") < text.count("）") + text.count(")")


def _vertical_rows(items: list[Item]) -> list[Item]:
    """Join a label line and the value lines under it into one row.

    A label wrapped onto two lines (its first line leaves a bracket open:
    "（二）部分公开（区分处理的，只计这一情形，" / "不计其他情形）") is joined
    first, also when the second line carries the row's values. Value lines
    with no label line above them (表四's fifteen numbers under its header)
    make an unlabelled row, if there are at least two."""
    out: list[Item] = []
    i = 0
    while i < len(items):
        item = items[i]
        if isinstance(item, SourceRow) and _closes_bracket(item.cells[0].text):
            prev = out[-1] if out else None
            if isinstance(prev, Paragraph) and _opens_bracket(prev.text):
                # "（二）部分公开（区分处理的，只计这一情" / "形，不计其他情形） 447 7 …"
                out.pop()
                first = item.cells[0]
                first.text = prev.text.strip() + first.text
                first.where = {**first.where, "line": prev.where.get("line")}
        if not (isinstance(item, Paragraph) and _is_value(item.text.strip())):
            out.append(item)
            i += 1
            continue
        run: list[Paragraph] = []
        while (
            i < len(items) and isinstance(items[i], Paragraph) and _is_value(items[i].text.strip())  # type: ignore[union-attr]
        ):
            run.append(items[i])  # type: ignore[arg-type]
            i += 1
        after = items[i] if i < len(items) else None
        if isinstance(after, Paragraph) and _GOES_ON.match(after.text.strip()):
            out.extend(run)  # a sentence wrapped around a number: "共收到" / "12" / "件，…"
            continue
        label: list[Paragraph] = []
        prev = out[-1] if out else None
        if isinstance(prev, Paragraph) and _is_label(prev.text):
            label.append(prev)
            before = out[-2] if len(out) > 1 else None
            if (
                isinstance(before, Paragraph)
                and _opens_bracket(before.text)
                and _is_label(before.text.strip() + prev.text.strip())
            ):
                label.insert(0, before)
        if not label and len(run) < 2:
            out.extend(run)
            continue
        del out[len(out) - len(label) :]
        cells: list[SourceCell] = []
        if label:
            text = "".join(p.text.strip() for p in label)
            cells.append(SourceCell(text, pos=0, where={"line": label[0].where.get("line")}))
        cells += [
            SourceCell(p.text.strip(), pos=len(cells) + k, where={"line": p.where.get("line")})
            for k, p in enumerate(run)
        ]
        first = (label or run)[0].where.get("line")
        out.append(
            SourceRow(cells, where={"line": first, "lines": len(label) + len(run)}, padded=True)
        )
    return out
