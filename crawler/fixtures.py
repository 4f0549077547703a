"""Saved raw responses for the callback tests: the bytes as sent plus status
and headers, under ``tests/fixtures/portals/<portal_id>/``, with an index
``_routes.yml`` (name → method, path, form, status, headers).

Recording is a command, not a test::

    python -m crawler.fixtures tests/fixtures/portals

It records pages of the local portal; a real portal's pages are saved the
same way (path relative to the portal's root, so replays pick any base URL).
"""

from __future__ import annotations

import sys
import urllib.parse
import urllib.request
from pathlib import Path

import yaml

# portal id → [(name, method, path, form)]
PAGES = {
    "local_hanweb": [
        ("column_a", "GET", "/col/col1229000001/index.html", None),
        ("column_b", "GET", "/col/col1229000002/index.html", None),
        ("year_2023", "GET", "/col/col1229002023/index.html", None),
        ("year_2023_page2", "GET", "/col/col1229002023/index.html?uid=500023&pageNum=2", None),
        (
            "proxy_old",
            "POST",
            "/module/jpage/dataproxy.jsp?startrecord=16&endrecord=30&perpage=5",
            "col=1&appid=1&webid=1&path=/&columnid=1229000001&sourceContentType=1"
            "&unitid=500001&webname=x&permissiontype=0",
        ),
        (
            "proxy_new",
            "GET",
            "/module/web/jpage/dataproxy.jsp?page=2&appid=1&webid=1&path=/&columnid=1229002023"
            "&unitid=500023&webname=x&permissiontype=0",
            None,
        ),
    ],
    "local_jpaas": [
        ("root", "GET", "/col/col1487000/index.html", None),
        ("unit", "GET", "/col/col1487001/index.html", None),
    ],
    "local_trs": [
        ("index", "GET", "/zwgk/zfxxgknb/index.shtml", None),
        ("index_1", "GET", "/zwgk/zfxxgknb/index_1.shtml", None),
        ("departments", "GET", "/zwgk/bmxxgk/index.shtml", None),
        ("shell", "GET", "/zwgk/bmxxgk/bm04/index.shtml", None),
    ],
    "local_gkmlpt": [
        ("index", "GET", "/gkmlpt/index", None),
        ("api_page1", "GET", "/gkmlpt/api/all/3521?page=1&sid=755041", None),
    ],
    "local_lonsun": [
        ("units", "GET", "/public/column/6780000?type=4&action=rel", None),
        ("column", "GET", "/public/column/6780002?type=3&action=list", None),
        (
            "fragment",
            "GET",
            "/site/label/8888?IsAjax=1&dataType=html&labelName=publicInfoList&siteId=6779000"
            "&organId=6780002&catId=&type=4&pageSize=3&pageIndex=2&action=list",
            None,
        ),
    ],
}


def fetch(base: str, method: str, path: str, form: str | None, headers=None):
    data = form.encode() if form else None
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers or {})
    if data:
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
    with urllib.request.urlopen(req) as resp:  # loopback only
        return resp.status, dict(resp.headers.items()), resp.read()


def record(out: Path) -> None:
    from crawler.localportal import LocalPortal

    with LocalPortal() as lp:
        sites = {s.portal: s for s in lp.sites}
        pages = {pid: list(p) for pid, p in PAGES.items()}
        # Articles chosen by what they show: attachment kinds, GBK, no charset.
        hanweb, jpaas, trs = sites["local_hanweb"], sites["local_jpaas"], sites["local_trs"]
        gkmlpt = sites["local_gkmlpt"]
        pages["local_gkmlpt"] += [
            ("article_pdf", "GET", next(r.url for r in gkmlpt.reports if r.kind == "pdf"), None),
        ]
        pages["local_hanweb"] += [
            ("article_gbk", "GET", hanweb.gbk_report.url, None),
            ("article_pdf", "GET", next(r.url for r in hanweb.reports if r.kind == "pdf"), None),
            (
                "article_image",
                "GET",
                next(r.url for r in hanweb.reports if r.kind == "image"),
                None,
            ),
        ]
        pages["local_jpaas"] += [
            ("article_docx", "GET", next(r.url for r in jpaas.reports if r.kind == "docx"), None),
        ]
        pages["local_trs"] += [
            ("article_nocharset", "GET", trs.nocharset_report.url, None),
            ("article_doc", "GET", next(r.url for r in trs.reports if r.kind == "doc"), None),
        ]
        for pid, entries in pages.items():
            site = sites[pid]
            folder = out / pid
            folder.mkdir(parents=True, exist_ok=True)
            routes = {}
            for name, method, path, form in entries:
                status, headers, body = fetch(site.base_url, method, path, form)
                keep = {
                    k: v
                    for k, v in headers.items()
                    if k.lower() in ("content-type", "etag", "last-modified")
                }
                (folder / f"{name}.body").write_bytes(body)
                routes[name] = {
                    "method": method,
                    "path": path,
                    "form": form,
                    "status": status,
                    "headers": keep,
                }
            # The jpaas API page needs the Referer the column page gives.
            if pid == "local_jpaas":
                api = (
                    "/api-gateway/jpaas-publish-server/front/page/build/unit?parseType=bulidstatic"
                    "&webId=3185&tplSetId=52d4f2c1&pageType=column&tagId=%E5%BD%93%E5%89%8D%E6%A0%8F%E7%9B%AElist"
                    "&editType=null&pageId=1487001&pageNo=2&rows=3"
                )
                status, headers, body = fetch(
                    site.base_url, "GET", api, None, {"Referer": site.base_url + "/"}
                )
                (folder / "api_page2.body").write_bytes(body)
                routes["api_page2"] = {
                    "method": "GET",
                    "path": api,
                    "form": None,
                    "status": status,
                    "headers": {k: v for k, v in headers.items() if k.lower() == "content-type"},
                }
            (folder / "_routes.yml").write_text(
                yaml.safe_dump(routes, allow_unicode=True, sort_keys=True), "utf-8"
            )


if __name__ == "__main__":  # pragma: no cover
    record(Path(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/portals"))
