"""Hanweb 大汉 JCMS classic (shared/research/portals.md §2): Ningbo's districts.

Seen on (from public evidence; none crawled from here): nb_haishu, nb_jiangbei,
nb_beilun, nb_yinzhou. Reproduced by the local portal (crawler/localportal),
whose saved pages are under tests/fixtures/portals/local_hanweb/.

* A column ``/col/colN/index.html`` embeds its first group of records in
  ``<script type="text/xml"><datastore>…<record><![CDATA[<li>…]]>`` and a jpage
  config (``proxyUrl``, ``totalRecord``, ``perPage``, ``groupSize``,
  ``param_<unitid>``).
* Further records come from ``dataproxy.jsp`` in two dialects: old
  ``/module/jpage/dataproxy.jsp?startrecord=&endrecord=&perpage=`` (POST with
  the param form) and new ``/module/web/jpage/dataproxy.jsp?page=N&…`` (GET).
  Both answer ``<datastore>`` XML. Without a config, server-side
  ``?uid=&pageNum=`` pager links are followed.
* Articles: ``/art/YYYY/M/D/art_COL_ID.html`` and
  ``/col/colN/art/YYYY/art_<hex>.html``; attachments through
  ``/module/download/downfile.jsp`` (302 to ``/attach/0/…``).
"""

from __future__ import annotations

import math
import re
from urllib.parse import urlencode

from crawler.spiders.base import PortalSpider, fragments

COLUMN_URL = re.compile(r"/col/col\d+/index\.html?$")
CONFIG = re.compile(r"\.jpage\(\s*\{(?P<cfg>.*?)\}\s*\)", re.S)
PARAM = re.compile(r"var\s+param_(?P<unit>\w+)\s*=\s*\{(?P<body>.*?)\}", re.S)
PAIR = re.compile(r"(\w+)\s*:\s*(?:'([^']*)'|\"([^\"]*)\"|([\w./-]+))")


def js_object(body: str) -> dict[str, str]:
    """The flat key/value pairs of a small JS object literal."""
    return {m[1]: m[2] or m[3] or m[4] or "" for m in PAIR.finditer(body)}


class HanwebClassicSpider(PortalSpider):
    name = "hanweb_classic"
    family = "hanweb_classic"

    def parse_listing(self, response, column: str | None = None):
        column = self.column_name(response) or column
        anchors = [a for sel in fragments(response) for a in sel.css("a[href]")]
        yield from self.listing_page(response, column, COLUMN_URL, anchors)
        yield from self.paging(response, column)

    def paging(self, response, column):
        text = response.text
        cfg_m = CONFIG.search(text)
        params = {m["unit"]: js_object(m["body"]) for m in PARAM.finditer(text)}
        if cfg_m:
            cfg = js_object(cfg_m["cfg"])
            total = int(cfg.get("totalRecord") or 0)
            per = int(cfg.get("perPage") or 15)
            group = int(cfg.get("groupSize") or 3)
            proxy = cfg.get("proxyUrl") or "/module/web/jpage/dataproxy.jsp"
            form = next(iter(params.values()), {})
            if "/module/jpage/" in proxy:
                yield from self._old_dialect(response, proxy, form, total, per, group, column)
            else:
                yield from self._new_dialect(response, proxy, form, total, per, column)
            return
        # No jpage config: a server-rendered page (?uid=&pageNum=); follow its pager.
        if "pageNum=" not in response.url:
            for href in response.css("a[href*='pageNum=']::attr(href)").getall():
                yield self.listing_request(response.urljoin(href), cb_kwargs={"column": column})

    def _old_dialect(self, response, proxy, form, total, per, group, column):
        step = per * group
        for start in range(step + 1, total + 1, step):
            query = urlencode({"startrecord": start, "endrecord": start + step - 1, "perpage": per})
            yield self.listing_request(
                response.urljoin(f"{proxy}?{query}"),
                callback=self.parse_proxy,
                cb_kwargs={"column": column},
                method="POST",
                body=urlencode(form),
                headers={"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"},
            )

    def _new_dialect(self, response, proxy, form, total, per, column):
        keys = ("appid", "webid", "path", "columnid", "unitid", "webname", "permissiontype")
        base = {k: form[k] for k in keys if k in form}
        for page in range(2, math.ceil(total / per) + 1):
            query = urlencode({"page": page, **base})
            yield self.listing_request(
                response.urljoin(f"{proxy}?{query}"),
                callback=self.parse_proxy,
                cb_kwargs={"column": column},
            )

    def parse_proxy(self, response, column: str | None = None):
        """A dataproxy answer: ``<datastore>`` XML of records."""
        yield self.fetched(response, "listing")
        for sel in fragments(response):
            yield from self.report_links(response, sel.css("a[href]"), column)
