"""The official table layouts, as data.

Every reader (plain text, Markdown, HTML, PDF, Word, OCR) turns a document into
rows of labelled cells; the mapper in :mod:`extract.tables` places those cells
using only what is declared here. Nothing in this package parses anything.

* :mod:`extract.forms.format_2021` — 国办公开办函〔2021〕30号, reports for 2021 on.
* :mod:`extract.forms.format_2019` — 国办公开办函〔2019〕60号 (试行), reports for 2019–2020.

Contract keys (``t3``, ``granted``, ``natural_person`` …) are fixed by
``shared/contract/README.md``: add keys, never rename them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Col:
    """A column: its contract key, the printed label and known variants.

    ``keys`` are distinctive substrings (after normalisation) that identify
    the column in a header cell when the printed label differs.
    """

    key: str
    label: str
    variants: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()
    money: bool = False
    unit: str | None = None


@dataclass(frozen=True)
class Row:
    """A data row of a table.

    ``label`` is the official printed text, ``variants`` other printings seen
    in real reports (dropped characters, 转结 for 结转, shorter names), and
    ``keys`` distinctive substrings that identify the row when a label is
    wrapped, abbreviated or annotated. ``cols`` names this row's columns when
    the table has per-row columns (表二); ``None`` means the table's columns.
    ``exact`` rows (such as ``3.其他``) match only on the whole label.
    """

    key: str
    label: str
    variants: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()
    cols: tuple[Col, ...] | None = None
    group: str | None = None
    exact: bool = False
    results: bool = False  # one of 三、本年度办理结果 (adds up to total_handled)


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    rows: tuple[Row, ...]
    cols: tuple[Col, ...] = ()
    # Printed texts that start this table (section headings, header cells).
    markers: tuple[str, ...] = ()
    # Group labels: printed cells that head a block of rows but carry no values.
    groups: tuple[str, ...] = ()
    # True when the whole table is printed as one row of values (表四).
    single_value_row: bool = False

    def row(self, key: str) -> Row:
        for row in self.rows:
            if row.key == key:
                return row
        raise KeyError(key)

    def cols_of(self, row: Row) -> tuple[Col, ...]:
        return row.cols if row.cols is not None else self.cols


@dataclass(frozen=True)
class Form:
    """One official report template: its tables and the header texts that
    identify it (used to detect the format from the document itself)."""

    key: str
    name: str
    tables: tuple[Table, ...]
    markers: tuple[str, ...] = field(default=())

    def table(self, key: str) -> Table:
        for table in self.tables:
            if table.key == key:
                return table
        raise KeyError(key)


def all_forms() -> dict[str, Form]:
    from extract.forms import format_2019, format_2021

    return {"2021": format_2021.FORM, "2019": format_2019.FORM}
