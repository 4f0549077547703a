"""The report's own arithmetic, as data about the report.

A failed check is information about the report (real reports contain wrong
sums), not an extraction error. A check whose cells were not all found says
so (``ok: null`` with the missing keys) instead of guessing. Blank cells add
as nothing; how many blanks went into a sum is recorded. When one side of a
check is blank throughout and the other is not zero, the report did not
print what the check compares: ``ok: null`` with the ``blank`` keys.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator
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


def _sum(cells: Cells, keys: list[tuple[str, str, str]]) -> tuple[float | int | None, list, list]:
    total: float | int = 0
    missing = []
    blanks = []
    for key in keys:
        cell = cells.get(key)
        if cell is None:
            missing.append(".".join(key))
            continue
        if cell.value is None:
            if cell.kind != "blank" and cell.kind != "na":
                missing.append(".".join(key))
            blanks.append(".".join(key))
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
    elif (len(blank_e) == len(expected) and act) or (len(blank_a) == len(actual) and exp):
        # one side is printed blank throughout (a 总计 column left empty) and
        # the other holds numbers: the report did not state what the check
        # compares, so it cannot be judged — not "expected 0"
        out.update(
            ok=None,
            expected=None if len(blank_e) == len(expected) else exp,
            actual=None if len(blank_a) == len(actual) else act,
            blank=blank_e if len(blank_e) == len(expected) else blank_a,
        )
    else:
        out.update(ok=exp == act, expected=exp, actual=act)
        if exp != act:
            fixes = repair_suggestions(cells, expected, actual)
            if fixes:
                out["suggestions"] = fixes
    if blank_e or blank_a:
        out["blanks"] = len(blank_e) + len(blank_a)
    return out


def _digits(cell: Cell | None) -> str | None:
    if cell is None or not isinstance(cell.value, int) or cell.value < 0:
        return None
    return str(cell.value)


def repair_suggestions(
    cells: Cells, left: list[tuple[str, str, str]], right: list[tuple[str, str, str]]
) -> list[dict[str, Any]]:
    """Readings under which a failed identity ``sum(left) == sum(right)`` would
    hold, for a person to confirm — never applied to the record.

    Two misreadings are tried: one cell holding the digits of two cells run
    together ("640" for 64 | 0: keep only the first or the last digits), and
    one number split over two adjacent cells ("2" | "5" for 25)."""
    out: list[dict[str, Any]] = []
    sides = (left, right)
    sums = []
    for side in sides:
        total = 0
        for key in side:
            cell = cells.get(key)
            if cell is not None and isinstance(cell.value, (int, float)):
                total += cell.value
        sums.append(total)
    for i, side in enumerate(sides):
        other = sums[1 - i]
        for key in side:
            digits = _digits(cells.get(key))
            if digits is None or len(digits) < 2:
                continue
            value = int(digits)
            for cut in range(1, len(digits)):
                for part in (digits[:cut], digits[cut:]):
                    if sums[i] - value + int(part) == other:
                        out.append(
                            {
                                "kind": "split",
                                "cell": ".".join(key),
                                "printed": digits,
                                "reading": int(part),
                                "message": f"{'.'.join(key)} = {digits} may be two cells' "
                                f"digits run together; reading {part} makes the identity hold",
                            }
                        )
        for a, b in itertools.pairwise(side):
            da, db = _digits(cells.get(a)), _digits(cells.get(b))
            if da is None or db is None:
                continue
            joined = int(da + db)
            if sums[i] - int(da) - int(db) + joined == other:
                out.append(
                    {
                        "kind": "join",
                        "cells": [".".join(a), ".".join(b)],
                        "printed": [da, db],
                        "reading": joined,
                        "message": f"{'.'.join(a)}|{'.'.join(b)} = {da}|{db} may be one "
                        f"number {joined} split over two cells",
                    }
                )
    unique = {json_key(x): x for x in out}
    return list(unique.values())[:5]


def json_key(x: dict[str, Any]) -> str:
    return repr(sorted(x.items()))


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


def sanity_checks(form: Form, cells: Cells) -> list[dict[str, Any]]:
    """Per table: counts are whole and non-negative, money is non-negative;
    only 本年增/减 (2019 表二 ``change``) may go below zero. One check per
    table printed, naming the offending cells."""
    out: list[dict[str, Any]] = []
    for table in form.tables:
        present = [k for k in cells if k[0] == table.key]
        if not present:
            continue
        bad: list[str] = []
        problems: list[str] = []
        for row in table.rows:
            for col in table.cols_of(row):
                key = (table.key, row.key, col.key)
                cell = cells.get(key)
                if cell is None or cell.value is None:
                    continue
                name = ".".join(key)
                if cell.value < 0 and col.key != "change":
                    bad.append(name)
                    problems.append(f"{name} = {cell.raw!r} is negative")
                elif not col.money and cell.value != int(cell.value):
                    bad.append(name)
                    problems.append(f"{name} = {cell.raw!r} is not a whole count")
        check: dict[str, Any] = {"rule": f"{table.key}_sanity", "ok": not bad, "cells": bad}
        if problems:
            check["problems"] = problems
        out.append(check)
    return out


# What the narrative states, as (rule, table cells it must equal, patterns).
# Each pattern's first group is the number. Sentences about 审批/办件 (the
# service hall's licensing counts) are not about disclosure requests.
_N = r"(\d+)\s*[件起宗个条份]"
_NARRATIVE: tuple[tuple[str, tuple[tuple[str, str, str], ...], tuple[str, ...]], ...] = (
    (
        "narrative_new_received",
        (("t3", "new_received", "total"),),
        (
            r"(?:收到|受理|接收|新收)[^。；;，,]{0,30}?申请[^。；;，,\d]{0,4}?(?:共计|共|合计|总计)?"
            + _N,
            r"(?:收到|受理|接收|新收)(?:共计|共|合计|总计)?" + _N + r"[^。；;，,\d]{0,8}?申请",
        ),
    ),
    (
        "narrative_carried_over",
        (("t3", "carried_over", "total"),),
        (r"(?:结转上一?年度?|上年度?结转)[^。；;，,\d]{0,20}?" + _N,),
    ),
    (
        "narrative_total_handled",
        (("t3", "total_handled", "total"),),
        (r"办结[^。；;，,\d]{0,12}?" + _N,),
    ),
    (
        "narrative_carried_forward",
        (("t3", "carried_forward", "total"),),
        (r"结转(?:至|到)?(?:下一?年度?|\d{4}\s*年度?)[^。；;，,\d]{0,12}?" + _N,),
    ),
    (
        "narrative_normative_issued",
        (("t2", "normative_documents", "issued"),),
        (r"(?:本年度?)?(?:制发|制定|印发)(?:的)?(?:行政)?规范性文件[^。；;，,\d]{0,4}?" + _N,),
    ),
    (
        "narrative_normative_repealed",
        (("t2", "normative_documents", "repealed"),),
        (r"废止(?:的)?(?:行政)?规范性文件[^。；;，,\d]{0,4}?" + _N,),
    ),
    (
        "narrative_normative_in_force",
        (("t2", "normative_documents", "in_force"),),
        (r"现行有效(?:的)?(?:行政)?规范性文件[^。；;，,\d]{0,4}?" + _N,),
    ),
    (
        "narrative_review",
        (("t4", "review", "total"),),
        (r"行政复议(?:案件|申请)?(?:共计|共|合计)?" + _N,),
    ),
    (
        "narrative_litigation",
        (("t4", "suit_direct", "total"), ("t4", "suit_after_review", "total")),
        (r"行政诉讼(?:案件)?(?:共计|共|合计)?" + _N,),
    ),
)
_PATTERNS = tuple(
    (rule, keys, tuple(re.compile(p) for p in patterns)) for rule, keys, patterns in _NARRATIVE
)
# Sentences that state a zero without a digit: "未收到政府信息公开申请",
# "没有发生政府信息公开行政复议及行政诉讼" (not "未收到…申请的行政复议").
_NONE = r"(?:未|没有|未有|无)(?:收到|受理|发生|产生|出现)?"
# "未发生…被行政复议纠错或行政诉讼败诉": no case lost, not no case
_NOT_OUTCOME = r"(?![^。；;，,]{0,8}(?:纠错|纠正|败诉|撤销|违法|维持))"
_ZERO: tuple[tuple[str, tuple[tuple[str, str, str], ...], re.Pattern[str]], ...] = (
    (
        "narrative_new_received",
        (("t3", "new_received", "total"),),
        re.compile(
            r"未(?:收到|受理)[^。；;，,\d]{0,12}(?:政府信息公开|公开政府信息)(?:的)?申请"
            r"(?![^。；;，,]{0,8}(?:复议|诉讼))"
        ),
    ),
    (
        "narrative_review",
        (("t4", "review", "total"),),
        re.compile(_NONE + r"[^。；;，,\d]{0,16}行政复议(?!\d)" + _NOT_OUTCOME),
    ),
    (
        "narrative_litigation",
        (("t4", "suit_direct", "total"), ("t4", "suit_after_review", "total")),
        re.compile(_NONE + r"[^。；;，,\d]{0,16}行政诉讼(?!\d)" + _NOT_OUTCOME),
    ),
)
_SENTENCE_END = re.compile(r"[。；;\n]")
_DIGIT = re.compile(r"\d")  # every pattern ends in _N: no digit, no figure
_NOT_REQUESTS = ("审批", "办件", "行政许可", "事项")
# A sentence comparing with another year states a difference or last year's
# figure, not this table's cell.
_COMPARING = ("同比", "增长", "增加", "减少", "下降", "较上年", "比上年", "较去年", "上一年度的")


def _form_keys(form: Form) -> set[tuple[str, str, str]]:
    return {(t.key, r.key, c.key) for t in form.tables for r in t.rows for c in t.cols_of(r)}


def stated_figures(
    paragraphs: list[str],
) -> Iterator[tuple[str, tuple[tuple[str, str, str], ...], int, str]]:
    """What the narrative states, once per rule and number: (rule, the cells
    it speaks of, the number, the words that state it). Sentences comparing
    with another year, and 审批/办件 counts for requests, are passed over."""
    seen: set[tuple[str, int]] = set()
    for para in paragraphs:
        text = unicodedata.normalize("NFKC", para)
        for sentence in _SENTENCE_END.split(text):
            for rule, keys, pattern in _ZERO:
                m = pattern.search(sentence)
                if m and not _passed_over(rule, sentence, m) and (rule, 0) not in seen:
                    seen.add((rule, 0))
                    yield rule, keys, 0, m.group(0)
            if not _DIGIT.search(sentence):
                continue
            for rule, keys, patterns in _PATTERNS:
                for pattern in patterns:
                    for m in pattern.finditer(sentence):
                        number = int(m.group(1))
                        if _passed_over(rule, sentence, m) or (rule, number) in seen:
                            continue
                        seen.add((rule, number))
                        yield rule, keys, number, m.group(0)


_CLAUSE_END = re.compile(r"[，,。；;]")
# A figure summed over several years, not this year's: "梳理历年…印发的行政
# 规范性文件228份", "累计主动公开…" ("截至年底现行有效…" is this year's).
_OVER_YEARS = ("历年", "累计")


def _passed_over(rule: str, sentence: str, m: re.Match[str]) -> bool:
    """A statement comparing with another year or counting over several, or
    a request count about 审批/办件 — judged on the clause around it: a
    flattened page runs its tables and text into one sentence, so the whole
    sentence says little."""
    start = max((x.end() for x in _CLAUSE_END.finditer(sentence, 0, m.start())), default=0)
    after = _CLAUSE_END.search(sentence, m.end())
    clause = sentence[start : after.start() if after else len(sentence)]
    if any(w in clause for w in _COMPARING) or any(w in clause for w in _OVER_YEARS):
        return True
    return rule == "narrative_new_received" and any(w in clause for w in _NOT_REQUESTS)


def narrative_checks(
    paragraphs: list[str], cells: Cells, form: Form | None = None
) -> list[dict[str, Any]]:
    """The narrative's own figures against the table ("本年新收…N件",
    "结转下年度…N件", "行政复议…N件", "现行有效规范性文件N件"). A mismatch is
    information about the report. Narratives count differently at times: a
    "受理/收到 N件" that equals 本年新收 + 上年结转 holds, with a note saying
    so. With ``form``, rules about cells the form does not have are skipped."""
    known = None if form is None else _form_keys(form)
    out: list[dict[str, Any]] = []
    for rule, keys, number, words in stated_figures(paragraphs):
        if known is not None and not all(k in known for k in keys):
            continue
        actual, missing, _ = _sum(cells, list(keys))
        check: dict[str, Any] = {
            "rule": rule,
            "ok": None if missing else actual == number,
            "expected": number,
            "actual": actual,
            "text": words,
            "cells": [".".join(k) for k in keys],
        }
        if missing:
            check["missing"] = missing
        elif rule == "narrative_new_received" and actual != number:
            # "受理申请749件" often counts the requests carried over as well:
            # when the figure is exactly that sum, text and table agree
            with_carried = [("t3", "new_received", "total"), ("t3", "carried_over", "total")]
            both, miss, _ = _sum(cells, with_carried)
            if not miss and both == number:
                check.update(
                    ok=True,
                    actual=both,
                    cells=[".".join(k) for k in with_carried],
                    note="the text counts 本年新收 + 上年结转",
                )
        out.append(check)
    return out


def extra_checks(form: Form | None, cells: Cells, paragraphs: list[str]) -> list[dict[str, Any]]:
    """Checks beyond the contract's four: value sanity per table and the
    narrative against the tables. Kept apart from ``checks`` so that the
    contract's list keeps its four rules."""
    if form is None:
        return []
    return [*sanity_checks(form, cells), *narrative_checks(paragraphs, cells, form)]
