"""The generic spider: walks a portal's 信息公开 tree within its domains,
bounded by depth (``XXGK_MAX_DEPTH``) and pages (``XXGK_MAX_PAGES``), and
finds reports by their link titles. For portals of unknown family.

Links whose text mentions 公开 / 年报 / 年度报告 are visited first. Hanweb
``<datastore>`` records embedded in scripts are read too.
"""

from __future__ import annotations

import re

from crawler.spiders.base import ATTACHMENT, PortalSpider, fragments
from extract.titles import is_report_title

PROMISING = re.compile(r"公开|年报|年度报告|\d{4}年")
SKIP = re.compile(r"^(?:javascript:|mailto:|tel:|#)", re.I)


class GenericSpider(PortalSpider):
    name = "generic"
    family = "generic"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pages_left = None

    async def start(self):
        self.pages_left = self.settings.getint("XXGK_MAX_PAGES", 2000)
        self.max_depth = self.settings.getint("XXGK_MAX_DEPTH", 6)
        for url in self.portal.get("start_urls") or self.portal["listing_urls"]:
            yield self.listing_request(url, cb_kwargs={"depth": 0}, dont_filter=False)

    def parse_listing(self, response, depth: int = 0, column: str | None = None):
        yield self.fetched(response, "listing")
        if not hasattr(response, "text"):
            return
        column = self.column_name(response) or column
        for sel in fragments(response):
            for a in sel.css("a[href]"):
                href = a.attrib["href"].strip()
                text = self.link_title(a)
                if not href or SKIP.match(href):
                    continue
                url = response.urljoin(href)
                if not self.same_site(url):
                    continue
                if text and is_report_title(text):
                    yield self.report_request(response, url, text, column)
                elif depth < self.max_depth and not ATTACHMENT.search(href) and self.pages_left > 0:
                    self.pages_left -= 1
                    yield self.listing_request(
                        url,
                        cb_kwargs={"depth": depth + 1, "column": text or column},
                        priority=10 if PROMISING.search(text) else 0,
                    )
