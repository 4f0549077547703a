"""Downloader middlewares: conditional re-crawls, robots.txt logging, and
politeness under blocks (shared/research/portals.md §12).

* ``ConditionalRequestMiddleware`` sends ``If-None-Match`` /
  ``If-Modified-Since`` from the last stored fetch of a URL and turns a 304
  into the stored bytes (flagged ``not_modified``), so callbacks still follow
  the links of an unchanged listing. It also archives robots.txt fetches.
* ``PolitenessMiddleware`` recognises WAF and block answers — 412 with a
  ``$_ts`` script (瑞数), 521 with a ``document.cookie`` script (加速乐), wzws
  challenges (网宿), captcha pages, 403 — and pauses the portal with the
  reason instead of retrying; passes cookie gates (a 302 to the same URL
  with ``Set-Cookie``) by asking again once with the cookie; honours ``Retry-After`` on 429 (up to
  ``XXGK_MAX_RETRY_AFTER`` seconds, else pauses); retries 5xx with
  exponential backoff (``XXGK_BACKOFF_BASE``), a bounded number of times.
"""

from __future__ import annotations

import asyncio
import re

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes

from crawler.pipelines import archiver_of


def is_robots(request) -> bool:
    return bool(request.meta.get("dont_obey_robotstxt")) and request.url.endswith("/robots.txt")


def _header(response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


class ConditionalRequestMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        self.archiver = archiver_of(crawler)
        self.enabled = crawler.settings.getbool("XXGK_CONDITIONAL", True)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _portal(self) -> str:
        spider = self.crawler.spider
        return getattr(spider, "portal", {}).get("id", "?")

    def process_request(self, request):
        for name in (b"If-None-Match", b"If-Modified-Since"):
            request.headers.pop(name, None)
        if not self.enabled or is_robots(request):
            return None
        rec = self.archiver.conditional.get(request.url)
        if rec and self.archiver.data.raw.has(rec["sha256"]):
            if rec.get("etag"):
                request.headers[b"If-None-Match"] = rec["etag"]
            if rec.get("last_modified"):
                request.headers[b"If-Modified-Since"] = rec["last_modified"]
        return None

    def process_response(self, request, response):
        if is_robots(request):
            self.archiver.record(
                response.body if response.status == 200 else None,
                portal=self._portal(),
                url=request.url,
                final_url=response.url,
                method=request.method,
                status=response.status,
                content_type=_header(response, "Content-Type"),
                etag=_header(response, "ETag"),
                last_modified=_header(response, "Last-Modified"),
                role="robots",
                error=None if response.status == 200 else f"HTTP {response.status}",
            )
            return response
        if response.status != 304:
            return response
        rec = self.archiver.conditional.get(request.url)
        if not rec:
            return response
        body = self.archiver.data.raw.get(rec["sha256"])
        headers = Headers(response.headers)
        if rec.get("content_type"):
            headers[b"Content-Type"] = rec["content_type"]
        for name, key in ((b"ETag", "etag"), (b"Last-Modified", "last_modified")):
            if not headers.get(name) and rec.get(key):
                headers[name] = rec[key]
        cls = responsetypes.from_args(headers=headers, url=response.url, body=body)
        request.meta["xxgk_not_modified"] = True
        return cls(
            url=response.url,
            status=200,
            headers=headers,
            body=body,
            flags=[*response.flags, "not_modified"],
            request=request,
        )


CAPTCHA = re.compile(r"验证码|captcha|滑块验证|安全验证".encode(), re.I)


def block_reason(status: int, headers, body: bytes) -> str | None:
    """The WAF or block family a response comes from, or None."""
    head = body[:20000]
    location = (headers.get(b"Location") or b"").decode("latin-1")
    cookies = b" ".join(headers.getlist(b"Set-Cookie"))
    if status == 412 and b"$_ts" in head:
        return "ruishu: HTTP 412 with a $_ts script"
    if status == 521 and b"document.cookie" in head:
        return "jiasule: HTTP 521 with a document.cookie script"
    if (
        "wzws" in location.lower()
        or b"wzws_cid" in cookies
        or "请开启JavaScript并刷新该页".encode() in head
    ):
        return "wzws: JavaScript challenge"
    if status == 200 and len(body) < 20000 and b"<form" in head.lower() and CAPTCHA.search(head):
        return "captcha page"
    if status == 403:
        return "HTTP 403 forbidden" + (" (GeoBL)" if b"GeoBL" in head else "")
    return None


class PolitenessMiddleware:
    RETRY_STATUSES = (500, 502, 503, 504, 408)

    def __init__(self, crawler):
        s = crawler.settings
        self.crawler = crawler
        self.archiver = archiver_of(crawler)
        self.max_retry_after = s.getfloat("XXGK_MAX_RETRY_AFTER", 120)
        self.backoff = s.getfloat("XXGK_BACKOFF_BASE", 2.0)
        self.max_tries = s.getint("XXGK_RETRY_TIMES", 2)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _portal(self) -> str:
        return getattr(self.crawler.spider, "portal", {}).get("id", "?")

    def process_request(self, request):
        counts = self.archiver.counts(self._portal())
        if counts["paused"] and not is_robots(request):
            request.meta["xxgk_skipped"] = True
            raise IgnoreRequest(f"portal paused: {counts['paused_reason']}")
        return None

    async def process_response(self, request, response):
        if is_robots(request):
            return response
        reason = block_reason(response.status, response.headers, response.body)
        tries = request.meta.get("xxgk_tries", 0)
        if reason is None and self._cookie_gate(request, response):
            # 302 to the same URL with Set-Cookie (openresty CT6T, SERVERID):
            # the cookie is kept by now; ask again once, past the dupefilter.
            new = request.replace(dont_filter=True)
            new.meta["xxgk_gate"] = request.meta.get("xxgk_gate", 0) + 1
            return new
        if reason is None and response.status == 429:
            wait = _retry_after(response)
            if wait is not None and wait <= self.max_retry_after and tries < self.max_tries:
                await asyncio.sleep(wait)
                return self._retry(request, tries)
            reason = f"HTTP 429, Retry-After: {_header(response, 'Retry-After')}"
        if reason:
            counts = self.archiver.counts(self._portal())
            counts["paused"] = True
            counts["paused_reason"] = counts["paused_reason"] or reason
            request.meta["xxgk_block"] = {"status": response.status, "reason": reason}
            self.crawler.stats.inc_value("xxgk/paused")
            raise IgnoreRequest(f"paused: {reason}")
        if response.status in self.RETRY_STATUSES and tries < self.max_tries:
            await asyncio.sleep(self.backoff * (2**tries))
            return self._retry(request, tries)
        return response

    @staticmethod
    def _cookie_gate(request, response) -> bool:
        if not (300 <= response.status < 400) or not response.headers.get(b"Set-Cookie"):
            return False
        location = (response.headers.get(b"Location") or b"").decode("latin-1")
        return (
            bool(location)
            and response.urljoin(location) == request.url
            and request.meta.get("xxgk_gate", 0) < 2
        )

    def _retry(self, request, tries: int):
        self.crawler.stats.inc_value("xxgk/retries")
        new = request.replace(dont_filter=True)
        new.meta["xxgk_tries"] = tries + 1
        new.priority = request.priority + 1
        return new


def _retry_after(response) -> float | None:
    value = _header(response, "Retry-After")
    if value and value.strip().isdigit():
        return float(value.strip())
    return None
