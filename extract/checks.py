"""The report's own arithmetic, as data about the report.

A failed check is information about the report (real reports contain wrong
sums), not an extraction error. A check whose cells were not all found says
so (``ok: null`` with the missing keys) instead of guessing. Blank cells add
as nothing; how many blanks went into a sum is recorded.
"""

from __future__ import annotations

from typing import Any

from extract.forms import Form
from extract.tables import Cell

T3_APPLICANTS = (
    "natural_person",
    "commercial",
    "research",
    "social_welfare",
    "legal_services",
    "other_org",
)
T4_OUTCOMES = ("upheld", "corrected", "other", "pending")

Cells = dict[tuple[str, str, str], Cell]


def _sum(cells: Cells, keys: list[tuple[str, str, str]]) -> tuple[float | int | None, list, int]:
    total: float | int = 0
    missing = []
    blanks = 0
    for key in keys:
        cell = cells.get(key)
        if cell is None:
            missing.append(".".join(key))
            continue
        if cell.value is None:
            if cell.kind != "blank" and cell.kind != "na":
                missing.append(".".join(key))
            blanks += 1
            continue
        total += cell.value
    return (None if missing else total), missing, blanks


def _check(
    rule: str,
    cells: Cells,
    expected: list[tuple[str, str, str]],
    actual: list[tuple[str, str, str]],
    **where: str,
) -> dict[str, Any]:
    exp, miss_e, blank_e = _sum(cells, expected)
    act, miss_a, blank_a = _sum(cells, actual)
    out: dict[str, Any] = {"rule": rule, **where}
    out["cells"] = [".".join(k) for k in [*expected, *actual]]
    missing = miss_e + miss_a
    if missing:
        out.update(ok=None, expected=exp, actual=act, missing=missing)
    else:
        out.update(ok=exp == act, expected=exp, actual=act)
    if blank_e + blank_a:
        out["blanks"] = blank_e + blank_a
    return out


def _present(cells: Cells, keys: list[tuple[str, str, str]]) -> bool:
    return any(k in cells for k in keys)


def result_rows(form: Form, cells: Cells) -> list[str]:
    """Rows that add up to （七）总计: the single （六）其他处理 row when the report
    prints it, else the three 2021 sub-rows."""
    rows = [r for r in form.table("t3").rows if r.results]
    keys = [r.key for r in rows]
    single = any(k[0] == "t3" and k[1] == "other" for k in cells)
    if single:
        return [k for k in keys if not k.startswith("other_")]
    return [k for k in keys if k != "other"]


def run_checks(form: Form | None, cells: Cells) -> list[dict[str, Any]]:
    """The four identities of the contract, per column or per row."""
    if form is None:
        return []
    out: list[dict[str, Any]] = []
    t3 = form.table("t3")
    cols = [c.key for c in t3.cols]
    for col in cols:
        inflow = [("t3", "new_received", col), ("t3", "carried_over", col)]
        outflow = [("t3", "total_handled", col), ("t3", "carried_forward", col)]
        if _present(cells, inflow + outflow):
            out.append(_check("t3_balance", cells, inflow, outflow, col=col))
    for row in t3.rows:
        total = [("t3", row.key, "total")]
        parts = [("t3", row.key, c) for c in T3_APPLICANTS]
        if _present(cells, total + parts):
            out.append(_check("t3_row_total", cells, total, parts, row=row.key))
    results = result_rows(form, cells)
    for col in cols:
        total = [("t3", "total_handled", col)]
        parts = [("t3", r, col) for r in results]
        if _present(cells, total + parts):
            out.append(_check("t3_results_total", cells, total, parts, col=col))
    for row in form.table("t4").rows:
        total = [("t4", row.key, "total")]
        parts = [("t4", row.key, c) for c in T4_OUTCOMES]
        if _present(cells, total + parts):
            out.append(_check("t4_total", cells, total, parts, row=row.key))
    return out
