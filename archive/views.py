"""What journalists read: views over the observations, and the summary
tables ``xxgk build`` regenerates from them (so that canned queries stay fast
on a national archive).

* ``current_extractions`` — for each report, the extraction that speaks for
  it now: the newest extraction of its documents that has cells, latest
  sighting first (HTML page and attachment twins compete; the one with the
  table wins).
* ``report_metrics`` (table) — one row per report × key metrics, rates
  (formats.md §4.4) and year-over-year deltas (window functions over agency).
* ``district_year_metrics`` (table) — the same counts summed by district × year.
* ``coverage``, ``coverage_matrix`` — which agency published for which year.
* ``crosswalk`` (table, data) and ``crosswalk_values`` — metrics comparable
  across the 2019 / 2021 / pre-2019 templates, with their caveats.
"""

from __future__ import annotations

import hashlib

from sqlite_utils import Database

from archive.crosswalk import CROSSWALK
from archive.metrics import METRICS, RATES
from archive.season import SEASON_VIEWS

COVERAGE_YEARS = tuple(range(2014, 2026))

COUNT_COLUMNS = [m.name for m in METRICS]

VIEWS = {
    "current_extractions": """
with candidates as (
    select rd.report_id, e.id as extraction_id, e.sha256, rd.url, rd.role, rd.last_seen_at,
           (select count(*) from cells c where c.extraction_id = e.id) as n_cells
    from report_documents rd
    join extractions e on e.sha256 = rd.sha256 and e.ok = 1
    where e.id = (select max(e2.id) from extractions e2 where e2.sha256 = rd.sha256)
)
select report_id, extraction_id, sha256, url, role, n_cells from (
    select *, row_number() over (
        partition by report_id
        order by n_cells > 0 desc, last_seen_at desc, n_cells desc, extraction_id desc
    ) as rank
    from candidates
) where rank = 1
""",
    "current_cells": """
select r.id as report_id, a.name as agency, a.district, r.year, e.format,
       c."table", c.row, c.col, c.value, c.kind, c.raw, c.extraction_id, ce.sha256
from reports r
join agencies a on a.id = r.agency_id
join current_extractions ce on ce.report_id = r.id
join extractions e on e.id = ce.extraction_id
join cells c on c.extraction_id = ce.extraction_id
""",
    "coverage": """
select agency_id, agency, district, portal_id, year, status, first_seen_at, report_id
from report_metrics
""",
    "coverage_matrix": "select agency_id, agency, district, "
    + ", ".join(f"max(case when year = {y} then status end) as y{y}" for y in COVERAGE_YEARS)
    + " from report_metrics group by agency_id",
    "report_yoy": """
select report_id, agency_id, agency, district, year, prev_year,
       new_received, prev_new_received, new_received_change, new_received_change_pct,
       disclosure_rate, prev_disclosure_rate, disclosure_rate_change,
       carried_over, prev_carried_forward, backlog_matches
from report_metrics
""",
    "crosswalk_values": """
select cc.report_id, cc.agency, cc.district, cc.year, cc.format, x.metric_id, x.label_zh,
       cc.value, cc.kind, x.caveat
from current_cells cc
join crosswalk x on x.format = cc.format and x."table" = cc."table"
                and x.row = cc.row and x.col = cc.col
""",
    "unplaced_documents": """
select d.sha256, f.url, f.role, f.title, f.agency_hint, f.year_hint, f.fetched_at,
       e.agency, e.year, e.ok, e.failure
from documents d
join fetches f on f.sha256 = d.sha256 and f.role in ('report', 'attachment')
left join extractions e on e.sha256 = d.sha256
where not exists (select 1 from report_documents rd where rd.sha256 = d.sha256)
""",
    "failed_extractions": """
select e.id, e.sha256, e.extractor_version, e.extracted_at, e.failure_kind, e.failure,
       (select url from fetches f where f.sha256 = e.sha256 order by fetched_at limit 1) as url
from extractions e where e.ok = 0
""",
    **SEASON_VIEWS,  # run health, on time / late / missing (archive/season.py)
}


def _metric_pivot() -> str:
    cols = ",\n    ".join(f"{m.sql} as {m.name}" for m in METRICS)
    return f"select extraction_id,\n    {cols}\nfrom cells\nwhere extraction_id in (select extraction_id from current_extractions)\ngroup by extraction_id"


def report_metrics_sql() -> str:
    """One row per report: identity, links, metrics, rates and YoY deltas."""
    counts = ", ".join(f"m.{c}" for c in COUNT_COLUMNS)
    rates = ",\n       ".join(f"round({sql}, 4) as {name}" for name, (sql, _, _) in RATES.items())
    return f"""
create table report_metrics as
with pivot as ({_metric_pivot()}),
versions_by as (
    select report_id, count(*) as versions from report_documents group by report_id
),
checks_by as (
    select extraction_id, count(*) as checks_total,
           sum(ok = 0) as checks_failed,
           group_concat(case when ok = 0 then rule || coalesce(':' || col, '') || coalesce(':' || row, '') end, ' ') as failed_rules
    from checks
    where extraction_id in (select extraction_id from current_extractions)
    group by extraction_id
),
base as (
    select r.id as report_id, r.year, a.id as agency_id, a.name as agency, a.district,
           a.district_code, a.portal_id, e.format, r.status, r.url,
           case when ce.sha256 is not null then '/-/original/' || ce.sha256 end as archived_copy,
           ce.extraction_id, ce.sha256, r.first_seen_at, r.last_seen_at, r.revised_at, r.removed_at,
           r.removal_candidate_at, {counts},
           coalesce(k.checks_total, 0) as checks_total, coalesce(k.checks_failed, 0) as checks_failed,
           k.failed_rules, coalesce(v.versions, 0) as versions,
           coalesce(r.removed_at, r.removal_candidate_at, r.revised_at) as changed_at
    from reports r
    join agencies a on a.id = r.agency_id
    left join current_extractions ce on ce.report_id = r.id
    left join extractions e on e.id = ce.extraction_id
    left join pivot m on m.extraction_id = ce.extraction_id
    left join checks_by k on k.extraction_id = ce.extraction_id
    left join versions_by v on v.report_id = r.id
),
rated as (
    select *,
       {rates}
    from base
),
windowed as (
    select *,
       lag(year) over w as prev_year,
       lag(new_received) over w as prev_new_received,
       lag(disclosure_rate) over w as prev_disclosure_rate,
       lag(carried_forward) over w as prev_carried_forward
    from rated
    window w as (partition by agency_id order by year)
)
select *,
       new_received - prev_new_received as new_received_change,
       round((new_received - prev_new_received) * 1.0 / nullif(prev_new_received, 0), 4) as new_received_change_pct,
       round(disclosure_rate - prev_disclosure_rate, 4) as disclosure_rate_change,
       case when prev_year = year - 1 and carried_over is not null and prev_carried_forward is not null
            then carried_over = prev_carried_forward end as backlog_matches,
       coalesce(review_corrected, 0) + coalesce(suit_corrected, 0) as lost_total
from windowed
order by report_id
"""


def district_year_sql() -> str:
    sums = ",\n       ".join(f"sum({c}) as {c}" for c in COUNT_COLUMNS)
    return f"""
create table district_year_metrics as
select district_code, district, year, count(*) as reports,
       {sums},
       round((coalesce(sum(granted), 0) + coalesce(sum(partially_granted), 0)) * 1.0
             / nullif(sum(total_handled), 0), 4) as disclosure_rate,
       round(sum(applicants_legal_services) * 1.0 / nullif(sum(new_received), 0), 4) as law_firm_share
from report_metrics
group by district_code, district, year
order by district_code, year
"""


INDEXES = {
    "report_metrics": [
        ("report_id",),
        ("extraction_id",),
        ("year", "new_received"),
        ("year", "not_held_share"),
        ("year", "rejected_total"),
        ("year", "lost_total"),
        ("year", "checks_failed"),
        ("year", "backlog_matches"),
        ("year", "first_seen_at"),
        ("district", "year", "new_received"),
        ("district", "agency", "year"),
        ("year", "district", "agency"),
        ("changed_at",),
        ("agency_id", "year"),
        ("status",),
    ],
    "district_year_metrics": [("district", "year"), ("year",)],
}


# views over report_metrics, recreated after it
SUMMARY_VIEWS = ("coverage", "coverage_matrix", "report_yoy")


def create_views(db: Database, names: tuple[str, ...] | None = None) -> None:
    """(Re)create views (all by default); views hold no data, so this is
    idempotent."""
    names = names or tuple(VIEWS)
    for name in names:
        sql = f'CREATE VIEW "{name}" as {VIEWS[name].rstrip()}'
        row = db.execute(
            "select sql from sqlite_master where type = 'view' and name = ?", [name]
        ).fetchone()
        if row and row[0] == sql:
            continue  # unchanged: leave it, so that a no-op build writes nothing
        db.execute(f'drop view if exists "{name}"')
        db.execute(sql)


def load_crosswalk(db: Database) -> None:
    """The crosswalk is data from archive/crosswalk.py; replaced wholesale."""
    rows = [dict(r) for r in CROSSWALK]
    existing = (
        list(db.query("select * from crosswalk order by id")) if db["crosswalk"].exists() else []
    )
    wanted = [{"id": i + 1, **r} for i, r in enumerate(rows)]
    if existing == wanted:
        return
    db["crosswalk"].drop(ignore=True)
    db["crosswalk"].insert_all(wanted, pk="id", columns={"table": str, "row": str, "col": str})


def summaries_fingerprint() -> str:
    """A digest of the code that makes the summary tables: when it changes
    (a new metric, a new index), the next build regenerates them even if no
    observation changed."""
    code = [
        report_metrics_sql(),
        district_year_sql(),
        repr(INDEXES),
        *(VIEWS[n] for n in SUMMARY_VIEWS),
    ]
    return hashlib.sha256("\n".join(code).encode("utf-8")).hexdigest()


def summaries_current(db: Database) -> bool:
    """True when the summary tables exist and were made by this code."""
    if not db["report_metrics"].exists() or not db["archive_info"].exists():
        return False
    row = db.execute("select value from archive_info where key = 'summaries'").fetchone()
    return bool(row) and row[0] == summaries_fingerprint()


def rebuild_summaries(db: Database) -> None:
    """Regenerate the summary tables from the observations (deterministic:
    the same observations give the same rows)."""
    with db.conn:
        db.execute(
            "insert into archive_info (key, value) values ('summaries', ?)"
            " on conflict (key) do update set value = excluded.value",
            [summaries_fingerprint()],
        )
        for name in SUMMARY_VIEWS:
            db.execute(f'drop view if exists "{name}"')
        create_views(db, tuple(n for n in VIEWS if n not in SUMMARY_VIEWS))
        db.execute("drop table if exists district_year_metrics")
        db.execute("drop table if exists report_metrics")
        db.execute(report_metrics_sql())
        db.execute(district_year_sql())
        for table, indexes in INDEXES.items():
            for cols in indexes:
                name = f"{table}_{'_'.join(cols)}"
                db.execute(f'create index "{name}" on "{table}" ({", ".join(cols)})')
        create_views(db, SUMMARY_VIEWS)
