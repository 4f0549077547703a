"""Plain-text rendering of an extraction record, for people at a terminal."""

from __future__ import annotations

import unicodedata
from typing import Any

from extract.forms import all_forms


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def _show(cell: dict[str, Any] | None) -> str:
    if cell is None:
        return "?"
    if cell["value"] is None:
        return {"blank": "·", "na": cell["raw"].strip() or "/"}.get(cell["kind"], "~")
    return str(cell["value"])


def _render_extra_checks(extra: list[dict[str, Any]]) -> list[str]:
    """Beyond the contract's four: sanity, narrative against table, with what
    failed spelled out (the sentence quoted, the problem cells named)."""
    if not extra:
        return []
    failed = [c for c in extra if c.get("ok") is False]
    unknown = [c for c in extra if c.get("ok") is None]
    out = [
        f"extra checks: {len(extra) - len(failed) - len(unknown)} ok, {len(failed)} failed, "
        f"{len(unknown)} not computable"
    ]
    for c in failed:
        if c.get("problems"):
            out.extend(f"  FAILED {c['rule']}: {p}" for p in c["problems"])
        elif "text" in c:
            out.append(
                f"  FAILED {c['rule']}: the text says {c['text']!r} ({c.get('expected')}), "
                f"the table has {c.get('actual')}"
            )
        else:
            out.append(
                f"  FAILED {c['rule']}: expected {c.get('expected')}, actual {c.get('actual')}"
            )
        out.extend(_suggestions(c))
    return out


def _suggestions(check: dict[str, Any]) -> list[str]:
    """A failed check's repair suggestions — shown, never applied."""
    return [f"    suggestion (not applied): {f['message']}" for f in check.get("suggestions", ())]


def render_record(record: dict[str, Any]) -> str:
    """The record as text: header, one grid per table, failed checks, warnings
    and the sections found. '?' = not found in the document, '·' = blank."""
    out = [
        f"{record['agency'] or '(agency not found)'} · {record['year'] or '(year not found)'}"
        f" · format {record['format']} · {record['kind']} via {record['reader']}",
        f"source {record['source']}  sha256 {record['sha256'][:16]}…",
    ]
    form = all_forms().get(record["format"])
    cells = {(c["table"], c["row"], c["col"]): c for c in record["cells"]}
    if form is not None:
        for table in form.tables:
            rows = [
                r
                for r in table.rows
                if any((table.key, r.key, c.key) in cells for c in table.cols_of(r))
            ]
            if not rows:
                out.append(f"\n{table.key} {table.title}: not found")
                continue
            out.append(f"\n{table.key} {table.title}")
            label_w = max(_width(r.key) for r in rows) + 2
            for r in rows:
                parts = [
                    f"{c.key}={_show(cells.get((table.key, r.key, c.key)))}"
                    for c in table.cols_of(r)
                ]
                out.append("  " + _pad(r.key, label_w) + "  ".join(parts))
    checks = record["checks"]
    failed = [c for c in checks if c["ok"] is False]
    unknown = [c for c in checks if c["ok"] is None]
    out.append(
        f"\nchecks: {len(checks) - len(failed) - len(unknown)} ok, {len(failed)} failed, "
        f"{len(unknown)} not computable"
    )
    for c in failed:
        where = c.get("col") or c.get("row")
        out.append(f"  FAILED {c['rule']} {where}: expected {c['expected']}, actual {c['actual']}")
        out.extend(_suggestions(c))
    for c in unknown:
        where = c.get("col") or c.get("row")
        if c.get("missing"):
            out.append(f"  ? {c['rule']} {where}: missing {', '.join(c['missing'][:3])}")
        else:
            out.append(f"  ? {c['rule']} {where}: printed blank {', '.join(c['blank'][:3])}")
    out.extend(_render_extra_checks(record.get("extra_checks") or []))
    if record["warnings"]:
        out.append(f"\nwarnings ({len(record['warnings'])}):")
        out.extend(f"  {w['code']}: {w['message']}" for w in record["warnings"])
    out.append(
        "\nsections: "
        + (
            ", ".join(f"{k} ({len(v)} chars)" for k, v in record["sections"].items())
            or "none found"
        )
    )
    return "\n".join(out)
