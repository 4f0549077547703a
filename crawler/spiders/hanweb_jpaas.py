"""Hanweb jpaas / new JCMS (shared/research/portals.md §3): Zhejiang since about
2022 and many ministries. Reproduced by the local portal
(tests/fixtures/portals/local_jpaas/).

* A column page renders its first rows statically and carries a pagination
  div ``count rows pageNo unitUrl queryData="{'webId':…,'pageId':…,'tagId':…,
  'tplSetId':…}"``; small columns have no div.
* Further pages come from ``/api-gateway/jpaas-publish-server/front/page/build/
  unit?parseType=bulidstatic&…&pageNo=N&rows=R`` as JSON ``{"success":true,
  "data":{"html":"…"}}``; the API answers 403 without a Referer (Scrapy sends
  the column page as Referer).
* Articles: ``/col/colN/art/YYYY/art_<32hex>.html`` (and the classic shape).
"""

from __future__ import annotations

import json
import math
import re
from urllib.parse import urlencode

import scrapy

from crawler.spiders.base import PortalSpider
from crawler.spiders.hanweb_classic import COLUMN_URL


def query_data(text: str) -> dict[str, str]:
    """``queryData`` is JSON written with single quotes."""
    try:
        return json.loads(text.replace("'", '"'))
    except ValueError:
        return dict(re.findall(r"'(\w+)'\s*:\s*'([^']*)'", text))


class HanwebJpaasSpider(PortalSpider):
    name = "hanweb_jpaas"
    family = "hanweb_jpaas"

    def parse_listing(self, response, column: str | None = None):
        column = self.column_name(response) or column
        yield from self.listing_page(response, column, COLUMN_URL)
        for div in response.css("[querydata], [queryData]"):
            attrs = {k.lower(): v for k, v in div.attrib.items()}
            data = query_data(attrs.get("querydata", ""))
            count = int(attrs.get("count") or 0)
            rows = int(attrs.get("rows") or 15)
            unit_url = (
                attrs.get("uniturl") or "/api-gateway/jpaas-publish-server/front/page/build/unit"
            )
            for page in range(2, math.ceil(count / rows) + 1):
                params = {
                    "parseType": "bulidstatic",
                    "webId": data.get("webId", ""),
                    "tplSetId": data.get("tplSetId", ""),
                    "pageType": "column",
                    "tagId": data.get("tagId", ""),
                    "editType": "null",
                    "pageId": data.get("pageId", ""),
                    "pageNo": page,
                    "rows": rows,
                }
                yield self.listing_request(
                    response.urljoin(f"{unit_url}?{urlencode(params)}"),
                    callback=self.parse_api,
                    cb_kwargs={"column": column},
                )

    def parse_api(self, response, column: str | None = None):
        yield self.fetched(response, "listing")
        try:
            fragment = json.loads(response.text)["data"]["html"]
        except (ValueError, KeyError, TypeError):
            return
        sel = scrapy.Selector(text=fragment or "<p></p>")
        yield from self.report_links(response, sel.css("a[href]"), column)
