"""A local portal for tests, the benchmark and ``xxgk demo``: the Hanweb
classic, Hanweb jpaas, TRS, gkmlpt and Lonsun family sites, plus a set of blocked portals,
each on its own 127.0.0.1 port (random), served from background threads.

    with LocalPortal(hostile=True) as lp:
        lp.portals()    # portal dicts (the portals.yml schema) pointing here
        lp.expected()   # one dict per served report: the ground truth
        lp.set_day(date(2026, 8, 1))   # a later day: one report revised, one gone

Responses carry ``ETag`` and ``Last-Modified`` and answer conditional requests
with 304, as real portals' web servers do. ``hostile=True`` adds first-hit 429
(Retry-After: 1) and 500 answers, slow pages, a redirect loop and an
oversized attachment; the blocked portals (``lp.blocked_portals()``) answer
every request with a WAF or block page.
"""

from __future__ import annotations

import hashlib
import threading
import time
from datetime import date
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from crawler.localportal.content import Report, cells_of
from crawler.localportal.documents import docs_from_docx, docx_bytes, render
from crawler.localportal.sites import (
    WAF_PAGES,
    Blocked,
    Gkmlpt,
    HanwebClassic,
    HanwebJpaas,
    Lonsun,
    Req,
    Resp,
    Trs,
    parse_form,
)

DEFAULT_DAY = date(2026, 6, 1)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request, client_address) -> None:
        """A client that hangs up (a cancelled oversized download) is normal."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _handler_for(site, lp: LocalPortal):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "nginx"
        sys_version = ""

        def log_message(self, *args) -> None:
            pass

        def _serve(self, method: str) -> None:
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            req = Req(method, parts.path, query, headers, parse_form(body) if body else {})
            with lp.lock:
                lp.requests.append((method, self.path, site.__class__.__name__))
                lp.user_agents.add(headers.get("user-agent", ""))
            try:
                resp = None
                if lp.waf.get(getattr(site, "portal", None)) and parts.path != "/robots.txt":
                    status, ctype, page, extra = WAF_PAGES[lp.waf[site.portal]]
                    resp = Resp(status, page.encode(), ctype, dict(extra))
                elif hasattr(site, "common"):
                    resp = site.common(req) or site.hostile_hook(req)
                resp = resp or site.handle(req)
            except Exception as e:  # a bug in the fake site must show, not hang
                resp = Resp(500, f"local portal error: {e!r}".encode(), "text/plain")
            self._send(resp, headers, method)

        def _send(self, resp: Resp, headers: dict[str, str], method: str) -> None:
            out = dict(resp.headers)
            status = resp.status
            body = resp.body
            if status == 200:
                etag = '"' + hashlib.md5(body).hexdigest() + '"'
                out["ETag"] = etag
                if resp.last_modified:
                    out["Last-Modified"] = format_datetime(
                        time_to_dt(resp.last_modified), usegmt=True
                    )
                if headers.get("if-none-match") == etag:
                    status, body = 304, b""
            self.send_response(status)
            if status != 304:
                self.send_header("Content-Type", resp.content_type)
            for k, v in out.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if method != "HEAD":
                self.wfile.write(body)

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def do_HEAD(self) -> None:
            self._serve("HEAD")

    return Handler


def time_to_dt(d: date):
    from datetime import UTC, datetime

    return datetime(d.year, d.month, d.day, 1, 30, tzinfo=UTC)


class LocalPortal:
    """The local family sites on loopback; a context manager."""

    def __init__(
        self,
        hostile: bool = False,
        seed: int = 0,
        big_size: int = 12 * 1024 * 1024,
        extra_units: int = 0,
    ):
        self.hostile = hostile
        self.extra_units = extra_units
        self.seed = seed
        self.big_size = big_size
        self.day = DEFAULT_DAY
        self.lock = threading.Lock()
        self.doc_lock = threading.Lock()
        self.requests: list[tuple[str, str, str]] = []  # (method, path, site class)
        self.user_agents: set[str] = set()
        self.sites = [
            HanwebClassic(self),
            HanwebJpaas(self),
            Trs(self),
            Gkmlpt(self),
            Lonsun(self),
        ]
        self.blocked = Blocked(self)
        self._servers: list[_Server] = []
        self._docs: dict[tuple, bytes] = {}
        self.waf: dict[str, str] = {}  # portal id -> block page kind served instead

    # -- life cycle ----------------------------------------------------------
    def start(self) -> LocalPortal:
        for site in [*self.sites, self.blocked]:
            server = _Server(("127.0.0.1", 0), _handler_for(site, self))
            site.base_url = f"http://127.0.0.1:{server.server_address[1]}"
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self._servers.append(server)
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers.clear()

    def __enter__(self) -> LocalPortal:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """The Hanweb classic site (the Ningbo-style district)."""
        return self.sites[0].base_url

    # -- what is served ------------------------------------------------------
    def set_day(self, day: date) -> None:
        """Serve the portal as it is on ``day``: reports appear on their
        publication day; one report per portal is revised and one removed on
        2026-07-01."""
        self.day = day

    def set_waf(self, portal: str, kind: str | None = "ruishu") -> None:
        """Make one family site answer every request (but robots.txt) with
        the ``kind`` block page of ``sites.WAF_PAGES`` — a portal whose WAF
        switches on for a while; ``kind=None`` switches it off."""
        if kind is None:
            self.waf.pop(portal, None)
        elif kind not in WAF_PAGES:
            raise ValueError(f"unknown block page kind {kind!r}")
        else:
            self.waf[portal] = kind

    def portals(self) -> list[dict]:
        out = []
        for site in self.sites:
            listing = {
                "hanweb_classic": [
                    f"/col/col{HanwebClassic.COL_A}/index.html",
                    f"/col/col{HanwebClassic.COL_B}/index.html",
                ],
                "hanweb_jpaas": [f"/col/col{HanwebJpaas.ROOT}/index.html"],
                "trs": ["/zwgk/zfxxgknb/index.shtml", "/zwgk/bmxxgk/index.shtml"],
                "gkmlpt": ["/gkmlpt/index"],
                "lonsun": [f"/public/column/{Lonsun.ROOT}?type=4&action=rel"],
            }[site.family]
            out.append(
                {
                    "id": site.portal,
                    "district_code": site.code,
                    "district": site.district,
                    "level": "district",
                    "family": site.family,
                    "site_name": f"{site.district}人民政府",
                    "listing_urls": [site.base_url + p for p in listing],
                    "start_urls": [site.base_url + "/"],
                    "allowed_domains": ["127.0.0.1"],
                    "verified": True,
                    "notes": "local portal (crawler/localportal) for tests and the demo",
                }
            )
        return out

    def blocked_portals(self) -> list[dict]:
        """Portals that answer every request with a block page; each dict's
        ``expect_pause`` names the signature the crawler should report."""
        return self.blocked.portals()

    def expected(self) -> list[dict]:
        """One dict per report served today: portal, url (the report page, or
        the document for a direct link), attachment_url, agency, year, format,
        kind, title and the contract cells it prints."""
        return [
            site.ground_truth(r) for site in self.sites for r in site.reports if r.visible(self.day)
        ]

    def distractor_urls(self) -> list[str]:
        return [site.base_url + d.url for site in self.sites for d in site.visible_distractors()]

    # -- documents -----------------------------------------------------------
    def digest(self, text: str) -> str:
        return hashlib.sha256(f"{self.seed}|{text}".encode()).hexdigest()[:12]

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def document(self, r: Report, site) -> bytes:
        cells = cells_of(r, self.day, self.seed)
        key = (r.key, r.revised(self.day))
        with self.doc_lock:
            if key in self._docs:
                return self._docs[key]
            if r.kind == "doc":
                self._make_docs()
            else:
                self._docs[key] = render(
                    r.kind, r.title, r.agency, r.format, cells, r.note_on(self.day)
                )
            return self._docs[key]

    def _make_docs(self) -> None:
        """All .doc reports of today in one LibreOffice call (cached on disk)."""
        todo = {}
        for site in self.sites:
            for r in site.reports:
                key = (r.key, r.revised(self.day))
                if r.kind == "doc" and key not in self._docs:
                    cells = cells_of(r, self.day, self.seed)
                    todo[key] = docx_bytes(r.title, r.agency, r.format, cells, r.note_on(self.day))
        for key, data in docs_from_docx(todo).items():
            self._docs[key] = data


def main() -> None:  # pragma: no cover - manual use and the benchmark
    import argparse
    import json
    import sys

    ap = argparse.ArgumentParser(description="Serve the local portal until killed.")
    ap.add_argument("--hostile", action="store_true")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    lp = LocalPortal(hostile=args.hostile, seed=args.seed).start()
    json.dump(
        {"portals": lp.portals(), "expected": len(lp.expected())}, sys.stdout, ensure_ascii=False
    )
    sys.stdout.write("\n")
    sys.stdout.flush()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        lp.stop()
