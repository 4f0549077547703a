"""Guangdong gkmlpt, 政府信息公开目录管理平台 (shared/research/portals.md §8):
every Guangdong county portal. Reproduced by the local portal
(tests/fixtures/portals/local_gkmlpt/).

* ``{site}/gkmlpt/index`` holds ``window._CONFIG = {SID: …, TREE: [{id, name,
  children, post_count}]}``; the 年报 categories are found by name.
* ``/gkmlpt/api/all/{category}?page=N&sid=SID`` answers JSON: the category's
  ``classify.post_count`` and ``articles[]`` (``title``, ``publisher``,
  ``url``, ``attachment[]``). Page 0 and page 1 are the same.
* Articles ``/gkmlpt/content/{a}/{b}/post_{id}.html`` carry the metadata table.
"""

from __future__ import annotations

import json
import math
import re
from urllib.parse import urlencode

from crawler.spiders.base import COLUMN_TEXT, PortalSpider
from extract.titles import EXCLUDE, is_report_title

CONFIG = re.compile(r"window\._CONFIG\s*=\s*(\{.*?\})\s*;\s*</script>", re.S)
SID = re.compile(r"""SID\s*:\s*['"]?(\w+)""")


def report_categories(tree: list[dict]) -> list[dict]:
    """Categories of the tree whose name says 年报 / 年度报告 (any depth)."""
    out = []
    for node in tree or []:
        name = node.get("name", "")
        if COLUMN_TEXT.search(name) and not EXCLUDE.search(name):
            out.append(node)
        out += report_categories(node.get("children") or [])
    return out


class GkmlptSpider(PortalSpider):
    name = "gkmlpt"
    family = "gkmlpt"
    PER_PAGE = 100  # real sites; the count of pages comes from the first answer

    def parse_listing(self, response, column: str | None = None):
        yield self.fetched(response, "listing")
        m = CONFIG.search(response.text)
        if not m:
            return
        try:
            config = json.loads(m[1])
        except ValueError:
            return
        sid = str(config.get("SID", ""))
        for node in report_categories(config.get("TREE", [])):
            yield self.api_request(response, node["id"], sid, 1, node.get("name"))

    def api_request(self, response, category, sid: str, page: int, column: str | None):
        query = urlencode({"page": page, "sid": sid})
        return self.listing_request(
            response.urljoin(f"/gkmlpt/api/all/{category}?{query}"),
            callback=self.parse_api,
            cb_kwargs={"category": category, "sid": sid, "page": page, "column": column},
        )

    def parse_api(self, response, category, sid: str, page: int, column: str | None = None):
        yield self.fetched(response, "listing")
        try:
            data = json.loads(response.text)
        except ValueError:
            return
        articles = data.get("articles") or []
        for art in articles:
            title = (art.get("title") or "").strip()
            url = art.get("url") or art.get("post_url")
            if url and title and is_report_title(title):
                yield self.report_request(response, url, title, column)
        if page == 1 and articles:
            total = int((data.get("classify") or {}).get("post_count") or 0)
            for n in range(2, math.ceil(total / len(articles)) + 1):
                yield self.api_request(response, category, sid, n, column)
