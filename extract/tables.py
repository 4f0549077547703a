"""The template mapper: places a reader's rows of labelled cells into the
contract's cells, using only the declarative forms in :mod:`extract.forms`.

A row is placed when its label matches a template row and it shows exactly as
many values as that row has columns. A row that shows more or fewer is never
shifted into its neighbours: values that sit under a known header column of
the same grid are kept, the rest are left out, and a warning says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from extract.forms import Col, Form, Row, Table
from extract.labels import ENUMERATED as _ENUMERATED
from extract.labels import core, norm
from extract.layout import Layout, Paragraph, SourceCell, SourceRow
from extract.values import Value, parse_value


@dataclass
class Cell:
    table: str
    row: str
    col: str
    value: int | float | None
    kind: str
    raw: str
    where: dict[str, Any]
    note: str | None = None
    unit: str | None = None
    confidence: float = 1.0
    decimal: str | None = None  # money and fractions exactly as printed ("24252.311082")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "table": self.table,
            "row": self.row,
            "col": self.col,
            "value": self.value,
            "kind": self.kind,
            "raw": self.raw,
        }
        if self.note:
            out["note"] = self.note
        if self.unit:
            out["unit"] = self.unit
        if self.decimal:
            out["decimal"] = self.decimal
        out["source"] = self.where
        out["confidence"] = self.confidence
        return out


@dataclass
class Mapped:
    cells: dict[tuple[str, str, str], Cell] = field(default_factory=dict)
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def warn(self, code: str, message: str, **extra: Any) -> None:
        self.warnings.append({"code": code, "message": message, **extra})


def _by_core(entries: tuple[Any, ...]) -> dict[str, Any]:
    """The core of every label and variant → the first row or column printing it."""
    out: dict[str, Any] = {}
    for entry in entries:
        for text in (entry.label, *entry.variants):
            out.setdefault(core(text), entry)
    return out


_INDEXES: dict[int, Any] = {}


def _index(of: Any, build: Any) -> Any:
    """The index ``build(of)`` of a table or a tuple of columns, made once. The
    index keeps ``of`` alive, so its id is never reused; the forms are
    frozen, so an index never goes stale."""
    found = _INDEXES.get(id(of))
    if found is None:
        found = _INDEXES[id(of)] = build(of)
    return found


class _Labels:
    """A table's labels normalised once, for matching printed cells against
    it; what a printed text matches is remembered (labels repeat within and
    across reports)."""

    def __init__(self, table: Table):
        self.table = table
        self.exact: dict[str, Row] = _by_core(table.rows)
        self.groups = frozenset(core(g) for g in table.groups)
        self.keys = [
            (k, row) for row in table.rows if not row.exact for k in map(norm, row.keys) if k
        ]
        self.markers = tuple(norm(m) for m in table.markers)
        self.match = lru_cache(maxsize=8192)(self._match)
        self.marks = lru_cache(maxsize=8192)(self._marks)

    def _marks(self, text: str) -> bool:
        """Whether the text holds a printed text that starts this table."""
        n = norm(text)
        return any(m in n for m in self.markers)

    def _match(self, text: str) -> Row | None:
        c = core(text)
        if not c:
            return None
        row = self.exact.get(c)
        if row is not None:
            return row
        if c in self.groups:
            # "行政诉讼（未经复议直接起诉）": the group, then the row in brackets
            inner = _BRACKETED.search(norm(text))
            return self.match(inner.group(1)) if inner else None
        best = [(len(k), row) for k, row in self.keys if k in c]
        if not best:
            return None
        best.sort(key=lambda x: -x[0])
        top = [r for n, r in best if n == best[0][0]]
        if len({r.key for r in top}) > 1:
            return None
        return top[0]


def _labels(table: Table) -> _Labels:
    return _index(table, _Labels)


def match_row(text: str, table: Table) -> Row | None:
    """The template row a printed label names, or None.

    Exact match (after normalisation) on the label or a known variant first;
    then the longest distinctive key contained in the label. Two rows matching
    equally well is no match: a guess is worse than a gap.
    """
    return _labels(table).match(text)


_BRACKETED = re.compile(r"\(([^()]+)\)$")


class _Columns:
    """Column labels normalised once (see :class:`_Labels`)."""

    def __init__(self, cols: tuple[Col, ...]):
        self.cols = cols
        self.exact: dict[str, Col] = _by_core(cols)
        self.keys = [(norm(k), col) for col in cols for k in col.keys]
        self.match = lru_cache(maxsize=8192)(self._match)

    def _match(self, text: str) -> Col | None:
        if _ENUMERATED.match(norm(text)):
            return None
        c = core(text)
        if not c:
            return None
        col = self.exact.get(c)
        if col is not None:
            return col
        return next((col for k, col in self.keys if k in c), None)


def match_col(text: str, cols: tuple[Col, ...]) -> Col | None:
    """The column a header cell names. A cell numbered like a row label
    ("3.其他", "（七）总计") is never a column header."""
    return _index(cols, _Columns).match(text)


def grid_width(row: SourceRow) -> int:
    """Columns of the row's grid: the table's width when the reader knows it
    (HTML, where a <td> spanning columns appears once), else its cell count."""
    width = row.where.get("grid_width")
    return width if isinstance(width, int) else row.width


def _marks(text: str, table: Table) -> bool:
    return _labels(table).marks(text)


@dataclass
class _Header:
    """Grid positions of a table's columns, from its header rows."""

    width: int
    cols: dict[int, Col] = field(default_factory=dict)
    spans: dict[int, int] = field(default_factory=dict)  # grid columns each header covers


class Mapper:
    def __init__(self, form: Form, confidence: float = 1.0):
        self.form = form
        self.confidence = confidence  # the reader's confidence in the whole layout
        self.row: SourceRow | None = None  # the row being placed, for provenance
        self.out = Mapped()
        self.context: Table | None = None
        self.headers: dict[str, _Header] = {}

    # -- helpers ---------------------------------------------------------

    def _tables_in_order(self) -> list[Table]:
        tables = list(self.form.tables)
        if self.context is not None:
            tables.remove(self.context)
            tables.insert(0, self.context)
        return tables

    def _find_label(self, row: SourceRow) -> tuple[int, Table, Row] | None:
        """The right-most cell naming a template row (current table first)."""
        for table in self._tables_in_order():
            for i in range(len(row.cells) - 1, -1, -1):
                text = row.cells[i].text
                if not text.strip() or parse_value(text).kind != "text":
                    continue
                found = match_row(text, table)
                if found is not None:
                    return i, table, found
        return None

    def _header_row(self, row: SourceRow) -> bool:
        """Record column positions if this is a header row of a table."""
        if any(parse_value(c.text).kind in ("number", "zero") for c in row.cells):
            return False
        tables = self._tables_in_order()
        for table in tables:
            if not table.cols:
                continue
            hits = {
                i: col
                for i, c in enumerate(row.cells)
                if c.text.strip() and (col := match_col(c.text, table.cols))
            }
            if len(hits) >= 2 or (hits and self.context is table):
                if row.positional:
                    header = self.headers.get(table.key)
                    if header is None or header.width != grid_width(row):
                        header = self.headers[table.key] = _Header(grid_width(row))
                    for i, col in hits.items():
                        pos = row.cells[i].pos if row.cells[i].pos is not None else i
                        header.cols[pos] = col
                        header.spans[pos] = max(1, row.cells[i].span)
                if len(hits) >= 2:
                    self.context = table
                return True
        return False

    def _put(self, table: Table, row: Row, col: Col, src: SourceCell, v: Value) -> None:
        key = (table.key, row.key, col.key)
        where = dict(src.where)
        if self.row is not None and self.row.table_index is not None:
            where.setdefault("table", self.row.table_index)
        confidence = self.confidence
        own = where.get("confidence")
        if isinstance(own, (int, float)):
            confidence = min(confidence, float(own))
        cell = Cell(
            table=table.key,
            row=row.key,
            col=col.key,
            value=v.value,
            kind=v.kind,
            raw=src.text,
            where=where,
            note=v.note,
            unit=v.unit,
            confidence=round(confidence, 4),
            decimal=v.decimal,
        )
        old = self.out.cells.get(key)
        if old is not None:
            if old.value != cell.value or old.kind != cell.kind:
                self.out.warn(
                    "duplicate_cell",
                    f"{table.key}.{row.key}.{col.key} printed twice with different values "
                    f"({old.raw!r} and {src.text!r}); kept the first",
                    table=table.key,
                    row=row.key,
                    col=col.key,
                )
            return
        self.out.cells[key] = cell

    # -- placing rows ----------------------------------------------------

    def _values_after(self, row: SourceRow, start: int) -> list[SourceCell]:
        """The cells after a row label, up to the next label cell."""
        vals: list[SourceCell] = []
        for cell in row.cells[start:]:
            if cell.text.strip() and parse_value(cell.text).kind == "text":
                break
            vals.append(cell)
        if row.padded:
            while vals and not vals[0].text.strip():
                vals.pop(0)
            while vals and not vals[-1].text.strip():
                vals.pop()
        return vals

    def _place(self, table: Table, row: Row, cols: tuple[Col, ...], vals: list[SourceCell]) -> None:
        for col, src in zip(cols, vals, strict=True):
            self._put(table, row, col, src, parse_value(src.text, money=col.money))

    def _place_by_grid(
        self, table: Table, trow: Row, row: SourceRow, label_at: int, found: int
    ) -> bool:
        """Fallback for a row whose value count is off: keep values that sit
        exactly under a header column of the same grid; leave the rest out."""
        header = self.headers.get(table.key)
        if header is None or not row.positional or header.width != grid_width(row):
            return False
        cols = {c.key for c in table.cols_of(trow)}
        by_pos = {c.pos if c.pos is not None else i: c for i, c in enumerate(row.cells)}
        label_pos = row.cells[label_at].pos if row.cells[label_at].pos is not None else label_at
        # The label spilling into a value column means the row is damaged:
        # then a blank there proves nothing, only printed numbers are kept.
        damaged = any(pos <= label_pos for pos in header.cols)
        placed = []
        for pos, col in sorted(header.cols.items()):
            if col.key not in cols or pos <= label_pos:
                continue
            # A header spanning grid columns (自然人 over an empty cell): the
            # one printed value under it, else the blank at its start.
            span = header.spans.get(pos, 1)
            under = [c for p, c in by_pos.items() if pos <= p < pos + span]
            printed = [c for c in under if c.text.strip()]
            if len(printed) > 1:
                continue  # two values under one header: no guess
            src = printed[0] if printed else by_pos.get(pos)
            if src is None:
                continue
            v = parse_value(src.text, money=col.money)
            if v.kind == "text" or (damaged and v.kind == "blank"):
                continue
            self._put(table, trow, col, src, v)
            placed.append(col.key)
        n = len(table.cols_of(trow))
        self.out.warn(
            "row_partial",
            f"{table.key}.{trow.key}: {found} values for {n} columns; kept only "
            f"{', '.join(placed) or 'nothing'} (aligned under the header), left the rest out",
            table=table.key,
            row=trow.key,
            placed=placed,
            source=row.where,
        )
        return True

    def feed_row(self, row: SourceRow) -> None:
        self.row = row
        if not any(c.text.strip() for c in row.cells):
            # A grid reader's blank row is blank cells (a blank 表四 value
            # row); padding-free rows elsewhere are ghosts and carry nothing.
            table = self.context
            if (
                not row.padded
                and row.positional
                and table is not None
                and table.single_value_row
                and not any(k[0] == table.key for k in self.out.cells)
            ):
                self._unlabelled(row)
            return
        for c in row.cells:
            if not c.text.strip() or parse_value(c.text).kind != "text" or len(norm(c.text)) < 4:
                continue
            for table in self.form.tables:
                if _marks(c.text, table) and not match_row(c.text, table):
                    self.context = table
        if self._header_row(row):
            return
        if self._header_tail(row):
            return
        hit = self._find_label(row)
        if hit is None:
            self._unlabelled(row)
            return
        label_at, table, trow = hit
        self.context = table
        cols = table.cols_of(trow)
        vals = self._values_after(row, label_at + 1)
        if not vals:
            return  # a heading row (行政复议 above its columns), not data
        if len(vals) == len(cols):
            self._place(table, trow, cols, vals)
            return
        found = sum(1 for v in vals if v.text.strip())
        if self._place_by_grid(table, trow, row, label_at, found):
            return
        self.out.warn(
            "row_misaligned",
            f"{table.key}.{trow.key}: {found} values printed for {len(cols)} columns; "
            "no value can be placed with certainty, row left out",
            table=table.key,
            row=trow.key,
            printed=[v.text for v in vals],
            source=row.where,
        )

    def _header_tail(self, row: SourceRow) -> bool:
        """表四's values run on from the last header word ("总计", then fifteen
        numbers, in text copied one cell per line). Inside a one-value-row
        table, text naming only columns of that table is header, not a row
        label: the values are placed as the unlabelled row — when their count
        is exactly the table's."""
        table = self.context
        if table is None or not table.single_value_row:
            return False
        texts = [c for c in row.cells if c.text.strip() and parse_value(c.text).kind == "text"]
        values = [c for c in row.cells if parse_value(c.text).kind != "text"]
        if not texts or len(values) != len(table.cols) * len(table.rows):
            return False
        if not all(match_col(c.text, table.cols) and not match_row(c.text, table) for c in texts):
            return False
        self._unlabelled(SourceRow(values, where=row.where, padded=row.padded))
        return True

    def _unlabelled(self, row: SourceRow) -> None:
        """表四 is printed as one row of 15 values under a two-level header."""
        table = self.context
        values = [c for c in row.cells if parse_value(c.text).kind != "text"]
        labels = [c for c in row.cells if parse_value(c.text).kind == "text"]
        if labels:
            return
        if row.padded:
            while values and not values[0].text.strip():
                values.pop(0)
            while values and not values[-1].text.strip():
                values.pop()
        if table is None or not table.single_value_row:
            if any(v.text.strip() for v in values):
                self.out.warn(
                    "row_unlabelled",
                    f"a row of {len(values)} values with no label outside 表四; left out",
                    printed=[v.text for v in values],
                    source=row.where,
                )
            return
        n = len(table.cols)
        if len(values) != n * len(table.rows):
            if any(v.text.strip() for v in values):
                self.out.warn(
                    "row_misaligned",
                    f"{table.key}: {len(values)} values for {n * len(table.rows)} cells; left out",
                    table=table.key,
                    printed=[v.text for v in values],
                    source=row.where,
                )
            return
        for i, trow in enumerate(table.rows):
            self._place(table, trow, table.cols, values[i * n : (i + 1) * n])

    def feed_paragraph(self, para: Paragraph) -> None:
        text = para.text.strip()
        if len(text) > 40:
            return
        for table in self.form.tables:
            if _marks(text, table) and len(norm(text)) >= 6:
                self.context = table


def map_layout(layout: Layout, form: Form) -> Mapped:
    """Place every row of a read document into the form's cells."""
    mapper = Mapper(form, confidence=layout.confidence)
    for item in layout.items:
        if isinstance(item, Paragraph):
            mapper.feed_paragraph(item)
        else:
            mapper.feed_row(item)
    return mapper.out


def ordered_cells(mapped: Mapped, form: Form) -> list[Cell]:
    """Cells in contract order: table, then template row, then column."""
    out = []
    for table in form.tables:
        for row in table.rows:
            for col in table.cols_of(row):
                cell = mapped.cells.get((table.key, row.key, col.key))
                if cell is not None:
                    out.append(cell)
    return out
