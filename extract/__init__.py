"""Document → record: every table cell with its provenance, the report's own
arithmetic checks, and its narrative sections.

Pure: bytes in, a dict out. No network, no database, no files written.
The record follows ``shared/contract/README.md``; extra keys (provenance,
warnings) are additions, the contract keys are never renamed.
"""

from __future__ import annotations

import hashlib
from typing import Any

from extract.checks import extra_checks, run_checks
from extract.classify import classify_format
from extract.detached import assign_detached_rows
from extract.flat import expand_flat_tables, mark_split_cells
from extract.forms import Form, all_forms
from extract.meta import find_meta
from extract.pre2019 import extract_pre2019
from extract.readers import READERS
from extract.readers.ocr import drop_ocr_blanks, mark_ocr_cells
from extract.sections import split_sections
from extract.sniff import UnreadableDocument, sniff
from extract.tables import map_layout, ordered_cells

# Bump when the output for some document can change, so that `xxgk build`
# knows what to re-extract. Not a release number.
EXTRACTOR_VERSION = "11"

__all__ = ["EXTRACTOR_VERSION", "UnreadableDocument", "extract"]


def tables_not_found(form: Form, cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A warning for each of the form's tables of which no cell was read:
    every 2019/2021 report prints all three, so its cells are missing, not
    absent — and the record says so instead of staying silent."""
    read = {c["table"] for c in cells}
    return [
        {
            "code": "table_not_found",
            "message": f"{t.key} {t.title}: no cell read; the table is missing from this record",
            "table": t.key,
        }
        for t in form.tables
        if t.key not in read
    ]


def extract(data: bytes, *, source: str = "-", name: str | None = None) -> dict[str, Any]:
    """Read one document into the contract's record.

    Raises :class:`UnreadableDocument` (with a one-line reason) when the bytes
    cannot be read as a report at all; failed checks and cells that could not
    be placed are reported inside the record instead.
    """
    kind = sniff(data, name or source)
    reader = READERS.get(kind)
    if reader is None:
        raise UnreadableDocument(f"unsupported document type: {kind}")
    layout = reader(data)
    meta = find_meta(layout)
    forms = all_forms()
    fmt, fmt_how = classify_format(layout, forms, meta.year)
    form = forms.get(fmt)
    warnings: list[dict[str, Any]] = []
    cells_out: list[dict[str, Any]] = []
    checks: list[dict[str, Any]] = []
    more_checks: list[dict[str, Any]] = []
    if form is not None:
        layout = assign_detached_rows(expand_flat_tables(layout, form), form)
        mapped = map_layout(layout, form)
        warnings.extend(layout.warnings)
        warnings.extend(mapped.warnings)
        unread = drop_ocr_blanks(layout, mapped.cells)
        if unread:
            warnings.append(
                {
                    "code": "ocr_blank_left_out",
                    "message": f"{unread} cells read as blank by OCR were left out "
                    "(a blank in a scan is not evidence of a blank cell)",
                    "count": unread,
                }
            )
        cells_out = [c.to_dict() for c in ordered_cells(mapped, form)]
        warnings.extend(tables_not_found(form, cells_out))
        for c in cells_out:
            c["source"] = {"reader": layout.reader, **c["source"]}
        mark_split_cells(cells_out)
        checks = run_checks(form, mapped.cells)
        more_checks = extra_checks(form, mapped.cells, [p.text for p in layout.paragraphs()])
        mark_ocr_cells(cells_out, checks + more_checks)
    else:
        warnings.extend(layout.warnings)
    pre = extract_pre2019(layout, meta.year) if fmt == "pre2019" else None
    if pre is not None:
        warnings.extend(pre["warnings"])
    if meta.agency is None:
        warnings.append({"code": "no_agency", "message": "agency not found in the document"})
    if meta.year is None:
        warnings.append({"code": "no_year", "message": "report year not found in the document"})
    return {
        "source": source,
        "sha256": hashlib.sha256(data).hexdigest(),
        "agency": meta.agency,
        "year": meta.year,
        "format": fmt,
        "cells": cells_out,
        "checks": checks,
        # Pre-2019 reports: their own headings, where they match the six.
        "sections": split_sections(layout) or (pre["contract_sections"] if pre else {}),
        "title": meta.title,
        "kind": kind,
        "reader": layout.reader,
        "encoding": layout.encoding,
        "agency_source": meta.agency_source,
        "year_source": meta.year_source,
        "format_source": fmt_how,
        "extra_checks": more_checks,
        "pre2019": pre,
        "warnings": warnings,
        "extractor_version": EXTRACTOR_VERSION,
    }
