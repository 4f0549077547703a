"""``PortalSpider``: what every family spider shares.

A spider is a CMS family; the portal is an argument (``scrapy crawl
hanweb_classic -a portal=nb_haishu``). Callbacks are functions of the response
and their ``cb_kwargs``; every response becomes one ``FetchedDocument`` (the
archive pipeline stores and logs it) and failures become fetch records with
their error, so nothing fetched goes unlogged.

Report pages yield their attachments (pdf, doc, docx, wps, xls, images in the
article body, ``downfile.jsp`` links); a link is a report when its title is
one (:func:`extract.titles.is_report_title`).
"""

from __future__ import annotations

import html
import json
import re
import time
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import CloseSpider, DontCloseSpider, IgnoreRequest
from scrapy.http import TextResponse
from scrapy.spidermiddlewares.httperror import HttpError

from crawler import portals as registry
from crawler.items import FetchedDocument
from extract.titles import EXCLUDE, infer_report, is_report_title

ATTACHMENT = re.compile(
    r"\.(?:pdf|docx?|wps|xlsx?|et|ofd|png|jpe?g|gif|tiff?)(?:$|[?#])|downfile\.jsp|down\.jsp|/attach/|/fileserver/",
    re.I,
)
# The same, anywhere in a page's markup: a cheap test before parsing it.
MAYBE_ATTACHMENT = re.compile(
    r"\.(?:pdf|docx?|wps|xlsx?|et|ofd|png|jpe?g|gif|tiff?)\b|downfile\.jsp|down\.jsp|/attach/|/fileserver/",
    re.I,
)
# Decoration inside article bodies (file-type icons, template images).
ICON = re.compile(r"icon|ico_|/images?/(?:icon|file|fj)|/static/|/skin/|\.gif$", re.I)
CONTENT_AREAS = (
    "#zoom",
    ".TRS_Editor",
    ".trs_editor_view",
    "#UCAP-CONTENT",
    ".article-conter",
    ".bt_content",
    "#mainText",
    ".article_con",
    ".bt-mian",
    ".article-content",
)
SHELL_REDIRECT = re.compile(
    r"""(?:location\.replace\(|location(?:\.href)?\s*=)\s*["']([^"']+)["']"""
)
CDATA_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
YEAR_TEXT = re.compile(r"^\s*(?:19|20)\d{2}\s*年?度?\s*$")
COLUMN_TEXT = re.compile(r"年报|年度报告|信息公开工作报告")


def is_column_title(text: str) -> bool:
    return bool(
        (YEAR_TEXT.match(text) or COLUMN_TEXT.search(text))
        and not EXCLUDE.search(text)
        and not is_report_title(text)
    )


def header(response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def clean(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


class PortalSpider(scrapy.Spider):
    """Base of the family spiders; ``portal`` is an id from portals.yml or
    the JSON of a portal dict (the local portal, ad-hoc crawls)."""

    name = ""  # a base, not a spider of its own (not listed by `scrapy list`)
    family = ""

    def __init__(self, portal: str | dict | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if portal is None:
            raise ValueError("give a portal: scrapy crawl FAMILY -a portal=ID")
        if isinstance(portal, str) and portal.lstrip().startswith("{"):
            portal = json.loads(portal)
        self.portal = registry.resolve([portal])[0]
        self.allowed_domains = list(self.portal["allowed_domains"])
        self.site_name = self.portal.get("site_name")
        self._idle_since: float | None = None

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        if crawler.settings.get("REDIS_URL"):
            crawler.signals.connect(spider.on_shared_idle, signal=signals.spider_idle)
        return spider

    def on_shared_idle(self):
        """Distributed mode: an empty shared queue may refill from another
        worker's pages, so stay open until it has stayed empty for
        ``XXGK_SHARED_IDLE_CLOSE`` seconds."""
        now = time.monotonic()
        if self._idle_since is None:
            self._idle_since = now
        if now - self._idle_since < self.settings.getfloat("XXGK_SHARED_IDLE_CLOSE", 8):
            raise DontCloseSpider

    # -- entry ---------------------------------------------------------------
    async def start(self):
        for url in self.portal["listing_urls"]:
            yield self.listing_request(url, dont_filter=False)

    def listing_request(self, url: str, *, callback=None, **kw) -> scrapy.Request:
        """A request for a listing page or a paging answer (callback
        ``parse_listing`` unless given)."""
        return scrapy.Request(
            url,
            callback=callback or self.parse_listing,
            errback=self.on_error,
            cb_kwargs=kw.pop("cb_kwargs", {}),
            meta={"xxgk_role": "listing", **kw.pop("meta", {})},
            **kw,
        )

    def listing_page(self, response, column: str | None, column_url: re.Pattern, anchors=None):
        """What every listing page gives: its fetch record, its report links
        and its sub-column links (``anchors``: default all links of the page)."""
        yield self.fetched(response, "listing")
        shell = SHELL_REDIRECT.search(response.text) if len(response.body) < 2048 else None
        if shell:  # a script-only shell page: its target is the listing
            yield self.listing_request(response.urljoin(shell[1]), cb_kwargs={"column": column})
        anchors = response.css("a[href]") if anchors is None else anchors
        yield from self.report_links(response, anchors, column)
        yield from self.subcolumn_requests(response, anchors, column_url)

    def parse_listing(self, response):  # pragma: no cover - families override
        raise NotImplementedError

    # -- items ---------------------------------------------------------------
    def fetched(self, response, role: str, **hints) -> FetchedDocument:
        self._idle_since = None
        request = response.request
        urls = request.meta.get("redirect_urls") or [request.url]
        referer = request.headers.get("Referer")
        not_modified = bool(request.meta.get("xxgk_not_modified"))
        return FetchedDocument(
            portal=self.portal["id"],
            url=urls[0],
            final_url=response.url,
            method=request.method,
            status=304 if not_modified else response.status,
            body=response.body,
            content_type=header(response, "Content-Type"),
            etag=header(response, "ETag"),
            last_modified=header(response, "Last-Modified"),
            referer=referer.decode("latin-1") if referer else None,
            role=role,
            not_modified=not_modified,
            **hints,
        )

    def on_error(self, failure):
        """A fetch that failed: logged with its status and reason; a block
        pauses the portal (the spider closes with reason ``paused``)."""
        request = failure.request
        if request.meta.get("xxgk_skipped"):
            return
        block = request.meta.get("xxgk_block")
        status = None
        if failure.check(HttpError):
            response = failure.value.response
            status = response.status
            error = f"HTTP {status}"
        elif block:
            status = block["status"]
            error = f"blocked: {block['reason']}"
        elif failure.check(IgnoreRequest):
            error = str(failure.value) or "ignored"
        else:
            error = f"{type(failure.value).__name__}: {failure.value}"[:300]
        kw = request.cb_kwargs
        urls = request.meta.get("redirect_urls") or [request.url]
        referer = request.headers.get("Referer")
        yield FetchedDocument(
            portal=self.portal["id"],
            url=urls[0],
            final_url=request.url,
            method=request.method,
            status=status,
            referer=referer.decode("latin-1") if referer else None,
            role=request.meta.get("xxgk_role", "other"),
            link_text=kw.get("title"),
            title=kw.get("title"),
            parent_url=kw.get("parent_url"),
            error=error,
            paused=block["reason"] if block else None,
        )
        if block:
            raise CloseSpider("paused")

    # -- reports and attachments -------------------------------------------
    def link_title(self, a) -> str:
        return clean(a.attrib.get("title") or " ".join(a.css("::text").getall()))

    def report_request(self, response, href: str, title: str, column: str | None):
        return response.follow(
            href,
            callback=self.parse_report,
            errback=self.on_error,
            cb_kwargs={"title": title, "column": column},
            meta={"xxgk_role": "report"},
        )

    def subcolumn_requests(self, response, anchors, url_pattern: re.Pattern):
        """Listing requests for sub-columns: per-year ("2023年") and per-unit
        (…年报) columns whose URL has the family's column shape."""
        for a in anchors:
            href, text = a.attrib["href"], self.link_title(a)
            if url_pattern.search(href) and is_column_title(text):
                yield self.listing_request(response.urljoin(href), cb_kwargs={"column": text})

    def report_links(self, response, anchors, column: str | None):
        """Requests for the anchors whose titles are reports (distractors and
        other links are left alone)."""
        for a in anchors:
            href = a.attrib.get("href")
            title = self.link_title(a)
            if href and title and is_report_title(title):
                yield self.report_request(response, href, title, column)

    def parse_report(self, response, title: str, column: str | None = None):
        """A report page (or a report document linked directly): stored,
        with its agency and report year; its attachments follow."""
        page_title = title
        publisher = None
        if isinstance(response, TextResponse) and b"<" in response.body[:2000]:
            page_title = title or clean(
                response.css('meta[name="ArticleTitle"]::attr(content)').get()
                or response.css("title::text").get()
            )
            publisher = publisher_of(response)
        agency, year = infer_report(page_title, column=column, site=self.site_name)
        agency = publisher or agency
        yield self.fetched(
            response,
            "report",
            link_text=title,
            title=page_title,
            agency_hint=agency,
            year_hint=year,
        )
        if not isinstance(response, TextResponse):
            return
        for url, text in self.attachments(response):
            yield response.follow(
                url,
                callback=self.parse_attachment,
                errback=self.on_error,
                cb_kwargs={
                    "parent_url": response.url,
                    "title": text or page_title,
                    "agency": agency,
                    "year": year,
                },
                meta={"xxgk_role": "attachment"},
                # Unfiltered, so that a redirect loop ends in "max redirections"
                # (and is logged) instead of vanishing in the dupefilter.
                dont_filter=True,
            )

    def attachments(self, response) -> list[tuple[str, str]]:
        """(url, link text) of the documents a report page carries: links to
        files in the article body, and images in it (图片版 reports)."""
        text = response.text
        if "<img" not in text and not MAYBE_ATTACHMENT.search(text):
            return []  # nothing to find: skip building the page's tree (big tables)
        selectors = self.portal.get("selectors", {}).get("content") or CONTENT_AREAS
        found = response.css(", ".join(selectors))  # one query: the first in the page wins
        area = found[0] if found else None
        scope = area if area is not None else response
        out: list[tuple[str, str]] = []
        for a in scope.css("a[href]"):
            href = a.attrib["href"]
            if ATTACHMENT.search(href) and not href.startswith(("javascript:", "mailto:")):
                out.append((href, self.link_title(a)))
        if area is not None:  # a 图片版 report: its images are the report
            for img in area.css("img[src]"):
                if ICON.search(img.attrib["src"]):
                    continue
                out.append((img.attrib["src"], clean(img.attrib.get("alt"))))
        seen, unique = set(), []
        for url, text in out:
            if url not in seen:
                seen.add(url)
                unique.append((url, text))
        return unique

    def parse_attachment(self, response, parent_url: str, title: str, agency, year):
        yield self.fetched(
            response,
            "attachment",
            parent_url=parent_url,
            link_text=title,
            title=title,
            agency_hint=agency,
            year_hint=year,
        )

    # -- helpers for families -------------------------------------------------
    def column_name(self, response) -> str | None:
        if not isinstance(response, TextResponse):
            return None
        try:
            name = response.css('meta[name="ColumnName"]::attr(content)').get()
            return clean(name or response.css("title::text").get()) or None
        except (AttributeError, ValueError):
            return None

    def same_site(self, url: str) -> bool:
        host = urlsplit(url).hostname or ""
        return any(host == d or host.endswith("." + d) for d in self.allowed_domains)


PUBLISHER = re.compile(
    r"发\s*布\s*机\s*构\s*[：:]?\s*(?:</(?:td|th|span|b|strong|label)>\s*)*"
    r"(?:<(?:td|th|span|b|strong)[^>]*>\s*)*([^<>]{2,60}?)\s*<"
)


def publisher_of(response) -> str | None:
    """发布机构 from the page's 信息公开 metadata table: labels may be spaced
    or carry a full-width colon; the value is the next cell, or follows the
    colon in the same cell. A regex on the markup (the page's tables are big,
    and this runs on every report page)."""
    m = PUBLISHER.search(response.text)
    if not m:
        return None
    value = clean(html.unescape(m[1]))
    return value or None


def fragments(response) -> list[scrapy.Selector]:
    """The page and the HTML records embedded in Hanweb ``<datastore>`` XML
    (in a ``<script type="text/xml">`` or a dataproxy answer)."""
    out = []
    text = response.text
    if "<html" in text[:2000].lower() or "<body" in text.lower():
        out.append(response.selector)
    for record in CDATA_RECORD.findall(text):
        out.append(scrapy.Selector(text=record))
    return out
