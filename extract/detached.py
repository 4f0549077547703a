"""Rows whose labels came apart from their numbers.

A one-row table may have no row label of its own, only column headers: the
heading (a line of text, or a caption row of the table) just above it names
the row ("### 行政复议" over
"| 结果维持 | … | 总计 |" and "| 27 | 10 | 9 | 15 | 61 |"). The value row
takes that heading as its label when the heading names exactly one template
row and the header cells name each of that row's columns once; the values
are put in the template's column order by their header cells.

PDF-to-Markdown converters also often print a block of label lines, then the
value rows without labels ("| 0 | 0 | 0 | 0 | 0 | 0 | 0 |"). When unlabelled
value rows sit between two printed rows and the template has exactly as
many (not printed) rows between those two, the value rows are placed there
in order — but only if the report's own column sums then hold for every
column (results add up to （七）总计, 新收 + 结转 = 总计 + 结转下年度). Such
cells carry a lower confidence and a note; otherwise nothing is placed.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from extract.forms import Col, Form, Row, Table
from extract.labels import norm
from extract.layout import Item, Layout, Paragraph, SourceCell, SourceRow
from extract.tables import match_col, match_row
from extract.values import parse_value

DETACHED_CONFIDENCE = 0.7
NOTE = "unlabelled row placed by template order between printed rows; the report's column sums hold"


@dataclass
class _Entry:
    index: int  # position in layout.items
    row: Row | None  # template row when labelled
    values: list[SourceCell]
    label_at: int = -1


def _value_cells(row: SourceRow) -> list[SourceCell]:
    cells = list(row.cells)
    if row.padded:
        while cells and not cells[0].text.strip():
            cells.pop(0)
        while cells and not cells[-1].text.strip():
            cells.pop()
    return cells


def _label(row: SourceRow, table: Table) -> tuple[Row, list[SourceCell], int] | None:
    for i in range(len(row.cells) - 1, -1, -1):
        text = row.cells[i].text
        if text.strip() and parse_value(text).kind == "text":
            found = match_row(text, table)
            if found is not None:
                vals = [c for c in row.cells[i + 1 :]]
                if row.padded:
                    while vals and not vals[-1].text.strip():
                        vals.pop()
                return found, vals, i
            return None
    return None


def _numbers(cells: list[SourceCell]) -> list[float] | None:
    out = []
    for c in cells:
        v = parse_value(c.text)
        if v.kind not in ("number", "zero") or v.value is None:
            return None
        out.append(float(v.value))
    return out


def _sums_hold(values: dict[str, list[float]], table: Table, ncols: int) -> bool:
    """Every column's results add up to （七）总计 (required), and 新收 + 上年结转
    = 总计 + 结转下年度 where all four rows were read in full."""
    results = [r.key for r in table.rows if r.results]
    if "total_handled" not in values or "granted" not in values:
        return False
    present = [k for k in results if k in values]
    balance = all(
        k in values for k in ("new_received", "carried_over", "total_handled", "carried_forward")
    )
    for c in range(ncols):
        if sum(values[k][c] for k in present) != values["total_handled"][c]:
            return False
        if balance:
            lhs = values["new_received"][c] + values["carried_over"][c]
            if lhs != values["total_handled"][c] + values["carried_forward"][c]:
                return False
    return True


def _alternatives(table: Table, seen: list[Row]) -> list[set[str]]:
    """Row keys to leave out of the template, one set per way the table may
    have been printed: （六）其他处理 as one row or as its three sub-rows —
    unless a printed label already shows which."""
    seen_keys = {r.key for r in seen}
    choices: list[set[str]] = [set()]
    for row in table.rows:
        members = {r.key for r in table.rows if r.group == row.label}
        if members and not (members | {row.key}) & seen_keys:
            choices = [c | alt for c in choices for alt in ({row.key}, members)]
    return choices


def _plan(entries: list[_Entry], table: Table, seen: list[Row], skip: set[str]) -> dict[int, Row]:
    """Unlabelled rows → template rows, gap by gap between labelled rows (the
    table's first and last rows bound the first and last gap): a gap is
    filled only when it holds exactly as many rows as the template has there."""
    order = {r.key: n for n, r in enumerate(table.rows)}
    seen_keys = {r.key for r in seen}
    plan: dict[int, Row] = {}
    anchors = [n for n, e in enumerate(entries) if e.row is not None]
    # A label wrapped above and below its numbers (pdftotext -layout) leaves
    # 新收 and 上年结转 unlabelled before the first printed label.
    bounds = [-1, *anchors, len(entries)]
    for a, b in itertools.pairwise(bounds):
        gap = [e for e in entries[a + 1 : b] if e.row is None]
        if not gap:
            continue
        lo = order[entries[a].row.key] if a >= 0 else -1  # type: ignore[union-attr]
        hi = order[entries[b].row.key] if b < len(entries) else len(table.rows)  # type: ignore[union-attr]
        missing = [
            r
            for r in table.rows[lo + 1 : hi]
            if r.key not in seen_keys and r.key not in skip and not _excluded(r, seen)
        ]
        if len(missing) != len(gap):
            continue
        for e, r in zip(gap, missing, strict=True):
            plan[e.index] = r
    return plan


def _values(entries: list[_Entry], plan: dict[int, Row], ncols: int) -> dict[str, list[float]]:
    values: dict[str, list[float]] = {}
    for e in entries:
        key = e.row.key if e.row is not None else (plan[e.index].key if e.index in plan else None)
        nums = _numbers(e.values) if len(e.values) == ncols else None
        if key is not None and nums is not None and key not in values:
            values[key] = nums
    return values


def _excluded(row: Row, seen: list[Row]) -> bool:
    """Alternatives of printed rows: （六）其他处理 as one row or as three."""
    groups = {r.group for r in seen if r.group}
    labels = {r.label for r in seen}
    return row.label in groups or (row.group is not None and row.group in labels)


_MAX_HEADING = 60
_MARKUP = "#*_ \t"  # Markdown heading and emphasis marks around a heading


def _heading(item: Item) -> tuple[str, dict[str, Any]] | None:
    """A heading's text without Markdown marks, and where it is printed: a
    short line of text, or a table row holding nothing but it (a caption
    row spanning the table)."""
    if isinstance(item, Paragraph):
        text, where = item.text, item.where
    else:
        printed = [c for c in item.cells if c.text.strip()]
        if len(printed) != 1:
            return None
        text, where = printed[0].text, printed[0].where
    text = text.strip().strip(_MARKUP)
    if not text or len(text) > _MAX_HEADING or parse_value(text).kind != "text":
        return None
    return text, where


def _header_names(item: Item) -> list[SourceCell] | None:
    """The cells of a column header: a row of text cells, or a line of text
    whose words are the header cells (plain text)."""
    if isinstance(item, Paragraph):
        words = item.text.split()
        return [SourceCell(w, pos=i) for i, w in enumerate(words)] or None
    cells = _value_cells(item)
    if not cells or any(not c.text.strip() or parse_value(c.text).kind != "text" for c in cells):
        return None
    return cells


def _lined_up(names: list[SourceCell], values: list[SourceCell], *, both_grids: bool) -> bool:
    """One value under each header cell; in a grid, at the same columns (a
    merged cell would shift them)."""
    if len(names) != len(values):
        return False
    return not both_grids or [c.pos for c in names] == [c.pos for c in values]


def _names_one_row(text: str, table: Table) -> Row | None:
    """The template row a heading names, when it names no other: besides
    :func:`match_row`, no other row's distinctive key may occur in it
    ("行政诉讼（未经复议直接起诉、复议后起诉）" names two rows, so none)."""
    found = match_row(text, table)
    if found is None:
        return None
    n = norm(text)
    if any(k and norm(k) in n for r in table.rows if r != found and not r.exact for k in r.keys):
        return None
    return found


def _headed(
    heading: str, names: list[SourceCell], form: Form
) -> tuple[Table, Row, list[Col]] | None:
    """The one (table, row, column per header cell) that the heading and the
    header name together, or None."""
    found = []
    for table in form.tables:
        row = _names_one_row(heading, table)
        if row is None:
            continue
        cols = table.cols_of(row)
        named = [col for c in names if (col := match_col(c.text, cols)) is not None]
        if len(named) != len(names) or sorted(c.key for c in named) != sorted(c.key for c in cols):
            continue  # a header cell naming no column, or one column twice
        found.append((table, row, named))
    return found[0] if len(found) == 1 else None


def _headed_parts(
    items: list[Item], i: int
) -> tuple[tuple[str, dict[str, Any]], list[SourceCell], list[SourceCell]] | None:
    """The heading, header cells and value cells of a one-row table whose
    value row is ``items[i]``: the header is the row above, or the text cells
    in front of the values when a reader joined a one-word header line and a
    one-value line ("本年处理决定数量" / "2473", plain text)."""
    row = items[i]
    if not isinstance(row, SourceRow):
        return None
    cells = _value_cells(row)
    k = next((n for n, c in enumerate(cells) if parse_value(c.text).kind != "text"), len(cells))
    values = cells[k:]
    if not values or any(parse_value(c.text).kind == "text" for c in values):
        return None
    if k:
        names, at, grids = cells[:k], i - 1, False
    elif i >= 2 and (header := _header_names(items[i - 1])) is not None:
        above = items[i - 1]
        names, at = header, i - 2
        grids = row.positional and isinstance(above, SourceRow) and above.positional
    else:
        return None
    if at < 0 or not _lined_up(names, values, both_grids=grids):
        return None
    heading = _heading(items[at])
    return None if heading is None else (heading, names, values)


def label_headed_rows(layout: Layout, form: Form) -> Layout:
    """Give a one-row table the row label printed as the heading just above
    its column header (see the module docstring)."""
    items = layout.items
    for i, row in enumerate(items):
        parts = _headed_parts(items, i)
        if parts is None:
            continue
        (title, where), names, values = parts
        found = _headed(title, names, form)
        if found is None:
            continue
        table, trow, cols = found
        by_col = {col.key: cell for col, cell in zip(cols, values, strict=True)}
        label = {**where, "text": title}
        cells = [SourceCell(trow.label, where=label)]
        cells += [
            SourceCell(c.text, c.pos, c.span, {**c.where, "label": label})
            for c in (by_col[col.key] for col in table.cols_of(trow))
        ]
        items[i] = SourceRow(
            cells, where=row.where, padded=False, positional=False, table_index=row.table_index
        )
    return layout


def assign_detached_rows(layout: Layout, form: Form) -> Layout:
    """Label one-row tables by the heading above them, then unlabelled 表三
    value rows by template order when the column sums confirm it (see the
    module docstring)."""
    layout = label_headed_rows(layout, form)
    table = next((t for t in form.tables if t.key == "t3"), None)
    if table is None:
        return layout
    ncols = len(table.cols)
    entries: list[_Entry] = []
    for i, item in enumerate(layout.items):
        if not isinstance(item, SourceRow):
            continue
        labelled = _label(item, table)
        if labelled is not None:
            entries.append(_Entry(i, labelled[0], labelled[1], labelled[2]))
            continue
        vals = _value_cells(item)
        if len(vals) > ncols and parse_value(vals[-ncols - 1].text).kind == "text":
            # A fragment of a wrapped label that names no row ("开", "理结果")
            # in front of the values: the row is as good as unlabelled.
            vals = vals[-ncols:]
        if len(vals) == ncols and _numbers(vals) is not None:
            entries.append(_Entry(i, None, vals))
    _fill_short_balance_row(layout, entries, ncols)
    if not any(e.row is None for e in entries) or not any(e.row for e in entries):
        return layout
    seen = [e.row for e in entries if e.row is not None]
    tried: list[dict[int, Row]] = []
    plans: list[dict[int, Row]] = []
    for skip in _alternatives(table, seen):
        plan = _plan(entries, table, seen, skip)
        if not plan or plan in tried:
            continue
        tried.append(plan)
        if _sums_hold(_values(entries, plan, ncols), table, ncols):
            plans.append(plan)
    if not tried:
        return layout
    if len(plans) != 1:
        largest = max(tried, key=len)
        layout.warnings.append(
            {
                "code": "detached_rows_unplaced",
                "message": (
                    f"{len(largest)} unlabelled 表三 rows could be placed by template order "
                    "but the column sums do not confirm it; left out"
                    if not plans
                    else "unlabelled 表三 rows fit the template in more than one way; left out"
                ),
                "table": table.key,
                "cells": [
                    f"{table.key}.{r.key}.{c.key}" for r in largest.values() for c in table.cols
                ],
            }
        )
        return layout
    plan = plans[0]
    values_at = {e.index: e.values for e in entries}
    for index, trow in plan.items():
        row = layout.items[index]
        assert isinstance(row, SourceRow)
        marks: dict[str, Any] = {"inferred": NOTE, "confidence": DETACHED_CONFIDENCE}
        cells = [SourceCell(trow.label, where={**row.where, **marks})]
        cells += [SourceCell(c.text, c.pos, c.span, {**c.where, **marks}) for c in values_at[index]]
        layout.items[index] = SourceRow(
            cells, where=row.where, padded=False, positional=False, table_index=row.table_index
        )
    return layout


_BALANCE = ("new_received", "carried_over", "total_handled", "carried_forward")
SHORT_NOTE = (
    "row printed one cell short; placed where 新收 + 上年结转 = 总计 + 结转下年度 "
    "holds in every other column, the missing cell left blank"
)


def _fill_short_balance_row(layout: Layout, entries: list[_Entry], ncols: int) -> None:
    """A balance row (新收, 上年结转, 总计, 结转下年度) printed with one cell
    fewer than the columns: find the one gap position at which every printed
    value equals what the other three rows imply, and mark the gap blank."""
    full = {
        e.row.key: nums
        for e in entries
        if e.row is not None
        and e.row.key in _BALANCE
        and len(e.values) == ncols
        and (nums := _numbers(e.values)) is not None
    }
    for e in entries:
        if e.row is None or e.row.key not in _BALANCE or len(e.values) != ncols - 1:
            continue
        others = [k for k in _BALANCE if k != e.row.key]
        if not all(k in full for k in others):
            continue
        printed = _numbers(e.values)
        if printed is None:
            continue
        sign = {"new_received": 1, "carried_over": 1, "total_handled": -1, "carried_forward": -1}
        # sum(sign * value) over the four rows is 0 in every column.
        expected = [
            -sum(sign[k] * full[k][c] for k in others) * sign[e.row.key] for c in range(ncols)
        ]
        fits = [j for j in range(ncols) if [expected[c] for c in range(ncols) if c != j] == printed]
        if len(fits) != 1:
            continue
        j = fits[0]
        row = layout.items[e.index]
        assert isinstance(row, SourceRow)
        label_at = e.label_at
        marks: dict[str, Any] = {"inferred": SHORT_NOTE, "confidence": DETACHED_CONFIDENCE}
        vals = [SourceCell(c.text, c.pos, c.span, {**c.where, **marks}) for c in e.values]
        vals.insert(j, SourceCell("", where={**row.where, **marks}))
        cells = [row.cells[label_at], *vals]
        layout.items[e.index] = SourceRow(
            cells, where=row.where, padded=False, positional=False, table_index=row.table_index
        )
