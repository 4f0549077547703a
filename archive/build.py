"""``xxgk build``: the SQLite archive, rebuilt from the data directory
(raw bytes + fetch logs + crawl summaries, ``archive.store.DataDir``) and the
extractor — offline, idempotent, incremental.

1. Load crawl runs, fetches and documents (insert-or-ignore: a second run
   adds nothing).
2. Extract only documents without an extraction for the current
   ``extract.EXTRACTOR_VERSION``, in worker processes with per-document
   limits (``extract.batch.extract_many``); a failure becomes an
   ``extractions`` row with its reason, never a crashed build.
3. Place documents into reports: a report page and the attachments whose
   ``parent_url`` is that page are twins of one report; agency and year come
   from the extraction, falling back to the fetch log's hints and title.
4. Regenerate the summary tables and views (``archive/views.py``) when
   anything changed.

This module reads the data directory only through ``archive.store``.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from sqlite_utils import Database

from archive.aliases import apply_aliases, read_aliases, write_suggestions
from archive.migrations import migrate
from archive.options import data_option, db_option
from archive.store import FETCH_KEYS, DataDir
from archive.views import create_views, load_crosswalk, rebuild_summaries, summaries_current

PLACED_ROLES = ("report", "attachment")
GONE = (404, 410)

# the fetch log's keys as fetches columns (portal -> portal_id; run -> crawl_id)
FETCH_COLUMNS = ["portal_id" if k == "portal" else k for k in FETCH_KEYS if k != "run"]


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def open_db(path: Path | str) -> Database:
    """Open (creating if needed) an archive database at the current schema."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = Database(path)
    db.execute("pragma journal_mode = wal")
    migrate(db)
    return db


def load_portals(db: Database, data: DataDir) -> None:
    """Portal rows from ``<data>/portals.json`` (written by whoever crawled,
    e.g. ``xxgk demo``) and from ``crawler/portals.yml`` when installed."""
    entries: list[dict[str, Any]] = []
    path = data.root / "portals.json"
    if path.exists():
        try:
            entries += json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            click.echo(f"xxgk build: warning: ignoring unreadable {path}", err=True)
    try:
        from importlib.resources import files

        import yaml

        text = (files("crawler") / "portals.yml").read_text("utf-8")
        loaded = yaml.safe_load(text)
        if isinstance(loaded, dict):
            loaded = loaded.get("portals", [])
        entries += [e for e in loaded or [] if isinstance(e, dict) and e.get("id")]
    except (ImportError, FileNotFoundError, OSError, ValueError):
        pass
    for e in entries:
        row = {
            "id": e["id"],
            "district_code": None if e.get("district_code") is None else str(e["district_code"]),
            "district": e.get("district"),
            "level": e.get("level"),
            "family": e.get("family"),
            "listing_urls": json.dumps(e.get("listing_urls") or [], ensure_ascii=False),
        }
        old = db.execute("select * from portals where id = ?", [row["id"]]).fetchone()
        if old is None:
            db["portals"].insert(row)
        elif tuple(old) != tuple(row.values()):
            db["portals"].update(row["id"], row)


def load_fetches(db: Database, data: DataDir) -> None:
    """Crawl runs, fetches and the documents they stored (insert-or-ignore)."""
    for summary in data.crawl_summaries():
        run = summary.get("run")
        if run:
            db.execute(
                "insert or ignore into crawls (id, started_at, finished_at, code_version, summary)"
                " values (?, ?, ?, ?, ?)",
                [
                    run,
                    summary.get("started_at"),
                    summary.get("finished_at"),
                    summary.get("code_version"),
                    json.dumps(summary, ensure_ascii=False, sort_keys=True),
                ],
            )
    placeholders = ", ".join("?" for _ in FETCH_COLUMNS)
    for rec in data.fetches.read():
        run = rec.get("run")
        db.execute("insert or ignore into crawls (id) values (?)", [run])
        if rec.get("portal"):
            db.execute("insert or ignore into portals (id) values (?)", [rec["portal"]])
        sha = rec.get("sha256")
        if sha and data.raw.has(sha):
            db.execute(
                "insert or ignore into documents (sha256, size, content_type, first_seen_at)"
                " values (?, ?, ?, ?)",
                [
                    sha,
                    data.raw.path(sha).stat().st_size,
                    rec.get("content_type"),
                    rec.get("fetched_at"),
                ],
            )
        elif sha:
            sha = None  # logged but not stored: keep the fetch, not a dangling document
        values = {**rec, "portal_id": rec.get("portal"), "sha256": sha}
        values["year_hint"] = _int(rec.get("year_hint"))
        values["status"] = _int(rec.get("status"))
        values["not_modified"] = (
            None if rec.get("not_modified") is None else int(bool(rec["not_modified"]))
        )
        # `is` rather than the unique index: a record without fetched_at must
        # not be inserted again on every build
        db.execute(
            f"insert into fetches (crawl_id, {', '.join(FETCH_COLUMNS)}) select ?, {placeholders}"
            " where not exists (select 1 from fetches where crawl_id is ? and url is ?"
            " and fetched_at is ? and role is ?)",
            [
                run,
                *(values.get(c) for c in FETCH_COLUMNS),
                run,
                values.get("url"),
                values.get("fetched_at"),
                values.get("role"),
            ],
        )


def pending_jobs(db: Database, data: DataDir, version: str) -> list[Any]:
    """Documents fetched as report pages or attachments that have no
    extraction for this extractor version."""
    from extract.batch import Job

    rows = db.execute(
        """select d.sha256, min(f.url) from documents d
           join fetches f on f.sha256 = d.sha256 and f.role in ('report', 'attachment')
           where not exists (select 1 from extractions e
                             where e.sha256 = d.sha256 and e.extractor_version = ?)
           group by d.sha256 order by d.sha256""",
        [version],
    ).fetchall()
    return [
        Job(key=sha, path=str(data.raw.path(sha)), source=url, name=(url or "").rsplit("/", 1)[-1])
        for sha, url in rows
    ]


def save_extraction(db: Database, sha: str, version: str, result: dict[str, Any]) -> None:
    """One extraction (or failure) with its cells, checks and sections."""
    failed = bool(result.get("failure"))
    cur = db.execute(
        """insert into extractions (sha256, extractor_version, extracted_at, ok, failure,
               failure_kind, agency, year, format, title, kind, reader, encoding,
               agency_source, year_source, format_source, warnings)
           values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            sha,
            version,
            now(),
            0 if failed else 1,
            result.get("failure"),
            result.get("kind") if failed else None,
            result.get("agency"),
            _int(result.get("year")),
            result.get("format"),
            result.get("title"),
            None if failed else result.get("kind"),
            result.get("reader"),
            result.get("encoding"),
            result.get("agency_source"),
            result.get("year_source"),
            result.get("format_source"),
            json.dumps(result.get("warnings") or [], ensure_ascii=False),
        ],
    )
    eid = cur.lastrowid
    db.conn.executemany(
        'insert into cells (extraction_id, "table", row, col, value, kind, raw, note, unit,'
        " confidence, source) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                eid,
                c["table"],
                c["row"],
                c["col"],
                c.get("value"),
                c.get("kind"),
                c.get("raw"),
                c.get("note"),
                c.get("unit"),
                c.get("confidence"),
                json.dumps(c.get("source"), ensure_ascii=False) if c.get("source") else None,
            )
            for c in result.get("cells") or []
        ],
    )
    db.conn.executemany(
        "insert into checks (extraction_id, rule, row, col, ok, expected, actual, missing, blank)"
        " values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                eid,
                k.get("rule"),
                k.get("row"),
                k.get("col"),
                None if k.get("ok") is None else int(bool(k["ok"])),
                k.get("expected"),
                k.get("actual"),
                json.dumps(k["missing"], ensure_ascii=False) if k.get("missing") else None,
                json.dumps(k["blank"], ensure_ascii=False) if k.get("blank") else None,
            )
            for k in result.get("checks") or []
        ],
    )
    db.conn.executemany(
        "insert into sections (extraction_id, section, body) values (?, ?, ?)",
        [(eid, name, body) for name, body in (result.get("sections") or {}).items() if body],
    )


def extract_pending(
    db: Database, data: DataDir, *, workers: int, timeout: float, memory_mb: int, progress: bool
) -> tuple[int, int]:
    """Run the extractor over pending documents; returns (read, failed)."""
    from extract import EXTRACTOR_VERSION
    from extract.batch import extract_many

    jobs = pending_jobs(db, data, EXTRACTOR_VERSION)
    read = failed = 0
    if not jobs:
        return 0, 0
    results = extract_many(jobs, workers=workers, timeout=timeout, memory_mb=memory_mb)
    with click.progressbar(
        results, length=len(jobs), label="extracting", file=sys.stderr if progress else _Null()
    ) as bar:
        for sha, result in bar:
            with db.conn:
                save_extraction(db, sha, EXTRACTOR_VERSION, result)
            if result.get("failure"):
                failed += 1
            else:
                read += 1
    return read, failed


class _Null:
    def write(self, *_: Any) -> None:
        pass

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _latest_extraction(db: Database, sha: str) -> dict[str, Any] | None:
    row = db.execute(
        "select agency, year from extractions where sha256 = ? and ok = 1 order by id desc limit 1",
        [sha],
    ).fetchone()
    return {"agency": row[0], "year": row[1]} if row else None


def report_units(db: Database) -> dict[str, list[dict[str, Any]]]:
    """Fetches grouped into report units keyed by the report page URL; an
    attachment joins its parent page's unit (or forms its own when the page
    was never fetched as a report)."""
    cols = [
        "crawl_id",
        "url",
        "sha256",
        "role",
        "parent_url",
        "status",
        "fetched_at",
        "portal_id",
        "title",
        "agency_hint",
        "year_hint",
    ]
    fetches = [
        dict(zip(cols, row, strict=True))
        for row in db.execute(
            f"select {', '.join(cols)} from fetches where role in ('report', 'attachment') order by fetched_at, id"
        )
    ]
    pages = {f["url"] for f in fetches if f["role"] == "report"}
    units: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in fetches:
        key = (
            f["parent_url"] if f["role"] == "attachment" and f["parent_url"] in pages else f["url"]
        )
        units[key].append(f)
    return units


def identify(db: Database, unit: list[dict[str, Any]]) -> tuple[str | None, int | None]:
    """Agency and year of a unit: extraction first (newest sighting first),
    then the fetch log's hints, then the title."""
    from extract.titles import parse_title

    agency = year = None
    stored = [f for f in reversed(unit) if f["sha256"]]
    for f in stored:
        rec = _latest_extraction(db, f["sha256"])
        if rec:
            agency = agency or rec["agency"]
            year = year or rec["year"]
    for f in reversed(unit):
        hint = f["agency_hint"]
        if agency and hint and spells_out(agency, hint):
            agency = hint  # the page's own 发布机构 writes the short title name in full
        agency = agency or hint
        year = year or f["year_hint"]
        if f["title"] and (agency is None or year is None):
            t_agency, t_year = parse_title(f["title"])
            agency, year = agency or t_agency, year or t_year
    return agency, year


def spells_out(short: str, full: str) -> bool:
    """True when ``full`` is ``short`` written in full: every character of
    the short name, after a leading 区/县/市, in order in the longer name
    (区统计局 → 宁波市望海区统计局, 区住建局 → …住房和城乡建设局, 石碶街道 →
    …石碶街道办事处). Used only between a document and its own page's
    metadata, so that one agency keeps one name across years."""
    if len(full) <= len(short):
        return False
    rest = iter(full)
    return all(ch in rest for ch in short.lstrip("区县市") or short)


def agency_id(db: Database, portal_id: str, name: str) -> int:
    """A stable agency identity per portal; known aliases map to it."""
    row = db.execute(
        "select agency_id from agency_aliases where portal_id = ? and alias = ?", [portal_id, name]
    ).fetchone()
    if row:
        return row[0]
    row = db.execute(
        "select id from agencies where portal_id = ? and name = ?", [portal_id, name]
    ).fetchone()
    if row:
        return row[0]
    portal = db.execute(
        "select district_code, district from portals where id = ?", [portal_id]
    ).fetchone()
    cur = db.execute(
        "insert into agencies (portal_id, name, district_code, district) values (?, ?, ?, ?)",
        [portal_id, name, *(portal or (None, None))],
    )
    return cur.lastrowid


def complete_listings(db: Database) -> dict[str, list[tuple[str, str]]]:
    """Portal → [(first listing fetch time, run)] for finished crawl runs (with
    a summary) that read the portal's listing and were not paused there: the
    runs whose silence about a report page means it is no longer listed."""
    paused: set[tuple[str, str]] = set()
    finished: set[str] = set()
    for run, summary in db.execute("select id, summary from crawls where summary is not null"):
        finished.add(run)
        try:
            portals = json.loads(summary).get("portals") or {}
        except (ValueError, AttributeError):
            continue
        paused |= {(run, p) for p, v in portals.items() if isinstance(v, dict) and v.get("paused")}
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for run, portal, first in db.execute(
        "select crawl_id, portal_id, min(fetched_at) from fetches"
        " where role = 'listing' and status in (200, 304) group by crawl_id, portal_id"
    ):
        if run in finished and (run, portal) not in paused:
            out[portal].append((first, run))
    return out


def place_reports(db: Database) -> None:
    """Create or refresh reports and their documents from the fetch history."""
    by_report: dict[int, list[tuple[str, list[dict[str, Any]]]]] = defaultdict(list)
    listings = complete_listings(db)
    days = crawl_days(db)
    for key, unit in report_units(db).items():
        agency, year = identify(db, unit)
        if not agency or not year:
            continue  # stays visible in unplaced_documents
        portal = next((f["portal_id"] for f in unit if f["portal_id"]), None) or "unknown"
        db.execute("insert or ignore into portals (id) values (?)", [portal])
        aid = agency_id(db, portal, agency)
        db.execute(
            "insert or ignore into reports (agency_id, year) values (?, ?)", [aid, int(year)]
        )
        (rid,) = db.execute(
            "select id from reports where agency_id = ? and year = ?", [aid, int(year)]
        ).fetchone()
        by_report[rid].append((key, unit))
    for rid, units in by_report.items():
        _refresh_report(db, rid, units, listings, days)
    drop_unplaced(db, by_report)


def drop_unplaced(
    db: Database, by_report: dict[int, list[tuple[str, list[dict[str, Any]]]]]
) -> None:
    """Every placement is recomputed from the fetch history, so what it no
    longer yields is gone: a document now read as another agency or year (a
    new alias, a better extractor) leaves its old report, a report nothing
    is placed in any more is dropped, and so is an agency with no report
    that no alias names. Nothing of the raw archive or the extractions is
    touched; the next build would place it all again."""
    placed = {
        rid: {(f["url"], f["sha256"]) for _, unit in units for f in unit if f["sha256"]}
        for rid, units in by_report.items()
    }
    for doc_id, rid, url, sha in db.execute(
        "select id, report_id, url, sha256 from report_documents"
    ).fetchall():
        if (url, sha) not in placed.get(rid, ()):
            db.execute("delete from report_documents where id = ?", [doc_id])
    for (rid,) in db.execute("select id from reports").fetchall():
        if rid not in placed:
            db.execute("delete from reports where id = ?", [rid])
    db.execute(
        "delete from agencies where id not in (select agency_id from reports)"
        " and id not in (select agency_id from agency_aliases)"
    )


def crawl_days(db: Database) -> dict[str, str]:
    """Crawl run → the day it counts for: the day ``xxgk update`` ran it for
    (``--today``), else the day it started (from the run id when the summary
    is missing)."""
    days = {}
    for run, started, summary in db.execute("select id, started_at, summary from crawls"):
        day = None
        with contextlib.suppress(ValueError, AttributeError):
            day = (json.loads(summary or "{}").get("update") or {}).get("today")
        if not day and started:
            day = started[:10]
        if not day and run and len(run) >= 8 and run[:8].isdigit():
            day = f"{run[:4]}-{run[4:6]}-{run[6:8]}"
        days[run] = day
    return days


REMOVAL_CONFIRMATIONS = 2  # 404/410 answers on this many different days


def removed_at(
    page_fetches: list[dict[str, Any]],
    listings: list[tuple[str, str]],
    days: dict[str, str] | None = None,
) -> tuple[str | None, str | None]:
    """(removed, removal candidate) times of a report page.

    Removed only after confirmed 404/410 answers on at least two different
    crawl days since the page was last seen present; timeouts, 5xx and block
    pages never count. A candidate: one such answer, or a later complete
    crawl of its portal read the listing and never requested the page (no
    longer listed) — absence alone never removes a report."""
    days = days or {}
    if not page_fetches:
        return None, None
    present = [i for i, f in enumerate(page_fetches) if f["sha256"] or f["status"] in (200, 304)]
    if not present:
        return None, None
    after = page_fetches[present[-1] + 1 :]
    gone = [f for f in after if f["status"] in GONE]
    gone_days: dict[str, str] = {}
    for f in gone:
        day = days.get(f["crawl_id"]) or (f["fetched_at"] or "")[:10]
        gone_days.setdefault(day, f["fetched_at"])
    if len(gone_days) >= REMOVAL_CONFIRMATIONS:
        return sorted(gone_days.values())[REMOVAL_CONFIRMATIONS - 1], min(gone_days.values())
    candidate = min(gone_days.values()) if gone_days else None
    seen = [f["fetched_at"] for f in page_fetches if f["sha256"]]
    runs_with_page = {f["crawl_id"] for f in page_fetches}
    later = [t for t, run in listings if seen and t > max(seen) and run not in runs_with_page]
    if later:
        candidate = min([candidate, min(later)] if candidate else [min(later)])
    return None, candidate


def _refresh_report(
    db: Database,
    rid: int,
    units: list[tuple[str, list[dict[str, Any]]]],
    listings: dict[str, list[tuple[str, str]]],
    days: dict[str, str],
) -> None:
    stored = [f for _, unit in units for f in unit if f["sha256"]]
    if not stored:
        return
    versions: dict[str, list[str]] = defaultdict(list)  # url -> shas in order of first sighting
    seen: dict[tuple[str, str], list[str]] = defaultdict(list)
    roles: dict[str, str] = {}
    for f in sorted(stored, key=lambda f: f["fetched_at"] or ""):
        if f["sha256"] not in versions[f["url"]]:
            versions[f["url"]].append(f["sha256"])
        seen[(f["url"], f["sha256"])].append(f["fetched_at"])
        roles[f["url"]] = f["role"]
    for (url, sha), times in seen.items():
        row = {
            "report_id": rid,
            "url": url,
            "sha256": sha,
            "role": roles[url],
            "version": versions[url].index(sha) + 1,
            "first_seen_at": min(times),
            "last_seen_at": max(times),
        }
        old = db.execute(
            "select id, role, version, first_seen_at, last_seen_at from report_documents"
            " where report_id = ? and url = ? and sha256 = ?",
            [rid, url, sha],
        ).fetchone()
        if old is None:
            db["report_documents"].insert(row)
        elif tuple(old[1:]) != (
            row["role"],
            row["version"],
            row["first_seen_at"],
            row["last_seen_at"],
        ):
            db["report_documents"].update(old[0], row)
    # the report page: the unit with the latest sighting
    key, unit = max(units, key=lambda ku: max((f["fetched_at"] or "") for f in ku[1]))
    page_fetches = [f for f in unit if f["url"] == key]
    portal = next((f["portal_id"] for f in page_fetches if f["portal_id"]), None)
    gone_at, candidate_at = removed_at(page_fetches, listings.get(portal, []), days)
    revised_at = None
    for url, shas in versions.items():
        if len(shas) > 1:
            first_of_latest = min(seen[(url, shas[-1])])
            revised_at = max(revised_at or "", first_of_latest)
    times = [f["fetched_at"] for f in stored if f["fetched_at"]]
    row = {
        "url": key,
        "first_seen_at": min(times) if times else None,
        "last_seen_at": max(times) if times else None,
        "revised_at": revised_at,
        "removed_at": gone_at,
        "status": "removed"
        if gone_at
        else "removal_candidate"
        if candidate_at
        else "revised"
        if revised_at
        else "current",
        "removal_candidate_at": candidate_at,
    }
    old = db.execute(
        "select url, first_seen_at, last_seen_at, revised_at, removed_at, status,"
        " removal_candidate_at from reports where id = ?",
        [rid],
    ).fetchone()
    if tuple(old) != tuple(row.values()):
        db["reports"].update(rid, row)


def build(
    data_dir: Path | str,
    db_path: Path | str,
    *,
    workers: int = 2,
    timeout: float = 120.0,
    memory_mb: int = 2048,
    progress: bool = True,
) -> dict[str, Any]:
    """Build or update the archive; returns counts of what changed."""
    data = DataDir(data_dir)
    db = open_db(db_path)
    before = db.conn.total_changes
    with db.conn:
        load_portals(db, data)
        load_fetches(db, data)
        apply_aliases(db, read_aliases(data_dir))
    loaded = db.conn.total_changes - before
    read, failed = extract_pending(
        db, data, workers=workers, timeout=timeout, memory_mb=memory_mb, progress=progress
    )
    mark = db.conn.total_changes
    with db.conn:
        place_reports(db)
    placed = db.conn.total_changes - mark
    with db.conn:  # where the site finds the raw bytes (archive.site)
        db.execute(
            "insert into archive_info (key, value) values ('data_dir', ?)"
            " on conflict (key) do update set value = excluded.value where value != excluded.value",
            [str(Path(data_dir).resolve())],
        )
    changed = bool(loaded or read or failed or placed) or not summaries_current(db)
    load_crosswalk(db)
    if changed:
        rebuild_summaries(db)
    else:
        create_views(db)
    if changed or not db["alias_suggestions"].exists():
        write_suggestions(db)
    if changed or not db["report_changes"].exists():
        from archive.season import rebuild_report_changes

        rebuild_report_changes(db)
    stats = {
        "loaded_rows": loaded,
        "extracted": read,
        "failed": failed,
        "placement_changes": placed,
        "rebuilt_summaries": changed,
        "documents": db["documents"].count,
        "reports": db["reports"].count,
        "cells": db["cells"].count,
        "unplaced": db.execute("select count(distinct sha256) from unplaced_documents").fetchone()[
            0
        ],
    }
    db.close()
    return stats


@click.command("build")
@data_option()
@db_option(help="SQLite archive to build or update.")
@click.option("--workers", default=2, show_default=True, help="Extraction worker processes.")
@click.option(
    "--timeout",
    default=120.0,
    show_default=True,
    help="Seconds per document before it is recorded as a failure.",
)
@click.option(
    "--memory-mb", default=2048, show_default=True, help="Memory limit per extraction worker."
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
def build_command(
    data_dir: str, db_path: str, workers: int, timeout: float, memory_mb: int, quiet: bool
) -> None:
    """Build or update the SQLite archive from the data directory.

    Re-extracts only documents that are new or whose extractor version
    changed; a second run changes nothing. Failures are recorded in the
    extractions table with their reason.

    Example:

        xxgk build --data data --db data/xxgk.db
    """
    from archive.cli import fail

    if not Path(data_dir).is_dir():
        fail(f"no data directory at {data_dir} (run `xxgk crawl` or `xxgk demo` first)")
    try:
        stats = build(
            data_dir,
            db_path,
            workers=workers,
            timeout=timeout,
            memory_mb=memory_mb,
            progress=not quiet,
        )
    except Exception as e:  # a one-line error, never a traceback
        fail(f"build failed: {type(e).__name__}: {e}")
    click.echo(
        f"{db_path}: {stats['documents']} documents, {stats['reports']} reports, {stats['cells']} cells"
        f" ({stats['extracted']} extracted, {stats['failed']} failed,"
        f" {stats['unplaced']} without agency or year"
        f"{'' if stats['rebuilt_summaries'] else ', nothing changed'})"
    )
