"""The Datasette site on a built test archive: metadata.yml matches the
database, every canned query returns the expected rows (computed here from
``extract.extract`` on the same bytes), archived originals are served safely,
and ``datasette --get`` smoke tests pass for every table and query."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from datasette.app import Datasette

from archive.scenario import CURRENT, build_scenario, documents
from archive.site_metadata import QUERIES, metadata, render
from extract import extract as run_extract

ROOT = Path(__file__).resolve().parents[1]
METADATA = ROOT / "metadata.yml"
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]{2}")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    db_path, info = build_scenario(root)
    ds = Datasette(
        [str(db_path)], immutables=[], metadata=yaml.safe_load(METADATA.read_text("utf-8"))
    )
    return ds, db_path, info


def get(ds: Datasette, path: str, **params):
    async def go():
        return await ds.client.get(path, params=params or None)

    return asyncio.run(go())


def query(ds: Datasette, name: str, **params) -> list[dict]:
    r = get(ds, f"/xxgk/{name}.json", _shape="objects", **params)
    assert r.status_code == 200, r.text
    return r.json()["rows"]


@pytest.fixture(scope="module")
def reports():
    """The current record of each report, from the extractor directly."""
    out = []
    for name in CURRENT:
        rec = run_extract(documents()[name], source=name, name=name)
        cells = {(c["table"], c["row"], c["col"]): c["value"] for c in rec["cells"]}
        out.append(
            {
                "name": name,
                "agency": rec["agency"],
                "year": rec["year"],
                "cells": cells,
                "checks": rec["checks"],
                "sections": rec["sections"],
            }
        )
    return out


def t3(rep: dict, row: str, col: str = "total"):
    return rep["cells"].get(("t3", row, col))


def printed_sum(values):
    values = [v for v in values if v is not None]
    return sum(values) if values else None


def test_metadata_yml_is_generated_from_archive_site_metadata():
    assert yaml.safe_load(METADATA.read_text("utf-8")) == metadata()
    assert METADATA.read_text("utf-8") == render()


def test_every_table_and_column_in_metadata_exists_and_every_one_is_described(site):
    _, db_path, _ = site
    conn = sqlite3.connect(db_path)
    objects = {
        name
        for (name,) in conn.execute(
            "select name from sqlite_master where type in ('table', 'view')"
        )
    }
    tables = metadata()["databases"]["xxgk"]["tables"]
    for name, entry in tables.items():
        assert name in objects, name
        actual = {r[1] for r in conn.execute(f'pragma table_info("{name}")')}
        described = set(entry.get("columns", {}))
        assert described <= actual, (name, described - actual)
        if not entry.get("hidden"):
            assert described == actual, (name, actual - described)
            for text in (entry["title"], entry["description"], *entry["columns"].values()):
                assert CJK.search(text) and LATIN.search(text), (name, text)
    assert objects - set(tables) == set(), objects - set(tables)


def test_canned_queries_use_named_parameters_and_quoted_table():
    for name, q in QUERIES.items():
        assert q["title"] and q["description"], name
        assert not re.search(r"(?<![\"'.\w])table(?![\"'\w])", q["sql"]), name
    assert len(QUERIES) >= 12


def test_q1_most_requests(site, reports):
    ds, _, _ = site
    rows = query(ds, "most_requests", year="2022", district="")
    expected = sorted(
        (
            (r["agency"], t3(r, "new_received"))
            for r in reports
            if r["year"] == 2022 and t3(r, "new_received") is not None
        ),
        key=lambda x: -x[1],
    )
    assert [(r["agency"], r["new_received"]) for r in rows] == expected
    # default year = latest
    latest = max(r["year"] for r in reports)
    assert {r["year"] for r in query(ds, "most_requests", year="", district="")} == {latest}


def rate(num, den):
    return round(num / den, 4) if den else None


def test_q2_disclosure_rate_trend(site, reports):
    ds, _, _ = site
    rows = query(ds, "disclosure_rate_trend", district="宁波市海曙区", agency="海曙区人民政府")
    expected = sorted(
        (
            r["year"],
            rate(
                (t3(r, "granted") or 0) + (t3(r, "partially_granted") or 0), t3(r, "total_handled")
            ),
        )
        for r in reports
        if "海曙区人民政府" in r["agency"] and (t3(r, "total_handled") or 0) > 0
    )
    assert [(r["year"], r["disclosure_rate"]) for r in rows] == expected
    assert len(expected) == 2


def test_q2b_district_disclosure_rate(site, reports):
    ds, _, _ = site
    rows = query(ds, "district_disclosure_rate", district="")
    by_year: dict[int, list] = {}
    for r in reports:
        by_year.setdefault(r["year"], []).append(r)
    assert [(r["year"], r["reports"]) for r in rows] == sorted(
        (y, len(v)) for y, v in by_year.items()
    )


def test_q3_not_held(site, reports):
    ds, _, _ = site
    rows = query(ds, "not_held", year="2022", min_handled="1")
    expected = {
        (r["agency"], rate(t3(r, "unavailable_not_held"), t3(r, "total_handled")))
        for r in reports
        if r["year"] == 2022
        and (t3(r, "total_handled") or 0) >= 1
        and t3(r, "unavailable_not_held") is not None
    }
    assert {(r["agency"], r["not_held_share"]) for r in rows} == expected
    assert expected


def test_q4_refusal_grounds(site, reports):
    ds, _, _ = site
    rows = query(ds, "refusal_grounds", district="宁波市海曙区")
    years = sorted({r["year"] for r in reports})
    assert len(rows) == 8 * len(years)
    for row in rows:
        expected = printed_sum(t3(r, row["ground"]) for r in reports if r["year"] == row["year"])
        assert row["requests"] == expected, row
    assert query(ds, "refusal_grounds", district="no such district") == []


def test_q5_not_processed(site, reports):
    ds, _, _ = site
    for year in sorted({r["year"] for r in reports}):
        rows = query(ds, "not_processed", year=str(year))
        keys = (
            "rejected_petition",
            "rejected_duplicate",
            "rejected_publication",
            "rejected_excessive",
            "rejected_reconfirmation",
        )
        expected = {
            (r["agency"], printed_sum(t3(r, k) for k in keys))
            for r in reports
            if r["year"] == year and (printed_sum(t3(r, k) for k in keys) or 0) > 0
        }
        assert {(r["agency"], r["rejected_total"]) for r in rows} == expected


def test_q6_applicants(site, reports):
    ds, _, _ = site
    rows = query(ds, "applicants", district="")
    for row in rows:
        same = [r for r in reports if r["year"] == row["year"]]
        for col in ("natural_person", "commercial", "legal_services"):
            assert row[col] == printed_sum(t3(r, "new_received", col) for r in same), (row, col)
        assert row["reports"] == len(same)
    assert sum(r["natural_person"] or 0 for r in rows) > 0


def test_q7_review_litigation(site, reports):
    ds, _, _ = site
    rows = query(ds, "review_litigation", year="2022")
    expected = set()
    for r in reports:
        review = r["cells"].get(("t4", "review", "total"))
        suits = printed_sum(
            r["cells"].get(("t4", k, "total")) for k in ("suit_direct", "suit_after_review")
        )
        if r["year"] == 2022 and (review or 0) + (suits or 0) > 0:
            expected.add((r["agency"], review, suits))
    assert {(r["agency"], r["review_total"], r["suit_total"]) for r in rows} == expected


def test_q8_backlog_mismatch(site, reports):
    ds, _, _ = site
    rows = query(ds, "backlog_mismatch", year="2022")
    prev = {r["agency"]: r for r in reports if r["year"] == 2021}
    expected = [
        (r["agency"], t3(r, "carried_over"), t3(prev[r["agency"]], "carried_forward"))
        for r in reports
        if r["year"] == 2022
        and r["agency"] in prev
        and t3(r, "carried_over") != t3(prev[r["agency"]], "carried_forward")
    ]
    assert [(r["agency"], r["carried_over"], r["prev_carried_forward"]) for r in rows] == expected
    assert expected


def test_q9_failed_checks(site, reports):
    ds, _, _ = site
    for year in sorted({r["year"] for r in reports}):
        rows = query(ds, "failed_checks", year=str(year))
        expected = {
            (r["agency"], sum(1 for k in r["checks"] if k["ok"] is False))
            for r in reports
            if r["year"] == year and any(k["ok"] is False for k in r["checks"])
        }
        assert {(r["agency"], r["checks_failed"]) for r in rows} == expected
    assert query(ds, "failed_checks", year="2021")


def test_q10_missing_and_late(site, reports):
    ds, _, _info = site
    rows = query(ds, "missing_this_year", year="2023")
    have_2023 = {r["agency"] for r in reports if r["year"] == 2023}
    expected = {r["agency"] for r in reports if r["year"] == 2022 and r["agency"] not in have_2023}
    assert {r["agency"] for r in rows} == expected and expected
    # first seen 2023-01-15: on time for the default deadline, late for an earlier one
    assert query(ds, "published_late", year="2022", deadline="") == []
    late = query(ds, "published_late", year="2022", deadline="2023-01-01")
    assert {r["agency"] for r in late} == {r["agency"] for r in reports if r["year"] == 2022}


def test_q11_revised_removed(site, reports):
    ds, _, _info = site
    rows = query(ds, "revised_removed")
    by_name = {r["name"]: r for r in reports}
    assert {(r["agency"], r["status"]) for r in rows} == {
        (by_name["beilun_econ_v2"]["agency"], "revised"),
        (by_name["tongji_2023"]["agency"], "removal_candidate"),
        (by_name["gongxin_attachment"]["agency"], "removal_candidate"),
    }
    revised = next(r for r in rows if r["status"] == "revised")
    assert revised["versions"] == 2 and revised["revised_at"].startswith("2023-06-15")


def test_report_cells_lists_the_current_extraction_with_printed_text(site, reports):
    ds, db_path, _ = site
    rep = next(r for r in reports if r["name"] == "haishu_2022")
    (report_id,) = (
        sqlite3.connect(db_path)
        .execute(
            "select report_id from report_metrics where agency = ? and year = ?",
            [rep["agency"], rep["year"]],
        )
        .fetchone()
    )
    rows = query(ds, "report_cells", report_id=str(report_id))
    assert {(r["table"], r["row"], r["col"]): r["value"] for r in rows} == rep["cells"]
    assert all(r["raw"] is not None or r["value"] is None for r in rows)
    html = get(ds, "/xxgk/report_metrics").text
    assert f'href="/xxgk/report_cells?report_id={report_id}"' in html


@pytest.mark.parametrize("q", ["复议", "政府信息公开", "依申请公开"])
def test_q12_search_sections_fts_and_short_terms(site, reports, q):
    ds, _, _ = site
    rows = query(ds, "search_sections", q=q)
    expected = {
        (r["agency"], r["year"], s)
        for r in reports
        for s, body in r["sections"].items()
        if body and q in body
    }
    assert {(r["agency"], r["year"], r["section"]) for r in rows} == expected
    assert expected
    assert all(q in r["snippet"].replace("[", "").replace("]", "") for r in rows if len(q) < 3)


def test_table_search_uses_the_trigram_index(site, reports):
    ds, _, _ = site
    r = get(ds, "/xxgk/sections.json", _search="依申请公开", _shape="objects")
    assert r.status_code == 200
    expected = sum(
        1 for rep in reports for body in rep["sections"].values() if body and "依申请公开" in body
    )
    # the search covers every stored section (current and older versions)
    assert len(r.json()["rows"]) >= expected > 0
    assert all("依申请公开" in row["body"] for row in r.json()["rows"])


def test_search_with_empty_or_quoted_term_is_harmless(site):
    ds, _, _ = site
    assert query(ds, "search_sections", q="") == []
    assert isinstance(query(ds, "search_sections", q='"政府"信息'), list)


def test_original_html_is_sandboxed_and_sniffed_from_bytes(site):
    ds, _, info = site
    sha = info["sha256"]["gongxin_page"]
    r = get(ds, f"/-/original/{sha}")
    assert r.status_code == 200
    assert r.content == documents()["gongxin_page"]
    assert b"<script>" in r.content
    assert r.headers["content-type"].startswith("text/html")
    assert "sandbox" in r.headers["content-security-policy"]
    assert "allow-scripts" not in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"


def test_original_text_and_unknown_documents(site):
    ds, _, info = site
    r = get(ds, f"/-/original/{info['sha256']['haishu_2022']}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    assert r.content == documents()["haishu_2022"]
    garbage = get(ds, f"/-/original/{info['sha256']['garbage']}")
    assert garbage.headers["content-disposition"].startswith("attachment")
    assert get(ds, "/-/original/" + "0" * 64).status_code == 404
    assert get(ds, "/-/original/../../etc/passwd").status_code == 404


def test_site_css_keeps_column_descriptions_short(site):
    ds, _, _ = site
    assert 'href="/-/xxgk.css"' in get(ds, "/xxgk/report_metrics").text
    css = get(ds, "/-/xxgk.css")
    assert css.status_code == 200 and "column-descriptions" in css.text


def test_report_rows_link_to_original_url_and_archived_copy(site):
    ds, _db_path, info = site
    html = get(ds, "/xxgk/report_metrics").text
    assert f'href="/-/original/{info["sha256"]["haishu_2022"]}"' in html
    assert f'href="{info["urls"]["haishu_2022"]}"' in html


def test_every_table_view_and_query_page_renders(site):
    ds, _, _ = site
    md = metadata()["databases"]["xxgk"]
    for name, entry in md["tables"].items():
        if entry.get("hidden"):
            continue
        for suffix in ("", ".json"):
            r = get(ds, f"/xxgk/{name}{suffix}")
            assert r.status_code == 200, (name, r.text[:200])
    for name in md["queries"]:
        r = get(ds, f"/xxgk/{name}")
        assert r.status_code == 200, name
    r = get(ds, "/xxgk/report_metrics.json", _facet="district")
    assert r.json()["facet_results"]["district"]["results"][0]["value"] == "宁波市海曙区"


def test_datasette_cli_get_smoke(site):
    _, db_path, info = site
    for path in (
        "/xxgk/report_metrics.json",
        "/xxgk/most_requests.json?year=2022",
        f"/-/original/{info['sha256']['haishu_2022']}",
    ):
        out = subprocess.run(
            [sys.executable, "-m", "datasette", str(db_path), "-m", str(METADATA), "--get", path],
            capture_output=True,
            timeout=120,
        )
        assert out.returncode == 0, (path, out.stderr[-500:])
        assert out.stdout
