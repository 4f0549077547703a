"""The three family sites of the local portal (shared/research/portals.md §13).

Each site answers ``handle(req) -> Resp`` for paths at its root, as the real
CMS does: Hanweb classic (``/col/colN/index.html`` with the embedded
``<datastore>``, both ``dataproxy.jsp`` dialects, ``?uid=&pageNum=``, the two
article URL shapes, ``downfile.jsp`` → 302 → ``/attach/0/…``), Hanweb jpaas
(column pages whose pagination div drives the ``build/unit`` JSON API) and TRS
(``index.shtml``/``index_N.shtml`` with ``createPageHTML``, ``./YYYYMM/
tYYYYMMDD_ID.shtml`` articles, ``./P0….pdf`` attachments with a dead OLDSRC).
"""

from __future__ import annotations

import html
import json
import math
import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import parse_qs, quote, urlencode

from crawler.localportal.content import Distractor, Report, cells_of, make_reports
from crawler.localportal.documents import report_html_body

E = html.escape


@dataclass
class Req:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    form: dict[str, str] = field(default_factory=dict)


@dataclass
class Resp:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    last_modified: date | None = None


def not_found() -> Resp:
    return Resp(404, "<html><body><h1>404 页面不存在</h1></body></html>".encode())


def page(title: str, body: str, *, meta: str = "", charset: str | None = "utf-8") -> str:
    head_charset = f'<meta charset="{charset}">' if charset else ""
    return (
        f"<!DOCTYPE html><html><head>{head_charset}<title>{E(title)}</title>{meta}</head>"
        f"<body>{body}</body></html>"
    )


def html_resp(text: str, *, charset: str = "utf-8", header_charset: bool = True, **kw) -> Resp:
    ctype = f"text/html; charset={charset}" if header_charset else "text/html"
    return Resp(200, text.encode(charset), ctype, **kw)


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "image": "image/png",
    "xls": "application/vnd.ms-excel",
}
EXT = {"pdf": "pdf", "docx": "docx", "doc": "doc", "image": "png"}


class Site:
    """Common parts: the reports of one portal, their documents, hostility."""

    family = ""

    def __init__(self, lp, portal: str, district: str, short: str, code: str, salt: int):
        self.lp = lp
        self.portal = portal
        self.district = district
        self.short = short
        self.code = code
        self.reports, self.distractors = make_reports(
            portal, district, short, lp.seed, salt, extra=lp.extra_units
        )
        self.base_url = ""  # set when the server starts
        self.hits: dict[str, int] = {}
        self.extra_routes: dict[str, Resp] = {}
        self.bodies: dict[tuple[str, bool], str] = {}

    # -- helpers -----------------------------------------------------------
    def visible(self) -> list[Report]:
        return [r for r in self.reports if r.visible(self.lp.day)]

    def visible_distractors(self) -> list[Distractor]:
        return [d for d in self.distractors if d.published <= self.lp.day]

    def items(self, column: str) -> list[Report | Distractor]:
        items: list[Report | Distractor] = [r for r in self.visible() if r.column == column]
        items += [d for d in self.visible_distractors() if d.column == column]
        return sorted(items, key=lambda x: (x.published, x.key), reverse=True)

    def attachment_html(self, r: Report) -> str:
        """How the article body carries a non-HTML report (family style)."""
        if r.kind == "image":
            return f'<p><img src="{r.attachment_url}"></p>'
        return f'<p>附件：<a href="{r.attachment_url}">{E(r.title)}.{EXT[r.kind]}</a></p>'

    def content(self, r: Report) -> str:
        body = self.report_body(r) if r.kind == "html" else self.attachment_html(r)
        return body + self.hostile_extras(r)

    def simple_article(self, r: Report, index: str, container: str, meta: str = "") -> Resp:
        """An article page: title, 信息公开 metadata table, body container."""
        body = (
            f"<h1>{E(r.title)}</h1>{meta_table(r, index)}<div {container}>{self.content(r)}</div>"
        )
        return html_resp(page(r.title, body, meta=meta), last_modified=r.published)

    def home(self, links: str) -> Resp:
        return html_resp(
            page(
                f"{self.district}人民政府",
                links,
                meta=f'<meta name="SiteName" content="{self.district}人民政府">',
            )
        )

    def serve_document(self, key: str) -> Resp:
        """The document of the report with this key (not for HTML reports)."""
        r = next((r for r in self.reports if r.key == key), None)
        if r is None or not r.visible(self.lp.day) or r.kind == "html":
            return not_found()
        return Resp(200, self.document(r), CONTENT_TYPES[r.kind], last_modified=r.published)

    def serve_page(self, path: str, content_class: str) -> Resp:
        """A report page, or a distractor's page, or 404."""
        r = self.report_by_url(path)
        if r is not None:
            return self.article(r) if r.visible(self.lp.day) else not_found()
        for d in self.visible_distractors():
            if d.url == path:
                return html_resp(page(d.title, f"<div {content_class}><p>{E(d.title)}</p></div>"))
        return not_found()

    def report_by_url(self, path: str) -> Report | None:
        for r in self.reports:
            if r.url == path:
                return r
        return None

    def document(self, r: Report) -> bytes:
        return self.lp.document(r, self)

    def report_body(self, r: Report) -> str:
        """The report's HTML tables (memoised: rendering is the server's
        main cost)."""
        key = (r.key, r.revised(self.lp.day))
        if key not in self.bodies:
            cells = cells_of(r, self.lp.day, self.lp.seed)
            self.bodies[key] = report_html_body(
                r.title, r.agency, r.format, cells, r.note_on(self.lp.day)
            )
        return self.bodies[key]

    def robots(self) -> Resp:
        return Resp(
            200,
            b"User-agent: *\nDisallow: /private/\nDisallow: /module/xxgk/\n",
            "text/plain",
        )

    def hostile_hook(self, req: Req) -> Resp | None:
        """First-hit failures (429, 500) on a few paths when hostile."""
        if not self.lp.hostile:
            return None
        key = req.path + "?" + urlencode(sorted(req.query.items()))
        n = self.hits.get(key, 0)
        self.hits[key] = n + 1
        h = int(self.lp.digest(key), 16)
        if n == 0 and h % 9 == 1:
            return Resp(429, b"Too Many Requests", "text/plain", {"Retry-After": "1"})
        if n == 0 and h % 9 == 2:
            return Resp(500, b"Internal Server Error", "text/plain")
        if h % 13 == 3:
            self.lp.sleep(0.6)  # a slow page
        return None

    def common(self, req: Req) -> Resp | None:
        if req.path == "/robots.txt":
            return self.robots()
        if req.path in self.extra_routes:
            return self.extra_routes[req.path]
        if req.path.startswith("/loop/"):
            # A redirect loop (a broken attachment link): a → b → a …
            nxt = "/loop/b.pdf" if req.path.endswith("a.pdf") else "/loop/a.pdf"
            return Resp(302, b"", "text/html", {"Location": nxt})
        if req.path == "/big/yuanshishuju.xls":
            return Resp(
                200, b"\xd0\xcf\x11\xe0" + b"\0" * (self.lp.big_size - 4), CONTENT_TYPES["xls"]
            )
        return None

    def hostile_extras(self, r: Report) -> str:
        """A too-large attachment and a looping one on one report page."""
        if not self.lp.hostile or r is not self.reports[1]:
            return ""
        return (
            '<p>附件2：<a href="/big/yuanshishuju.xls">原始数据.xls</a></p>'
            '<p>附件3：<a href="/loop/a.pdf">补充说明.pdf</a></p>'
        )

    def ground_truth(self, r: Report) -> dict:
        return {
            "portal": self.portal,
            "url": self.base_url + r.url,
            "attachment_url": self.base_url + r.attachment_url if r.attachment_url else None,
            "agency": r.agency,
            "year": r.year,
            "format": r.format,
            "kind": r.kind,
            "title": r.title,
            "published": r.published.isoformat(),
            "cells": cells_of(r, self.lp.day, self.lp.seed),
        }


def meta_table(r: Report, index: str) -> str:
    pairs = [
        ("索 引 号：", index),
        ("文号：", ""),
        ("主题分类：", "综合政务/政务公开"),
        ("公开方式：", "主动公开"),
        ("发布机构：", r.agency),
        ("成文日期：", r.published.isoformat()),
        ("组配分类：", "政府信息公开年报"),
    ]
    rows = "".join(
        f"<tr><td>{E(a)}</td><td>{E(b)}</td><td>{E(c)}</td><td>{E(d)}</td></tr>"
        for (a, b), (c, d) in zip(pairs[0::2], pairs[1::2], strict=False)
    )
    return f'<table class="xxgk_table">{rows}</table>'


# -----------------------------------------------------------------------------
# Hanweb classic
# -----------------------------------------------------------------------------


class HanwebClassic(Site):
    """A Ningbo-style district site. Column A (``col1229000001``) lists the
    government's, the 街道's and the 镇's reports in one flat list paged by the
    old ``/module/jpage/dataproxy.jsp`` dialect (POST, startrecord/endrecord).
    Column B (``col1229000002``) holds per-year sub-columns of department
    reports, paged by the new ``/module/web/jpage/dataproxy.jsp?page=N``
    dialect and by server-side ``?uid=&pageNum=`` links."""

    family = "hanweb_classic"
    COL_A = 1229000001
    COL_B = 1229000002
    PER_PAGE_A = 5
    PER_PAGE_B = 2
    GROUP = 3
    UNIT_A = 500001

    def __init__(self, lp):
        super().__init__(lp, "local_hanweb", "宁波市望海区", "望海区", "330299", 0)
        self.gbk_report = None
        for i, r in enumerate(self.reports):
            slug_gov = r.short.endswith(("街道", "镇")) or r.agency.endswith("区人民政府")
            r.column = str(self.COL_A if slug_gov else self.year_col(r.year))
            m, d = r.published.month, r.published.day
            if r.year <= 2021:
                r.url = f"/art/{r.published.year}/{m}/{d}/art_{r.column}_{int(r.key[:7], 16)}.html"
            else:
                r.url = f"/col/col{r.column}/art/{r.published.year}/art_{r.key}.html"
            if r.kind == "image":
                r.attachment_url = f"/picture/0/{r.key}.png"
            elif r.kind != "html":
                r.attachment_url = f"/attach/0/{r.key}.{EXT[r.kind]}"
            if r.kind == "html" and self.gbk_report is None and i > 12:
                r.encoding = "gbk"
                self.gbk_report = r
        for i, d in enumerate(self.distractors):
            d.column = str(self.COL_A if i % 2 else self.year_col(2019 + (i * 3) % 7))
            d.url = f"/art/{d.published.year}/{d.published.month}/{d.published.day}/art_{d.column}_{i + 1}.html"

    @staticmethod
    def year_col(year: int) -> int:
        return 1229002000 + year - 2000

    def record(self, item: Report | Distractor) -> str:
        return (
            f"<li><a href='{item.url}' title='{E(item.title)}' target='_blank'>{E(item.title)}</a>"
            f"<span>{item.published.isoformat()}</span></li>"
        )

    def datastore(self, records: list[str], total: int, per_page: int) -> str:
        recs = "".join(f"<record><![CDATA[{r}]]></record>" for r in records)
        return (
            f"<datastore><totalrecord>{total}</totalrecord>"
            f"<totalpage>{max(1, math.ceil(total / per_page))}</totalpage>"
            f"<recordset>{recs}</recordset></datastore>"
        )

    def handle(self, req: Req) -> Resp:
        p = req.path
        if p in ("/", "/index.html"):
            return self.home(
                '<a href="/col/col1229000000/index.html">政务公开</a>'
                '<a href="/private/login.html">内部办公</a>'
            )
        if p == "/col/col1229000000/index.html":
            return html_resp(
                page(
                    "政府信息公开",
                    '<ul><li><a href="/col/col1229000003/index.html">政府信息公开指南</a></li>'
                    f'<li><a href="/col/col{self.COL_A}/index.html">政府信息公开年报</a></li>'
                    f'<li><a href="/col/col{self.COL_B}/index.html">部门政府信息公开年报</a></li>'
                    '<li><a href="http://app.example.invalid/jact/front_main?sysid=11">依申请公开</a></li></ul>',
                )
            )
        if p == "/col/col1229000003/index.html":
            return html_resp(page("政府信息公开指南", "<p>指南正文</p>"))
        if p == f"/col/col{self.COL_B}/index.html":
            links = "".join(
                f'<li><a href="/col/col{self.year_col(y)}/index.html">{y}年</a></li>'
                for y in range(2025, 2018, -1)
            )
            return html_resp(
                page(
                    "部门政府信息公开年报",
                    f"<ul class='year-list'>{links}</ul>",
                    meta=_colmeta("部门政府信息公开年报"),
                )
            )
        m = re.fullmatch(r"/col/col(\d+)/index\.html", p)
        if m:
            return self.column(int(m[1]), req)
        if p == "/module/jpage/dataproxy.jsp":
            return self.proxy_old(req)
        if p == "/module/web/jpage/dataproxy.jsp":
            return self.proxy_new(req)
        if p == "/module/download/downfile.jsp":
            name = req.query.get("filename", "")
            if name == "loop.pdf":
                return Resp(302, b"", "text/html", {"Location": "/loop/a.pdf"})
            return Resp(302, b"", "text/html", {"Location": f"/attach/0/{quote(name)}"})
        m = re.fullmatch(r"/(?:attach|picture)/0/([0-9a-f]{32})\.(\w+)", p)
        if m:
            return self.serve_document(m[1])
        return self.serve_page(p, "id='zoom'")

    def column(self, col: int, req: Req) -> Resp:
        if col == self.COL_A:
            name, per_page, unit = "政府信息公开年报", self.PER_PAGE_A, self.UNIT_A
        elif 2019 <= col - 1229002000 + 2000 <= 2025:
            name, per_page, unit = (
                f"{col - 1229002000 + 2000}年",
                self.PER_PAGE_B,
                500000 + col % 1000,
            )
        else:
            return not_found()
        items = self.items(str(col))
        total = len(items)
        records = [self.record(i) for i in items]
        if req.query.get("uid") == str(unit) and req.query.get("pageNum"):
            # Server-side paging: ?uid=&pageNum= renders page n as plain HTML.
            n = max(1, int(req.query["pageNum"]) if req.query["pageNum"].isdigit() else 1)
            chunk = records[(n - 1) * per_page : n * per_page]
            pages = max(1, math.ceil(total / per_page))
            pager = "".join(
                f'<a href="?uid={unit}&pageNum={k}">{k}</a>' for k in range(1, pages + 1) if k != n
            )
            return html_resp(
                page(
                    name,
                    f"<ul class='list'>{''.join(chunk)}</ul><div class='pager'>{pager}</div>",
                    meta=_colmeta(name),
                )
            )
        first = records[: per_page * self.GROUP]
        if col == self.COL_A:
            nextgroup = (
                f'<a href="/module/jpage/dataproxy.jsp?startrecord={per_page * self.GROUP + 1}'
                f'&endrecord={per_page * self.GROUP * 2}&perpage={per_page}"></a>'
            )
            proxy = "/module/jpage/dataproxy.jsp"
        else:
            nextgroup = (
                f'<a href="/module/web/jpage/dataproxy.jsp?page=2&appid=1&webid=1&path=/&columnid={col}'
                f'&unitid={unit}&webname={quote(self.district)}&permissiontype=0"></a>'
            )
            proxy = "/module/web/jpage/dataproxy.jsp"
        recs = "".join(f"<record><![CDATA[{r}]]></record>" for r in first)
        pages = max(1, math.ceil(total / per_page))
        pager = "".join(f'<a href="?uid={unit}&pageNum={k}">{k}</a>' for k in range(2, pages + 1))
        body = (
            f'<div class="bt-crumb">首页 &gt; 信息公开 &gt; {E(name)}</div>'
            f'<div id="{unit}"><script type="text/xml"><datastore>'
            f"<nextgroup><![CDATA[{nextgroup}]]></nextgroup><recordset>{recs}</recordset>"
            f"</datastore></script></div>"
            f"<script>var param_{unit}={{col:1,appid:1,webid:1,path:'/',columnid:{col},"
            f"sourceContentType:1,unitid:'{unit}',webname:'{self.district}',permissiontype:0}};"
            f"$('#{unit}').jpage({{dataStore:param_{unit},proxyUrl:'{proxy}',totalRecord:{total},"
            f"perPage:{per_page},groupSize:{self.GROUP},ajaxParam:param_{unit}}});</script>"
            f'<noscript><div class="pager">{pager}</div></noscript>'
        )
        return html_resp(page(name, body, meta=_colmeta(name)))

    def proxy_old(self, req: Req) -> Resp:
        """Old dialect: POST ?startrecord=&endrecord=&perpage= with a form body."""
        if req.method != "POST":
            return Resp(405, b"Method Not Allowed", "text/plain")
        col = req.form.get("columnid", "")
        if col != str(self.COL_A) or req.form.get("unitid") != str(self.UNIT_A):
            return Resp(
                200,
                b"<datastore><totalrecord>0</totalrecord></datastore>",
                "text/xml; charset=utf-8",
            )
        try:
            start = int(req.query.get("startrecord", "1"))
            end = int(req.query.get("endrecord", "45"))
            per = int(req.query.get("perpage", str(self.PER_PAGE_A)))
        except ValueError:
            return Resp(400, b"bad request", "text/plain")
        items = self.items(col)
        records = [self.record(i) for i in items[start - 1 : end]]
        body = self.datastore(records, len(items), per)
        return Resp(200, body.encode(), "text/xml; charset=utf-8")

    def proxy_new(self, req: Req) -> Resp:
        """New dialect: ?page=N&columnid=&unitid=… (GET or POST); one page each."""
        q = {**req.query, **req.form}
        col = q.get("columnid", "")
        if not col.isdigit() or not (2019 <= int(col) - 1229002000 + 2000 <= 2025):
            return Resp(
                200,
                b"<datastore><totalrecord>0</totalrecord></datastore>",
                "text/xml; charset=utf-8",
            )
        n = int(q["page"]) if q.get("page", "").isdigit() else 1
        items = self.items(col)
        per = self.PER_PAGE_B
        records = [self.record(i) for i in items[(n - 1) * per : n * per]]
        return Resp(
            200, self.datastore(records, len(items), per).encode(), "text/xml; charset=utf-8"
        )

    def attachment_html(self, r: Report) -> str:
        if r.kind == "image":
            return f'<p><img src="{r.attachment_url}" alt="{E(r.title)}"></p>'
        show = quote(f"{r.title}.{EXT[r.kind]}")
        return (
            f'<p>{E(r.title)}全文见附件。</p><p>附件：<a href="/module/download/downfile.jsp?classid=0'
            f'&filename={r.key}.{EXT[r.kind]}&showname={show}">{E(r.title)}.{EXT[r.kind]}</a></p>'
        )

    def article(self, r: Report) -> Resp:
        index = f"{self.code}000C/{r.published.year}-{int(r.key[:6], 16)}"
        content = self.content(r)
        charset = "gbk" if r.encoding == "gbk" else "utf-8"
        meta = (
            f'<meta name="ArticleTitle" content="{E(r.title)}">'
            f'<meta name="PubDate" content="{r.published.isoformat()} 09:30">'
            f'<meta name="ContentSource" content="{E(r.agency)}">'
            '<meta name="ColumnName" content="政府信息公开年报">'
            f'<meta name="i_columnid" content="{r.column}">'
        )
        body = (
            f"<h1>{E(r.title)}</h1>{meta_table(r, index)}"
            '<div id="zoom"><!--<$[信息内容]>begin--><!--ZJEG_RSS.content.begin--><meta name="ContentStart">'
            f'{content}<meta name="ContentEnd"><!--ZJEG_RSS.content.end--><!--<$[信息内容]>end--></div>'
            f"<p>信息来源：<!--<$[信息来源]>begin-->{E(r.agency)}<!--<$[信息来源]>end--></p>"
        )
        return html_resp(
            page(r.title, body, meta=meta, charset=charset),
            charset=charset,
            last_modified=r.published,
        )


def _colmeta(name: str) -> str:
    return f'<meta name="ColumnName" content="{E(name)}"><meta name="ColumnType" content="信息公开年报">'


# -----------------------------------------------------------------------------
# Hanweb jpaas
# -----------------------------------------------------------------------------


class HanwebJpaas(Site):
    """A jpaas site: one 年报 column per unit (shape 3); each unit column shows
    its first page statically and a pagination div whose ``queryData`` drives
    the ``build/unit`` JSON API (403 without a Referer)."""

    family = "hanweb_jpaas"
    ROOT = 1487000
    ROWS = 3
    API = "/api-gateway/jpaas-publish-server/front/page/build/unit"

    def __init__(self, lp):
        super().__init__(lp, "local_jpaas", "杭州市临波区", "临波区", "330199", 1)
        self.units: list[tuple[int, str]] = []
        for r in self.reports:
            col = self.ROOT + 1 + sorted({x.agency for x in self.reports}).index(r.agency)
            r.column = str(col)
            if (col, r.agency) not in self.units:
                self.units.append((col, r.agency))
            r.url = f"/col/col{col}/art/{r.published.year}/art_{r.key}.html"
            if r.kind == "image":
                r.attachment_url = f"/picture/0/{r.key}.png"
            elif r.kind != "html":
                r.attachment_url = f"/jcms_files/jcms1/web3185/site/attach/0/{r.key}.{EXT[r.kind]}"
        self.units.sort()
        for i, d in enumerate(self.distractors):
            col = self.units[i % len(self.units)][0]
            d.column = str(col)
            d.url = f"/col/col{col}/art/{d.published.year}/art_{d.key}.html"

    def li(self, item: Report | Distractor) -> str:
        return (
            f'<li><a class="news" href="{item.url}" title="{E(item.title)}">{E(item.title)}</a>'
            f'<span class="time">{item.published.isoformat()}</span></li>'
        )

    def handle(self, req: Req) -> Resp:
        p = req.path
        if p in ("/", "/index.html"):
            return self.home(f'<a href="/col/col{self.ROOT}/index.html">政府信息公开年报</a>')
        if p == f"/col/col{self.ROOT}/index.html":
            links = "".join(
                f'<li><a href="/col/col{col}/index.html">{E(agency)}政府信息公开年报</a></li>'
                for col, agency in self.units
            )
            return html_resp(
                page(
                    "政府信息公开年报",
                    f"<ul class='unit-list'>{links}</ul>",
                    meta=_colmeta("政府信息公开年报"),
                )
            )
        m = re.fullmatch(r"/col/col(\d+)/index\.html", p)
        if m and any(str(c) == m[1] for c, _ in self.units):
            return self.column(m[1])
        if p == self.API:
            return self.api(req)
        m = re.fullmatch(
            r"/(?:picture/0|jcms_files/jcms1/web3185/site/attach/0)/([0-9a-f]{32})\.(\w+)", p
        )
        if m:
            return self.serve_document(m[1])
        return self.serve_page(p, "class='article-conter'")

    def column(self, col: str) -> Resp:
        items = self.items(col)
        agency = next(a for c, a in self.units if str(c) == col)
        name = f"{agency}政府信息公开年报"
        first = "".join(self.li(i) for i in items[: self.ROWS])
        query = json.dumps(
            {"webId": "3185", "pageId": col, "tagId": "当前栏目list", "tplSetId": "52d4f2c1"},
            ensure_ascii=False,
        ).replace('"', "'")
        pager = (
            f'<div class="pagination" count="{len(items)}" rows="{self.ROWS}" pageNo="1" '
            f'unitUrl="{self.API}" queryData="{E(query)}"></div>'
            if len(items) > self.ROWS
            else ""
        )
        body = f'<div id="当前栏目list"><ul class="page-content">{first}</ul>{pager}</div>'
        return html_resp(page(name, body, meta=_colmeta(name)))

    def api(self, req: Req) -> Resp:
        if "referer" not in req.headers:
            return Resp(403, b"Forbidden", "text/plain")
        q = req.query
        if (
            q.get("parseType") not in ("bulidstatic", "buildstatic")
            or not q.get("pageId", "").isdigit()
        ):
            return Resp(200, b'{"success":false,"message":"bad params"}', "application/json")
        page_no = int(q["pageNo"]) if q.get("pageNo", "").isdigit() else 1
        rows = int(q["rows"]) if q.get("rows", "").isdigit() else self.ROWS
        items = self.items(q["pageId"])
        chunk = "".join(self.li(i) for i in items[(page_no - 1) * rows : page_no * rows])
        data = {"success": True, "data": {"html": f'<ul class="page-content">{chunk}</ul>'}}
        return Resp(
            200, json.dumps(data, ensure_ascii=False).encode(), "application/json;charset=UTF-8"
        )

    def article(self, r: Report) -> Resp:
        index = f"{self.code}/{r.published.year}-{int(r.key[:5], 16)}"
        meta = f'<meta name="ArticleTitle" content="{E(r.title)}"><meta name="ContentSource" content="{E(r.agency)}">'
        return self.simple_article(r, index, "class='article-conter' id='zoom'", meta)


# -----------------------------------------------------------------------------
# TRS
# -----------------------------------------------------------------------------


class Trs(Site):
    """A TRS WCM site: the flat 年报 list ``/zwgk/zfxxgknb/`` (government,
    街道, 镇) and per-department ``/zwgk/bmxxgk/{unit}/zfxxgkndbg/`` lists,
    paged ``index.shtml``, ``index_1.shtml`` … with ``createPageHTML``.
    PDF reports of departments are linked straight from the list."""

    family = "trs"
    PER_PAGE = 4

    def __init__(self, lp):
        super().__init__(lp, "local_trs", "武汉市临江区", "临江区", "420199", 2)
        self.nocharset_report = None
        self.bom_report = None
        slugs = {}
        for r in self.reports:
            gov = r.short.endswith(("街道", "镇")) or r.agency.endswith("区人民政府")
            if gov:
                r.column = "/zwgk/zfxxgknb/"
            else:
                slug = slugs.setdefault(r.agency, f"bm{len(slugs) + 1:02d}")
                r.column = f"/zwgk/bmxxgk/{slug}/zfxxgkndbg/"
            ym = f"{r.published.year}{r.published.month:02d}"
            num = int(r.key[:7], 16)
            if r.kind == "pdf" and not gov:
                r.url = f"{r.column}{ym}/P0{r.published:%Y%m%d}{num}.pdf"  # direct link
            else:
                r.url = f"{r.column}{ym}/t{r.published:%Y%m%d}_{num}.shtml"
                if r.kind != "html":
                    r.attachment_url = f"{r.column}{ym}/P0{r.published:%Y%m%d}{num}.{EXT[r.kind]}"
            if r.kind == "html" and self.nocharset_report is None and gov:
                r.encoding = "none"
                self.nocharset_report = r
            elif r.kind == "html" and self.bom_report is None and not gov:
                r.encoding = "bom"  # UTF-8 with a byte-order mark, no charset anywhere
                self.bom_report = r
        self.departments = sorted((slug, agency) for agency, slug in slugs.items())
        for i, d in enumerate(self.distractors):
            d.column = (
                "/zwgk/zfxxgknb/"
                if i % 2
                else f"/zwgk/bmxxgk/{self.departments[i % len(self.departments)][0]}/zfxxgkndbg/"
            )
            d.url = f"{d.column}{d.published:%Y%m}/t{d.published:%Y%m%d}_{9000 + i}.shtml"

    def columns(self) -> list[str]:
        return ["/zwgk/zfxxgknb/"] + [f"/zwgk/bmxxgk/{s}/zfxxgkndbg/" for s, _ in self.departments]

    def handle(self, req: Req) -> Resp:
        p = req.path
        if (
            self.lp.hostile
            and p.endswith(".shtml")
            and "SERVERID=" not in req.headers.get("cookie", "")
        ):
            # A load-balancer cookie gate: 302 to the same URL with Set-Cookie
            # (portals.md §12.1, openresty/SERVERID); loops unless cookies are kept.
            return Resp(
                302,
                b"",
                "text/html",
                {"Location": p, "Set-Cookie": "SERVERID=a1b2c3|1700000000|1700000000; Path=/"},
            )
        if p in ("/", "/index.shtml"):
            return self.home(
                '<a href="/zwgk/zfxxgknb/index.shtml">政府信息公开年报</a>'
                '<a href="/zwgk/bmxxgk/index.shtml">部门信息公开</a>'
            )
        if p == "/zwgk/bmxxgk/index.shtml":
            # The last department's link goes through a JS redirect shell.
            links = "".join(
                f'<li><a href="./{s}/{"index.shtml" if i == len(self.departments) - 1 else "zfxxgkndbg/index.shtml"}">'
                f"{E(a)}政府信息公开年报</a></li>"
                for i, (s, a) in enumerate(self.departments)
            )
            return html_resp(page("部门信息公开", f"<ul>{links}</ul>"))
        m = re.fullmatch(r"/zwgk/bmxxgk/(bm\d+)/index\.shtml", p)
        if m:
            # A ~160-byte shell page (portals.md §12.2): only a script redirect.
            shell = f'<html><head><script>location.replace("/zwgk/bmxxgk/{m[1]}/zfxxgkndbg/index.shtml");</script></head></html>'
            return html_resp(shell)
        m = re.fullmatch(
            r"(/zwgk/(?:zfxxgknb|bmxxgk/bm\d+/zfxxgkndbg)/)(?:index(?:_(\d+))?\.shtml)?", p
        )
        if m and m[1] in self.columns():
            return self.listing(m[1], int(m[2] or 0))
        r = self.report_by_url(p)
        if r is not None and r.url.endswith(".pdf"):  # a report linked straight to its PDF
            return self.serve_document(r.key)
        for r in self.reports:
            if r.attachment_url == p:
                return self.serve_document(r.key)
        # OLDSRC paths (/protect/…) are dead, as on real sites: 404 here too.
        return self.serve_page(p, "class='TRS_Editor'")

    def listing(self, column: str, n: int) -> Resp:
        items = self.items(column)
        pages = max(1, math.ceil(len(items) / self.PER_PAGE))
        if n >= pages:
            return not_found()
        lis = "".join(
            f'<li><a href="./{i.url[len(column) :]}" title="{E(i.title)}" target="_blank">{E(i.title[:24])}</a>'
            f"<span>{i.published.isoformat()}</span></li>"
            for i in items[n * self.PER_PAGE : (n + 1) * self.PER_PAGE]
        )
        body = (
            f'<div class="list"><ul>{lis}</ul></div><div class="page">'
            f'<script>var countPage = {pages}; createPageHTML({pages}, {n}, "index", "shtml");</script></div>'
        )
        name = "政府信息公开年报" if column == "/zwgk/zfxxgknb/" else "政府信息公开工作年度报告"
        return html_resp(page(name, body, meta=_colmeta(name)))

    def attachment_html(self, r: Report) -> str:
        ym = f"{r.published.year}{r.published.month:02d}"
        fname = r.attachment_url.rsplit("/", 1)[1]
        if r.kind == "image":
            return f'<p><img src="./{fname}" oldsrc="/protect/P0{ym}/{r.key}.png"></p>'
        return (
            f'<p class="insertfileTag"><a appendix="true" href="./{fname}" title="{E(r.title)}.{EXT[r.kind]}" '
            f'OLDSRC="/protect/P0{ym}/{fname}">{E(r.title)}.{EXT[r.kind]}</a></p>'
        )

    def article(self, r: Report) -> Resp:
        content = self.content(r)
        index = f"{self.code}-{r.published.year}-{int(r.key[:5], 16)}"
        charset = None if r.encoding in ("none", "bom") else "utf-8"
        meta = f'<meta name="ArticleTitle" content="{E(r.title)}"><meta name="ContentSource" content="{E(r.agency)}">'
        body = f'<h1>{E(r.title)}</h1>{meta_table(r, index)}<div class="TRS_Editor">{content}</div>'
        resp = html_resp(
            page(r.title, body, meta=meta, charset=charset),
            header_charset=charset is not None,
            last_modified=r.published,
        )
        if r.encoding == "bom":
            resp.body = b"\xef\xbb\xbf" + resp.body
        return resp


# -----------------------------------------------------------------------------
# Guangdong gkmlpt
# -----------------------------------------------------------------------------


class Gkmlpt(Site):
    """A Guangdong 政府信息公开目录管理平台 (portals.md §8): ``/gkmlpt/index``
    carries ``window._CONFIG = {SID, TREE}``; ``/gkmlpt/api/all/{cat}?page=N&sid=``
    answers JSON (``classify.post_count``, ``articles[]`` with ``title``,
    ``publisher``, ``url``, ``attachment[]``); articles are
    ``/gkmlpt/content/{a}/{b}/post_{id}.html``. HTTP only, as on real sites."""

    family = "gkmlpt"
    SID = "755041"
    CAT_REPORTS = 3521
    CAT_GUIDE = 3520
    PER_PAGE = 10

    def __init__(self, lp):
        super().__init__(lp, "local_gkmlpt", "广州市临海区", "临海区", "440199", 3)
        for r in self.reports:
            post = int(r.key[:6], 16)
            r.column = str(self.CAT_REPORTS)
            r.url = f"/gkmlpt/content/{post % 10}/{post % 10000}/post_{post}.html"
            if r.kind == "image":
                r.attachment_url = f"/attachment/0/{post % 100}/{post}/{r.key[:8]}.png"
            elif r.kind != "html":
                r.attachment_url = f"/attachment/0/{post % 100}/{post}/{r.key[:8]}.{EXT[r.kind]}"
        for i, d in enumerate(self.distractors):
            d.column = str(self.CAT_REPORTS if i % 2 else self.CAT_GUIDE)
            d.url = f"/gkmlpt/content/9/{9000 + i}/post_{9000 + i}.html"

    def handle(self, req: Req) -> Resp:
        p = req.path
        if p == "/gkmlpt/index":
            tree = [
                {
                    "id": 3500,
                    "name": "法定主动公开内容",
                    "children": [
                        {"id": self.CAT_GUIDE, "name": "政府信息公开指南", "children": []},
                        {
                            "id": self.CAT_REPORTS,
                            "name": "政府信息公开年报",
                            "children": [],
                            "post_count": len(self.items(str(self.CAT_REPORTS))),
                        },
                    ],
                },
            ]
            config = json.dumps({"SID": self.SID, "TREE": tree}, ensure_ascii=False)
            return html_resp(
                page(
                    "政府信息公开目录",
                    f"<div id='app'></div><script>window._CONFIG = {config};</script>",
                )
            )
        m = re.fullmatch(r"/gkmlpt/api/all/(\d+)", p)
        if m:
            if req.query.get("sid") != self.SID:
                return Resp(200, b'{"error":"sid"}', "application/json")
            n = int(req.query["page"]) if req.query.get("page", "").isdigit() else 1
            n = max(1, n)  # page 0 and page 1 are the same page
            items = self.items(m[1])
            chunk = items[(n - 1) * self.PER_PAGE : n * self.PER_PAGE]
            if not chunk and n > 1:
                return not_found()
            data = {
                "classify": {"id": int(m[1]), "post_count": len(items)},
                "articles": [self.article_json(i) for i in chunk],
            }
            return Resp(
                200,
                json.dumps(data, ensure_ascii=False).encode(),
                "application/json; charset=utf-8",
            )
        for r in self.reports:
            if r.attachment_url == p:
                return self.serve_document(r.key)
        return self.serve_page(p, "class='article-content'")

    def article_json(self, item: Report | Distractor) -> dict:
        out = {
            "id": int(item.url.rsplit("_", 1)[1].split(".")[0]),
            "title": item.title,
            "publisher": getattr(item, "agency", self.district),
            "date": int(time_of(item.published)),
            "url": self.base_url + item.url,
            "attachment": [],
        }
        if isinstance(item, Report) and item.attachment_url:
            out["attachment"] = [
                {
                    "name": f"{item.title}.{EXT[item.kind]}",
                    "url": self.base_url + item.attachment_url,
                }
            ]
        return out

    def article(self, r: Report) -> Resp:
        index = f"11440199MB2C{int(r.key[:4], 16):04d}/{r.published.year}-{int(r.key[4:9], 16)}"
        return self.simple_article(r, index, "class='article-content'")


def time_of(d: date) -> float:
    from datetime import UTC, datetime

    return datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp()


# -----------------------------------------------------------------------------
# Lonsun
# -----------------------------------------------------------------------------


class Lonsun(Site):
    """A Lonsun 龙讯 ``public/column`` site (portals.md §7, Anhui): the unit
    list ``/public/column/{organ}?type=4&action=rel``; each unit's 年报 page
    ``/public/column/{organ}?type=3&action=list`` loads its list over XHR
    from ``/site/label/8888?…labelName=publicInfoList…&pageIndex=N`` (an
    HTML fragment, ``div.xxgk_navli``); the page count is in the page's
    script (``pageCount:N``). Articles ``/public/{organ}/{id}.html``;
    attachments under ``/group6/M00/…``."""

    family = "lonsun"
    ROOT = 6780000
    SITE_ID = "6779000"
    PAGE_SIZE = 3

    def __init__(self, lp):
        super().__init__(lp, "local_lonsun", "合肥市临湖区", "临湖区", "340199", 4)
        agencies = sorted({r.agency for r in self.reports})
        self.organs = {a: self.ROOT + 1 + i for i, a in enumerate(agencies)}
        for r in self.reports:
            organ = self.organs[r.agency]
            r.column = str(organ)
            r.url = f"/public/{organ}/{int(r.key[:7], 16)}.html"
            if r.kind != "html":
                ext = EXT[r.kind]
                r.attachment_url = f"/group6/M00/{r.key[:2]}/{r.key[2:4]}/{r.key[4:20]}.{ext}"
        for i, d in enumerate(self.distractors):
            organ = self.ROOT + 1 + i % len(agencies)
            d.column = str(organ)
            d.url = f"/public/{organ}/{90000 + i}.html"

    def handle(self, req: Req) -> Resp:
        p, q = req.path, req.query
        if p == f"/public/column/{self.ROOT}" and q.get("type") == "4":
            links = "".join(
                f'<li><a href="/public/column/{organ}?type=3&action=list">{E(agency)}</a></li>'
                for agency, organ in self.organs.items()
            )
            return html_resp(page("部门信息公开", f"<ul class='organ-list'>{links}</ul>"))
        m = re.fullmatch(r"/public/column/(\d+)", p)
        if m and q.get("type") == "3" and int(m[1]) in self.organs.values():
            items = self.items(m[1])
            pages = max(1, math.ceil(len(items) / self.PAGE_SIZE))
            script = (
                f"<script>var publicInfo = {{siteId:'{self.SITE_ID}', organId:'{m[1]}', catId:'', "
                f"type:4, pageSize:{self.PAGE_SIZE}, pageCount:{pages}}};</script>"
            )
            return html_resp(
                page(
                    "政府信息公开年报",
                    f"<div id='xxgk_list'></div>{script}",
                    meta=_colmeta("政府信息公开年报"),
                )
            )
        if p == "/site/label/8888":
            if q.get("labelName") != "publicInfoList" or not q.get("organId", "").isdigit():
                return Resp(200, b"", "text/html; charset=utf-8")
            n = int(q["pageIndex"]) if q.get("pageIndex", "").isdigit() else 1
            size = int(q["pageSize"]) if q.get("pageSize", "").isdigit() else self.PAGE_SIZE
            chunk = self.items(q["organId"])[(n - 1) * size : n * size]
            lis = "".join(
                f'<li><a href="{i.url}" title="{E(i.title)}" target="_blank">{E(i.title)}</a>'
                f'<span class="date">{i.published.isoformat()}</span></li>'
                for i in chunk
            )
            return html_resp(f'<div class="xxgk_navli"><ul>{lis}</ul></div>')
        for r in self.reports:
            if r.attachment_url == p:
                return self.serve_document(r.key)
        return self.serve_page(p, "id='zoom'")

    def article(self, r: Report) -> Resp:
        index = f"{self.code}-{r.published.year}-{int(r.key[:5], 16)}"
        return self.simple_article(r, index, "id='zoom'")


# -----------------------------------------------------------------------------
# Blocked portals: one per WAF / block signature (portals.md §12.1)
# -----------------------------------------------------------------------------

WAF_PAGES = {
    "ruishu": (
        412,
        "text/html",
        '<html><head><meta content="q8Ve3aZv" r="m"><script>$_ts=window["$_ts"];if(!$_ts)$_ts={};$_ts.nsd=12345;</script></head><body></body></html>',
        {},
    ),
    "jiasule": (
        521,
        "text/html",
        "<html><script>document.cookie=('_')+('_jsl_clearance_s')+('=')+'1700000000.1|0|abc';location.href=location.pathname</script></html>",
        {},
    ),
    "wzws": (
        302,
        "text/html",
        "",
        {
            "Location": "/wzws/?wzwschallenge=V1pXU19DT05GSVJN",
            "Set-Cookie": "wzws_cid=abc123; path=/",
        },
    ),
    "captcha": (
        200,
        "text/html; charset=utf-8",
        '<html><head><title>安全验证</title></head><body><form action="/verify"><img src="/captcha.jpg"><input name="captcha" placeholder="请输入验证码"></form></body></html>',
        {},
    ),
    "blocked": (
        403,
        "text/html; charset=utf-8",
        "<html><body>403 Forbidden reason:GeoBL</body></html>",
        {},
    ),
    "ratelimit": (429, "text/plain", "Too Many Requests", {"Retry-After": "86400"}),
}


class Blocked:
    """Answers every path under ``/<kind>/`` with that kind's block page."""

    family = "hanweb_classic"

    def __init__(self, lp):
        self.lp = lp
        self.base_url = ""
        self.hits: dict[str, int] = {}

    def handle(self, req: Req) -> Resp:
        if req.path == "/robots.txt":
            return Resp(200, b"User-agent: *\nDisallow:\n", "text/plain")
        kind = req.path.strip("/").split("/")[0]
        self.hits[kind] = self.hits.get(kind, 0) + 1
        if kind == "wzws" and "wzwschallenge" in req.query:
            return Resp(
                200,
                "<html><body>请开启JavaScript并刷新该页</body></html>".encode(),
                "text/html; charset=utf-8",
            )
        if kind not in WAF_PAGES:
            return not_found()
        status, ctype, body, headers = WAF_PAGES[kind]
        return Resp(status, body.encode(), ctype, dict(headers))

    def portals(self) -> list[dict]:
        return [
            {
                "id": f"local_waf_{kind}",
                "district_code": "330298",
                "district": f"宁波市封锁区（{kind}）",
                "level": "district",
                "family": "hanweb_classic",
                "listing_urls": [f"{self.base_url}/{kind}/col/col1/index.html"],
                "allowed_domains": ["127.0.0.1"],
                "verified": True,
                "notes": f"local portal that always answers with a {kind} block page",
                "expect_pause": kind,
            }
            for kind in WAF_PAGES
        ]


def parse_form(body: bytes) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
