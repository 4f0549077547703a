"""The Datasette site's metadata, as data: bilingual (中文 / English) titles and
descriptions for every table, view and column, facets, and the canned
queries that answer the journalists' twelve questions (issue 4).

``metadata.yml`` at the repository root is generated from this module
(``python -m archive.site_metadata > metadata.yml``); a test keeps the two
equal.
"""

from __future__ import annotations

import sys
from typing import Any

import yaml

from archive.metrics import METRICS, RATES, WITHHELD
from archive.season import SEASON_QUERIES, SEASON_VIEW_TABLES

LATEST_YEAR = "coalesce(cast(nullif(:year, '') as integer), (select max(year) from report_metrics))"

IDENTITY = {
    "report_id": "报告编号 · report id (reports.id)",
    "year": "报告年度 · report year: the year the statistics cover (统计期限), not the publication year",
    "agency_id": "机关编号 · agency id (agencies.id): stable across years and renames",
    "agency": "机关 · agency name as first printed",
    "district": "地区 · district (from the portal)",
    "district_code": "行政区划代码 · district code (GB/T 2260)",
    "portal_id": "门户 · portal id (crawler/portals.yml)",
    "format": "格式 · template: 2021 (〔2021〕30号), 2019 (〔2019〕60号), pre2019, unknown",
    "status": "状态 · current | revised (a changed version was seen) | removal_candidate (answered 404/410 once, or no longer listed) | removed (404/410 confirmed on two days)",
    "url": "原文链接 · the report page's original URL",
    "archived_copy": "存档副本 · link to the archived bytes served by this site",
    "extraction_id": "提取编号 · the extraction the figures come from (extractions.id)",
    "sha256": "文件哈希 · sha256 of the document the figures come from",
    "first_seen_at": "首次抓取 · first time the crawler saw the report (UTC): an upper bound on its publication",
    "last_seen_at": "最近抓取 · last time the crawler saw the report (UTC)",
    "revised_at": "修订时间 · first sighting of the latest changed version (UTC)",
    "removed_at": "删除时间 · when the removal was confirmed: 404/410 on a second day (UTC)",
    "removal_candidate_at": "疑似删除时间 · first 404/410 answer, or first complete crawl that no longer listed it (UTC)",
}
DERIVED = {
    "checks_total": "校验数 · number of the report's own arithmetic checks evaluated",
    "checks_failed": "未通过校验数 · checks that fail (a fact about the report, not an extraction error)",
    "failed_rules": "未通过规则 · failing rules as rule:col",
    "prev_year": "上一报告年度 · the agency's previous report year in the archive",
    "prev_new_received": "上年新收申请数 · new requests in the previous report",
    "prev_disclosure_rate": "上年公开率 · disclosure rate in the previous report",
    "prev_carried_forward": "上年结转下年度 · carried forward in the previous report",
    "new_received_change": "新收申请变化 · change in new requests from the previous report",
    "new_received_change_pct": "新收申请变化率 · relative change in new requests (fraction)",
    "disclosure_rate_change": "公开率变化 · change in disclosure rate (fraction points)",
    "backlog_matches": "结转一致 · 1 when this year's carried over equals last year's carried forward, 0 when not, null when either is missing or the years are not consecutive",
    "versions": "版本数 · documents seen for the report (each version of its page and attachments)",
    "changed_at": "变更时间 · when it was removed (or became a removal candidate), else when it was revised (UTC)",
    "lost_total": "纠错合计 · reviews + lawsuits the agency lost (结果纠正)",
}


def metric_columns() -> dict[str, str]:
    cols = {m.name: f"{m.zh} · {m.en}" for m in METRICS}
    cols.update({name: f"{zh} · {en} (fraction 0–1)" for name, (_, zh, en) in RATES.items()})
    return cols


REPORT_METRICS_COLUMNS = {**IDENTITY, **metric_columns(), **DERIVED}

TABLES: dict[str, tuple[str, str, dict[str, str]]] = {
    "report_metrics": (
        "报告指标 · Reports and key metrics",
        "每份报告一行：主要指标、比率与同比变化。One row per report (agency × year) with its key figures, the rates of formats.md §4.4 and year-over-year changes. Figures come from the current extraction; blank means not printed, never zero.",
        REPORT_METRICS_COLUMNS,
    ),
    "district_year_metrics": (
        "地区年度汇总 · District × year totals",
        "按地区与年度汇总的主要指标（各报告已印数字之和）。Key counts summed over the reports of each district and year (sums of printed figures).",
        {
            "district_code": IDENTITY["district_code"],
            "district": IDENTITY["district"],
            "year": IDENTITY["year"],
            "reports": "报告数 · reports in the archive",
            **{m.name: f"{m.zh}（合计）· {m.en}, summed" for m in METRICS},
            "disclosure_rate": "公开率 · (granted + partially granted) / requests handled, over the district",
            "law_firm_share": "法律服务机构申请占比 · law firms / new requests, over the district",
        },
    ),
    "portals": (
        "门户 · Portals",
        "抓取的政府门户网站。Government portals crawled (crawler/portals.yml).",
        {
            "id": "门户编号 · portal id",
            "district_code": IDENTITY["district_code"],
            "district": IDENTITY["district"],
            "level": "层级 · administrative level",
            "family": "网站系统 · CMS family",
            "listing_urls": "栏目链接 · listing URLs (JSON)",
        },
    ),
    "agencies": (
        "机关 · Agencies",
        "发布报告的行政机关，跨年度保持同一编号。Publishing bodies, one identity across years; renames and merges are aliases.",
        {
            "id": "机关编号 · agency id",
            "portal_id": IDENTITY["portal_id"],
            "name": "名称 · name as first printed",
            "district_code": IDENTITY["district_code"],
            "district": IDENTITY["district"],
        },
    ),
    "agency_aliases": (
        "机关别名 · Agency aliases",
        "更名、合并后的名称。Other printed names of an agency (renames, merges, spellings), curated with `xxgk alias`.",
        {
            "id": "编号 · id",
            "agency_id": IDENTITY["agency_id"],
            "portal_id": IDENTITY["portal_id"],
            "alias": "别名 · the other name",
            "relation": "关系 · rename | merge | spelling",
            "note": "备注 · note",
        },
    ),
    "alias_suggestions": (
        "可能的更名 · Possible renames",
        "同一门户上一机关停止发布、名称相近的机关次年或隔年开始发布：可能是更名，需人工核实后用命令记录。"
        "Agencies that stop publishing when a similarly named one starts the next year or the"
        " one after — likely renames, never merged until a person runs the command.",
        {
            "portal": IDENTITY["portal_id"],
            "alias": "停止发布的名称 · the name that stops",
            "agency": "开始发布的名称 · the name that starts",
            "alias_years": "旧名年度 · years under the old name",
            "agency_years": "新名年度 · years under the new name",
            "similarity": "名称相似度 · name similarity, 0–1",
            "command": "记录命令 · the command that records it as an alias",
        },
    ),
    "crawls": (
        "抓取批次 · Crawl runs",
        "每次抓取一行。One row per crawl run, with its summary.",
        {
            "id": "批次 · run id",
            "started_at": "开始时间 · started (UTC)",
            "finished_at": "结束时间 · finished (UTC)",
            "code_version": "代码版本 · crawler code version",
            "summary": "摘要 · crawl summary (JSON)",
        },
    ),
    "documents": (
        "文件 · Documents",
        "每个唯一文件一行（按 sha256）。One row per unique set of bytes.",
        {
            "sha256": "文件哈希 · sha256 of the bytes",
            "size": "大小 · bytes",
            "content_type": "类型 · content type the server gave on first fetch",
            "first_seen_at": "首次抓取 · first fetched (UTC)",
        },
    ),
    "fetches": (
        "抓取记录 · Fetches",
        "每次抓取一行，只增不改。Every fetch, append-only: the provenance of each document.",
        {
            "id": "编号 · id",
            "crawl_id": "批次 · crawl run",
            "portal_id": IDENTITY["portal_id"],
            "url": "链接 · URL requested",
            "final_url": "最终链接 · URL after redirects",
            "method": "方法 · HTTP method",
            "status": "状态码 · HTTP status",
            "fetched_at": "抓取时间 · fetched (UTC)",
            "content_type": "类型 · Content-Type header",
            "etag": "实体标签 · ETag header",
            "last_modified": "最后修改 · Last-Modified header",
            "referer": "来源页 · referring page",
            "link_text": "链接文字 · link text on the referring page",
            "sha256": "文件哈希 · sha256 of the bytes stored (null if none)",
            "size": "大小 · bytes",
            "role": "角色 · listing | report | attachment | robots | other",
            "parent_url": "所属报告页 · for an attachment, its report page",
            "title": "标题 · title the listing or page gave",
            "agency_hint": "机关提示 · agency the listing or page named",
            "year_hint": "年度提示 · year the listing or page named",
            "not_modified": "未修改 · 1 for a 304 answer",
            "error": "错误 · why nothing was stored",
            "paused": "暂停 · why the portal was paused",
        },
    ),
    "extractions": (
        "提取记录 · Extractions",
        "每个文件 × 提取器版本一行；失败也记录原因。One row per document × extractor version; failures recorded with their reason.",
        {
            "id": "编号 · id",
            "sha256": "文件哈希 · document",
            "extractor_version": "提取器版本 · extract.EXTRACTOR_VERSION",
            "extracted_at": "提取时间 · extracted (UTC)",
            "ok": "成功 · 1 read, 0 failed",
            "failure": "失败原因 · one-line reason the document could not be read",
            "failure_kind": "失败类型 · unreadable | timeout | memory | crash | error",
            "agency": "机关 · agency found in the document",
            "year": "年度 · report year found in the document",
            "format": IDENTITY["format"],
            "title": "标题 · title found in the document",
            "kind": "文件类型 · html | pdf | docx | doc | image | text …",
            "reader": "读取器 · reader used",
            "encoding": "编码 · text encoding",
            "agency_source": "机关来源 · where the agency was found",
            "year_source": "年度来源 · where the year was found",
            "format_source": "格式来源 · how the format was decided",
            "warnings": "警告 · extractor warnings (JSON)",
        },
    ),
    "cells": (
        "单元格 · Cells",
        "表二、表三、表四的每个单元格（长表），键名与契约一致。Every table cell, long form, contract keys verbatim.",
        {
            "id": "编号 · id",
            "extraction_id": IDENTITY["extraction_id"],
            "table": "表 · table: t2 | t3 | t4",
            "row": "行 · contract row key",
            "col": "列 · contract column key",
            "value": "数值 · integer or decimal; null when printed blank",
            "kind": "值类型 · number | zero | blank | na | text",
            "raw": "原文 · the printed cell text",
            "note": "注 · note printed in the cell",
            "unit": "单位 · unit printed in the cell",
            "confidence": "置信度 · extractor confidence 0–1",
            "source": "出处 · provenance: reader, page/line, cell (JSON)",
        },
    ),
    "checks": (
        "校验 · Checks",
        "报告自身的勾稽关系。The report's own arithmetic identities and whether they hold.",
        {
            "id": "编号 · id",
            "extraction_id": IDENTITY["extraction_id"],
            "rule": "规则 · t3_balance | t3_row_total | t3_results_total | t4_total",
            "row": "行 · row checked",
            "col": "列 · column checked",
            "ok": "通过 · 1 holds, 0 fails, null when cells are missing or printed blank",
            "expected": "应为 · expected value",
            "actual": "实际 · printed value",
            "missing": "缺失单元格 · cells missing for the check (JSON)",
            "blank": "空白单元格 · cells printed blank that leave the check undecided (JSON)",
        },
    ),
    "sections": (
        "正文 · Narrative sections",
        "报告正文的六个部分，可全文检索（3 字及以上用全文索引，1–2 字见 search_sections 查询）。The six narrative sections; full-text search for 3+ characters, the search_sections query for 1–2.",
        {
            "id": "编号 · id",
            "extraction_id": IDENTITY["extraction_id"],
            "section": "部分 · overview | proactive | requests | review_litigation | problems | other",
            "body": "正文 · text",
        },
    ),
    "reports": (
        "报告 · Reports",
        "每个机关 × 报告年度一行，含首次/最近抓取与状态。One per agency × report year: first and last seen, status.",
        {
            "id": "报告编号 · report id",
            "agency_id": IDENTITY["agency_id"],
            "year": IDENTITY["year"],
            "url": IDENTITY["url"],
            "first_seen_at": IDENTITY["first_seen_at"],
            "last_seen_at": IDENTITY["last_seen_at"],
            "revised_at": IDENTITY["revised_at"],
            "removed_at": IDENTITY["removed_at"],
            "removal_candidate_at": IDENTITY["removal_candidate_at"],
            "status": IDENTITY["status"],
        },
    ),
    "report_documents": (
        "报告文件 · Report documents",
        "报告的各个文件：页面与附件（孪生），每个版本一行。The HTML page and attachment twins of a report, each version.",
        {
            "id": "编号 · id",
            "report_id": IDENTITY["report_id"],
            "sha256": "文件哈希 · document",
            "url": "链接 · where it was fetched",
            "role": "角色 · report (page) | attachment",
            "version": "版本 · 1, 2, … per URL in order of first sighting",
            "first_seen_at": "首次抓取 · first fetched (UTC)",
            "last_seen_at": "最近抓取 · last fetched (UTC)",
        },
    ),
    "crosswalk": (
        "指标对照 · Crosswalk of comparable metrics",
        "2019、2021 与 2019 年以前格式之间可比指标的对照及注意事项。Which cell carries a comparable metric in each template, and the caveats (formats.md §4).",
        {
            "id": "编号 · id",
            "metric_id": "指标 · metric id",
            "label_zh": "中文名 · Chinese label",
            "label_en": "英文名 · English label",
            "format": IDENTITY["format"],
            "table": "表 · contract table (null: no such cell in this format)",
            "row": "行 · contract row",
            "col": "列 · contract column",
            "source_text": "旧格式来源 · the pre-2019 line that carried it",
            "caveat": "注意 · what to read before comparing",
        },
    ),
    "archive_info": (
        "档案信息 · Archive information",
        "构建记录的设置。Settings recorded by the build (e.g. the data directory).",
        {"key": "键 · key", "value": "值 · value"},
    ),
}

VIEW_TABLES: dict[str, tuple[str, str, dict[str, str]]] = {
    "current_extractions": (
        "当前提取 · Current extractions",
        "每份报告当前采用的提取结果。For each report, the extraction that speaks for it now (newest, with cells).",
        {
            "report_id": IDENTITY["report_id"],
            "extraction_id": IDENTITY["extraction_id"],
            "sha256": IDENTITY["sha256"],
            "url": "链接 · URL of that document",
            "role": "角色 · report (page) | attachment",
            "n_cells": "单元格数 · cells extracted",
        },
    ),
    "current_cells": (
        "当前单元格 · Current cells",
        "当前提取的全部单元格及报告信息。Every cell of each report's current extraction.",
        {
            "report_id": IDENTITY["report_id"],
            "agency": IDENTITY["agency"],
            "district": IDENTITY["district"],
            "year": IDENTITY["year"],
            "format": IDENTITY["format"],
            "table": "表 · table: t2 | t3 | t4",
            "row": "行 · contract row key",
            "col": "列 · contract column key",
            "value": "数值 · value (null: printed blank)",
            "kind": "值类型 · number | zero | blank | na | text",
            "raw": "原文 · printed text",
            "extraction_id": IDENTITY["extraction_id"],
            "sha256": IDENTITY["sha256"],
        },
    ),
    "coverage": (
        "覆盖 · Coverage",
        "机关 × 年度：是否发布报告。Which agency published for which year.",
        {
            k: IDENTITY[k]
            for k in (
                "agency_id",
                "agency",
                "district",
                "portal_id",
                "year",
                "status",
                "first_seen_at",
                "report_id",
            )
        },
    ),
    "coverage_matrix": (
        "覆盖矩阵 · Coverage matrix",
        "机关 × 年度矩阵；空白表示档案中没有该年度报告。Agency × year; blank = no report in the archive for that year.",
        {
            "agency_id": IDENTITY["agency_id"],
            "agency": IDENTITY["agency"],
            "district": IDENTITY["district"],
            **{
                f"y{y}": f"{y}年度 · status of the {y} report (blank: none)"
                for y in range(2014, 2026)
            },
        },
    ),
    "report_yoy": (
        "同比 · Year over year",
        "与同一机关上一份报告的比较（窗口函数）。Each report against the agency's previous report.",
        {
            k: REPORT_METRICS_COLUMNS[k]
            for k in [
                "report_id",
                "agency_id",
                "agency",
                "district",
                "year",
                "prev_year",
                "new_received",
                "prev_new_received",
                "new_received_change",
                "new_received_change_pct",
                "disclosure_rate",
                "prev_disclosure_rate",
                "disclosure_rate_change",
                "carried_over",
                "prev_carried_forward",
                "backlog_matches",
            ]
        },
    ),
    "crosswalk_values": (
        "可比指标值 · Crosswalked values",
        "按对照表取出的可比指标。Current cells mapped to comparable metrics, with caveats.",
        {
            "report_id": IDENTITY["report_id"],
            "agency": IDENTITY["agency"],
            "district": IDENTITY["district"],
            "year": IDENTITY["year"],
            "format": IDENTITY["format"],
            "metric_id": "指标 · metric id",
            "label_zh": "中文名 · Chinese label",
            "value": "数值 · value",
            "kind": "值类型 · number | zero | blank | na | text",
            "caveat": "注意 · caveat",
        },
    ),
    "unplaced_documents": (
        "未归档文件 · Unplaced documents",
        "抓取到但未能确定机关或年度的文件。Documents fetched as reports whose agency or year could not be found.",
        {
            "sha256": "文件哈希 · document",
            "url": "链接 · URL",
            "role": "角色 · report | attachment",
            "title": "标题 · title given",
            "agency_hint": "机关提示 · agency hint",
            "year_hint": "年度提示 · year hint",
            "fetched_at": "抓取时间 · fetched (UTC)",
            "agency": "机关 · agency found by the extractor",
            "year": "年度 · year found by the extractor",
            "ok": "成功 · extraction read the document",
            "failure": "失败原因 · failure reason",
        },
    ),
    "failed_extractions": (
        "提取失败 · Failed extractions",
        "无法读取的文件及原因。Documents the extractor could not read, with the reason.",
        {
            "id": "编号 · extraction id",
            "sha256": "文件哈希 · document",
            "extractor_version": "提取器版本 · extractor version",
            "extracted_at": "提取时间 · when",
            "failure_kind": "失败类型 · kind",
            "failure": "失败原因 · reason",
            "url": "链接 · first URL it was fetched from",
        },
    ),
    **SEASON_VIEW_TABLES,
}

HIDDEN = ["_sqlite_migrations"] + [
    f"sections_fts{s}" for s in ("", "_config", "_data", "_docsize", "_idx")
]


def _refusal_grounds_sql() -> str:
    parts = [
        f"select year, '{zh}' as ground_zh, '{key}' as ground, sum({key}) as requests"
        " from district_year_metrics where (:district = '' or district = :district) group by year"
        for key, zh, _ in WITHHELD
    ]
    return "\nunion all\n".join(parts) + "\norder by year, requests desc"


QUERIES: dict[str, dict[str, Any]] = {
    "most_requests": {
        "title": "1. 哪些机关收到的申请最多？· Most requests this year, and the change",
        "description": "按本年新收申请数排序，并与上一份报告比较。Agencies by new requests in a year (default: latest), with the change from their previous report. Leave district empty for all.",
        # two branches so that each can use its own index (an OR would defeat both)
        "sql": f"""select * from (
  select agency, district, year, new_received, prev_new_received, new_received_change,
    new_received_change_pct, url, archived_copy
  from report_metrics
  where :district = '' and year = {LATEST_YEAR} and new_received is not null
  order by new_received desc limit 100)
union all
select * from (
  select agency, district, year, new_received, prev_new_received, new_received_change,
    new_received_change_pct, url, archived_copy
  from report_metrics
  where :district != '' and district = :district and year = {LATEST_YEAR}
    and new_received is not null
  order by new_received desc limit 100)""",
    },
    "disclosure_rate_trend": {
        "title": "2. 公开率的变化 · Disclosure rate by agency over the years",
        "description": "公开率 = (予以公开 + 部分公开) / 办理结果总计。(granted + partially granted) / requests handled, per agency and year. Filter by district and part of the agency name.",
        "sql": """select district, agency, year, granted, partially_granted, total_handled,
  disclosure_rate, disclosure_rate_change, archived_copy
from report_metrics
where (:district = '' or district = :district)
  and (:agency = '' or agency like '%' || :agency || '%')
  and total_handled > 0
order by district, agency, year
limit 1000""",
    },
    "district_disclosure_rate": {
        "title": "2b. 各地区公开率 · Disclosure rate by district and year",
        "description": "按地区汇总的公开率。Disclosure rate over all reports of a district, per year.",
        "sql": """select district, year, reports, granted, partially_granted, total_handled, disclosure_rate
from district_year_metrics
where (:district = '' or district = :district)
order by district, year
limit 1000""",
    },
    "not_held": {
        "title": "3. 本机关不掌握 · How often agencies answer 'not held'",
        "description": "不掌握占比 = 本机关不掌握 / 办理结果总计，仅列办理数不少于 min_handled（默认 10）的报告。Share of requests answered 本机关不掌握, for reports with at least min_handled requests handled.",
        "sql": f"""select agency, district, year, unavailable_not_held, total_handled, not_held_share, archived_copy
from report_metrics
where year = {LATEST_YEAR}
  and total_handled >= coalesce(cast(nullif(:min_handled, '') as integer), 10)
  and unavailable_not_held is not null
order by not_held_share desc, total_handled desc
limit 100""",
    },
    "refusal_grounds": {
        "title": "4. 不予公开的理由 · Which refusal grounds are used, by year",
        "description": "各年度不予公开理由的件数（已印数字之和）。Requests withheld on each ground per year, summed over the district (or all).",
        "sql": _refusal_grounds_sql(),
    },
    "not_processed": {
        "title": "5. 不予处理（信访、重复、大量反复）· Requests brushed off",
        "description": "按不予处理件数排序。Agencies by requests not processed (petition, duplicate, mass repeated …) in a year.",
        "sql": f"""select agency, district, year, rejected_petition, rejected_duplicate, rejected_excessive,
  rejected_total, total_handled,
  round(rejected_total * 1.0 / nullif(total_handled, 0), 4) as rejected_share, archived_copy
from report_metrics
where year = {LATEST_YEAR} and rejected_total > 0
order by rejected_total desc
limit 100""",
    },
    "applicants": {
        "title": "6. 谁在申请 · Who files: individuals, companies, law firms",
        "description": "各年度新收申请按申请人类型。New requests by applicant type per year, and the law-firm share.",
        "sql": """select year, sum(reports) as reports, sum(new_received) as new_received,
  sum(applicants_natural_person) as natural_person, sum(applicants_commercial) as commercial,
  sum(applicants_research) as research, sum(applicants_social_welfare) as social_welfare,
  sum(applicants_legal_services) as legal_services, sum(applicants_other_org) as other_org,
  round(sum(applicants_legal_services) * 1.0 / nullif(sum(new_received), 0), 4) as law_firm_share
from district_year_metrics
where (:district = '' or district = :district)
group by year
order by year""",
    },
    "review_litigation": {
        "title": "7. 行政复议与诉讼：机关输了多少 · Reviews, lawsuits and how often the agency lost",
        "description": "结果纠正 = 机关败诉。Reviews and lawsuits in a year; corrected = the agency lost.",
        "sql": f"""select agency, district, year, review_total, review_corrected, review_correction_rate,
  suit_total, suit_corrected, litigation_loss_rate, lost_total, archived_copy
from report_metrics
where year = {LATEST_YEAR}
  and (coalesce(review_total, 0) + coalesce(suit_total, 0)) > 0
order by lost_total desc, review_total desc
limit 100""",
    },
    "backlog_mismatch": {
        "title": "8. 结转不一致 · Carried over ≠ last year's carried forward",
        "description": "本年“上年结转”与上一年报告“结转下年度”不相等的报告。Reports whose carried-over count differs from the previous year's carried-forward count.",
        "sql": f"""select agency, district, year, carried_over, prev_carried_forward,
  carried_over - prev_carried_forward as difference, archived_copy
from report_metrics
where year = {LATEST_YEAR} and backlog_matches = 0
order by abs(carried_over - prev_carried_forward) desc
limit 200""",
    },
    "failed_checks": {
        "title": "9. 自身勾稽不符的报告 · Reports that fail their own arithmetic",
        "description": "勾稽关系不成立的报告（year 为空时为最新年度）。Reports with failing checks in a year (default: latest).",
        "sql": f"""select agency, district, year, checks_failed, checks_total, failed_rules, archived_copy
from report_metrics
where year = {LATEST_YEAR} and checks_failed > 0
order by checks_failed desc
limit 200""",
    },
    "missing_this_year": {
        "title": "10. 去年发布、今年没有 · Published last year but not this year",
        "description": "上一年度有报告而本年度没有的机关。Agencies with a report for year − 1 and none for year (default: latest).",
        "sql": f"""select prev.agency, prev.district, prev.year as last_year, prev.url, prev.archived_copy
from report_metrics prev
where prev.year = {LATEST_YEAR} - 1
  and not exists (select 1 from report_metrics cur
                  where cur.agency_id = prev.agency_id and cur.year = prev.year + 1)
order by prev.district, prev.agency
limit 500""",
    },
    "published_late": {
        "title": "10b. 逾期发布 · Published after the legal deadline",
        "description": "首次抓取晚于法定期限（默认次年 3 月 31 日；部门为 1 月 31 日）。首次抓取只是发布时间的上限，仅当抓取在发布季进行时才有意义。First sighting after the deadline (default 31 March of the next year; departments 31 January). First sighting is an upper bound on publication: meaningful only for crawls run during the season.",
        "sql": f"""select agency, district, year, first_seen_at,
  coalesce(nullif(:deadline, ''), ({LATEST_YEAR} + 1) || '-03-31') as deadline, url, archived_copy
from report_metrics
where year = {LATEST_YEAR}
  and first_seen_at > coalesce(nullif(:deadline, ''), ({LATEST_YEAR} + 1) || '-03-31') || 'T23:59:59Z'
order by first_seen_at desc
limit 500""",
    },
    "revised_removed": {
        "title": "11. 发布后被修改或删除的报告 · Reports revised or removed after publication",
        "description": "状态为 revised（出现新版本）、removal_candidate（一次 404/410 或不再列出）或 removed（两天以上确认 404/410）的报告及时间。Reports with a changed version, possibly or confirmed gone from their portal, and when.",
        "sql": """select agency, district, year, status, first_seen_at, revised_at, removed_at, versions,
  url, archived_copy
from report_metrics
where changed_at is not null
order by changed_at desc
limit 500""",
    },
    "report_cells": {
        "title": "报告的全部单元格 · Every cell of one report, with its printed text and source",
        "description": "核对数字：当前提取的每个单元格、原文与出处。Check a figure: each cell of the report's current extraction, the text as printed and where it was read.",
        "sql": """select c."table", c.row, c.col, c.value, c.kind, c.raw, c.note, c.unit, c.source
from report_metrics rm
join cells c on c.extraction_id = rm.extraction_id
where rm.report_id = cast(:report_id as integer)
order by c.id""",
    },
    "search_sections": {
        "title": "12. 全文检索 · Search the narrative",
        "description": "3 个字及以上用全文索引（trigram），1–2 个字用 LIKE。Full-text search of the narrative sections: trigram index for 3+ characters, LIKE for 1–2 (e.g. 复议, 预算).",
        "sql": """select rm.agency, rm.district, rm.year, s.section,
  snippet(sections_fts, -1, '[', ']', '…', 20) as snippet, rm.archived_copy
from sections s
join sections_fts on sections_fts.rowid = s.rowid
join report_metrics rm on rm.extraction_id = s.extraction_id
where length(:q) >= 3 and sections_fts match '"' || replace(:q, '"', '') || '"'
union all
select rm.agency, rm.district, rm.year, s.section,
  substr(s.body, max(instr(s.body, :q) - 20, 1), 60) as snippet, rm.archived_copy
from sections s
join report_metrics rm on rm.extraction_id = s.extraction_id
where length(:q) between 1 and 2 and s.body like '%' || :q || '%'
limit 200""",
    },
    **SEASON_QUERIES,
}


def metadata() -> dict[str, Any]:
    """The whole metadata.yml as a dict."""
    tables: dict[str, Any] = {}
    for name, (title, description, columns) in {**TABLES, **VIEW_TABLES}.items():
        entry: dict[str, Any] = {
            "title": title,
            "description": description,
            "columns": dict(columns),
        }
        tables[name] = entry
    tables["report_metrics"].update(
        {
            "facets": ["district", "agency", "year", "format", "status"],
            "sort_desc": "year",
            "label_column": "agency",
        }
    )
    tables["district_year_metrics"]["facets"] = ["district", "year"]
    tables["cells"]["facets"] = ["table", "kind"]
    tables["coverage"]["facets"] = ["district", "year", "status"]
    tables["coverage_matrix"]["facets"] = ["district"]
    tables["crosswalk"]["facets"] = ["format", "metric_id"]
    tables["sections"].update({"fts_table": "sections_fts", "fts_pk": "id", "searchmode": "raw"})
    tables["sections"]["facets"] = ["section"]
    tables["fetches"]["facets"] = ["role", "status", "portal_id"]
    tables["extractions"]["facets"] = ["ok", "format", "kind"]
    tables["crawl_portal_runs"]["facets"] = ["portal_id", "outcome"]
    tables["portal_health"]["facets"] = ["health", "district"]
    for name in HIDDEN:
        tables[name] = {"hidden": True}
    return {
        "title": "xxgk-archive · 政府信息公开工作年度报告档案",
        "description_html": (
            "<p>An archive of Chinese government information-disclosure annual reports "
            "(政府信息公开工作年度报告): every table cell with its provenance, the reports' own "
            "arithmetic checks, and their narrative, year over year. Start with "
            '<a href="/xxgk/report_metrics">report_metrics</a> or the canned queries below. '
            'Subscribe: <a href="/-/feeds/all.atom">Atom feed</a> of new, revised, late, missing '
            "and removed reports (one per district: /-/feeds/&lt;district&gt;.atom); crawl health: "
            '<a href="/xxgk/portal_health">portal_health</a>.</p>\n'
            "<p>政府信息公开工作年度报告数据档案：表二、表三、表四的每一个单元格及其出处、报告自身的勾稽校验与正文。"
            "空白表示报告未填写，不等于 0。</p>"
        ),
        "license": "CC BY 4.0 (data compiled from public reports)",
        "license_url": "https://creativecommons.org/licenses/by/4.0/",
        "source": "District government portals (政府信息公开年报 columns)",
        "source_url": "https://github.com/xxgk-archive",
        "databases": {
            "xxgk": {
                "title": "年报档案 · The archive",
                "description": "报告、单元格、校验与正文；下方的查询回答记者最常问的问题。Reports, cells, checks and narrative; the queries below answer the questions journalists ask most.",
                "tables": tables,
                "queries": QUERIES,
            }
        },
    }


def render() -> str:
    header = "# Generated by `python -m archive.site_metadata > metadata.yml`: edit archive/site_metadata.py.\n"
    return header + yaml.safe_dump(metadata(), allow_unicode=True, sort_keys=False, width=100)


if __name__ == "__main__":  # pragma: no cover
    sys.stdout.write(render())
