"""A season in a test: the local portal through a simulated spring, one
``xxgk update`` per crawl day (``--today``), while reports appear on time and
late, one agency never publishes, one report is revised (cells and a
sentence), one disappears (404 on two later crawls), and the portal answers
with a WAF page for one run. Asserts the statuses, the diff, run health, the
digest and the Atom feed."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date

import pytest
import yaml

from archive.digest import items
from archive.update import EXIT_OK, EXIT_PORTALS, update
from crawler.localportal import LocalPortal
from crawler.localportal.content import revised_cells

DAYS = [date(2026, 1, 25), date(2026, 2, 5), date(2026, 2, 12), date(2026, 2, 19)]
DAYS += [date(2026, 2, 26), date(2026, 3, 5)]
WAF_DAY = date(2026, 2, 19)
CHANGE_DAY = date(2026, 2, 16)  # revised and removed between the 12th and the 26th
NOTE = "本报告于2026年2月更正了部分数据。"


def rows(db, sql, params=()):
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(sql, params)]


@pytest.fixture(scope="module")
def season(tmp_path_factory):
    """Run the season; returns (db path, cast of reports, lp facts, per-day snapshots)."""
    tmp = tmp_path_factory.mktemp("season")
    db = tmp / "xxgk.db"
    snapshots: dict[date, dict] = {}
    with LocalPortal() as lp:
        site = lp.sites[0]
        # a small, fast portal: reports of 2024 and 2025 only, as HTML or PDF
        # (Word, legacy DOC and scanned images are slow to extract)
        site.reports = [r for r in site.reports if r.year >= 2024]
        for r in site.reports:
            r.revised_on = r.removed_on = None
            if r.kind not in ("html", "pdf"):
                r.kind = "pdf"
            if r.year == 2025:
                r.published = date(2026, 1, 10)
        by_agency = {}
        for r in site.reports:
            by_agency.setdefault(r.agency, {})[r.year] = r
        both = [a for a, ys in by_agency.items() if set(ys) == {2024, 2025}]
        departments = [a for a in both if not a.endswith(("人民政府", "办事处"))]
        assert len(departments) >= 3 and len(both) >= 5, "the cast needs these agencies"
        on_time = by_agency[departments[0]][2025]
        late = by_agency[departments[1]][2025]
        late.published = date(2026, 2, 10)  # after 31 January: late, seen on the 12th
        never = departments[2]  # a department: its deadline (31 January) has passed
        site.reports.remove(by_agency[never][2025])  # never published: missing
        pages = [
            r for a in both if a not in (*departments[:2], never) for r in [by_agency[a][2024]]
        ]
        revised = next(r for r in pages if r.kind == "html")
        removed = next(r for r in pages if r is not revised)
        revised.revised_on = CHANGE_DAY
        revised.revision_note = NOTE
        removed.removed_on = CHANGE_DAY
        portal = lp.portals()[0]
        codes = {}
        for day in DAYS:
            lp.set_day(day)
            if day == WAF_DAY:
                lp.set_waf(portal["id"], "ruishu")
            codes[day], _ = update([portal], tmp, db, today=day, polite=False)
            lp.set_waf(portal["id"], None)
            snapshots[day] = {
                "reports": {r["url"]: r for r in rows(db, "select id, url, status from reports")},
                "health": rows(
                    db, "select * from portal_health where portal_id = ?", [portal["id"]]
                )[0],
            }
        base = site.base_url
        old_cells = {(c["table"], c["row"], c["col"]): c["value"] for c in revised.cells}
        new_cells = {
            (c["table"], c["row"], c["col"]): c["value"] for c in revised_cells(revised, lp.seed)
        }
    cast = {
        "on_time": base + on_time.url,
        "late": base + late.url,
        "never_2024": base + by_agency[never][2024].url,
        "revised": base + revised.url,
        "removed": base + removed.url,
    }
    truth = {"old": old_cells, "new": new_cells, "district": portal["district"]}
    return db, cast, truth, snapshots, codes, portal


def report_id(db, url):
    return rows(db, "select id from reports where url = ?", [url])[0]["id"]


def test_every_run_exits_for_monitoring(season):
    _, _, _, _, codes, _ = season
    assert codes[WAF_DAY] == EXIT_PORTALS
    assert {codes[d] for d in DAYS if d != WAF_DAY} == {EXIT_OK}


def test_on_time_late_and_missing(season):
    db, cast, _, _, _, _ = season
    found = rows(
        db,
        "select ps.*, r.url from publication_status ps left join reports r"
        " on r.id = ps.report_id where ps.year = 2025",
    )
    status = {r["url"]: r for r in found if r["url"]}
    assert status[cast["on_time"]]["status"] == "on_time"
    assert status[cast["on_time"]]["first_seen_day"] == "2026-01-25"
    assert status[cast["late"]]["status"] == "late"
    assert status[cast["late"]]["first_seen_day"] == "2026-02-12"
    assert status[cast["late"]]["deadline"] == "2026-01-31"
    (never_agency,) = [
        r["agency_id"]
        for r in rows(db, "select agency_id from reports where url = ?", [cast["never_2024"]])
    ]
    missing = [r for r in found if r["status"] == "missing"]
    assert [r["agency_id"] for r in missing] == [never_agency]
    # known missing on the first successful crawl after its deadline
    assert missing[0]["status_day"] == "2026-02-05"
    assert missing[0]["deadline"] == "2026-01-31"
    others = {r["status"] for r in found if r["url"] not in (cast["late"], None)}
    assert others == {"on_time"}
    by_district = rows(
        db,
        _sql("publication_status_by_district"),
        {"district": ""},
    )
    counts = {(r["year"], r["status"]): r["agencies"] for r in by_district}
    assert counts[(2025, "late")] == 1 and counts[(2025, "missing")] == 1


def _sql(name):
    from archive.site_metadata import QUERIES

    return QUERIES[name]["sql"]


def test_the_revision_shows_changed_cells_and_the_added_sentence(season):
    db, cast, truth, snapshots, _, _ = season
    rid = report_id(db, cast["revised"])
    assert snapshots[date(2026, 2, 12)]["reports"][cast["revised"]]["status"] == "current"
    assert snapshots[date(2026, 2, 26)]["reports"][cast["revised"]]["status"] == "revised"
    changes = rows(db, _sql("what_changed"), {"report_id": str(rid)})
    cells = [c for c in changes if c["kind"] == "cell"]
    differ = {k for k in truth["old"] if truth["old"][k] != truth["new"].get(k)}
    assert cells and {(c["table"], c["row"], c["col"]) for c in cells} <= differ
    for c in cells:
        key = (c["table"], c["row"], c["col"])
        assert (c["old_value"], c["new_value"]) == (truth["old"][key], truth["new"][key])
    sections = [c for c in changes if c["kind"] == "section"]
    assert any(f"+{NOTE}" in c["diff"].splitlines() for c in sections)
    assert all(c["before_copy"] != c["after_copy"] for c in changes)


def test_removal_needs_two_confirmed_404s_and_the_waf_run_never_counts(season):
    db, cast, _, snapshots, _, _ = season
    states = [snapshots[d]["reports"][cast["removed"]]["status"] for d in DAYS]
    # listed until the 16th; the WAF run (19th) says nothing; 404 on the 26th
    # (a candidate), 404 again on 5 March: removed
    assert states == ["current", "current", "current", "current", "removal_candidate", "removed"]
    fetched = rows(
        db,
        "select crawl_id, status from fetches where url = ? order by fetched_at",
        [cast["removed"]],
    )
    assert [f["status"] for f in fetched][-2:] == [404, 404]
    # the archived copy stays available
    (doc,) = rows(
        db,
        "select rd.sha256 from report_documents rd join reports r on r.id = rd.report_id"
        " where r.url = ? and rd.url = r.url",
        [cast["removed"]],
    )
    assert doc["sha256"]


def test_run_health_through_the_season(season):
    db, _, _, snapshots, _, portal = season
    waf = snapshots[WAF_DAY]["health"]
    assert waf["health"] == "paused" and waf["reason"]
    assert waf["failed_since_success"] == 1
    assert waf["last_success_crawl_id"] < waf["last_crawl_id"]
    last = snapshots[DAYS[-1]]["health"]
    assert last["health"] == "ok" and last["failed_since_success"] == 0
    runs = rows(
        db,
        "select update_day, outcome, waf_pauses, removed_candidates from crawl_portal_runs"
        " where portal_id = ? order by crawl_id",
        [portal["id"]],
    )
    assert [r["update_day"] for r in runs] == [d.isoformat() for d in DAYS]
    assert [r["outcome"] for r in runs].count("paused") == 1
    assert runs[3]["outcome"] == "paused" and runs[3]["waf_pauses"] >= 1
    assert [r["removed_candidates"] for r in runs][-2:] == [1, 1]


def test_digest_lists_what_changed_since_a_day(season):
    db, cast, _, _, _, _ = season
    ids = {k: report_id(db, v) for k, v in cast.items() if k != "never_2024"}
    with sqlite3.connect(db) as conn:
        found = items(conn, "2026-02-01")
        later = items(conn, "2026-02-10")
    kinds = {(i["kind"], i["report_id"]) for i in found}
    assert ("late", ids["late"]) in kinds and ("new", ids["late"]) in kinds
    assert ("revised", ids["revised"]) in kinds and ("removed", ids["removed"]) in kinds
    assert ("new", ids["on_time"]) not in kinds  # seen on 25 January
    assert [i["kind"] for i in found].count("missing") == 1
    assert [i["kind"] for i in later].count("missing") == 0  # known on 5 February
    revised = next(i for i in found if i["kind"] == "revised")
    removed = next(i for i in found if i["kind"] == "removed")
    assert (revised["day"], removed["day"]) == ("2026-02-26", "2026-03-05")
    got = subprocess.run(
        [
            sys.executable,
            "-m",
            "archive",
            "digest",
            "--since",
            "2026-02-01",
            "--json",
            "--db",
            str(db),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(got.stdout)["items"] == json.loads(json.dumps(found))
    text = subprocess.run(
        [sys.executable, "-m", "archive", "digest", "--since", "2026-02-01", "--db", str(db)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "逾期发布 · late (1)" in text and "已删除 · removed (1)" in text
    bad = subprocess.run(
        [sys.executable, "-m", "archive", "digest", "--since", "spring", "--db", str(db)],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


def test_atom_feeds_for_the_archive_and_a_district(season):
    from datasette.app import Datasette

    db, _, truth, _, _, _ = season
    with open("metadata.yml", encoding="utf-8") as f:
        meta = yaml.safe_load(f)
    ds = Datasette([str(db)], immutables=[], metadata=meta)

    async def get(path):
        return await ds.client.get(path)

    ns = {"a": "http://www.w3.org/2005/Atom"}
    whole = asyncio.run(get("/-/feeds/all.atom?since=2026-02-01"))
    assert whole.status_code == 200
    assert whole.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(whole.content)
    entries = feed.findall("a:entry", ns)
    terms = sorted(e.find("a:category", ns).get("term") for e in entries)
    with sqlite3.connect(db) as conn:
        expected = sorted(i["kind"] for i in items(conn, "2026-02-01"))
    assert terms == expected and "removed" in terms and "late" in terms
    assert all(e.find("a:id", ns).text and e.find("a:updated", ns).text for e in entries)
    from urllib.parse import quote

    district = asyncio.run(get(f"/-/feeds/{quote(truth['district'])}.atom?since=2026-02-01"))
    assert len(ET.fromstring(district.content).findall("a:entry", ns)) == len(entries)
    other = asyncio.run(get(f"/-/feeds/{quote('没有这个区')}.atom?since=2026-02-01"))
    assert ET.fromstring(other.content).findall("a:entry", ns) == []
    assert asyncio.run(get("/-/feeds/all.atom?since=soon")).status_code == 400


def test_a_missing_report_names_a_possible_rename(season, tmp_path):
    db, _, _, _, _, _ = season
    copy = tmp_path / "xxgk.db"
    with sqlite3.connect(db) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    with sqlite3.connect(copy) as conn:
        (missing,) = [i for i in items(conn, "2026-02-01") if i["kind"] == "missing"]
        assert "possibly renamed" not in missing["detail"]
        (portal,) = conn.execute(
            "select portal_id from agencies where name = ?", [missing["agency"]]
        ).fetchone()
        # what the build writes when a similar name starts the next year
        conn.execute(
            "insert into alias_suggestions (portal, alias, agency) values (?, ?, ?)",
            [portal, missing["agency"], missing["agency"] + "（新）"],
        )
        (missing,) = [i for i in items(conn, "2026-02-01") if i["kind"] == "missing"]
    assert missing["detail"].endswith(
        f"possibly renamed {missing['agency']}（新） (see alias_suggestions)"
    )
