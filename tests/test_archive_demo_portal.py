"""``xxgk demo`` end to end on the crawler's local portal: every report the
portal serves becomes one report of the archive (agency × year), attachments
join their page, and every cell the extractor could read equals the portal's
truth. Needs the crawler package (``crawler.localportal``, ``crawler.run``),
which lands on its own branch; until it is merged this module is skipped."""

from __future__ import annotations

import json
import sqlite3

import pytest

pytest.importorskip("crawler.localportal", reason="the crawler branch is not merged yet")
pytest.importorskip("crawler.run", reason="the crawler branch is not merged yet")

from archive.demo import run_demo
from crawler.localportal import LocalPortal


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    result = run_demo(root, root / "xxgk.db", source="portal", echo=lambda *_: None)
    with LocalPortal() as lp:
        expected = lp.expected()
    return root / "xxgk.db", expected, result


def test_every_served_report_is_one_archive_report(demo):
    db_path, expected, result = demo
    assert result["source"] == "portal"
    with sqlite3.connect(db_path) as conn:
        got = set(conn.execute("select agency, year from report_metrics"))
        unplaced = conn.execute("select count(*) from unplaced_documents").fetchone()[0]
    assert got == {(e["agency"], e["year"]) for e in expected}
    assert unplaced == 0


def test_attachments_are_twins_of_their_page(demo):
    db_path, expected, _ = demo
    with sqlite3.connect(db_path) as conn:
        with_attachment = set(
            conn.execute(
                "select a.name, r.year from reports r join agencies a on a.id = r.agency_id"
                " where exists (select 1 from report_documents rd"
                "               where rd.report_id = r.id and rd.role = 'attachment')"
            )
        )
    assert with_attachment == {
        (e["agency"], e["year"]) for e in expected if e.get("attachment_url")
    }


def test_extracted_cells_equal_the_portal_truth(demo):
    db_path, expected, _ = demo
    truth = {
        (e["agency"], e["year"], c["table"], c["row"], c["col"]): c["value"]
        for e in expected
        for c in e.get("cells") or []
    }
    with sqlite3.connect(db_path) as conn:
        got = list(conn.execute('select agency, year, "table", row, col, value from current_cells'))
    wrong = [(k, v) for *k, v in got if tuple(k) in truth and truth[tuple(k)] != v]
    assert wrong == []


def test_a_later_season_shows_revisions_and_removals(tmp_path):
    from datetime import date

    from archive.build import build
    from crawler.run import crawl

    with LocalPortal() as lp:
        portals = lp.portals()
        (tmp_path / "portals.json").write_text(json.dumps(portals, default=str), encoding="utf-8")
        crawl(portals, tmp_path, polite=False)
        build(tmp_path, tmp_path / "xxgk.db", progress=False)
        before = {(e["agency"], e["year"]) for e in lp.expected()}
        lp.set_day(date(2026, 8, 1))
        crawl(portals, tmp_path, polite=False)
        after = {(e["agency"], e["year"]) for e in lp.expected()}
    build(tmp_path, tmp_path / "xxgk.db", progress=False)
    with sqlite3.connect(tmp_path / "xxgk.db") as conn:
        status = dict(
            ((a, y), s)
            for a, y, s in conn.execute("select agency, year, status from report_metrics")
        )
    # no longer listed: a removal candidate (removal needs 404/410 on two days)
    assert {k for k, s in status.items() if s == "removal_candidate"} == before - after
    assert before - after
    assert sum(s == "revised" for s in status.values()) >= 1
