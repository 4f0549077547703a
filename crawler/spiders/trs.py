"""TRS WCM / 海贝 (shared/research/portals.md §4): central ministries, Beijing,
Wuhan, Chongqing … Reproduced by the local portal
(tests/fixtures/portals/local_trs/).

* Lists: ``…/index.shtml`` then ``index_1.shtml`` … ``index_{N-1}`` (0-based);
  N comes from ``createPageHTML(N, i, "index", "shtml")`` or
  ``var countPage = N`` in the page.
* Articles ``./YYYYMM/tYYYYMMDD_ID.shtml`` relative to the list; reports may
  also be linked straight to ``./YYYYMM/P0….pdf``.
* Attachments ``./P0….pdf`` with a dead ``OLDSRC``: only ``href`` is used.
"""

from __future__ import annotations

import re

from crawler.spiders.base import PortalSpider

CREATE_PAGE = re.compile(
    r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"'](\w+)[\"']\s*,\s*[\"'](\w+)[\"']"
)
COUNT_PAGE = re.compile(r"var\s+countPage\s*=\s*(\d+)")
LIST_URL = re.compile(r"(?:/|index(?:_\d+)?\.s?html?)$")


class TrsSpider(PortalSpider):
    name = "trs"
    family = "trs"

    def parse_listing(self, response, column: str | None = None):
        column = self.column_name(response) or column
        yield from self.listing_page(response, column, LIST_URL)
        m = CREATE_PAGE.search(response.text)
        if m:
            count, current, name, ext = int(m[1]), int(m[2]), m[3], m[4]
        else:
            c = COUNT_PAGE.search(response.text)
            count, current, name, ext = (int(c[1]) if c else 1), 0, "index", "shtml"
        if current == 0:
            for i in range(1, count):
                yield self.listing_request(
                    response.urljoin(f"{name}_{i}.{ext}"), cb_kwargs={"column": column}
                )
