"""``xxgk demo`` end to end on the crawler's local portal: every report the
portal serves becomes one report of the archive (agency × year), attachments
join their page, and every cell the extractor could read equals the portal's
truth. Needs the crawler package (``crawler.localportal``, ``crawler.run``),
which lands on its own branch; until it is merged this module is skipped."""

from __future__ import annotations

import sqlite3

import pytest

pytest.importorskip("crawler.localportal", reason="the crawler branch is not merged yet")
pytest.importorskip("crawler.run", reason="the crawler branch is not merged yet")

from archive.demo import SEASON_DAYS, run_demo
from crawler.localportal import LocalPortal


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo's season: three crawls of the local portal (publication day,
    revisions and first 404s, the 404s confirmed a week later)."""
    root = tmp_path_factory.mktemp("demo")
    result = run_demo(root, root / "xxgk.db", source="portal", season=True, echo=lambda *_: None)
    with LocalPortal() as lp:
        lp.set_day(SEASON_DAYS[0])
        published = lp.expected()
        lp.set_day(SEASON_DAYS[-1])
        last = lp.expected()
    return root / "xxgk.db", published, last, result


def test_every_served_report_is_one_archive_report(demo):
    db_path, expected, _, result = demo
    assert result["source"] == "portal"
    with sqlite3.connect(db_path) as conn:
        got = set(conn.execute("select agency, year from report_metrics"))
        unplaced = conn.execute("select count(*) from unplaced_documents").fetchone()[0]
    assert got == {(e["agency"], e["year"]) for e in expected}
    assert unplaced == 0


def test_attachments_are_twins_of_their_page(demo):
    db_path, expected, _, _ = demo
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
    """Current cells equal what the portal serves now (revised reports: the
    corrected numbers); removed reports keep their last published cells."""
    db_path, published, last, _ = demo
    truth = {}
    for e in [*published, *last]:  # the last day's versions win
        for c in e.get("cells") or []:
            truth[(e["agency"], e["year"], c["table"], c["row"], c["col"])] = c["value"]
    with sqlite3.connect(db_path) as conn:
        got = list(conn.execute('select agency, year, "table", row, col, value from current_cells'))
    wrong = [(k, v) for *k, v in got if tuple(k) in truth and truth[tuple(k)] != v]
    assert wrong == []
    assert len([k for *k, _ in got if tuple(k) in truth]) > 30000


def test_the_season_shows_revisions_and_confirmed_removals(demo):
    db_path, published, last, _ = demo
    gone = {(e["agency"], e["year"]) for e in published} - {(e["agency"], e["year"]) for e in last}
    with sqlite3.connect(db_path) as conn:
        status = dict(
            ((a, y), s)
            for a, y, s in conn.execute("select agency, year, status from report_metrics")
        )
        changed = set(
            conn.execute(
                'select "table", row, col, new_value - old_value from report_changes'
                " where kind = 'cell'"
            )
        )
    # 404 on two crawl days a week apart: removed (not merely a candidate)
    assert gone and {k for k, s in status.items() if s == "removed"} == gone
    assert sum(s == "revised" for s in status.values()) == 5  # one per portal
    # the correction: one more request received and granted, nothing else
    assert changed == {
        ("t3", row, col, 1)
        for row in ("new_received", "granted", "total_handled")
        for col in ("natural_person", "total")
    }
