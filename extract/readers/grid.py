"""The grid shared by readers of real tables (HTML, DOCX): each source cell
once, at its grid column, with its span; each row knowing the table's grid
width, so the mapper can align a row that prints more or fewer values than its
template row under the header columns."""

from __future__ import annotations

from extract.layout import SourceCell, SourceRow


def grid_cell(text: str, table: int, row: int, col: int, rowspan: int, colspan: int) -> SourceCell:
    """A source cell with its provenance (table index, grid row and column)."""
    where: dict = {"table": table, "row": row, "col": col}
    if rowspan > 1:
        where["rowspan"] = rowspan
    if colspan > 1:
        where["colspan"] = colspan
    return SourceCell(text, pos=col, span=colspan, where=where)


def grid_rows(rows: list[list[SourceCell]], table: int, width: int) -> list[SourceRow]:
    """Rows of one table, empty source rows (all cells spanned from above) left out."""
    return [
        SourceRow(
            cells,
            where={"table": table, "row": r, "grid_width": width},
            padded=False,
            positional=True,
            table_index=table,
        )
        for r, cells in enumerate(rows)
        if cells
    ]
