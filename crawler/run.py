"""Run a crawl: ``crawl(portals, data_dir)`` starts a worker process (the
Twisted reactor cannot restart inside one process), which runs one Scrapy
crawler per portal and writes raw bytes, the fetch log and
``crawls/<run>.json`` into the data directory.

* Resumable: each portal's scheduler state lives in ``<data>/jobs/<portal>``
  (Scrapy JOBDIR) while it runs; an interrupted crawl resumes from it, a
  finished one removes it.
* Distributed: with ``redis_url``, the scheduler, dupefilter and request queue
  move to Redis (scrapy-redis) under a frontier name shared by every worker
  started with the same portals on the same day (or ``frontier=``), so several
  processes on several machines share one frontier.
* ``polite=False`` (the benchmark) drops the delay, AutoThrottle and the
  one-request-per-host limit; robots.txt is still obeyed. Portals served from
  loopback (the local portal) are always crawled that way: politeness is for
  other people's servers.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archive.store import new_run_id
from crawler import portals as registry

SPIDERS = {
    "hanweb_classic": "crawler.spiders.hanweb_classic.HanwebClassicSpider",
    "hanweb_jpaas": "crawler.spiders.hanweb_jpaas.HanwebJpaasSpider",
    "trs": "crawler.spiders.trs.TrsSpider",
    "gkmlpt": "crawler.spiders.gkmlpt.GkmlptSpider",
    "lonsun": "crawler.spiders.lonsun.LonsunSpider",
    "generic": "crawler.spiders.generic.GenericSpider",
}


class CrawlError(RuntimeError):
    """The crawl worker failed before writing its summary."""


def default_frontier(portals: list[dict[str, Any]]) -> str:
    ids = ",".join(sorted(p["id"] for p in portals))
    day = datetime.now(UTC).strftime("%Y%m%d")
    return f"xxgk:{hashlib.sha1(ids.encode()).hexdigest()[:8]}:{day}"


def crawl(
    portals: list[str | dict[str, Any]],
    data_dir: Path | str,
    *,
    redis_url: str | None = None,
    polite: bool = True,
    progress: Callable[[dict[str, Any]], None] | None = None,
    run: str | None = None,
    frontier: str | None = None,
    settings: dict[str, Any] | None = None,
    timeout: float | None = None,
) -> dict[str, Any]:
    """Crawl ``portals`` (ids from portals.yml or portal dicts) into
    ``data_dir`` and return the run summary ``{"run", "started_at",
    "finished_at", "portals": {id: {"pages", "reports_found", "new",
    "changed", "unchanged", "errors", "paused", "paused_reason"}}}``.

    ``progress`` is called with the per-portal counts as the crawl goes.
    ``settings`` overrides Scrapy settings (e.g. ``DOWNLOAD_MAXSIZE``).
    """
    resolved = registry.resolve(portals)
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    run = run or new_run_id()
    job = {
        "portals": resolved,
        "data_dir": str(data_dir.resolve()),
        "run": run,
        "redis_url": redis_url,
        "frontier": frontier or (default_frontier(resolved) if redis_url else None),
        "polite": polite,
        "settings": settings or {},
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump(job, f, ensure_ascii=False)
        job_path = f.name
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "crawler.run", job_path],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings"},
        )
        stderr_tail: list[str] = []

        def drain_stderr() -> None:
            assert proc.stderr is not None
            for line in proc.stderr:
                stderr_tail.append(line)
                del stderr_tail[:-200]

        import threading

        t = threading.Thread(target=drain_stderr, daemon=True)
        t.start()
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("PROGRESS ") and progress:
                progress(json.loads(line[9:]))
        proc.wait(timeout=timeout)
        t.join(timeout=5)
    finally:
        os.unlink(job_path)
    summary_path = data_dir / "crawls" / f"{run}.json"
    if not summary_path.exists():
        tail = "".join(stderr_tail[-15:])
        raise CrawlError(f"crawl worker exited with {proc.returncode}:\n{tail}")
    summary = json.loads(summary_path.read_text("utf-8"))
    summary["returncode"] = proc.returncode
    return summary


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def loopback_only(portal: dict[str, Any]) -> bool:
    """A portal served from this machine (the local portal): politeness
    protects other people's servers, so it is crawled at full speed."""
    return all(d in LOOPBACK for d in portal["allowed_domains"])


def worker_settings(job: dict[str, Any], portal: dict[str, Any]):
    """Scrapy settings of one portal's crawler."""
    from scrapy.utils.project import get_project_settings

    s = get_project_settings()
    s.set("XXGK_DATA_DIR", job["data_dir"])
    s.set("XXGK_RUN", job["run"])
    if not job["polite"] or loopback_only(portal):
        s.set("DOWNLOAD_DELAY", 0)
        s.set("AUTOTHROTTLE_ENABLED", False)
        s.set("CONCURRENT_REQUESTS", 32)
        s.set("CONCURRENT_REQUESTS_PER_DOMAIN", 32)
        s.set("XXGK_BACKOFF_BASE", 0.2)
    robots = portal.get("robots")
    if robots and robots.get("obey") is False:
        s.set("ROBOTSTXT_OBEY", False)
    if job.get("redis_url"):
        frontier = job["frontier"]
        s.set("SCHEDULER", "scrapy_redis.scheduler.Scheduler")
        s.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter")
        s.set("REDIS_URL", job["redis_url"])
        s.set("SCHEDULER_PERSIST", True)
        s.set("SCHEDULER_QUEUE_KEY", f"{frontier}:{portal['id']}:requests")
        s.set("SCHEDULER_DUPEFILTER_KEY", f"{frontier}:{portal['id']}:dupefilter")
        s.set("DUPEFILTER_KEY", f"{frontier}:{portal['id']}:dupefilter")
    else:
        s.set("JOBDIR", str(Path(job["data_dir"]) / "jobs" / portal["id"]))
    for key, value in job["settings"].items():
        s.set(key, value)
    return s


def _jobdir_cleaner(jobdir: str | None, done: list[str]):
    """A finished (or paused) crawl leaves no scheduler state behind (removed
    when the process ends); an interrupted one keeps it, so the next crawl
    resumes."""

    def finished(spider, reason):
        if jobdir and reason in ("finished", "paused"):
            done.append(jobdir)

    return finished


def worker(job_path: str) -> int:
    """The worker process: one crawler per portal, progress on stdout."""
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.misc import load_object
    from twisted.internet import task

    from crawler.archiving import _ARCHIVERS

    job = json.loads(Path(job_path).read_text("utf-8"))
    base = worker_settings(job, job["portals"][0])
    done: list[str] = []
    process = CrawlerProcess(base)
    for portal in job["portals"]:
        settings = worker_settings(job, portal)
        overrides = {
            k: settings[k]
            for k in (
                "ROBOTSTXT_OBEY",
                "JOBDIR",
                "SCHEDULER_QUEUE_KEY",
                "SCHEDULER_DUPEFILTER_KEY",
                "DOWNLOAD_DELAY",
                "AUTOTHROTTLE_ENABLED",
                "CONCURRENT_REQUESTS_PER_DOMAIN",
                "XXGK_BACKOFF_BASE",
            )
            if settings.get(k) is not None
        }
        family = load_object(SPIDERS[portal["family"]])
        spidercls = type(family.__name__, (family,), {"custom_settings": overrides})
        crawler = process.create_crawler(spidercls)
        if portal.get("robots", {}).get("obey") is False:
            reason = portal["robots"]["reason"]

            def note(spider, reason=reason, pid=portal["id"], crawler=crawler):
                crawler.xxgk_archiver.note(pid, robots_overridden=reason)

            crawler.signals.connect(note, signal=signals.spider_opened, weak=False)

        crawler.signals.connect(
            _jobdir_cleaner(settings.get("JOBDIR"), done), signal=signals.spider_closed, weak=False
        )
        process.crawl(crawler, portal=json.dumps(portal, ensure_ascii=False))

    def report() -> None:
        for archiver in list(_ARCHIVERS.values()):
            if archiver.run == job["run"]:
                print("PROGRESS " + json.dumps(archiver.portals, ensure_ascii=False), flush=True)

    loop = task.LoopingCall(report)
    loop.start(0.5, now=False)
    process.start()
    for jobdir in done:
        shutil.rmtree(jobdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(worker(sys.argv[1]))
