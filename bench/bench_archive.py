"""Scale benchmark of the archive: generate a synthetic national archive
(2 800 county units × 50 agencies × 4 years = 560 000 reports, with their
t3/t4 cells, checks, and narrative sections for one report in ten), build
its summary tables with the same code as ``xxgk build``
(``archive.views.rebuild_summaries``), then print the latency of every
canned query in metadata.yml (median and p95 over varied parameters) and the
database size.

    .venv/bin/python bench/bench_archive.py                 # full scale
    .venv/bin/python bench/bench_archive.py --districts 200  # quicker

Target (issue 4): p95 < 200 ms for every canned query. Prints figures; asserts
nothing.
"""

from __future__ import annotations

import argparse
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive.build import open_db
from archive.site_metadata import QUERIES
from archive.views import create_views, load_crosswalk, rebuild_summaries
from extract.checks import T3_APPLICANTS as APPLICANTS

YEARS = (2020, 2021, 2022, 2023)
T3_ROWS = [
    "granted",
    "partially_granted",
    "withheld_state_secret",
    "withheld_prohibited_by_law",
    "withheld_security_stability",
    "withheld_third_party",
    "withheld_internal_affairs",
    "withheld_process_info",
    "withheld_enforcement_file",
    "withheld_admin_query",
    "unavailable_not_held",
    "unavailable_needs_creation",
    "unavailable_unclear",
    "rejected_petition",
    "rejected_duplicate",
    "rejected_publication",
    "rejected_excessive",
    "rejected_reconfirmation",
    "other_overdue_correction",
    "other_overdue_fee",
    "other_misc",
]
T4_COLS = ("upheld", "corrected", "other", "pending", "total")
WORDS = [
    "政府信息公开",
    "依申请公开",
    "行政复议",
    "预算",
    "决算",
    "主动公开",
    "政务公开",
    "年度报告",
    "信访",
    "诉讼",
    "平台建设",
    "培训",
    "监督保障",
]
AGENCY_KINDS = [
    "人民政府办公室",
    "发展和改革局",
    "教育局",
    "公安分局",
    "民政局",
    "司法局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源和规划分局",
    "生态环境分局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化和旅游局",
    "卫生健康局",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "城市管理局",
    "综合行政执法局",
    "退役军人事务局",
    "信访局",
    "科学技术局",
    "经济和信息化局",
    "民族宗教事务局",
    "档案馆",
]


def generate(db_path: Path, districts: int, agencies: int, seed: int = 1) -> dict[str, float]:
    """Write the synthetic archive with plain sqlite3 executemany."""
    rng = random.Random(seed)
    open_db(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("pragma journal_mode = off")
    conn.execute("pragma synchronous = off")
    conn.execute("pragma cache_size = -400000")
    t0 = time.monotonic()
    conn.execute("insert into crawls (id, started_at) values ('bench', '2024-01-01T00:00:00Z')")
    conn.executemany(
        "insert into portals (id, district_code, district, level, family) values (?, ?, ?, 'county', 'bench')",
        [(f"p{d}", f"{110000 + d}", f"第{d}区") for d in range(districts)],
    )
    agency_rows = []
    for d in range(districts):
        for a in range(agencies):
            kind = AGENCY_KINDS[a % len(AGENCY_KINDS)]
            agency_rows.append(
                (
                    d * agencies + a + 1,
                    f"p{d}",
                    f"第{d}区{kind}{a // len(AGENCY_KINDS) or ''}",
                    f"{110000 + d}",
                    f"第{d}区",
                )
            )
    conn.executemany(
        "insert into agencies (id, portal_id, name, district_code, district) values (?, ?, ?, ?, ?)",
        agency_rows,
    )
    rid = 0
    for year in YEARS:
        docs, fetches, extractions, reports, rdocs, cells, checks, sections = ([] for _ in range(8))
        for agency_id, portal, name, _, _ in agency_rows:
            if rng.random() < 0.03:
                continue  # some agencies miss a year
            rid += 1
            sha = f"{rid:064x}"
            seen = f"{year + 1}-{rng.choice(('01', '02', '03', '04')):s}-{rng.randint(1, 28):02d}T08:00:00Z"
            url = f"http://{portal}.example/art/{rid}.html"
            docs.append((sha, 4000, "text/html", seen))
            fetches.append(("bench", portal, url, 200, seen, sha, "report"))
            extractions.append(
                (rid, sha, "bench", 1, name, year, "2021" if year >= 2021 else "2019")
            )
            status = (
                "removed"
                if rng.random() < 0.01
                else "revised"
                if rng.random() < 0.02
                else "current"
            )
            reports.append(
                (
                    rid,
                    agency_id,
                    year,
                    url,
                    seen,
                    seen,
                    seen if status == "revised" else None,
                    seen if status == "removed" else None,
                    status,
                )
            )
            rdocs.append((rid, sha, url, "report", 1, seen, seen))
            new = int(rng.lognormvariate(2.0, 1.3))
            carried = rng.randint(0, 3)
            handled = max(0, new + carried - rng.randint(0, 2))
            split = [0] * len(T3_ROWS)
            for _ in range(handled):
                split[min(int(rng.expovariate(0.5)), len(T3_ROWS) - 1)] += 1
            values = dict(zip(T3_ROWS, split, strict=True))
            values.update(
                new_received=new,
                carried_over=carried,
                total_handled=handled,
                carried_forward=new + carried - handled,
            )
            for row, v in values.items():
                cells.append(
                    (rid, "t3", row, "total", v if rng.random() > 0.01 else None, "number")
                )
            rest = new
            for col in APPLICANTS[1:]:
                k = min(rest, int(rng.expovariate(1.5)))
                cells.append((rid, "t3", "new_received", col, k, "number"))
                rest -= k
            cells.append((rid, "t3", "new_received", "natural_person", rest, "number"))
            for row in ("review", "suit_direct", "suit_after_review"):
                outcome = [int(rng.expovariate(3)) for _ in range(4)]
                for col, v in zip(T4_COLS, [*outcome, sum(outcome)], strict=True):
                    cells.append((rid, "t4", row, col, v, "number"))
            bad = rng.random() < 0.05
            checks.append(
                (
                    rid,
                    "t3_balance",
                    "total",
                    0 if bad else 1,
                    new + carried,
                    new + carried + (1 if bad else 0),
                )
            )
            checks.append((rid, "t4_total", None, 1, 0, 0))
            if rid % 10 == 0:
                sections.append(
                    (rid, "overview", "".join(rng.choice(WORDS) + "，" for _ in range(12)))
                )
        conn.executemany(
            "insert into documents (sha256, size, content_type, first_seen_at) values (?, ?, ?, ?)",
            docs,
        )
        conn.executemany(
            "insert into fetches (crawl_id, portal_id, url, status, fetched_at, sha256, role) values (?, ?, ?, ?, ?, ?, ?)",
            fetches,
        )
        conn.executemany(
            "insert into extractions (id, sha256, extractor_version, ok, agency, year, format) values (?, ?, ?, ?, ?, ?, ?)",
            extractions,
        )
        conn.executemany(
            "insert into reports (id, agency_id, year, url, first_seen_at, last_seen_at, revised_at, removed_at, status) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            reports,
        )
        conn.executemany(
            "insert into report_documents (report_id, sha256, url, role, version, first_seen_at, last_seen_at) values (?, ?, ?, ?, ?, ?, ?)",
            rdocs,
        )
        conn.executemany(
            'insert into cells (extraction_id, "table", row, col, value, kind) values (?, ?, ?, ?, ?, ?)',
            cells,
        )
        conn.executemany(
            "insert into checks (extraction_id, rule, col, ok, expected, actual) values (?, ?, ?, ?, ?, ?)",
            checks,
        )
        conn.executemany(
            "insert into sections (extraction_id, section, body) values (?, ?, ?)", sections
        )
        conn.commit()
        print(
            f"  year {year}: {len(reports):,} reports, {len(cells):,} cells ({time.monotonic() - t0:.0f} s)",
            flush=True,
        )
    conn.close()
    return {"generate_s": time.monotonic() - t0, "reports": rid}


def params_for(sql: str, rng: random.Random, districts: int) -> dict[str, str]:
    names = set(re.findall(r"(?<!:):(\w+)", sql))
    choices = {
        "year": lambda: str(rng.choice(YEARS)),
        "district": lambda: rng.choice(["", f"第{rng.randrange(districts)}区"]),
        "agency": lambda: rng.choice(["", "教育局", "统计局"]),
        "min_handled": lambda: str(rng.choice([1, 10])),
        "deadline": lambda: rng.choice(["", f"{rng.choice(YEARS) + 1}-02-28"]),
        "report_id": lambda: str(rng.randint(1, 10_000)),
        "q": lambda: rng.choice(["复议", "预算", "政府信息公开", "行政复议", "培训"]),
    }
    return {n: choices.get(n, lambda: "")() for n in names}


def time_queries(db_path: Path, runs: int, districts: int) -> list[tuple[str, float, float, int]]:
    conn = sqlite3.connect(f"file:{db_path}?immutable=1", uri=True)
    rng = random.Random(7)
    out = []
    for name, q in QUERIES.items():
        times, n = [], 0
        for _ in range(runs):
            params = params_for(q["sql"], rng, districts)
            t = time.perf_counter()
            n = len(conn.execute(q["sql"], params).fetchall())
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        out.append((name, statistics.median(times), p95, n))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--districts", type=int, default=2800)
    ap.add_argument("--agencies", type=int, default=50)
    ap.add_argument("--runs", type=int, default=30, help="runs per canned query")
    ap.add_argument(
        "--db", type=Path, default=None, help="keep the database here (default: a temp dir)"
    )
    ap.add_argument(
        "--reuse",
        action="store_true",
        help="with --db: reuse a generated database, rebuild its summaries",
    )
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db_path = args.db or Path(tmp) / "xxgk.db"
        if args.reuse and db_path.exists():
            n = sqlite3.connect(db_path).execute("select count(*) from reports").fetchone()[0]
            gen = {"generate_s": 0.0, "reports": n}
            print(f"reusing {db_path}")
        else:
            db_path.unlink(missing_ok=True)
            print(
                f"generating {args.districts} districts × {args.agencies} agencies × {len(YEARS)} years into {db_path}"
            )
            gen = generate(db_path, args.districts, args.agencies)
        db = open_db(db_path)
        t = time.monotonic()
        load_crosswalk(db)
        rebuild_summaries(db)
        create_views(db)
        summaries_s = time.monotonic() - t
        db.execute("analyze")
        db.close()
        size_mb = db_path.stat().st_size / 1e6
        print(
            f"\nreports: {gen['reports']:,}; generate {gen['generate_s']:.0f} s; summary tables (xxgk build step) {summaries_s:.0f} s; DB size {size_mb:,.0f} MB\n"
        )
        print(f"{'canned query':28} {'median ms':>10} {'p95 ms':>10} {'rows':>6}")
        worst = 0.0
        for name, median, p95, n in time_queries(db_path, args.runs, args.districts):
            worst = max(worst, p95)
            print(f"{name:28} {median:10.1f} {p95:10.1f} {n:6}")
        print(f"\nworst p95: {worst:.1f} ms (target < 200 ms)")


if __name__ == "__main__":
    main()
