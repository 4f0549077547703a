"""``xxgk eval DIR``: extract every document of a corpus that has a truth file
and score it cell by cell.

A corpus is ``DIR/docs/<file>`` plus ``DIR/truth/<file>.json`` (format in
``shared/corpus/README.md``): ``{file, agency, year, format, cells: [{table,
row, col, value}], soft: [globs], notes}``. A cell is right when its value
equals the truth (``null`` only matches ``null``); cells matching a ``soft``
glob (``t3/withheld_*/*``) are not scored. Year and format are scored apart; a
document is exact when all its cells, its year and its format are right.

A wrong cell is *flagged* when the record itself warns about it: a check that
did not pass (``ok`` false or null) covering the cell, a warning naming its
table and row (and column, when it names one), or a confidence below 1. A
document with a wrong cell that nothing flagged is a *silent error* — the
worst outcome, since nobody reading the archive would know to doubt it. A cell
missing from the record is a visible gap and counts as flagged.
"""

from __future__ import annotations

import fnmatch
import json
import math
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

Key = tuple[str, str, str]
MISSING = object()


@dataclass
class DocResult:
    file: str
    kind: str
    scored: int = 0
    right: int = 0
    wrong: list[dict[str, Any]] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    year_ok: bool = False
    format_ok: bool = False
    crash: str | None = None
    seconds: float = 0.0

    @property
    def exact(self) -> bool:
        return self.crash is None and not self.wrong and self.year_ok and self.format_ok

    @property
    def silent(self) -> bool:
        return any(not w["flagged"] for w in self.wrong)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "kind": self.kind,
            "scored": self.scored,
            "right": self.right,
            "accuracy": _ratio(self.right, self.scored),
            "year_ok": self.year_ok,
            "format_ok": self.format_ok,
            "exact": self.exact,
            "silent_error": self.silent,
            "crash": self.crash,
            "wrong": self.wrong,
            "extra": self.extra,
            "seconds": round(self.seconds, 4),
        }


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 6) if b else None


def _kind(name: str) -> str:
    suffix = Path(name).suffix.lower().lstrip(".")
    return suffix or "none"


def _is_soft(key: Key, soft: list[str]) -> bool:
    path = "/".join(key)
    return any(fnmatch.fnmatchcase(path, g) for g in soft)


def same_value(got: Any, want: Any) -> bool:
    """Values equal as the contract means it: null only matches null, numbers
    compare by value (0 == 0.0), booleans are never numbers."""
    if want is None or got is None:
        return got is None and want is None
    if isinstance(got, bool) or isinstance(want, bool):
        return got is want
    if isinstance(got, (int, float)) and isinstance(want, (int, float)):
        return math.isclose(got, want, rel_tol=0, abs_tol=1e-9)
    return got == want


def flagged_keys(record: dict[str, Any]) -> tuple[set[Key], set[tuple[str, str]]]:
    """Cells (table, row, col) and rows (table, row) the record warns about."""
    cells: set[Key] = set()
    rows: set[tuple[str, str]] = set()
    for check in [*(record.get("checks") or []), *(record.get("extra_checks") or [])]:
        if check.get("ok") is True:
            continue
        for ref in check.get("cells") or []:
            parts = tuple(ref.split("."))
            if len(parts) == 3:
                cells.add(parts)  # type: ignore[arg-type]
    for warning in record.get("warnings") or []:
        table, row, col = warning.get("table"), warning.get("row"), warning.get("col")
        if table and row and col:
            cells.add((table, row, col))
        elif table and row:
            rows.add((table, row))
        for ref in warning.get("cells") or []:
            parts = tuple(ref.split("."))
            if len(parts) == 3:
                cells.add(parts)  # type: ignore[arg-type]
    for cell in record.get("cells") or []:
        if cell.get("confidence", 1.0) < 1.0:
            cells.add((cell["table"], cell["row"], cell["col"]))
    return cells, rows


def score(record: dict[str, Any], truth: dict[str, Any], result: DocResult) -> None:
    """Fill ``result`` by comparing one record against its truth."""
    soft = list(truth.get("soft") or [])
    got: dict[Key, dict[str, Any]] = {}
    for cell in record.get("cells") or []:
        got[(cell["table"], cell["row"], cell["col"])] = cell
    flag_cells, flag_rows = flagged_keys(record)
    truth_keys: set[Key] = set()
    for t in truth.get("cells") or []:
        key: Key = (t["table"], t["row"], t["col"])
        truth_keys.add(key)
        if _is_soft(key, soft):
            continue
        result.scored += 1
        cell = got.get(key)
        value = MISSING if cell is None else cell.get("value")
        if value is not MISSING and same_value(value, t["value"]):
            result.right += 1
            continue
        result.wrong.append(
            {
                "cell": ".".join(key),
                "want": t["value"],
                "got": None if value is MISSING else value,
                "missing": value is MISSING,
                "raw": None if cell is None else cell.get("raw"),
                # A missing cell is a visible gap, never a silent error.
                "flagged": value is MISSING or key in flag_cells or key[:2] in flag_rows,
            }
        )
    result.extra = sorted(".".join(k) for k in got if k not in truth_keys and not _is_soft(k, soft))
    result.year_ok = record.get("year") == truth.get("year")
    result.format_ok = record.get("format") == truth.get("format")


def _soft_count(truth: dict[str, Any]) -> int:
    soft = truth.get("soft") or []
    return sum(
        1 for t in truth.get("cells") or [] if not _is_soft((t["table"], t["row"], t["col"]), soft)
    )


def _in_process(
    docs: list[tuple[str, Path]], extractor: Callable[..., dict[str, Any]]
) -> dict[str, tuple[dict[str, Any] | None, str | None, float]]:
    out: dict[str, tuple[dict[str, Any] | None, str | None, float]] = {}
    for name, path in docs:
        started = time.perf_counter()
        try:
            record = extractor(path.read_bytes(), source=str(path), name=name)
            out[name] = (record, None, time.perf_counter() - started)
        except Exception as e:  # a crash is a measured outcome, not the end of the run
            reason = traceback.format_exception_only(type(e), e)[-1].strip()
            out[name] = (None, reason, time.perf_counter() - started)
    return out


def _isolated(
    docs: list[tuple[str, Path]], jobs: int, timeout: float
) -> dict[str, tuple[dict[str, Any] | None, str | None, float]]:
    """Each document in a worker process (extract.batch): a hard crash,
    a hang or a memory blow-up is scored as a crash, not the end of the run."""
    from extract.batch import Job, extract_many

    todo = [Job(name, str(path), source=str(path), name=name) for name, path in docs]
    started = time.perf_counter()
    out: dict[str, tuple[dict[str, Any] | None, str | None, float]] = {}
    for key, result in extract_many(todo, workers=jobs, timeout=timeout):
        if "failure" in result:
            out[key] = (None, f"{result.get('kind')}: {result['failure']}", 0.0)
        else:
            out[key] = (result, None, 0.0)
    wall = time.perf_counter() - started
    return {k: (r, c, wall / max(len(out), 1)) for k, (r, c, _) in out.items()}


def evaluate(
    root: Path,
    extractor: Callable[..., dict[str, Any]] | None = None,
    only: str | None = None,
    jobs: int = 0,
    timeout: float = 300.0,
) -> list[DocResult]:
    """Score every document of the corpus at ``root`` that has a truth file,
    in this process (``jobs=0``) or in ``jobs`` isolated worker processes."""
    results: list[DocResult] = []
    truths: dict[str, dict[str, Any]] = {}
    docs: list[tuple[str, Path]] = []
    for truth_path in sorted((root / "truth").glob("*.json")):
        name = truth_path.name[: -len(".json")]
        if only and not fnmatch.fnmatch(name, only):
            continue
        result = DocResult(file=name, kind=_kind(name))
        results.append(result)
        try:
            truths[name] = json.loads(truth_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            result.crash = f"unreadable truth file: {e}"
            continue
        docs.append((name, root / "docs" / name))
    if jobs > 0:
        records = _isolated(docs, jobs, timeout)
    else:
        if extractor is None:
            from extract import extract as extractor
        records = _in_process(docs, extractor)
    for result in results:
        if result.file not in records:
            continue
        record, crash, seconds = records[result.file]
        result.seconds = seconds
        truth = truths[result.file]
        if record is None:
            result.crash = crash
            result.scored = _soft_count(truth)
            continue
        score(record, truth, result)
    return results


def summarise(results: list[DocResult]) -> dict[str, Any]:
    """Totals over all documents and per document kind (file suffix)."""

    def totals(rs: list[DocResult]) -> dict[str, Any]:
        scored = sum(r.scored for r in rs)
        right = sum(r.right for r in rs)
        return {
            "documents": len(rs),
            "cells_scored": scored,
            "cells_right": right,
            "cell_accuracy": _ratio(right, scored),
            "documents_exact": sum(r.exact for r in rs),
            "year_right": sum(r.year_ok for r in rs),
            "format_right": sum(r.format_ok for r in rs),
            "crashes": sum(r.crash is not None for r in rs),
            "silent_errors": sum(r.silent for r in rs),
            "extra_cells": sum(len(r.extra) for r in rs),
            "seconds": round(sum(r.seconds for r in rs), 3),
        }

    kinds = sorted({r.kind for r in results})
    return {
        **totals(results),
        "silent_error_documents": [r.file for r in results if r.silent],
        "by_kind": {k: totals([r for r in results if r.kind == k]) for k in kinds},
    }


def _pct(x: float | None) -> str:
    return "  n/a " if x is None else f"{100 * x:6.2f} %"


def render(results: list[DocResult], summary: dict[str, Any], *, max_wrong: int = 40) -> str:
    """The report for people: one block per document, then the totals."""
    lines: list[str] = []
    for r in results:
        flags = []
        if r.crash:
            flags.append(f"CRASH: {r.crash}")
        if not r.year_ok:
            flags.append("year wrong")
        if not r.format_ok:
            flags.append("format wrong")
        if r.exact:
            flags.append("exact")
        if r.silent:
            flags.append("SILENT ERRORS")
        acc = _pct(_ratio(r.right, r.scored))
        lines.append(f"{r.file:<48} {r.right:>4}/{r.scored:<4} {acc}  {'; '.join(flags)}")
        for w in r.wrong[:max_wrong]:
            got = "missing" if w["missing"] else json.dumps(w["got"], ensure_ascii=False)
            mark = "flagged" if w["flagged"] else "SILENT"
            raw = "" if w["raw"] is None else f" raw {w['raw']!r}"
            lines.append(f"    {w['cell']}: got {got}, want {w['want']}{raw} [{mark}]")
        if len(r.wrong) > max_wrong:
            lines.append(f"    … {len(r.wrong) - max_wrong} more wrong cells")
        if r.extra:
            lines.append(f"    {len(r.extra)} cells not in the truth: {', '.join(r.extra[:5])}")
    s = summary
    lines.append("")
    for kind, t in s["by_kind"].items():
        lines.append(
            f"  {kind:<5} {t['documents']:>3} docs  cells {t['cells_right']}/{t['cells_scored']}"
            f" {_pct(t['cell_accuracy'])}  exact {t['documents_exact']}"
            f"  crashes {t['crashes']}  silent {t['silent_errors']}"
        )
    n = s["documents"]
    lines += [
        f"cell accuracy:   {_pct(s['cell_accuracy'])} ({s['cells_right']}/{s['cells_scored']})",
        f"documents exact:  {s['documents_exact']}/{n}",
        f"year right:       {s['year_right']}/{n}",
        f"format right:     {s['format_right']}/{n}",
        f"crashes:          {s['crashes']}",
        f"silent errors:    {s['silent_errors']}"
        + (f" ({', '.join(s['silent_error_documents'])})" if s["silent_errors"] else ""),
        f"extra cells:      {s['extra_cells']} (extracted, not in the truth; not scored)",
        f"time:             {s['seconds']:.2f} s",
    ]
    return "\n".join(lines)


@click.command("eval")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the results as one JSON object.")
@click.option("--only", metavar="GLOB", help="Score only documents whose name matches GLOB.")
@click.option("--jobs", "-j", type=click.IntRange(0, 64), default=0, show_default=True,
              help="Extract in N isolated worker processes (0: in this process).")  # fmt: skip
@click.option("--timeout", type=click.FloatRange(1), default=300, show_default=True,
              help="Seconds per document with --jobs.")  # fmt: skip
def eval_command(
    directory: Path, as_json: bool, only: str | None, jobs: int, timeout: float
) -> None:
    """Score extraction against a corpus with truth files (DIR/docs, DIR/truth).

    Prints per-document accuracy and every wrong cell, then overall cell
    accuracy, documents exact, year/format accuracy, crashes and silent errors
    (wrong cells that no failed check or warning flagged).

    Example:

        xxgk eval ../shared/corpus --only '*.html'
    """
    if not (directory / "truth").is_dir() or not (directory / "docs").is_dir():
        click.echo(f"xxgk: error: {directory} has no docs/ and truth/ directories", err=True)
        sys.exit(1)
    results = evaluate(directory, only=only, jobs=jobs, timeout=timeout)
    if not results:
        click.echo(f"xxgk: error: no truth files in {directory / 'truth'}", err=True)
        sys.exit(1)
    summary = summarise(results)
    if as_json:
        out = {"summary": summary, "documents": [r.to_dict() for r in results]}
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        click.echo(render(results, summary))
