"""The removal rule (archive.build.removed_at): removed only after 404/410
answers on two different crawl days; timeouts, 5xx and block pages never
count; absence from a listing makes a candidate only."""

from __future__ import annotations

from archive.build import removed_at


def fetch(run: str, when: str, status: int | None, sha: str | None = None) -> dict:
    return {"crawl_id": run, "fetched_at": when, "status": status, "sha256": sha}


SEEN = fetch("r1", "2026-02-01T03:00:00Z", 200, "aaa")


def test_one_404_is_a_candidate_two_on_different_days_remove():
    one = [SEEN, fetch("r2", "2026-02-08T03:00:00Z", 404)]
    assert removed_at(one, []) == (None, "2026-02-08T03:00:00Z")
    two = [*one, fetch("r3", "2026-02-15T03:00:00Z", 410)]
    assert removed_at(two, []) == ("2026-02-15T03:00:00Z", "2026-02-08T03:00:00Z")


def test_two_404s_on_one_day_are_not_enough():
    same_day = [
        SEEN,
        fetch("r2", "2026-02-08T03:00:00Z", 404),
        fetch("r3", "2026-02-08T09:00:00Z", 404),
    ]
    assert removed_at(same_day, [])[0] is None
    # the day a run counts for (xxgk update --today) decides, not the clock
    days = {"r2": "2026-02-08", "r3": "2026-02-09"}
    assert removed_at(same_day, [], days)[0] == "2026-02-08T09:00:00Z"


def test_timeouts_5xx_and_block_pages_never_count():
    noisy = [
        SEEN,
        fetch("r2", "2026-02-08T03:00:00Z", None),  # timeout
        fetch("r3", "2026-02-15T03:00:00Z", 503),
        fetch("r4", "2026-02-22T03:00:00Z", 412),  # WAF
        fetch("r5", "2026-03-01T03:00:00Z", 404),
    ]
    assert removed_at(noisy, []) == (None, "2026-03-01T03:00:00Z")


def test_a_page_seen_again_starts_over():
    back = [
        SEEN,
        fetch("r2", "2026-02-08T03:00:00Z", 404),
        fetch("r3", "2026-02-15T03:00:00Z", 200),  # a recheck: still there
        fetch("r4", "2026-02-22T03:00:00Z", 404),
    ]
    assert removed_at(back, []) == (None, "2026-02-22T03:00:00Z")


def test_absence_from_a_complete_listing_is_a_candidate_only():
    listings = [("2026-02-08T03:00:00Z", "r2"), ("2026-02-15T03:00:00Z", "r3")]
    assert removed_at([SEEN], listings) == (None, "2026-02-08T03:00:00Z")
    assert removed_at([SEEN], []) == (None, None)


def test_section_diff_shows_the_changed_sentence():
    from archive.season import section_diff

    diff = section_diff(
        "一、总体情况。本年收到申请5件。特此说明。", "一、总体情况。本年收到申请7件。特此说明。"
    )
    assert "-本年收到申请5件。" in diff.splitlines()
    assert "+本年收到申请7件。" in diff.splitlines()
    assert " 一、总体情况。" in diff.splitlines()
    assert section_diff("同一文本。", "同一文本。") == ""


def test_a_revision_in_the_scenario_becomes_report_changes(tmp_path):
    import sqlite3

    from archive.build import build
    from archive.scenario import write_scenario

    info = write_scenario(tmp_path)
    build(tmp_path, tmp_path / "xxgk.db", progress=False)
    with sqlite3.connect(tmp_path / "xxgk.db") as conn:
        changes = conn.execute(
            "select url, from_sha256, to_sha256, kind, section, diff from report_changes"
        ).fetchall()
    assert changes, "the revised 经信局 report has a change"
    url, old, new, kind, _section, diff = changes[0]
    assert url == info["urls"]["beilun_econ"]
    assert (old, new) == (info["sha256"]["beilun_econ"], info["sha256"]["beilun_econ_v2"])
    assert kind == "section" and "+（2023年6月修订）" in diff
    # crawls without per-portal figures (a plain summary) still date the reports
    with sqlite3.connect(tmp_path / "xxgk.db") as conn:
        status = conn.execute(
            "select year, status, first_seen_day from publication_status where report_id is not null"
        ).fetchall()
    assert status and {day for _, _, day in status} == {"2023-01-15"}
    assert {s for y, s, _ in status if y == 2022} == {"on_time"}
    assert {s for y, s, _ in status if y < 2021} == {"unknown"}  # first crawled years late


def test_local_portal_waf_switch_and_revision_note():
    import urllib.error
    import urllib.request
    from datetime import date

    import pytest

    from crawler.localportal import LocalPortal

    def get(url: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                return r.status, r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", "replace")

    with LocalPortal() as lp:
        site = lp.sites[0]
        r = next(r for r in site.reports if r.kind == "html" and r.visible(lp.day))
        page = site.base_url + r.url
        r.revised_on, r.revision_note = date(2026, 7, 1), "本报告已更正。"
        status, before = get(page)
        assert status == 200 and "本报告已更正。" not in before
        lp.set_day(date(2026, 7, 2))
        assert "本报告已更正。" in get(page)[1]
        lp.set_waf(site.portal, "ruishu")
        assert get(page)[0] == 412
        assert get(site.base_url + "/robots.txt")[0] == 200
        assert get(lp.portals()[1]["listing_urls"][0])[0] == 200  # other portals unaffected
        lp.set_waf(site.portal, None)
        assert get(page)[0] == 200
        with pytest.raises(ValueError):
            lp.set_waf(site.portal, "no such page")
