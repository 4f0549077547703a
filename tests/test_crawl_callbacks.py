"""Spider callbacks fed saved raw responses (bytes + headers as sent, under
tests/fixtures/portals/<portal>/), offline: what each family extracts from a
listing, a paging answer and a report page."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from scrapy.http import Headers, Request
from scrapy.responsetypes import responsetypes

from crawler.items import FetchedDocument
from crawler.spiders.gkmlpt import GkmlptSpider
from crawler.spiders.hanweb_classic import HanwebClassicSpider
from crawler.spiders.hanweb_jpaas import HanwebJpaasSpider
from crawler.spiders.lonsun import LonsunSpider
from crawler.spiders.trs import TrsSpider

FIXTURES = Path(__file__).parent / "fixtures" / "portals"
BASE = "http://127.0.0.1:8000"


def portal(pid: str, family: str) -> dict:
    return {
        "id": pid,
        "district_code": "330299",
        "district": "测试区",
        "level": "district",
        "family": family,
        "site_name": "测试区人民政府",
        "listing_urls": [BASE + "/"],
        "allowed_domains": ["127.0.0.1"],
    }


def response(pid: str, name: str, **cb_kwargs):
    route = yaml.safe_load((FIXTURES / pid / "_routes.yml").read_text("utf-8"))[name]
    body = (FIXTURES / pid / f"{name}.body").read_bytes()
    url = BASE + route["path"]
    headers = Headers(route["headers"])
    request = Request(url, method=route["method"], body=route["form"] or b"", cb_kwargs=cb_kwargs)
    cls = responsetypes.from_args(headers=headers, url=url, body=body)
    return cls(url=url, status=route["status"], headers=headers, body=body, request=request)


def run(callback, resp):
    out = list(callback(resp, **resp.request.cb_kwargs))
    items = [o for o in out if isinstance(o, FetchedDocument)]
    requests = [o for o in out if isinstance(o, Request)]
    return items, requests


def by_callback(requests, name):
    return [r for r in requests if r.callback.__name__ == name]


@pytest.fixture
def hanweb():
    return HanwebClassicSpider(portal=json.dumps(portal("local_hanweb", "hanweb_classic")))


def test_hanweb_column_reads_datastore_and_pages_with_old_dialect(hanweb):
    items, requests = run(hanweb.parse_listing, response("local_hanweb", "column_a"))
    assert [i.role for i in items] == ["listing"]
    reports = by_callback(requests, "parse_report")
    # the first group (3 pages × 5) is embedded; a distractor among them is skipped
    assert 13 <= len(reports) <= 15
    assert all(r.cb_kwargs["column"] == "政府信息公开年报" for r in reports)
    proxies = by_callback(requests, "parse_proxy")
    assert proxies and all(r.method == "POST" for r in proxies)
    first = proxies[0]
    assert first.url.startswith(BASE + "/module/jpage/dataproxy.jsp?startrecord=16&endrecord=30")
    form = parse_qs(first.body.decode())
    assert form["columnid"] == ["1229000001"] and form["unitid"] == ["500001"]
    assert form["webname"] == ["宁波市望海区"]


def test_hanweb_year_subcolumns_and_new_dialect(hanweb):
    _, requests = run(hanweb.parse_listing, response("local_hanweb", "column_b"))
    years = sorted(r.cb_kwargs["column"] for r in by_callback(requests, "parse_listing"))
    assert years == [f"{y}年" for y in range(2019, 2026)]
    _, requests = run(hanweb.parse_listing, response("local_hanweb", "year_2023"))
    proxies = by_callback(requests, "parse_proxy")
    assert proxies and all(r.method == "GET" for r in proxies)
    q = parse_qs(urlsplit(proxies[0].url).query)
    assert urlsplit(proxies[0].url).path == "/module/web/jpage/dataproxy.jsp"
    assert q["page"] == ["2"] and q["columnid"] == ["1229002023"] and q["unitid"] == ["500023"]


def test_hanweb_dataproxy_answers_give_reports(hanweb):
    for name in ("proxy_old", "proxy_new"):
        items, requests = run(hanweb.parse_proxy, response("local_hanweb", name))
        assert items[0].role == "listing"
        titles = [r.cb_kwargs["title"] for r in by_callback(requests, "parse_report")]
        assert titles and all("信息公开" in t for t in titles)
        assert not any("决算" in t or "通知" in t or "指南" in t for t in titles)


def test_hanweb_server_side_page_is_parsed(hanweb):
    _, requests = run(hanweb.parse_listing, response("local_hanweb", "year_2023_page2"))
    reports = by_callback(requests, "parse_report")
    assert len(reports) == 2
    assert all("/col/col1229002023/art/2024/art_" in r.url for r in reports)


def test_hanweb_report_page_gbk_agency_year_and_attachment(hanweb):
    resp = response("local_hanweb", "article_gbk", title=None, column="2023年")
    items, requests = run(hanweb.parse_report, resp)
    (item,) = items
    assert item.role == "report" and item.content_type == "text/html; charset=gbk"
    assert item.title.endswith("政府信息公开工作年度报告") and "2023" in item.title
    assert item.agency_hint.startswith("宁波市望海区") and item.year_hint == 2023
    assert item.body == resp.body  # raw bytes, not re-encoded

    items, requests = run(
        hanweb.parse_report, response("local_hanweb", "article_pdf", title=None, column=None)
    )
    (att,) = by_callback(requests, "parse_attachment")
    assert "/module/download/downfile.jsp?classid=0&filename=" in att.url
    assert att.cb_kwargs["parent_url"] == items[0].final_url
    assert att.cb_kwargs["year"] == items[0].year_hint

    _, requests = run(
        hanweb.parse_report, response("local_hanweb", "article_image", title=None, column=None)
    )
    (img,) = by_callback(requests, "parse_attachment")
    assert img.url.endswith(".png") and "/picture/0/" in img.url


def test_jpaas_units_and_api_paging():
    spider = HanwebJpaasSpider(portal=json.dumps(portal("local_jpaas", "hanweb_jpaas")))
    _, requests = run(spider.parse_listing, response("local_jpaas", "root"))
    units = by_callback(requests, "parse_listing")
    assert len(units) == 7 and all(
        r.cb_kwargs["column"].endswith("政府信息公开年报") for r in units
    )
    _, requests = run(spider.parse_listing, response("local_jpaas", "unit"))
    assert len(by_callback(requests, "parse_report")) >= 2
    api = by_callback(requests, "parse_api")
    assert api
    q = parse_qs(urlsplit(api[0].url).query)
    assert q["parseType"] == ["bulidstatic"] and q["pageId"] == ["1487001"]
    assert q["pageNo"] == ["2"] and q["rows"] == ["3"] and q["tagId"] == ["当前栏目list"]
    items, requests = run(spider.parse_api, response("local_jpaas", "api_page2"))
    assert items[0].role == "listing" and len(by_callback(requests, "parse_report")) == 3


def test_jpaas_report_attachment():
    spider = HanwebJpaasSpider(portal=json.dumps(portal("local_jpaas", "hanweb_jpaas")))
    _, requests = run(spider.parse_report, response("local_jpaas", "article_docx", title=None))
    (att,) = by_callback(requests, "parse_attachment")
    assert att.url.endswith(".docx")


def test_trs_pages_from_create_page_html_and_department_columns():
    spider = TrsSpider(portal=json.dumps(portal("local_trs", "trs")))
    _, requests = run(spider.parse_listing, response("local_trs", "index"))
    pages = [r.url for r in by_callback(requests, "parse_listing")]
    assert pages == [f"{BASE}/zwgk/zfxxgknb/index_{i}.shtml" for i in range(1, len(pages) + 1)]
    assert len(pages) >= 3
    reports = by_callback(requests, "parse_report")
    assert reports and all("/zwgk/zfxxgknb/20" in r.url for r in reports)
    # a later page does not page again
    _, requests = run(spider.parse_listing, response("local_trs", "index_1"))
    assert not by_callback(requests, "parse_listing")
    _, requests = run(spider.parse_listing, response("local_trs", "departments"))
    depts = by_callback(requests, "parse_listing")
    assert len(depts) == 4
    assert sum(r.url.endswith("/zfxxgkndbg/index.shtml") for r in depts) == 3
    # the fourth goes through a script-only shell page, whose target is followed
    items, requests = run(spider.parse_listing, response("local_trs", "shell"))
    assert len(items[0].body) < 200
    (target,) = by_callback(requests, "parse_listing")
    assert target.url == BASE + "/zwgk/bmxxgk/bm04/zfxxgkndbg/index.shtml"


def test_trs_attachment_uses_href_not_oldsrc_and_no_charset_page_decodes():
    spider = TrsSpider(portal=json.dumps(portal("local_trs", "trs")))
    _, requests = run(spider.parse_report, response("local_trs", "article_doc", title=None))
    (att,) = by_callback(requests, "parse_attachment")
    assert "/protect/" not in att.url and att.url.endswith(".doc")
    items, _ = run(spider.parse_report, response("local_trs", "article_nocharset", title=None))
    assert items[0].content_type == "text/html"
    assert "政府信息公开" in items[0].title and items[0].year_hint is not None


def test_gkmlpt_config_tree_and_json_api():
    spider = GkmlptSpider(portal=json.dumps(portal("local_gkmlpt", "gkmlpt")))
    _, requests = run(spider.parse_listing, response("local_gkmlpt", "index"))
    (api,) = by_callback(requests, "parse_api")  # only the 年报 category, not the 指南
    assert urlsplit(api.url).path == "/gkmlpt/api/all/3521"
    assert parse_qs(urlsplit(api.url).query) == {"page": ["1"], "sid": ["755041"]}
    resp = response(
        "local_gkmlpt", "api_page1", category=3521, sid="755041", page=1, column="政府信息公开年报"
    )
    items, requests = run(spider.parse_api, resp)
    assert items[0].role == "listing"
    reports = by_callback(requests, "parse_report")
    data = json.loads(resp.body)
    titles = [a["title"] for a in data["articles"]]
    assert [r.cb_kwargs["title"] for r in reports] == [
        t
        for t in titles
        if "指南" not in t
        and "决算" not in t
        and "通知" not in t
        and "统计年报" not in t
        and "要点" not in t
        and "图解" not in t
    ]
    assert all("/gkmlpt/content/" in r.url for r in reports)
    pages = by_callback(requests, "parse_api")
    assert [r.cb_kwargs["page"] for r in pages] == list(
        range(2, -(-data["classify"]["post_count"] // len(data["articles"])) + 1)
    )


def test_gkmlpt_article_publisher_and_attachment():
    spider = GkmlptSpider(portal=json.dumps(portal("local_gkmlpt", "gkmlpt")))
    items, requests = run(spider.parse_report, response("local_gkmlpt", "article_pdf", title=None))
    assert items[0].agency_hint.startswith("广州市临海区") and items[0].year_hint
    (att,) = by_callback(requests, "parse_attachment")
    assert "/attachment/0/" in att.url and att.url.endswith(".pdf")


def test_lonsun_units_column_script_and_fragment():
    spider = LonsunSpider(portal=json.dumps(portal("local_lonsun", "lonsun")))
    _, requests = run(spider.parse_listing, response("local_lonsun", "units"))
    units = {r.url for r in by_callback(requests, "parse_listing")}
    assert len(units) == 7 and all("type=3" in u for u in units)
    _, requests = run(spider.parse_listing, response("local_lonsun", "column"))
    labels = by_callback(requests, "parse_fragment")
    q = [parse_qs(urlsplit(r.url).query) for r in labels]
    assert [x["pageIndex"] for x in q] == [[str(n)] for n in range(1, len(q) + 1)]
    assert len(q) >= 3 and all(x["organId"] == ["6780002"] for x in q)
    assert all(r.headers.get("Ls-Language") == b"zh" for r in labels)
    items, requests = run(spider.parse_fragment, response("local_lonsun", "fragment"))
    reports = by_callback(requests, "parse_report")
    assert items[0].role == "listing" and 1 <= len(reports) <= 3
    assert all(urlsplit(r.url).path.startswith("/public/6780002/") for r in reports)
