"""Datasette plugin: serve archived originals safely, and link to them.

``/-/original/<sha256>`` returns the stored bytes of a document the archive
knows, with a content type sniffed from the bytes (not from what the portal
claimed). Crawled HTML is hostile by default: every answer carries
``Content-Security-Policy: sandbox`` (no script, no forms, an opaque origin)
and ``X-Content-Type-Options: nosniff``; anything that is not HTML, text,
PDF or an image is sent as a download.

The raw store is found from, in order: the plugin setting
``plugins: xxgk: data_dir``, the ``XXGK_DATA`` environment variable, and the
``data_dir`` the build recorded in ``archive_info``.

Registered through the ``datasette`` entry point in pyproject.toml.
"""

from __future__ import annotations

import hashlib
import os
import re

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from archive.store import DataDir

SHA256 = re.compile(r"^[0-9a-f]{64}$")
CSP = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "zip": "application/zip",
    "binary": "application/octet-stream",
}
IMAGE_TYPES = {
    b"\x89PNG": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF8": "image/gif",
    b"BM": "image/bmp",
    b"II*\x00": "image/tiff",
    b"MM\x00*": "image/tiff",
    b"RIFF": "image/webp",
}
INLINE = ("text/", "application/pdf", "image/")


def content_type(data: bytes) -> str:
    """The content type of stored bytes, decided from the bytes."""
    from extract.sniff import decode_text, sniff

    kind = sniff(data, "")
    if kind == "image":
        return next(
            (t for magic, t in IMAGE_TYPES.items() if data.startswith(magic)),
            "application/octet-stream",
        )
    if kind in ("html", "text", "markdown"):
        try:
            _, encoding = decode_text(data)
        except Exception:
            encoding = None
        base = "text/html" if kind == "html" else "text/plain"
        return f"{base}; charset={encoding}" if encoding else base
    return CONTENT_TYPES.get(kind, "application/octet-stream")


def original_headers(sha: str, ctype: str) -> dict[str, str]:
    inline = ctype.startswith(INLINE)
    return {
        "Content-Security-Policy": CSP,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Content-Disposition": f'{"inline" if inline else "attachment"}; filename="{sha}"',
    }


async def _archive_db(datasette):
    for db in datasette.databases.values():
        if await db.table_exists("documents") and await db.table_exists("archive_info"):
            return db
    return None


async def _data_dir(datasette, db) -> str | None:
    config = datasette.plugin_config("xxgk") or {}
    if config.get("data_dir"):
        return config["data_dir"]
    if os.environ.get("XXGK_DATA"):
        return os.environ["XXGK_DATA"]
    rows = await db.execute("select value from archive_info where key = 'data_dir'")
    row = rows.first()
    return row[0] if row else None


async def original(datasette, request):
    sha = request.url_vars["sha256"]
    db = await _archive_db(datasette)
    if db is None or not SHA256.match(sha):
        return Response.text("not found", status=404)
    known = await db.execute("select 1 from documents where sha256 = ?", [sha])
    if not known.first():
        return Response.text("no such document in the archive", status=404)
    root = await _data_dir(datasette, db)
    path = DataDir(root).raw.path(sha) if root else None
    if path is None or not path.exists():
        return Response.text("document known but its bytes are not on this server", status=404)
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != sha:
        return Response.text("stored bytes do not match their sha256", status=500)
    ctype = content_type(data)
    return Response(data, status=200, headers=original_headers(sha, ctype), content_type=ctype)


FEED_DAYS = 366  # a feed without ?since= covers the last year of crawl days


async def feed(datasette, request):
    """Atom feed of the digest (``archive.digest``): the whole archive
    (``/-/feeds/all.atom``) or one district (``/-/feeds/<district>.atom``);
    ``?since=YYYY-MM-DD`` (default: a year before the newest crawl day)."""
    from datetime import date, timedelta
    from urllib.parse import unquote

    from archive.digest import atom, items

    db = await _archive_db(datasette)
    if db is None:
        return Response.text("no archive", status=404)
    name = unquote(request.url_vars["name"])
    district = None if name == "all" else name
    since = request.args.get("since") or ""
    if since:
        try:
            since = date.fromisoformat(since).isoformat()
        except ValueError:
            return Response.text("since: give a day as YYYY-MM-DD", status=400)

    def run(conn):
        nonlocal since
        if not since:
            row = conn.execute(
                "select max(coalesce(json_extract(summary, '$.update.today'),"
                " substr(started_at, 1, 10))) from crawls"
            ).fetchone()
            newest = date.fromisoformat(row[0]) if row and row[0] else date.today()
            since = (newest - timedelta(days=FEED_DAYS)).isoformat()
        return items(conn, since, district)

    try:
        found = await db.execute_fn(run)
    except Exception as e:  # an archive built by older code: say so, in one line
        return Response.text(f"feed unavailable: {type(e).__name__}: {e}", status=500)
    base = f"{request.scheme}://{request.host}"
    title = f"xxgk · {district or '全部 · all districts'} · 年报动态 · new, revised, late, missing, removed"
    body = atom(
        found, title=title, feed_id=f"{base}/-/feeds/{name}.atom", base=base, database=db.name
    )
    return Response(body, content_type="application/atom+xml; charset=utf-8")


# Tables like report_metrics describe ~90 columns: keep that list in a short
# scrolling box so the rows stay on the first screen.
SITE_CSS = """
dl.column-descriptions { max-height: 9em; overflow-y: auto; border: 1px solid #ddd;
  padding: 0.3em 0.6em; background: #fafafa; }
"""


async def site_css(request):
    return Response(SITE_CSS, content_type="text/css; charset=utf-8")


@hookimpl
def register_routes():
    return [
        (r"^/-/original/(?P<sha256>[0-9a-f]{64})$", original),
        (r"^/-/xxgk\.css$", site_css),
        (r"^/-/feeds/(?P<name>[^/]+)\.atom$", feed),
    ]


@hookimpl
def extra_css_urls():
    return ["/-/xxgk.css"]


@hookimpl
def render_cell(value, column, table, database):
    """Make archived copies clickable (Datasette links only absolute URLs),
    and link each report to the list of its cells."""
    if column == "archived_copy" and isinstance(value, str) and value.startswith("/-/original/"):
        return Markup(f'<a href="{escape(value)}" rel="nofollow">存档副本 archived copy</a>')
    if table == "report_metrics" and column == "report_id" and isinstance(value, int):
        return Markup(f'<a href="/{escape(database)}/report_cells?report_id={value}">{value}</a>')
    return None
