"""Lonsun 龙讯 ``public/column`` platform (shared/research/portals.md §7): Anhui
province-wide, some Sichuan and Jiangxi counties. Reproduced by the local
portal (tests/fixtures/portals/local_lonsun/).

* ``/public/column/{organId}?type=4&action=rel`` lists the units; a unit's
  ``type=3`` page is its 政府信息公开年报 column (Lonsun's own code names
  type 3 so), followed whatever its link text.
* The column page loads its list over XHR from ``/site/label/8888?IsAjax=1&
  dataType=html&labelName=publicInfoList&siteId=…&organId=…&catId=…&type=4&
  pageSize=…&pageIndex=N&action=list…``; the page count is ``pageCount:N``
  in the page's script. The answer is an HTML fragment (``div.xxgk_navli``).
* Articles ``/public/{organId}/{id}.html``; attachments ``/group6/M00/…``.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from crawler.spiders.base import PortalSpider

REPORT_COLUMN = re.compile(r"/public/column/\d+\?(?:[^#]*&)?type=3(?:&|$)")
SCRIPT_VALUE = re.compile(r"(\w+)\s*:\s*'?([\w-]*)'?")


class LonsunSpider(PortalSpider):
    name = "lonsun"
    family = "lonsun"

    def parse_listing(self, response, column: str | None = None):
        column = self.column_name(response) or column
        yield from self.listing_page(response, column, REPORT_COLUMN)
        for a in response.css("a[href]"):  # type=3 columns, named or not
            if REPORT_COLUMN.search(a.attrib["href"]):
                yield self.listing_request(
                    response.urljoin(a.attrib["href"]), cb_kwargs={"column": self.link_title(a)}
                )
        script = " ".join(response.css("script::text").getall())
        if "pageCount" not in script:
            return
        values = dict(SCRIPT_VALUE.findall(script))
        pages = int(values.get("pageCount") or 1)
        for n in range(1, pages + 1):
            query = {
                "IsAjax": 1,
                "dataType": "html",
                "labelName": "publicInfoList",
                "siteId": values.get("siteId", ""),
                "organId": values.get("organId", ""),
                "catId": values.get("catId", ""),
                "type": 4,
                "pageSize": values.get("pageSize", 15),
                "pageIndex": n,
                "action": "list",
                "isDate": "true",
                "dateFormat": "yyyy-MM-dd",
                "length": 80,
            }
            yield self.listing_request(
                response.urljoin(f"/site/label/8888?{urlencode(query)}"),
                callback=self.parse_fragment,
                cb_kwargs={"column": column},
                headers={"Ls-Language": "zh"},
            )

    def parse_fragment(self, response, column: str | None = None):
        yield self.fetched(response, "listing")
        yield from self.report_links(response, response.css(".xxgk_navli a[href], a[href]"), column)
