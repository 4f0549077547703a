"""``xxgk update``: lock, exit status, log per run, the season's schedule."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import date

from archive.update import (
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_PORTALS,
    is_due,
    update,
    update_lock,
)
from crawler.localportal import LocalPortal


def _query(name: str) -> str:
    from archive.site_metadata import QUERIES

    return QUERIES[name]["sql"]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "archive", "update", *args], capture_output=True, text=True
    )


def test_season_intervals():
    assert is_due(date(2026, 3, 1), None)
    assert not is_due(date(2026, 3, 7), date(2026, 3, 1))  # weekly in season
    assert is_due(date(2026, 3, 8), date(2026, 3, 1))
    assert not is_due(date(2026, 7, 20), date(2026, 7, 1))  # monthly outside
    assert is_due(date(2026, 7, 29), date(2026, 7, 1))


def test_a_second_update_exits_locked(tmp_path):
    portals = tmp_path / "portals.json"
    portals.write_text("[]", encoding="utf-8")
    with update_lock(tmp_path / "data"):
        got = run_cli("--data", str(tmp_path / "data"), "--portals-file", str(portals))
    assert got.returncode == EXIT_LOCKED
    assert got.stderr.strip().count("\n") == 0
    assert "another update is running (pid" in got.stderr
    assert "Traceback" not in got.stderr
    # the lock is released with its holder: now it runs and says there is nothing to crawl
    got = run_cli("--data", str(tmp_path / "data"), "--portals-file", str(portals))
    assert got.returncode == 2
    assert "no portals" in got.stderr


def test_bad_arguments_exit_2_with_one_line(tmp_path):
    got = run_cli("--data", str(tmp_path), "--portals", "no_such_portal")
    assert got.returncode == 2
    assert len(got.stderr.strip().splitlines()) == 1
    got = run_cli("--data", str(tmp_path))
    assert got.returncode == 2


def test_update_crawls_builds_logs_and_reports_paused_portals(tmp_path):
    with LocalPortal() as lp:
        site = lp.portals()[0]
        blocked = lp.blocked_portals()[0]
        blocked = {k: v for k, v in blocked.items() if k != "expect_pause"}
        code, message = update(
            [site, blocked], tmp_path, tmp_path / "xxgk.db", today=date(2026, 6, 1), polite=False
        )
        served = {(e["agency"], e["year"]) for e in lp.expected() if e["portal"] == site["id"]}
    assert code == EXIT_PORTALS, message
    assert blocked["id"] in message
    logs = list((tmp_path / "logs").glob("*.log"))
    assert len(logs) == 1
    text = logs[0].read_text("utf-8")
    assert f"problem: {blocked['id']}: paused" in text
    assert text.rstrip().endswith("exit 1")
    summary = json.loads(next((tmp_path / "crawls").glob("*.json")).read_text("utf-8"))
    assert summary["update"]["today"] == "2026-06-01"
    assert set(summary["update"]["problems"]) == {blocked["id"]}
    with sqlite3.connect(tmp_path / "xxgk.db") as conn:
        placed = set(
            conn.execute(
                "select a.name, r.year from reports r join agencies a on a.id = r.agency_id"
                " where a.portal_id = ?",
                [site["id"]],
            )
        )
    assert placed and placed <= served
    # run health: the figures of the run per portal, and each portal's health
    with sqlite3.connect(tmp_path / "xxgk.db") as conn:
        conn.row_factory = sqlite3.Row
        runs = {r["portal_id"]: dict(r) for r in conn.execute("select * from crawl_portal_runs")}
        health = {r["portal_id"]: dict(r) for r in conn.execute("select * from portal_health")}
        failing = [r[0] for r in conn.execute(_query("portals_failing"))]
    assert runs[site["id"]]["outcome"] == "ok"
    assert runs[site["id"]]["reports_found"] >= len(placed)
    # first crawl: every report page and attachment is new
    assert runs[site["id"]]["new"] >= runs[site["id"]]["reports_found"]
    assert runs[site["id"]]["revised"] == runs[site["id"]]["unchanged"] == 0
    assert runs[site["id"]]["duration_s"] > 0
    assert runs[site["id"]]["update_day"] == "2026-06-01"
    assert runs[blocked["id"]]["outcome"] == "paused"
    assert runs[blocked["id"]]["waf_pauses"] >= 1
    assert health[site["id"]]["health"] == "ok"
    assert health[site["id"]]["last_success_crawl_id"] == summary["run"]
    assert health[blocked["id"]]["health"] == "paused"
    assert health[blocked["id"]]["reason"] == summary["portals"][blocked["id"]]["paused_reason"]
    assert health[blocked["id"]]["last_success_at"] is None
    assert failing == [blocked["id"]]
    # a daily cron call the next day is not due (weekly outside... monthly in June)
    code, message = update(
        [site], tmp_path, tmp_path / "xxgk.db", today=date(2026, 6, 2), if_due=True
    )
    assert code == EXIT_OK and message.startswith("not due")
    assert len(list((tmp_path / "logs").glob("*.log"))) == 1


def test_unlisted_pages_are_rechecked_until_gone_on_two_days(tmp_path):
    from archive.store import DataDir
    from archive.update import unlisted_pages

    data = DataDir(tmp_path)
    page, other = "http://127.0.0.1:1/a.html", "http://127.0.0.1:1/b.html"

    def log(run, url, status, when, sha=None):
        with data.fetches.open(run) as w:
            w.write(portal="p", url=url, status=status, role="report", fetched_at=when, sha256=sha)

    log("r1", page, 200, "2026-02-01T03:00:00Z", "aa")
    log("r1", other, 200, "2026-02-01T03:00:00Z", "bb")
    log("r2", other, 200, "2026-02-08T03:00:00Z", "bb")
    assert unlisted_pages(data, "r2", {"p"}) == [("p", page)]  # b was listed in r2
    assert unlisted_pages(data, "r2", {"q"}) == []  # only the healthy portals given
    log("r3", page, 404, "2026-02-15T03:00:00Z")
    assert unlisted_pages(data, "r4", {"p"}) == [("p", page), ("p", other)]
    log("r4", page, 404, "2026-02-22T03:00:00Z")
    assert unlisted_pages(data, "r5", {"p"}) == [("p", other)]


def test_a_bad_portal_file_exits_2_with_one_line_before_running(tmp_path):
    portals = tmp_path / "portals.json"
    portals.write_text(json.dumps([{"id": "x_broken", "family": "no_such_family"}]), "utf-8")
    got = run_cli("--data", str(tmp_path / "data"), "--portals-file", str(portals))
    assert got.returncode == 2, got.stderr
    assert len(got.stderr.strip().splitlines()) == 1 and "Traceback" not in got.stderr
    assert "x_broken" in got.stderr
    assert not (tmp_path / "data" / "logs").exists()
