"""The archive's schema, as an append-only list of sqlite-utils migrations.

Never edit a migration that has shipped: add a new one. Observations
(fetches, documents, extractions and their cells, checks, sections) are only
ever inserted; what is "current" is decided by views and by the summary
tables that ``xxgk build`` regenerates (``archive/views.py``).

Provenance runs cell → extraction → document (sha256) → fetches → crawl.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("xxgk")

SCHEMA_1 = """
create table portals (
    id text primary key,          -- portal id from crawler/portals.yml, e.g. nb_haishu
    district_code text,           -- GB/T 2260 code, as text
    district text,
    level text,
    family text,                  -- CMS family
    listing_urls text             -- JSON list
);
create table agencies (
    id integer primary key,
    portal_id text references portals(id),
    name text not null,           -- the name first seen (renames live in agency_aliases)
    district_code text,
    district text,
    unique (portal_id, name)
);
create table agency_aliases (
    id integer primary key,
    agency_id integer not null references agencies(id),
    portal_id text,
    alias text not null,          -- another printed name of the same body
    relation text,                -- rename | merge | spelling
    note text,
    unique (portal_id, alias)
);
create table crawls (
    id text primary key,          -- the run id
    started_at text,
    finished_at text,
    code_version text,
    summary text                  -- the crawl summary, JSON
);
create table documents (
    sha256 text primary key,
    size integer,
    content_type text,            -- as the server said on first fetch
    first_seen_at text
);
create table fetches (
    id integer primary key,
    crawl_id text references crawls(id),
    portal_id text,
    url text,
    final_url text,
    method text,
    status integer,
    fetched_at text,
    content_type text,
    etag text,
    last_modified text,
    referer text,
    link_text text,
    sha256 text references documents(sha256),
    size integer,
    role text,
    parent_url text,
    title text,
    agency_hint text,
    year_hint integer,
    not_modified integer,
    error text,
    paused text,
    unique (crawl_id, url, fetched_at, role)
);
create index fetches_url on fetches(url, fetched_at);
create index fetches_sha256 on fetches(sha256);
create table extractions (
    id integer primary key,
    sha256 text not null references documents(sha256),
    extractor_version text not null,
    extracted_at text,
    ok integer not null,          -- 1 read, 0 failed (see failure)
    failure text,                 -- one-line reason when the document could not be read
    failure_kind text,
    agency text,
    year integer,
    format text,
    title text,
    kind text,
    reader text,
    encoding text,
    agency_source text,
    year_source text,
    format_source text,
    warnings text,                -- JSON list
    unique (sha256, extractor_version)
);
create table cells (
    id integer primary key,
    extraction_id integer not null references extractions(id),
    "table" text not null,
    row text not null,
    col text not null,
    value numeric,                -- integer, decimal, or null when printed blank
    kind text,                    -- number | zero | blank | na | text
    raw text,
    note text,
    unit text,
    confidence real,
    source text                   -- JSON provenance: reader, page/line, cell
);
create index cells_extraction on cells(extraction_id, "table", row, col);
create table checks (
    id integer primary key,
    extraction_id integer not null references extractions(id),
    rule text not null,
    row text,
    col text,
    ok integer,                   -- 1 holds, 0 fails, null when cells are missing
    expected numeric,
    actual numeric,
    missing text                  -- JSON list of missing cells
);
create index checks_extraction on checks(extraction_id);
create table sections (
    id integer primary key,
    extraction_id integer not null references extractions(id),
    section text not null,
    body text
);
create index sections_extraction on sections(extraction_id);
create table reports (
    id integer primary key,
    agency_id integer not null references agencies(id),
    year integer not null,        -- the year the statistics cover (统计期限)
    url text,                     -- the report page's original URL
    first_seen_at text,
    last_seen_at text,
    revised_at text,
    removed_at text,
    status text,                  -- current | revised | removed
    unique (agency_id, year)
);
create table report_documents (
    id integer primary key,
    report_id integer not null references reports(id),
    sha256 text not null references documents(sha256),
    url text not null,
    role text,                    -- report (the page) | attachment
    version integer,              -- 1, 2, … per URL in order of first sighting
    first_seen_at text,
    last_seen_at text,
    unique (report_id, url, sha256)
);
create index report_documents_sha256 on report_documents(sha256);
create table archive_info (
    key text primary key,
    value text
);
"""


@migrations()
def m001_schema(db: Database) -> None:
    """Tables for observations and identities."""
    for statement in SCHEMA_1.split(";"):
        if statement.strip():
            db.execute(statement)


@migrations()
def m002_sections_fts(db: Database) -> None:
    """Trigram full-text index on sections.body (≥ 3 characters; shorter
    queries use LIKE on the base table, see the search_sections query)."""
    db["sections"].enable_fts(["body"], tokenize="trigram", create_triggers=True)


@migrations()
def m003_removal_candidates(db: Database) -> None:
    """reports.removal_candidate_at: when a report page was first found gone
    (404/410) or no longer listed, before a removal is confirmed."""
    db.execute("alter table reports add column removal_candidate_at text")


@migrations()
def m004_checks_blank(db: Database) -> None:
    """checks.blank: the cells printed blank that leave a check not
    computable (a 总计 column left empty), as a JSON list."""
    db.execute("alter table checks add column blank text")


def migrate(db: Database) -> None:
    """Bring a database up to the current schema."""
    migrations.apply(db)
