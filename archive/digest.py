"""``xxgk digest``: what changed in the archive since a day — new, revised,
late, missing and removed reports — as text or JSON; the same items make the
site's Atom feeds (``archive/site.py``: ``/-/feeds/all.atom`` and one feed
per district).

Days are crawl days (``archive.build.crawl_days``: the day ``xxgk update``
ran a crawl for, else the day it started), so a digest says "seen on the
crawl of 3 April", never a publication date the portal did not state.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import click

from archive.options import db_option

KINDS = ("new", "revised", "late", "missing", "removed")
LABELS = {
    "new": "新发布 · new",
    "revised": "被修改 · revised",
    "late": "逾期发布 · late",
    "missing": "未发布 · missing",
    "removed": "已删除 · removed",
}


def _days(conn: sqlite3.Connection) -> dict[str, str]:
    from archive.build import crawl_days

    return crawl_days(conn)  # type: ignore[arg-type]  (only .execute is used)


def items(
    conn: sqlite3.Connection, since: str, district: str | None = None
) -> list[dict[str, Any]]:
    """Every digest item on or after ``since`` (YYYY-MM-DD), newest first:
    dicts with kind, day, report_id, agency, district, year, url, detail."""
    days = _days(conn)

    def only(column: str) -> str:
        return f" and {column} = :district" if district else ""

    params = {"since": since, "district": district}
    out: list[dict[str, Any]] = []

    def add(kind: str, row: sqlite3.Row, day: str | None, detail: str) -> None:
        if day and day >= since:
            out.append(
                {
                    "kind": kind,
                    "day": day,
                    "report_id": row["report_id"],
                    "agency": row["agency"],
                    "district": row["district"],
                    "year": row["year"],
                    "url": row["url"],
                    "detail": detail,
                }
            )

    conn.row_factory = sqlite3.Row
    renamed = _possible_renames(conn)
    for row in conn.execute(
        "select ps.*, r.url from publication_status ps left join reports r on r.id = ps.report_id"
        f" where status_day >= :since {only('ps.district')}",
        params,
    ):
        if row["report_id"] is not None:
            add("new", row, row["first_seen_day"], f"{row['status']} (deadline {row['deadline']})")
        if row["status"] in ("late", "missing"):
            detail = (
                f"first seen {row['first_seen_day']}, deadline {row['deadline']}"
                if row["status"] == "late"
                else f"published {row['year'] - 1}, nothing for {row['year']} after {row['deadline']}"
            )
            successor = renamed.get((row["portal_id"], row["agency"]))
            if row["status"] == "missing" and successor:
                detail += f"; possibly renamed {successor} (see alias_suggestions)"
            add(row["status"], row, row["status_day"], detail)
    for row in conn.execute(
        "select c.report_id, c.agency, c.district, c.year, c.url, c.to_version, c.to_sha256,"
        " sum(c.kind = 'cell') as cells, sum(c.kind = 'section') as sections,"
        " min(f.crawl_id) as crawl_id"
        " from report_changes c left join fetches f on f.url = c.url and f.sha256 = c.to_sha256"
        f" where 1 {only('c.district')}"
        " group by c.report_id, c.url, c.to_version",
        params,
    ):
        add(
            "revised",
            row,
            days.get(row["crawl_id"]),
            f"version {row['to_version']}: {row['cells']} cells, {row['sections']} sections changed",
        )
    for row in conn.execute(
        "select r.id as report_id, a.name as agency, a.district, r.year, r.url, r.removed_at,"
        " (select crawl_id from fetches f where f.url = r.url and f.fetched_at = r.removed_at"
        "  limit 1) as crawl_id"
        " from reports r join agencies a on a.id = r.agency_id"
        f" where r.status = 'removed' {only('a.district')}",
        params,
    ):
        add("removed", row, days.get(row["crawl_id"]), "404/410 confirmed on two days")
    order = {k: i for i, k in enumerate(KINDS)}
    out.sort(key=lambda i: (i["day"], -order[i["kind"]], i["report_id"] or 0), reverse=True)
    return out


def _possible_renames(conn: sqlite3.Connection) -> dict[tuple[str, str], str]:
    """(portal, name that stopped) → the similar name that started, from the
    build's ``alias_suggestions`` (absent in archives built before it)."""
    try:
        found = conn.execute("select portal, alias, agency from alias_suggestions").fetchall()
    except sqlite3.OperationalError:
        return {}
    out: dict[tuple[str, str], str] = {}
    for portal, alias, agency in found:
        out.setdefault((portal, alias), agency)
    return out


def render_text(found: list[dict[str, Any]], since: str) -> str:
    lines = [f"xxgk digest since {since}: {len(found)} items"]
    for kind in KINDS:
        group = [i for i in found if i["kind"] == kind]
        if not group:
            continue
        lines.append(f"\n{LABELS[kind]} ({len(group)})")
        for i in group:
            lines.append(
                f"  {i['day']}  {i['district'] or ''} {i['agency']} {i['year']}  {i['detail']}"
            )
    return "\n".join(lines)


def atom(
    found: list[dict[str, Any]], *, title: str, feed_id: str, base: str, database: str = "xxgk"
) -> str:
    """An Atom 1.0 feed (RFC 4287) of digest items; each entry links to the
    report's row on the site (``base``/``database``/reports/<id>)."""
    updated = max((i["day"] for i in found), default="1970-01-01") + "T00:00:00Z"
    entries = []
    for i in found:
        link = f"{base}/{database}/reports/{i['report_id']}" if i["report_id"] else i["url"] or base
        entry_id = f"{feed_id}:{i['kind']}:{i['report_id'] or i['agency']}:{i['year']}:{i['day']}"
        entries.append(
            "  <entry>\n"
            f"    <id>{escape(entry_id)}</id>\n"
            f"    <title>{escape(LABELS[i['kind']].split(' · ')[0])}："
            f"{escape(i['agency'] or '')} {i['year']}年度</title>\n"
            f"    <updated>{i['day']}T00:00:00Z</updated>\n"
            f'    <link href="{escape(link, {chr(34): "&quot;"})}"/>\n'
            f'    <category term="{i["kind"]}"/>\n'
            f"    <summary>{escape((i['district'] or '') + ' ' + i['detail'])}</summary>\n"
            "  </entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">\n'
        f"  <id>{escape(feed_id)}</id>\n"
        f"  <title>{escape(title)}</title>\n"
        f"  <updated>{updated}</updated>\n"
        "  <author><name>xxgk-archive</name></author>\n"
        f'  <link rel="self" href="{escape(base)}"/>\n'
        + "".join(e + "\n" for e in entries)
        + "</feed>\n"
    )


@click.command("digest")
@click.option("--since", required=True, help="First day to include (YYYY-MM-DD).")
@click.option("--district", help="Only this district (as in portals: 海曙区…).")
@click.option("--json", "as_json", is_flag=True, help="Print the items as JSON.")
@db_option(as_path=True)
def digest_command(since: str, district: str | None, as_json: bool, db_path: Path) -> None:
    """Print new, revised, late, missing and removed reports since a day.

    Example:

        xxgk digest --since 2026-04-01 --db data/xxgk.db
    """
    from archive.cli import fail

    try:
        since = date.fromisoformat(since).isoformat()
    except ValueError:
        fail(f"--since {since!r} is not a day (YYYY-MM-DD)", 2)
    if not db_path.exists():
        fail(f"no archive at {db_path} (run `xxgk build` or `xxgk update` first)")
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        found = items(conn, since, district)
    except sqlite3.Error as e:
        fail(f"{db_path}: {e} (built by an older xxgk? run `xxgk build`)")
    if as_json:
        json.dump({"since": since, "items": found}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        click.echo(render_text(found, since))
