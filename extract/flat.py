"""Tables flattened into one line of text, without cell separators.

Some crawlers keep only a page's visible text, so a row of 表三 reads
"（一）予以公开270020130" for the cells 27 | 0 | 0 | 2 | 0 | 1 | 30. The digits
can be split back into cells only where the report's own arithmetic leaves
exactly one way to do it:

* every row of 表三 and 表四 ends with its total (the other cells add up to it);
* every column of 表三 adds up: the results (（一）…（六）) to （七）总计, and
  新收 + 上年结转 to 总计 + 结转下年度;
* a space printed inside a digit run is a cell boundary; no cell but "0"
  starts with 0;
* a unit between two numbers ends the first ("2笔 984361元");
* a sign inside a run starts a signed number ("35-15" is 35 | −15, "0+11"
  is 0 | +1 | 1), allowed only in an increase/decrease column (本年增/减);
* a row with a single value column takes the whole run (2629, 5949.088667).

Rows whose digits admit more than one split under these rules are left out
with a warning (a guess is worse than a gap); rows split here carry
``split`` in their provenance and a lower confidence. A row whose printed
characters run on past its digits ("35/15") or start before them is left out
too: a split must account for every character the row prints.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from extract.checks import stated_figures
from extract.forms import Col, Form, Row, Table
from extract.labels import norm
from extract.layout import Layout, Paragraph, SourceCell, SourceRow
from extract.tables import match_row

SPLIT_CONFIDENCE = 0.7
_MAX_COMBINATIONS = 200_000
_SIGNS = "-－−+＋"  # a sign starts a number: "35-15" is 35 | −15, "0+11" is 0 | +1 | 1
# A unit between two of a row's numbers ("政府集中采购 2笔 984361元") is a boundary.
_UNITS = "(?:万元|元|笔|件|项|个|条|次)"
_RUN = re.compile(rf"\d(?:[\d. \u00a0\u3000]|[{_SIGNS}](?=\d)|{_UNITS}(?=[ \u00a0\u3000]*\d))*")
# A row label followed by three digits or more, spaces allowed between them.
_FLAT_ROW = re.compile(r"[\u4e00-\u9fff）)]\s*\d(?:[ \u00a0\u3000]?\d){2,}")
# Text between two runs holding no word: the first run's row goes on past it.
_NO_WORD = re.compile(r"[^\u4e00-\u9fffA-Za-z]+")
_ENUM_START = re.compile(
    r"[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、|\d+[.、．](?=\D)"
)
_END = ("五、存在的主要问题", "五、存在主要问题", "存在的主要问题及改进情况")
_START = ("第二十条", "主动公开政府信息情况信息内容", "信息内容")


@dataclass
class FlatRow:
    """One printed row: its template row, printed label and digit run."""

    table: Table
    row: Row
    label: str
    run: str
    offset: int
    candidates: list[tuple[str, ...]] = field(default_factory=list)
    narrative: bool = False  # the split was chosen by a figure the narrative states
    stated: str = ""  # the figures the narrative states of the row's cells ("issued = 62")
    whole: bool = True  # the run holds every character the row prints


_ROW_KEYS = ("本年新收", "予以公开", "国家秘密", "总计", "结转下年度")


def looks_flat(text: str) -> bool:
    """A paragraph holding a flattened table: several row labels each
    followed directly by a digit run, glued ("0000000") or with its values
    separated by spaces ("0 0 0 0 0 0 0", "1 0 0 0 0 01")."""
    hits = 0
    for key in _ROW_KEYS:
        i = text.find(key)
        if i >= 0 and _FLAT_ROW.search(text[i : i + 60]):
            hits += 1
    return hits >= 3


def _region(text: str) -> tuple[int, int]:
    """Where the statistics tables sit in the paragraph."""
    start = -1
    for marker in _START:
        start = text.find(marker)
        if start >= 0:
            break
    end = len(text)
    for marker in _END:
        i = text.find(marker, max(start, 0))
        if i >= 0:
            end = min(end, i)
    return max(start, 0), end


def tokens(text: str) -> Iterator[tuple[str, str, int]]:
    """(label before, digit run, offset of the run) in the table region. A
    digit directly before "." or "、" and a non-digit is the next label's
    enumeration ("00000002.其他…"), not part of the run."""
    start, end = _region(text)
    pos = start
    label_start = start
    while True:
        m = _RUN.search(text, pos, end)
        if m is None:
            return
        run = m.group(0).rstrip(" .\u00a0\u3000")
        run_end = m.start() + len(run)
        after = text[run_end : run_end + 2]
        if after[:1] in (".", "、", "．") and after[1:2] and not after[1].isdigit():
            run = run[:-1].rstrip(" \u00a0\u3000")
            run_end = m.start() + len(run)
        label = text[label_start : m.start()]
        if run:
            yield label, run, m.start()
            label_start = run_end
        else:
            label_start = m.start()
        pos = max(run_end, m.start() + 1)


def _label_candidates(label: str) -> list[str]:
    """The printed label, shortest tail first: from each enumeration mark
    ("（一）", "1.", "四、") to the end, then the whole text."""
    label = label.strip()
    tails = [label[m.start() :] for m in _ENUM_START.finditer(label)]
    return [*reversed(tails), label]


def find_row(label: str, form: Form) -> tuple[Table, Row, str] | None:
    """The template row a flattened label ends with."""
    for table in form.tables:
        if table.single_value_row and any(norm(m) in norm(label) for m in table.markers):
            return None
    n = norm(label)
    for cand in _label_candidates(label):
        for table in form.tables:
            if table.single_value_row:
                continue
            row = match_row(cand, table)
            if row is not None:
                return table, row, cand
    for table in form.tables:
        for row in table.rows:
            for text in (row.label, *row.variants):
                if len(norm(text)) >= 2 and n.endswith(norm(text)):
                    return table, row, text
    return None


def _admissible(num: str, decimals: bool) -> bool:
    """A printed number: no number but "0" starts with 0, a decimal point
    only where allowed and never at either end; a signed number is not 0."""
    if num and num[0] in _SIGNS:
        num = num[1:]
        if num.split(".")[0] == "0":
            return False
    if not num or num.startswith(".") or num.endswith("."):
        return False
    if "." in num and (not decimals or num.count(".") > 1):
        return False
    whole = num.split(".")[0]
    return whole == "0" or not whole.startswith("0")


@lru_cache(maxsize=1024)
def _cuts(piece: str, k: int, decimals: bool) -> tuple[tuple[str, ...], ...]:
    """Every way to cut one unspaced piece into k admissible numbers, cut
    positions in increasing order; a prefix that is no number ends the
    branch (so "000…" is not tried in every combination). Remembered: rows
    of zeros repeat within a report."""
    out: list[tuple[str, ...]] = []
    acc: list[str] = []

    def rec(start: int, left: int) -> None:
        if left == 1:
            if _admissible(piece[start:], decimals):
                out.append((*acc, piece[start:]))
            return
        for end in range(start + 1, len(piece) - left + 2):
            if _admissible(piece[start:end], decimals):
                acc.append(piece[start:end])
                rec(end, left - 1)
                acc.pop()

    rec(0, k)
    return tuple(out)


def splits(run: str, n: int, *, decimals: bool = False) -> list[tuple[str, ...]]:
    """Every way to cut a digit run into n numbers: spaces are boundaries,
    a sign (+ or −) starts a number, a unit ends one, no number but "0"
    starts with 0, a decimal point only where allowed."""
    pieces = [p for p in re.split(rf"[ \u00a0\u3000]+|(?=[{_SIGNS}])|{_UNITS}", run) if p]
    out: list[tuple[str, ...]] = []

    def rec(i: int, left: int, acc: list[str]) -> None:
        if i == len(pieces):
            if left == 0:
                out.append(tuple(acc))
            return
        piece = pieces[i]
        rest = pieces[i + 1 :]
        # every later piece takes at least one number and at most its length
        lo = max(1, left - sum(len(p) for p in rest))
        hi = min(len(piece), left - len(rest))
        for k in range(lo, hi + 1):
            for nums in _cuts(piece, k, decimals):
                rec(i + 1, left - k, [*acc, *nums])

    if len(pieces) <= n:
        rec(0, n, [])
    return out


def _num(text: str) -> float:
    return float(text)


def _row_total_ok(values: tuple[str, ...], cols: list[str]) -> bool:
    if "total" not in cols:
        return True
    t = cols.index("total")
    others = [_num(v) for i, v in enumerate(values) if i != t]
    return sum(others) == _num(values[t])


def _prints_whole(label: str, gap_after: str) -> bool:
    """Whether a run holds all its row prints: no sign or other mark glued
    in front of it ("收费-15"), and no mark after it that goes on to more
    digits ("35/15") — the text up to the next run holds a word."""
    before = label.rstrip(" \u00a0\u3000")
    if before[-1:] and before[-1] in _SIGNS + "/／":
        return False
    return not (gap_after.strip() and _NO_WORD.fullmatch(gap_after))


def _signs_ok(values: tuple[str, ...], cols: tuple[Col, ...] | list[Col]) -> bool:
    """A signed number only in an increase/decrease column (本年增/减)."""
    return all(
        v[:1] not in _SIGNS or ("增" in c.label and "减" in c.label)
        for v, c in zip(values, cols, strict=True)
    )


def _t4_rows(table: Table, label: str, run: str, offset: int, whole: bool) -> list[FlatRow]:
    """表四 printed as one run of 15 values: split it as three rows of five.
    A row is determined when it reads the same in every admissible split.
    A split whose row sums fail is never taken, not even fifteen digits for
    fifteen cells: a blank cell prints nothing, so a failed sum may mean the
    digits are shifted, not that the report added wrongly."""
    ncols = len(table.cols)
    cols = [c.key for c in table.cols]
    every = splits(run, ncols * len(table.rows)) if whole else []
    good = []
    for cand in every:
        parts = [cand[i * ncols : (i + 1) * ncols] for i in range(len(table.rows))]
        if all(_row_total_ok(p, cols) and _signs_ok(p, table.cols) for p in parts):
            good.append(parts)
    rows = []
    for i, trow in enumerate(table.rows):
        options = sorted({g[i] for g in good})
        rows.append(FlatRow(table, trow, trow.label, run, offset, options, whole=whole))
    return rows


def _product(ns: Iterator[int]) -> int:
    out = 1
    for n in ns:
        out *= n
    return out


def _column_filter(rows: list[FlatRow], table: Table) -> list[FlatRow]:
    """Narrow the rows' candidate splits by 表三's column identities. A
    candidate survives when some choice for the other rows satisfies every
    identity in every column; if none does (the report's own sums are off),
    the candidates are kept as they were."""
    by_key = {r.row.key: r for r in rows}
    needed = {"total_handled", "new_received", "carried_over", "carried_forward"}
    results = [r for r in rows if r.row.results]
    if not needed <= by_key.keys() or not results:
        return rows
    if any(not r.candidates for r in rows):
        return rows
    if _product(len(r.candidates) for r in rows) > _MAX_COMBINATIONS:
        return rows
    ncols = len(table.cols)

    def holds(choice: dict[str, tuple[str, ...]]) -> bool:
        for c in range(ncols):
            v = {k: _num(vals[c]) for k, vals in choice.items()}
            res = sum(_num(choice[r.row.key][c]) for r in results)
            if res != v["total_handled"]:
                return False
            if v["new_received"] + v["carried_over"] != v["total_handled"] + v["carried_forward"]:
                return False
        return True

    keys = [r.row.key for r in rows]
    surviving: dict[str, set[tuple[str, ...]]] = {k: set() for k in keys}
    for combo in itertools.product(*(r.candidates for r in rows)):
        choice = dict(zip(keys, combo, strict=True))
        if holds(choice):
            for k, vals in choice.items():
                surviving[k].add(vals)
    if not any(surviving.values()):
        return rows
    for r in rows:
        r.candidates = sorted(surviving[r.row.key])
    return rows


def _narrative_filter(rows: list[FlatRow], stated: dict[tuple[str, str, str], set[int]]) -> None:
    """Narrow a row's candidate splits by what the narrative states of its
    cells ("现行有效行政规范性文件698件" for "8855698"): only when some
    candidates agree with every such figure; a narrative that agrees with no
    candidate is ignored (it counts something else)."""
    for r in rows:
        if len(r.candidates) < 2:
            continue
        cols = [c.key for c in r.table.cols_of(r.row)]
        figures = [
            (i, stated[(r.table.key, r.row.key, col)])
            for i, col in enumerate(cols)
            if (r.table.key, r.row.key, col) in stated
        ]
        if not figures:
            continue
        agree = [c for c in r.candidates if all(_num(c[i]) in nums for i, nums in figures)]
        if agree and len(agree) < len(r.candidates):
            r.candidates = agree
            r.narrative = True
            r.stated = ", ".join(
                f"{cols[i]} = {'/'.join(str(n) for n in sorted(nums))}" for i, nums in figures
            )


def narrative_figures(layout: Layout) -> dict[tuple[str, str, str], set[int]]:
    """The figures the report's text states of single cells, from its
    paragraphs with any flattened table region cut out."""
    texts = []
    for item in layout.items:
        if isinstance(item, Paragraph):
            text = item.text
            if looks_flat(text):
                start, end = _region(text)
                text = text[:start] + "。" + text[end:]
            texts.append(text)
    out: dict[tuple[str, str, str], set[int]] = {}
    for _, keys, number, _ in stated_figures(texts):
        if len(keys) == 1:
            out.setdefault(keys[0], set()).add(number)
    return out


def _left_out_reason(r: FlatRow) -> tuple[str, str]:
    """The warning code and reason for a row left out."""
    if not r.whole:
        return "flat_row_incomplete", "are not all the row prints (a mark goes on); left out"
    if r.candidates:
        n = len(r.candidates)
        stated = f" and the figures its text states ({r.stated})" if r.narrative else ""
        return (
            "flat_split_ambiguous",
            f"admit {n} splits under the report's own sums{stated}; left out",
        )
    return (
        "flat_split_impossible",
        "admit no split that agrees with the report's own sums; left out",
    )


def split_paragraph(
    para: Paragraph, form: Form, stated: dict[tuple[str, str, str], set[int]] | None = None
) -> tuple[list[SourceRow], list[dict[str, Any]]]:
    """The rows of the flattened tables in one paragraph, split where the
    report's identities — and figures its narrative states — allow exactly
    one split; warnings for the rest."""
    rows: list[FlatRow] = []
    warnings: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    runs = list(tokens(para.text))
    for n, (label, run, offset) in enumerate(runs):
        gap_after = runs[n + 1][0] if n + 1 < len(runs) else ""
        whole = _prints_whole(label, gap_after)
        t4 = next(
            (
                t
                for t in form.tables
                if t.single_value_row and any(norm(m) in norm(label) for m in t.markers)
            ),
            None,
        )
        if t4 is not None:
            earlier = [r for r in rows if r.table is t4]
            if any(len(r.candidates) == 1 for r in earlier):
                continue  # 表四 is read; a later run under its heading is something else
            # a run that read nothing ("…行政诉讼情况2023年，没有…") gives way to the
            # next run under the heading, with its warnings
            rows = [r for r in rows if r.table is not t4]
            rows.extend(_t4_rows(t4, label, run, offset, whole))
            continue
        found = find_row(label, form)
        if found is None:
            continue
        table, trow, printed = found
        if (table.key, trow.key) in seen:
            continue
        seen.add((table.key, trow.key))
        cols = table.cols_of(trow)
        money = any(c.money for c in cols)
        every = splits(run, len(cols), decimals=money or len(cols) == 1) if whole else []
        keys = [c.key for c in cols]
        cands = [c for c in every if _row_total_ok(c, keys) and _signs_ok(c, cols)]
        rows.append(FlatRow(table, trow, printed, run, offset, cands, whole=whole))
    for table in form.tables:
        if table.key == "t3":
            _column_filter([r for r in rows if r.table is table], table)
    _narrative_filter(rows, stated or {})
    out: list[SourceRow] = []
    for r in rows:
        where = {**para.where, "offset": r.offset, "flat": r.run}
        if r.narrative:
            where["narrative"] = True
        if len(r.candidates) != 1:
            code, why = _left_out_reason(r)
            warnings.append(
                {
                    "code": code,
                    "message": f"{r.table.key}.{r.row.key}: the flattened digits {r.run!r} {why}",
                    "table": r.table.key,
                    "row": r.row.key,
                    "printed": r.run,
                    "source": where,
                }
            )
            continue
        values = r.candidates[0]
        unique_by_count = len(values) == 1 or len(values) in (
            len(r.run.replace(" ", "")),  # one digit per cell
            len(r.run.split()),  # one printed number between spaces per cell
        )
        conf = 1.0 if unique_by_count else SPLIT_CONFIDENCE
        cells = [SourceCell(r.label, pos=0, where=where)]
        cells += [
            SourceCell(
                v,
                pos=i + 1,
                where={**where, "split": not unique_by_count, "confidence": conf},
            )
            for i, v in enumerate(values)
        ]
        out.append(SourceRow(cells, where=where, padded=False, positional=False))
    return out, warnings


def expand_flat_tables(layout: Layout, form: Form) -> Layout:
    """Replace flattened-table paragraphs' statistics by split rows (the
    paragraph itself stays for the narrative). A document that prints the
    tables' row labels but yields no table row at all gets a warning."""
    if not any(isinstance(i, Paragraph) and looks_flat(i.text) for i in layout.items):
        _warn_unread(layout)
        return layout
    items: list[Paragraph | SourceRow] = []
    stated = narrative_figures(layout)
    for item in layout.items:
        items.append(item)
        if isinstance(item, Paragraph) and looks_flat(item.text):
            rows, warnings = split_paragraph(item, form, stated)
            items.extend(rows)
            layout.warnings.extend(warnings)
    layout.items = items
    _warn_unread(layout)
    return layout


def _warn_unread(layout: Layout) -> None:
    """Warn when no table row was read although a paragraph names 表三's
    rows: the tables are there, in a layout not understood."""
    if any(isinstance(i, SourceRow) for i in layout.items):
        return
    for item in layout.items:
        if isinstance(item, Paragraph) and sum(k in item.text for k in _ROW_KEYS) >= 3:
            layout.warnings.append(
                {
                    "code": "tables_unread",
                    "message": "the text prints the statistics tables' row labels, but no "
                    "table row could be read from it; every cell is missing",
                    "source": item.where,
                }
            )
            return


def mark_split_cells(cells: list[dict[str, Any]]) -> None:
    """Give cells whose place or digits were inferred (a digit split here, a
    detached row in :mod:`extract.detached`) their lower confidence and a
    note saying how they were obtained."""
    for cell in cells:
        src = cell.get("source") or {}
        if src.get("split"):
            how = "sums and the figures its text states" if src.get("narrative") else "sums"
            note = f"split from flattened digits {src.get('flat')!r} by the report's own {how}"
        elif src.get("inferred"):
            note = str(src["inferred"])
        else:
            continue
        cell["confidence"] = min(cell.get("confidence", 1.0), src.get("confidence", 1.0))
        cell["note"] = f"{cell['note']}; {note}" if cell.get("note") else note
