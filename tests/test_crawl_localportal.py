"""The local portal's ground truth: reports whose numbers pass their own
checks, deterministic from the seed, and documents of the kind announced."""

from __future__ import annotations

from collections import Counter

import pdfplumber
import pytest

from crawler.localportal import LocalPortal
from crawler.localportal.documents import render
from extract.checks import run_checks
from extract.forms import all_forms
from extract.tables import Cell

MAGIC = {"pdf": b"%PDF-", "docx": b"PK\x03\x04", "doc": b"\xd0\xcf\x11\xe0", "image": b"\x89PNG"}


def as_cells(cells):
    return {
        (c["table"], c["row"], c["col"]): Cell(
            c["table"], c["row"], c["col"], c["value"], "number", str(c["value"]), {}
        )
        for c in cells
    }


@pytest.fixture(scope="module")
def lp():
    portal = LocalPortal()
    for site in portal.sites:
        site.base_url = "http://127.0.0.1:1"
    return portal


def test_reports_cover_every_family_year_and_kind(lp):
    expected = lp.expected()
    assert Counter(e["portal"] for e in expected) == {
        "local_hanweb": 49,
        "local_jpaas": 49,
        "local_trs": 49,
        "local_gkmlpt": 49,
        "local_lonsun": 49,
    }
    assert {e["year"] for e in expected} == set(range(2019, 2026))
    assert {e["kind"] for e in expected} == {"html", "pdf", "docx", "doc", "image"}
    assert {e["format"] for e in expected} == {"2019", "2021"}
    assert len({e["url"] for e in expected}) == len(expected)


def test_numbers_pass_the_reports_own_checks(lp):
    forms = all_forms()
    for e in lp.expected():
        checks = run_checks(forms[e["format"]], as_cells(e["cells"]))
        assert checks and all(c["ok"] is True for c in checks), (e["title"], checks)
        keys = {(c["table"], c["row"]) for c in e["cells"]}
        # 2021 reports print the three （六） sub-rows, 2019 reports the single row
        assert (("t3", "other") in keys) == (e["format"] == "2019")


def test_ground_truth_is_deterministic_from_the_seed():
    def cells(seed):
        portal = LocalPortal(seed=seed)
        return [e["cells"] for e in portal.expected()]

    assert cells(0) == cells(0)
    assert cells(0) != cells(1)


def test_documents_are_what_they_claim(lp):
    site = lp.sites[0]
    for kind in ("pdf", "docx", "image"):
        r = next(r for r in site.reports if r.kind == kind)
        data = render(kind, r.title, r.agency, r.format, r.cells)
        assert data.startswith(MAGIC[kind])
    r = next(r for r in site.reports if r.kind == "pdf")
    import io

    with pdfplumber.open(io.BytesIO(render("pdf", r.title, r.agency, r.format, r.cells))) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    assert r.title.replace(" ", "") in text.replace(" ", "").replace("\n", "")
    assert "本年新收政府信息公开申请数量" in text.replace("\n", "")
