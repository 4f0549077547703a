"""Crawl throughput against the local portal with politeness off: the
crawler's own overhead (Scrapy, callbacks, sha256, raw store, fetch log).

    .venv/bin/python bench/bench_crawl.py [--extra-units 150]

The local portal runs in this process (its own threads), the crawler in its
worker process, as in ``xxgk crawl``. A first crawl warms the portal's
document cache; the second (with conditional requests switched off, so every
page is downloaded and hashed again) is the one measured. Prints pages per
second of both, and pages per CPU-second of the crawler process (independent
of whatever else the machine is running).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawler.localportal import LocalPortal
from crawler.run import crawl


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--extra-units", type=int, default=150, help="more 街道 per portal")
    args = ap.parse_args()
    settings = {"XXGK_CONDITIONAL": False, "LOG_LEVEL": "WARNING"}
    with LocalPortal(extra_units=args.extra_units) as lp, tempfile.TemporaryDirectory() as tmp:
        reports = len(lp.expected())
        for label in ("warm-up", "measured"):
            t0 = time.perf_counter()
            cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            summary = crawl(lp.portals(), Path(tmp) / label, polite=False, settings=settings)
            wall = time.perf_counter() - t0
            cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
            pages = sum(c["pages"] for c in summary["portals"].values())
            found = sum(c["reports_found"] for c in summary["portals"].values())
            started = datetime.fromisoformat(summary["started_at"].replace("Z", "+00:00"))
            finished = datetime.fromisoformat(summary["finished_at"].replace("Z", "+00:00"))
            crawl_s = (finished - started).total_seconds()
            print(
                f"{label:>9}: {pages} pages, {found}/{reports} reports; "
                f"crawling {crawl_s:.1f} s = {pages / crawl_s:.0f} pages/s; "
                f"with worker start-up {wall:.1f} s = {pages / wall:.0f} pages/s; "
                f"crawler CPU {cpu:.1f} s = {pages / cpu:.0f} pages per CPU-second"
            )
    print(f"load average (1 min) now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
