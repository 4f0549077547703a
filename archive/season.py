"""The season's views: how each crawl went per portal (run health), and —
from the crawl history — whether each agency published on time, late, or not
at all. Plain SQL views over the observations (``crawls``, ``fetches``,
``reports``), registered in ``archive.views.VIEWS`` so that every build
creates them.

* ``crawl_portal_runs`` — one row per crawl run × portal, from the run's
  summary (``crawls/<run>.json``): pages, reports found, new, revised
  (bytes changed), unchanged, removed candidates (report pages that answered
  404/410 in the run), errors, WAF pauses (fetches that paused the portal),
  duration (first to last fetch), and an outcome ``ok`` / ``paused`` /
  ``failed`` with its reason.
* ``portal_health`` — one row per portal: its last crawl and outcome, the
  last successful crawl, and how many crawls failed or paused since.
* ``publication_status`` — one row per agency × report year: ``on_time``,
  ``late``, ``missing`` or ``unknown``, judged on crawl days. A crawl's day
  is the day ``xxgk update`` ran it for (``--today``), else the day it
  started; a run without per-portal figures in its summary counts as
  successful for a portal when it read one of its listings. The legal deadline is 31 January of the following year for
  departments and 31 March for governments (names ending 人民政府, 镇, 乡; 街道, 管委会):

  - ``on_time``: first seen on a crawl on or before the deadline;
  - ``late``: first seen after the deadline, and a successful crawl of the
    portal after the deadline and before that sighting did not see it (so it
    was not there on the deadline day);
  - ``missing``: the agency published the previous year, nothing for this
    year, and a successful crawl of its portal ran after the deadline;
  - ``unknown``: first seen after the deadline without such a crawl (we did
    not look in time), or no successful crawl after the deadline yet.

  Years whose deadline no crawl has passed yet are not listed.
"""

from __future__ import annotations

from typing import Any

OUTCOME = """case
    when coalesce(json_extract(v, '$.paused'), 0) then 'paused'
    when coalesce(json_extract(v, '$.pages'), 0) = 0 then 'failed'
    when coalesce(json_extract(v, '$.errors'), 0) > 0
         and coalesce(json_extract(v, '$.reports_found'), 0) = 0 then 'failed'
    else 'ok' end"""

REASON = """case
    when coalesce(json_extract(v, '$.paused'), 0)
        then coalesce(json_extract(v, '$.paused_reason'), 'paused')
    when coalesce(json_extract(v, '$.pages'), 0) = 0 then 'no page answered'
    when coalesce(json_extract(v, '$.errors'), 0) > 0
         and coalesce(json_extract(v, '$.reports_found'), 0) = 0
        then json_extract(v, '$.errors') || ' errors and no report found'
    end"""

GOVERNMENT = (
    "(a.name like '%人民政府' or a.name like '%街道%' or a.name like '%镇'"
    " or a.name like '%乡' or a.name like '%管委会%' or a.name like '%管理委员会%')"
)


def _deadline(year: str) -> str:
    return f"({year} + 1) || case when al.level = 'government' then '-03-31' else '-01-31' end"


SEASON_VIEWS = {
    "crawl_portal_runs": f"""
with runs as (
    select c.id as crawl_id, c.started_at, c.finished_at, j.key as portal_id, j.value as v,
           json_extract(c.summary, '$.update.today') as update_day
    from crawls c, json_each(c.summary, '$.portals') j
    where c.summary is not null and json_valid(c.summary)
),
fx as (
    select crawl_id, portal_id, min(fetched_at) as first_fetch, max(fetched_at) as last_fetch,
           sum(role = 'report' and status in (404, 410)) as gone,
           sum(paused is not null) as pauses
    from fetches group by crawl_id, portal_id
)
select r.crawl_id, r.portal_id, r.started_at, r.finished_at, r.update_day,
       json_extract(v, '$.pages') as pages,
       json_extract(v, '$.reports_found') as reports_found,
       json_extract(v, '$.new') as new,
       json_extract(v, '$.changed') as revised,
       json_extract(v, '$.unchanged') as unchanged,
       coalesce(fx.gone, 0) as removed_candidates,
       json_extract(v, '$.errors') as errors,
       coalesce(fx.pauses, 0) as waf_pauses,
       round((julianday(fx.last_fetch) - julianday(fx.first_fetch)) * 86400, 1) as duration_s,
       {OUTCOME} as outcome,
       {REASON} as reason
from runs r left join fx on fx.crawl_id = r.crawl_id and fx.portal_id = r.portal_id
""",
    "portal_health": """
with ranked as (
    select *, row_number() over (partition by portal_id order by crawl_id desc) as rn
    from crawl_portal_runs
),
last_ok as (
    select portal_id, max(crawl_id) as crawl_id, max(finished_at) as finished_at
    from crawl_portal_runs where outcome = 'ok' group by portal_id
)
select p.id as portal_id, p.district, p.family,
       coalesce(l.outcome, 'never crawled') as health,
       l.reason, l.crawl_id as last_crawl_id, l.finished_at as last_crawl_at,
       ok.crawl_id as last_success_crawl_id, ok.finished_at as last_success_at,
       (select count(*) from crawl_portal_runs r where r.portal_id = p.id
          and r.outcome != 'ok' and r.crawl_id > coalesce(ok.crawl_id, '')) as failed_since_success,
       l.pages, l.reports_found, l.new, l.revised, l.removed_candidates, l.errors, l.waf_pauses,
       l.duration_s
from portals p
left join ranked l on l.portal_id = p.id and l.rn = 1
left join last_ok ok on ok.portal_id = p.id
""",
    "publication_status": f"""
with run_days as (
    select f.crawl_id, f.portal_id,
           coalesce(case when json_valid(c.summary) then json_extract(c.summary, '$.update.today')
                    end, substr(c.started_at, 1, 10),
                    substr(min(f.fetched_at), 1, 10)) as day,
           case when h.outcome is not null then h.outcome
                when sum(f.role = 'listing' and f.status in (200, 304)) > 0 then 'ok'
                else 'failed' end as outcome
    from fetches f
    join crawls c on c.id = f.crawl_id
    left join crawl_portal_runs h on h.crawl_id = f.crawl_id and h.portal_id = f.portal_id
    where f.portal_id is not null
    group by f.crawl_id, f.portal_id
),
ok_days as (select portal_id, day from run_days where outcome = 'ok'),
agency_level as (
    select a.id as agency_id, a.name as agency, a.district, a.portal_id,
           case when {GOVERNMENT} then 'government' else 'department' end as level
    from agencies a
),
seen as (
    select r.id as report_id, r.agency_id, r.year, min(d.day) as first_seen_day
    from reports r
    join report_documents rd on rd.report_id = r.id
    join fetches f on f.url = rd.url and f.sha256 = rd.sha256
    join run_days d on d.crawl_id = f.crawl_id and d.portal_id = f.portal_id
    group by r.id
),
published as (
    select al.*, s.year, {_deadline("s.year")} as deadline, s.report_id, s.first_seen_day
    from seen s join agency_level al on al.agency_id = s.agency_id
),
absent as (
    select al.*, p.year + 1 as year, {_deadline("p.year + 1")} as deadline
    from published p join agency_level al on al.agency_id = p.agency_id
    where not exists (select 1 from reports r where r.agency_id = p.agency_id
                      and r.year = p.year + 1)
)
select agency_id, agency, district, portal_id, level, year, deadline,
       case when first_seen_day <= deadline then 'on_time'
            when exists (select 1 from ok_days o where o.portal_id = p.portal_id
                         and o.day > p.deadline and o.day < p.first_seen_day) then 'late'
            else 'unknown' end as status,
       first_seen_day, report_id, first_seen_day as status_day
from published p
union all
select agency_id, agency, district, portal_id, level, year, deadline,
       case when exists (select 1 from ok_days o where o.portal_id = x.portal_id
                         and o.day > x.deadline) then 'missing'
            else 'unknown' end as status,
       null as first_seen_day, null as report_id,
       (select min(o.day) from ok_days o where o.portal_id = x.portal_id
        and o.day > x.deadline) as status_day
from absent x
where exists (select 1 from run_days d where d.portal_id = x.portal_id and d.day > x.deadline)
""",
}

STATUS_COLUMNS = {
    "agency_id": "机关编号 · agency id",
    "agency": "机关 · agency",
    "district": "地区 · district",
    "portal_id": "门户 · portal id",
    "level": "类别 · government (deadline 31 March) | department (31 January)",
    "year": "报告年度 · report year",
    "deadline": "法定期限 · legal deadline (the following year)",
    "status": "状态 · on_time | late | missing | unknown (we did not crawl in time)",
    "first_seen_day": "首次发现日 · day of the crawl that first saw it",
    "report_id": "报告编号 · report id (blank when missing)",
    "status_day": "判定日 · day the status became known: first sighting, or for missing the first successful crawl after the deadline",
}

CHANGE_COLUMNS = {
    "id": "编号 · id",
    "report_id": "报告编号 · report id",
    "agency": "机关 · agency",
    "district": "地区 · district",
    "year": "报告年度 · report year",
    "url": "链接 · the document that changed (page or attachment)",
    "from_version": "原版本 · version before",
    "to_version": "新版本 · version after",
    "from_sha256": "原文件 · document before (archived copy: /-/original/<sha256>)",
    "to_sha256": "新文件 · document after",
    "changed_at": "发现时间 · first sighting of the new version (UTC)",
    "kind": "类型 · cell (a figure changed) | section (narrative text changed) | unreadable (bytes changed, one version could not be read)",
    "table": "表 · table of the changed cell",
    "row": "行 · row key",
    "col": "列 · column key",
    "old_value": "原值 · value before (blank: not printed)",
    "new_value": "新值 · value after (blank: not printed)",
    "old_raw": "原文 · text printed before",
    "new_raw": "新文 · text printed after",
    "section": "部分 · section whose text changed",
    "diff": "文本差异 · unified diff of the section, one sentence a line (- before, + after)",
}

HEALTH_COLUMNS = {
    "crawl_id": "抓取批次 · crawl run id (crawls.id)",
    "portal_id": "门户 · portal id",
    "started_at": "开始 · run started (UTC)",
    "finished_at": "结束 · run finished (UTC)",
    "update_day": "更新日 · the day `xxgk update` counted the run for (blank for a plain crawl)",
    "pages": "页面数 · responses received",
    "reports_found": "发现报告 · report documents seen",
    "new": "新增 · report URLs never fetched before",
    "revised": "变更 · report URLs whose bytes changed",
    "unchanged": "未变 · report URLs with the same bytes",
    "removed_candidates": "疑似删除 · report pages answering 404/410 in this run (candidates, not yet removed)",
    "errors": "错误 · failed fetches (timeouts, 5xx, refused)",
    "waf_pauses": "拦截暂停 · fetches that paused the portal (WAF, captcha, 403, 429)",
    "duration_s": "耗时（秒）· seconds from first to last fetch",
    "outcome": "结果 · ok | paused (blocked) | failed (nothing answered, or only errors)",
    "reason": "原因 · why it paused or failed",
}

PORTAL_HEALTH_COLUMNS = {
    "portal_id": HEALTH_COLUMNS["portal_id"],
    "district": "地区 · district",
    "family": "系统类型 · CMS family",
    "health": "状态 · the last crawl's outcome: ok | paused | failed | never crawled",
    "reason": HEALTH_COLUMNS["reason"],
    "last_crawl_id": "最近抓取 · last crawl run",
    "last_crawl_at": "最近抓取时间 · when it finished (UTC)",
    "last_success_crawl_id": "最近成功抓取 · last crawl run that went well",
    "last_success_at": "最近成功时间 · when it finished (UTC)",
    "failed_since_success": "连续失败 · crawls paused or failed since the last success",
    **{
        k: HEALTH_COLUMNS[k]
        for k in (
            "pages",
            "reports_found",
            "new",
            "revised",
            "removed_candidates",
            "errors",
            "waf_pauses",
            "duration_s",
        )
    },
}

SEASON_VIEW_TABLES = {
    "crawl_portal_runs": (
        "抓取健康 · Crawl runs per portal",
        "每次抓取 × 门户的数字：页面、报告、新增、变更、疑似删除、错误、拦截、耗时与结果。Per run × portal figures and outcome.",
        HEALTH_COLUMNS,
    ),
    "portal_health": (
        "门户健康 · Portal health",
        "每个门户最近一次抓取的结果、最近一次成功抓取，以及失败或被拦截的原因。Last crawl, last successful crawl, and why a portal fails or is paused.",
        PORTAL_HEALTH_COLUMNS,
    ),
    "publication_status": (
        "按时、逾期、未发布 · On time, late, missing",
        "每个机关 × 报告年度：按时、逾期（期限后才首次发现，且期限后的抓取未见）、未发布（上年有、今年无）或无法判断。Per agency × report year, judged on crawl days.",
        STATUS_COLUMNS,
    ),
    "report_changes": (
        "版本差异 · What changed between versions",
        "报告文件每两个相邻版本之间：改动的单元格（原值 → 新值）与正文差异。Changed cells (old → new) and section text diffs between consecutive versions of each report document.",
        CHANGE_COLUMNS,
    ),
}

SEASON_QUERIES = {
    "portals_failing": {
        "title": "抓取失败或被拦截的门户 · Portals failing or paused",
        "description": "最近一次抓取未成功的门户、原因与最近成功时间。Portals whose last crawl paused or failed, why, and when they last went well.",
        "sql": """select portal_id, district, health, reason, last_crawl_at, last_success_at,
  failed_since_success, pages, errors, waf_pauses
from portal_health
where health in ('paused', 'failed')
order by failed_since_success desc, portal_id
limit 500""",
    },
    "what_changed": {
        "title": "报告改了什么 · What changed in a revised report",
        "description": "修订报告的改动：单元格原值 → 新值、正文差异。Changed cells and section diffs (all revised reports, or one report_id).",
        "sql": """select agency, district, year, from_version, to_version, changed_at, kind,
  "table", row, col, old_value, new_value, section, diff,
  '/-/original/' || from_sha256 as before_copy, '/-/original/' || to_sha256 as after_copy
from report_changes
where (:report_id = '' or report_id = cast(:report_id as integer))
order by changed_at desc, report_id, id
limit 1000""",
    },
    "publication_status_by_district": {
        "title": "各地区按时/逾期/未发布 · On time, late and missing by district",
        "description": "每个地区、报告年度各状态的机关数（可用图表查看）。Agencies per status, district and report year (chart it with the Vega chart).",
        "sql": """select district, year, status, count(*) as agencies
from publication_status
where (:district = '' or district = :district)
group by district, year, status
order by district, year desc, status""",
    },
    "late_or_missing": {
        "title": "逾期或未发布的报告 · Late or missing reports",
        "description": "期限后才发现或期限后仍未发布的报告。Reports first seen after the deadline, or still absent after it.",
        "sql": """select agency, district, year, level, deadline, status, first_seen_day, report_id
from publication_status
where status in ('late', 'missing')
  and (:year = '' or year = cast(:year as integer))
order by year desc, district, agency
limit 500""",
    },
}


# -- revisions as data -------------------------------------------------------


def _extraction(db: Any, sha: str) -> int | None:
    row = db.execute(
        "select max(id) from extractions where sha256 = ? and ok = 1", [sha]
    ).fetchone()
    return row[0] if row else None


def _sentences(text: str) -> list[str]:
    import re

    return [s.strip() for s in re.split(r"(?<=[。；！？!?;\n])", text or "") if s.strip()]


def section_diff(old: str, new: str) -> str:
    """A unified diff of two section texts, one sentence a line (Chinese
    paragraphs are one line each, too coarse to read a change in)."""
    import difflib

    lines = difflib.unified_diff(
        _sentences(old), _sentences(new), "before", "after", lineterm="", n=1
    )
    return "\n".join(list(lines)[2:])  # without the ---/+++ header


def version_changes(db: Any, old_sha: str, new_sha: str) -> list[dict[str, Any]]:
    """What changed between two versions of a document, from their
    extractions: each cell whose value or printed text differs (old → new),
    and each section whose text differs (with a sentence diff)."""
    old_e, new_e = _extraction(db, old_sha), _extraction(db, new_sha)
    if old_e is None or new_e is None:
        return [{"kind": "unreadable"}]

    def cells(eid: int) -> dict[tuple, tuple]:
        return {
            (t, r, c): (v, raw)
            for t, r, c, v, raw in db.execute(
                'select "table", row, col, value, raw from cells where extraction_id = ?', [eid]
            )
        }

    def sections(eid: int) -> dict[str, str]:
        return dict(db.execute("select section, body from sections where extraction_id = ?", [eid]))

    out: list[dict[str, Any]] = []
    before, after = cells(old_e), cells(new_e)
    for key in sorted(set(before) | set(after), key=lambda k: tuple(str(x) for x in k)):
        (ov, oraw), (nv, nraw) = before.get(key, (None, None)), after.get(key, (None, None))
        if ov != nv:
            t, r, c = key
            out.append(
                {
                    "kind": "cell",
                    "table": t,
                    "row": r,
                    "col": c,
                    "old_value": ov,
                    "new_value": nv,
                    "old_raw": oraw,
                    "new_raw": nraw,
                }
            )
    old_s, new_s = sections(old_e), sections(new_e)
    for name in sorted(set(old_s) | set(new_s)):
        if old_s.get(name, "") != new_s.get(name, ""):
            diff = section_diff(old_s.get(name, ""), new_s.get(name, ""))
            if diff:
                out.append({"kind": "section", "section": name, "diff": diff})
    return out


def rebuild_report_changes(db: Any) -> None:
    """Regenerate ``report_changes`` (derived data, like the summary tables):
    one row per changed cell or section between consecutive versions of each
    report document."""
    pairs = db.execute(
        """select a.report_id, ag.name, ag.district, r.year, a.url, a.version, b.version,
                  a.sha256, b.sha256, b.first_seen_at
           from report_documents a
           join report_documents b on b.report_id = a.report_id and b.url = a.url
                                   and b.version = a.version + 1
           join reports r on r.id = a.report_id
           join agencies ag on ag.id = r.agency_id
           order by a.report_id, a.url, a.version"""
    ).fetchall()
    rows = []
    for rid, agency, district, year, url, v1, v2, s1, s2, at in pairs:
        for change in version_changes(db, s1, s2):
            rows.append(
                {
                    "report_id": rid,
                    "agency": agency,
                    "district": district,
                    "year": year,
                    "url": url,
                    "from_version": v1,
                    "to_version": v2,
                    "from_sha256": s1,
                    "to_sha256": s2,
                    "changed_at": at,
                    **{k: change.get(k) for k in list(CHANGE_COLUMNS)[11:]},
                }
            )
    with db.conn:
        db.execute("drop table if exists report_changes")
        db.execute(
            "create table report_changes (id integer primary key, report_id integer,"
            " agency text, district text, year integer, url text, from_version integer,"
            " to_version integer, from_sha256 text, to_sha256 text, changed_at text, kind text,"
            ' "table" text, row text, col text, old_value, new_value, old_raw text,'
            " new_raw text, section text, diff text)"
        )
        if rows:
            db["report_changes"].insert_all(rows)
        db.execute("create index report_changes_report_id on report_changes (report_id)")
