"""xxgk build on a real data directory (archive.scenario): placement of
reports, twins, revisions, removals, failures, idempotence, re-extraction
when the extractor version changes, and the CLI verbs."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import extract
from archive.aliases import Alias, AliasError, add_alias, aliases_path, read_aliases, remove_alias
from archive.build import build
from archive.scenario import CURRENT, documents, write_scenario
from archive.store import DataDir
from extract import UnreadableDocument
from extract import extract as run_extract


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("data")
    info = write_scenario(root)
    db_path = root / "xxgk.db"
    stats = build(root, db_path, progress=False)
    return root, db_path, info, stats


def rows(db_path: Path, sql: str, params=()) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql, params).fetchall()


def records() -> dict[str, dict]:
    out = {}
    for name, body in documents().items():
        try:
            out[name] = run_extract(body, source=name, name=name)
        except UnreadableDocument:
            continue
    return out


def cell_value(record: dict, table: str, row: str, col: str):
    for c in record["cells"]:
        if (c["table"], c["row"], c["col"]) == (table, row, col):
            return c["value"]
    return None


def test_every_report_is_placed_by_agency_and_year(built):
    _, db_path, _, _ = built
    recs = records()
    expected = sorted((recs[n]["agency"], recs[n]["year"]) for n in CURRENT)
    got = sorted(
        rows(db_path, "select a.name, r.year from reports r join agencies a on a.id = r.agency_id")
    )
    assert got == expected
    # the district comes from the portal registry
    assert {r[0] for r in rows(db_path, "select district from report_metrics")} == {"宁波市海曙区"}


def test_failures_are_rows_with_reasons_and_unplaced_documents_stay_visible(built):
    _, db_path, info, stats = built
    failures = dict(rows(db_path, "select sha256, failure from extractions where ok = 0"))
    # The 工信局 page is read (an HTML page with no tables); only the garbage fails.
    assert set(failures) == {info["sha256"]["garbage"]}
    assert all(reason and "\n" not in reason for reason in failures.values())
    assert stats["failed"] == 1
    unplaced = rows(db_path, "select sha256 from unplaced_documents")
    assert unplaced == [(info["sha256"]["garbage"],)]


def test_page_and_attachment_are_twins_of_one_report(built):
    _, db_path, info, _ = built
    twins = rows(
        db_path,
        "select rd.role, rd.sha256, r.url from report_documents rd join reports r on r.id = rd.report_id"
        " join agencies a on a.id = r.agency_id where a.name = '工信局' order by rd.role",
    )
    assert [(t[0], t[1]) for t in twins] == [
        ("attachment", info["sha256"]["gongxin_attachment"]),
        ("report", info["sha256"]["gongxin_page"]),
    ]
    assert {t[2] for t in twins} == {info["urls"]["gongxin_page"]}
    (current,) = rows(
        db_path,
        "select sha256, n_cells from current_extractions ce join reports r on r.id = ce.report_id join agencies a on a.id = r.agency_id where a.name = '工信局'",
    )
    assert current == (
        info["sha256"]["gongxin_attachment"],
        len(records()["gongxin_attachment"]["cells"]),
    )


def test_revision_and_removal_are_observed_not_overwritten(built):
    _, db_path, info, _ = built
    status = dict(rows(db_path, "select agency || ' ' || year, status from report_metrics"))
    recs = records()
    assert status[f"{recs['beilun_econ']['agency']} {recs['beilun_econ']['year']}"] == "revised"
    # one 404 is a removal candidate; removal needs 404/410 on two days
    tongji = f"{recs['tongji_2023']['agency']} {recs['tongji_2023']['year']}"
    assert status[tongji] == "removal_candidate"
    assert sorted(set(status.values())) == ["current", "removal_candidate", "revised"]
    # no longer listed: the complete run of 2023-06-15 read the listing and never asked for it
    gongxin = recs["gongxin_attachment"]
    assert status[f"{gongxin['agency']} {gongxin['year']}"] == "removal_candidate"
    assert rows(
        db_path,
        "select removed_at, removal_candidate_at from report_metrics where agency = ?",
        [gongxin["agency"]],
    ) == [(None, "2023-06-15T00:00:00Z")]
    assert list(status.values()).count("current") == 3
    versions = rows(
        db_path,
        "select sha256, version from report_documents where url = ? order by version",
        [info["urls"]["beilun_econ"]],
    )
    assert versions == [(info["sha256"]["beilun_econ"], 1), (info["sha256"]["beilun_econ_v2"], 2)]
    # both versions keep their extraction; the removed report keeps its figures
    assert rows(
        db_path,
        "select count(*) from extractions where sha256 in (?, ?)",
        [info["sha256"]["beilun_econ"], info["sha256"]["beilun_econ_v2"]],
    ) == [(2,)]
    assert rows(db_path, "select count(*) from fetches where status = 404") == [(1,)]


def test_metrics_equal_the_extracted_cells(built):
    _, db_path, _, _ = built
    recs = records()
    got = {
        (a, y): (n, h, d)
        for a, y, n, h, d in rows(
            db_path,
            "select agency, year, new_received, total_handled, disclosure_rate from report_metrics",
        )
    }
    for name in CURRENT:
        r = recs[name]
        new = cell_value(r, "t3", "new_received", "total")
        handled = cell_value(r, "t3", "total_handled", "total")
        granted = (cell_value(r, "t3", "granted", "total") or 0) + (
            cell_value(r, "t3", "partially_granted", "total") or 0
        )
        rate = round(granted / handled, 4) if handled else None
        assert got[(r["agency"], r["year"])] == (new, handled, rate), name
    n_cells = sum(len(r["cells"]) for r in recs.values())
    assert rows(db_path, "select count(*) from cells") == [(n_cells,)]


def test_blank_cells_stay_null_not_zero(built):
    _, db_path, _, _ = built
    blank = rows(db_path, "select count(*) from cells where kind = 'blank' and value is not null")
    assert blank == [(0,)]
    recs = records()
    n_blank = sum(1 for r in recs.values() for c in r["cells"] if c["value"] is None)
    assert rows(db_path, "select count(*) from cells where value is null") == [(n_blank,)]


def test_year_over_year_and_backlog(built):
    _, db_path, _, _ = built
    recs = records()
    prev, cur = recs["haishu_2021"], recs["haishu_2022"]
    (row,) = rows(
        db_path,
        "select prev_year, carried_over, prev_carried_forward, backlog_matches, new_received_change from report_yoy where agency = ? and year = ?",
        [cur["agency"], cur["year"]],
    )
    carried_over = cell_value(cur, "t3", "carried_over", "total")
    carried_forward = cell_value(prev, "t3", "carried_forward", "total")
    assert row == (
        prev["year"],
        carried_over,
        carried_forward,
        int(carried_over == carried_forward),
        cell_value(cur, "t3", "new_received", "total")
        - cell_value(prev, "t3", "new_received", "total"),
    )


def copy_data(built, tmp_path: Path) -> Path:
    """A private copy of the built data directory and archive."""
    data = tmp_path / "data"
    shutil.copytree(built[0], data)
    return data


def add_fetch(data: Path, url: str, body: bytes, when: str) -> None:
    """What a later crawl run would add: the bytes and one report fetch."""
    d = DataDir(data)
    sha, _ = d.raw.put(body)
    with d.fetches.open(when.replace("-", "").replace(":", "")[:15] + "Z-test") as log:
        log.write(
            portal="test_portal", url=url, status=200, sha256=sha, role="report", fetched_at=when
        )


def table_dump(db_path: Path) -> list[str]:
    with sqlite3.connect(db_path) as conn:
        return list(conn.iterdump())


def test_second_build_changes_nothing(built, tmp_path):
    root, db_path, _, _ = built
    copy = tmp_path / "xxgk.db"
    with sqlite3.connect(db_path) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    before = table_dump(copy)
    stats = build(root, copy, progress=False)
    assert (
        stats["loaded_rows"],
        stats["extracted"],
        stats["failed"],
        stats["placement_changes"],
    ) == (0, 0, 0, 0)
    assert table_dump(copy) == before


def test_a_fetch_record_without_time_is_loaded_once(built, tmp_path):
    data = copy_data(built, tmp_path)
    with (data / "fetches" / "20240401T000000Z-0005.jsonl").open("w", encoding="utf-8") as f:
        f.write(
            '{"run": "20240401T000000Z-0005", "url": "http://127.0.0.1:9/x", "role": "other"}\n'
        )
        f.write('{"torn line\n')
    build(data, data / "xxgk.db", progress=False)
    stats = build(data, data / "xxgk.db", progress=False)
    assert stats["loaded_rows"] == 0
    assert rows(
        data / "xxgk.db", "select count(*) from fetches where url = 'http://127.0.0.1:9/x'"
    ) == [(1,)]


def test_changed_summary_code_rebuilds_summaries(built, tmp_path, monkeypatch):
    import archive.views

    data = copy_data(built, tmp_path)
    assert build(data, data / "xxgk.db", progress=False)["rebuilt_summaries"] is False
    extra = [*archive.views.INDEXES["report_metrics"], ("agency",)]
    monkeypatch.setitem(archive.views.INDEXES, "report_metrics", extra)
    assert build(data, data / "xxgk.db", progress=False)["rebuilt_summaries"] is True
    assert rows(
        data / "xxgk.db", "select count(*) from sqlite_master where name = 'report_metrics_agency'"
    ) == [(1,)]


def test_new_fetches_are_added_incrementally(built, tmp_path):
    data = copy_data(built, tmp_path)
    body = documents()["haishu_2022"].replace(b"42", b"43")
    add_fetch(data, "http://127.0.0.1:9/art/haishu_2022.html", body, "2024-01-01T00:00:00Z")
    stats = build(data, data / "xxgk.db", progress=False)
    assert (stats["extracted"], stats["failed"]) == (1, 0)
    assert rows(
        data / "xxgk.db",
        "select status, revised_at from report_metrics where url = 'http://127.0.0.1:9/art/haishu_2022.html'",
    ) == [("revised", "2024-01-01T00:00:00Z")]


def test_extractor_version_change_reextracts_and_keeps_old_rows(built, tmp_path, monkeypatch):
    root, db_path, _, _ = built
    copy = tmp_path / "xxgk.db"
    with sqlite3.connect(db_path) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    n_docs = rows(copy, "select count(distinct sha256) from extractions")[0][0]
    old = rows(copy, "select count(*) from extractions")[0][0]
    monkeypatch.setattr(extract, "EXTRACTOR_VERSION", "test-bump")
    stats = build(root, copy, progress=False)
    assert stats["extracted"] + stats["failed"] == n_docs
    assert rows(copy, "select count(*) from extractions")[0][0] == old + n_docs
    versions = rows(
        copy,
        "select distinct e.extractor_version from report_metrics rm join extractions e on e.id = rm.extraction_id",
    )
    assert versions == [("test-bump",)]


def xxgk(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "archive", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_build_cli_reports_counts_and_one_line_errors(built, tmp_path):
    root, _, _, _ = built
    out = xxgk("build", "--data", str(root), "--db", str(tmp_path / "xxgk.db"), "--quiet")
    assert out.returncode == 0, out.stderr
    assert "6 reports" in out.stdout and "1 failed" in out.stdout
    assert "1 without agency or year" in out.stdout
    again = xxgk("build", "--data", str(root), "--db", str(tmp_path / "xxgk.db"), "--quiet")
    assert "nothing changed" in again.stdout
    missing = xxgk("build", "--data", str(tmp_path / "nope"), "--db", str(tmp_path / "x.db"))
    assert missing.returncode == 1
    assert missing.stderr.count("\n") == 1 and "no data directory" in missing.stderr


def test_demo_from_seeds_builds_and_says_so(tmp_path):
    out = xxgk(
        "demo",
        "--source",
        "seeds",
        "--no-serve",
        "--data",
        str(tmp_path / "demo"),
        "--db",
        str(tmp_path / "demo" / "xxgk.db"),
    )
    assert out.returncode == 0, out.stderr
    assert "source = the five seed reports" in out.stdout
    assert rows(tmp_path / "demo" / "xxgk.db", "select count(*) from report_metrics") == [(5,)]


def renamed_report(old_name: str, new_name: str) -> bytes:
    """haishu's 2022 report as its 2023 report, printed under a new name."""
    body = documents()["haishu_2022"].decode()
    return body.replace("2022", "2023").replace(old_name, new_name).encode()


def haishu_names() -> tuple[str, str]:
    old_name = records()["haishu_2022"]["agency"]
    return old_name, old_name.replace("人民政府办公室", "政务服务办公室")


def agency_years(db_path: Path) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for name, year in rows(
        db_path,
        "select a.name, r.year from reports r join agencies a on a.id = r.agency_id"
        " order by a.name, r.year",
    ):
        out.setdefault(name, []).append(year)
    return out


def test_a_renamed_agency_keeps_its_identity_through_an_alias(built, tmp_path):
    data = copy_data(built, tmp_path)
    db_path = data / "xxgk.db"
    old_name, new_name = haishu_names()
    (agency_id,) = rows(db_path, "select id from agencies where name = ?", [old_name])[0]
    add_alias(data, Alias("test_portal", old_name, new_name, "rename", "机构改革"))
    renamed = renamed_report(old_name, new_name)
    assert run_extract(renamed, source="x")["agency"] == new_name
    add_fetch(data, "http://127.0.0.1:9/art/renamed.html", renamed, "2024-03-01T00:00:00Z")
    build(data, db_path, progress=False)
    years = rows(
        db_path, "select year from report_metrics where agency_id = ? order by year", [agency_id]
    )
    assert years == [(2021,), (2022,), (2023,)]
    assert rows(db_path, "select count(*) from agencies where name = ?", [new_name]) == [(0,)]
    assert rows(db_path, "select alias, relation, note from agency_aliases") == [
        (new_name, "rename", "机构改革")
    ]
    # the alias lives in the data directory: an archive built afresh keeps it
    fresh = tmp_path / "fresh.db"
    build(data, fresh, progress=False)
    assert agency_years(fresh)[old_name] == [2021, 2022, 2023]
    assert new_name not in agency_years(fresh)


def test_an_alias_added_later_merges_and_removing_it_splits_again(built, tmp_path):
    data = copy_data(built, tmp_path)
    db_path = data / "xxgk.db"
    old_name, new_name = haishu_names()
    renamed = renamed_report(old_name, new_name)
    add_fetch(data, "http://127.0.0.1:9/art/renamed.html", renamed, "2024-03-01T00:00:00Z")
    build(data, db_path, progress=False)
    assert agency_years(db_path)[new_name] == [2023]
    kept = rows(
        db_path,
        "select r.id, r.year from reports r join agencies a on a.id = r.agency_id where a.name = ?",
        [old_name],
    )
    metrics = "select agency, year, url, status from report_metrics order by agency, year"
    before = rows(db_path, metrics)

    add_alias(data, Alias("test_portal", old_name, new_name))
    stats = build(data, db_path, progress=False)
    assert stats["placement_changes"] > 0 and stats["rebuilt_summaries"]
    merged = agency_years(db_path)
    assert merged[old_name] == [2021, 2022, 2023] and new_name not in merged
    # the agency's own reports keep their ids; one report per year, no orphans
    assert set(kept) <= set(
        rows(db_path, "select r.id, r.year from reports r join agencies a on a.id = r.agency_id")
    )
    assert rows(
        db_path,
        "select count(*) from report_documents where report_id not in (select id from reports)",
    ) == [(0,)]
    assert rows(db_path, "select count(*) from report_metrics where agency = ?", [new_name]) == [
        (0,)
    ]

    assert remove_alias(data, "test_portal", new_name)
    build(data, db_path, progress=False)
    split = agency_years(db_path)
    assert split[old_name] == [2021, 2022] and split[new_name] == [2023]
    assert rows(db_path, "select count(*) from agency_aliases") == [(0,)]
    assert rows(db_path, metrics) == before  # back where it was


def test_an_alias_of_a_name_not_seen_yet_renames_the_agency_in_place(built, tmp_path):
    data = copy_data(built, tmp_path)
    db_path = data / "xxgk.db"
    old_name, new_name = haishu_names()
    (agency_id,) = rows(db_path, "select id from agencies where name = ?", [old_name])[0]
    # the archive is to show the new name; only the old one has been printed so far
    add_alias(data, Alias("test_portal", new_name, old_name))
    build(data, db_path, progress=False)
    assert rows(db_path, "select id from agencies where name = ?", [new_name]) == [(agency_id,)]
    assert agency_years(db_path)[new_name] == [2021, 2022]
    assert old_name not in agency_years(db_path)


def test_a_document_read_afresh_as_another_year_leaves_no_duplicate(built, tmp_path):
    data = copy_data(built, tmp_path)
    db_path = data / "xxgk.db"
    _, _, info, _ = built
    sha = info["sha256"]["haishu_2021"]
    agency = records()["haishu_2021"]["agency"]
    assert agency_years(db_path)[agency] == [2021, 2022]
    n_documents = rows(db_path, "select count(*) from report_documents")
    # what a better extractor would do: read the same bytes as another year
    from archive.build import open_db, save_extraction

    db = open_db(db_path)
    with db.conn:
        save_extraction(db, sha, "newer", {**records()["haishu_2021"], "year": 2020})
    db.close()
    stats = build(data, db_path, progress=False)
    assert stats["placement_changes"] > 0
    assert agency_years(db_path)[agency] == [2020, 2022]
    assert rows(db_path, "select count(*) from report_documents") == n_documents
    assert rows(
        db_path, "select year from report_metrics where agency = ? order by year", [agency]
    ) == [(2020,), (2022,)]


def test_contradictory_or_malformed_aliases_are_one_line_errors(built, tmp_path):
    data = copy_data(built, tmp_path)
    add_alias(data, Alias("p", "甲局", "乙局"))
    with pytest.raises(AliasError, match="both an agency and an alias"):
        add_alias(data, Alias("p", "乙局", "丙局"))  # a chain: 丙 → 乙 → 甲
    with pytest.raises(AliasError, match="alias of itself"):
        add_alias(data, Alias("p", "甲局", "甲局"))
    assert read_aliases(data) == [Alias("p", "甲局", "乙局")]  # refused edits wrote nothing
    aliases_path(data).write_text("- portal: p\n  agency: [unclosed\n", "utf-8")
    out = xxgk("build", "--data", str(data), "--db", str(data / "xxgk.db"), "--quiet")
    assert out.returncode == 1
    assert out.stderr.count("\n") == 1 and "agency_aliases.yml" in out.stderr
    aliases_path(data).write_text("- portal: p\n  agency: 甲局\n  alias: 乙局\n  kind: x\n")
    listed = xxgk("alias", "list", "--data", str(data))
    assert listed.returncode == 1 and "unknown keys: kind" in listed.stderr


def test_alias_cli_adds_finds_the_portal_suggests_and_removes(built, tmp_path):
    data = copy_data(built, tmp_path)
    db = str(data / "xxgk.db")
    old_name, new_name = haishu_names()
    add_fetch(
        data,
        "http://127.0.0.1:9/art/renamed.html",
        renamed_report(old_name, new_name),
        "2024-03-01T00:00:00Z",
    )
    assert xxgk("build", "--data", str(data), "--db", db, "--quiet").returncode == 0
    suggested = xxgk("alias", "suggest", "--db", db)
    assert suggested.returncode == 0, suggested.stderr
    assert f"{old_name} (2021–2022) → {new_name} (2023–2023)" in suggested.stdout
    # the same suggestion is a table on the site, with the command to record it
    assert rows(data / "xxgk.db", "select alias, agency, command from alias_suggestions") == [
        (old_name, new_name, f"xxgk alias add {old_name} {new_name} --portal test_portal")
    ]
    # the suggestion read the other way round: the archive shows the old name
    added = xxgk(
        "alias", "add", new_name, old_name, "--note", "改名", "--data", str(data), "--db", db
    )
    assert added.returncode == 0, added.stderr
    assert "(test_portal, rename)" in added.stdout and "rebuilt" in added.stdout
    assert agency_years(data / "xxgk.db")[old_name] == [2021, 2022, 2023]
    assert xxgk("alias", "suggest", "--db", db).stdout == ""
    assert rows(data / "xxgk.db", "select count(*) from alias_suggestions") == [(0,)]
    listed = xxgk("alias", "list", "--data", str(data))
    assert listed.stdout == f"test_portal\t{new_name} → {old_name}\trename\t改名\n"
    unknown = xxgk("alias", "add", "某某局", "另一局", "--data", str(data), "--db", db)
    assert unknown.returncode == 1 and "give --portal" in unknown.stderr
    typo = xxgk(
        "alias",
        "add",
        "某某局",
        "另一局",
        "--portal",
        "test_portl",
        "--data",
        str(data),
        "--db",
        db,
    )
    assert typo.returncode == 1 and "unknown portal test_portl" in typo.stderr
    assert len(read_aliases(data)) == 1  # nothing written
    removed = xxgk("alias", "remove", new_name, "--data", str(data), "--db", db)
    assert removed.returncode == 0, removed.stderr
    assert agency_years(data / "xxgk.db")[new_name] == [2023]
    again = xxgk("alias", "remove", new_name, "--data", str(data), "--db", db)
    assert again.returncode == 1 and again.stderr.count("\n") == 1
    (tmp_path / "bad.db").write_text("not a database")
    bad = xxgk("alias", "suggest", "--db", str(tmp_path / "bad.db"))
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1
    assert "not a readable SQLite archive" in bad.stderr
