"""``xxgk update``: the scheduled job — crawl every configured portal, then
build the archive, once at a time.

* A lock: an exclusive ``fcntl.flock`` on ``<data>/update.lock``; a second
  run while one holds it exits at once with status 3 and one line.
* A log per run: ``<data>/logs/<run>.log`` (what was crawled, the closing
  summary, the build's counts, the exit status).
* An exit status for monitoring: 0 ok (or not due), 1 some portals failed or
  were paused, 2 could not run (no portals, crawl or build failed), 3 locked.
* The season: departments publish by 31 January, governments by 31 March, so
  from 1 February to 31 May a run is due weekly, the rest of the year
  monthly. ``--if-due`` lets cron call the command daily: it runs only when
  the last successful update is older than the season's interval. The
  systemd timer (``deploy/xxgk-update.timer``) expresses the season in its
  ``OnCalendar`` lines and calls it without ``--if-due``.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TextIO

import click

from archive.options import data_option, db_option
from archive.store import DataDir, new_run_id, utcnow

EXIT_OK, EXIT_PORTALS, EXIT_FAILED, EXIT_LOCKED = 0, 1, 2, 3

# the spring season: weekly runs from 1 February to 31 May, monthly otherwise
SEASON = ((2, 1), (5, 31))
SEASON_INTERVAL_DAYS = 7
OFF_SEASON_INTERVAL_DAYS = 28


class Locked(RuntimeError):
    """Another update holds the data directory's lock."""


@contextmanager
def update_lock(data_dir: Path) -> Iterator[Path]:
    """Hold ``<data>/update.lock`` exclusively for the block; raises
    ``Locked`` at once (never waits) when another process holds it. The
    kernel releases the lock when the process dies, so a crashed run never
    leaves a stale lock behind."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "update.lock"
    handle = path.open("a+")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip()
            raise Locked(f"another update is running ({holder or 'unknown holder'})") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {utcnow()}\n")
        handle.flush()
        yield path
    finally:
        handle.close()


def in_season(day: date) -> bool:
    """True from 1 February to 31 May, when reports appear."""
    return SEASON[0] <= (day.month, day.day) <= SEASON[1]


def interval_days(day: date) -> int:
    return SEASON_INTERVAL_DAYS if in_season(day) else OFF_SEASON_INTERVAL_DAYS


def last_update_day(data: DataDir) -> date | None:
    """The day of the last update that ran to the end (status 0 or 1)."""
    days = []
    for summary in data.crawl_summaries():
        upd = summary.get("update") or {}
        if upd.get("today") and upd.get("status") in (EXIT_OK, EXIT_PORTALS):
            try:
                days.append(date.fromisoformat(upd["today"]))
            except ValueError:
                continue
    return max(days) if days else None


def is_due(today: date, last: date | None) -> bool:
    """Due when nothing ran yet, or the last run is at least one season
    interval old (7 days in season, 28 outside)."""
    return last is None or (today - last).days >= interval_days(today)


def portal_problems(summary: dict[str, Any]) -> dict[str, str]:
    """Portal id → why its crawl is not healthy (paused, errors, nothing read)."""
    out = {}
    for pid, counts in (summary.get("portals") or {}).items():
        if counts.get("paused"):
            out[pid] = f"paused: {counts.get('paused_reason') or 'unknown reason'}"
        elif not counts.get("pages"):
            out[pid] = "no page answered"
        elif counts.get("errors") and not counts.get("reports_found"):
            out[pid] = f"{counts['errors']} errors and no report found"
    return out


def remember_portals(data_dir: Path, portals: list[Any]) -> None:
    """Portal dicts given directly (not ids from portals.yml) are merged into
    ``<data>/portals.json``, where ``xxgk build`` finds their districts."""
    given = [p for p in portals if isinstance(p, dict) and p.get("id")]
    if not given:
        return
    path = data_dir / "portals.json"
    try:
        known = json.loads(path.read_text("utf-8")) if path.exists() else []
    except (OSError, ValueError):
        known = []
    merged = {p["id"]: p for p in known if isinstance(p, dict) and p.get("id")}
    merged.update({p["id"]: p for p in given})
    path.write_text(json.dumps(list(merged.values()), ensure_ascii=False, default=str), "utf-8")


def unlisted_pages(data: DataDir, run: str, portal_ids: set[str]) -> list[tuple[str, str]]:
    """(portal, url) of report pages stored by an earlier run but not
    requested by ``run``: no longer listed, so the crawl never asked for them.
    Pages already answering 404/410 are asked again, so that a removal is
    confirmed on a later day, until they answered so on two days."""
    last: dict[str, dict[str, Any]] = {}
    gone_days: dict[str, set[str]] = {}  # days of 404/410 answers since last present
    seen_now: set[str] = set()
    for rec in data.fetches.read():
        if rec.get("role") != "report" or rec.get("portal") not in portal_ids:
            continue
        url = rec["url"]
        if rec.get("run") == run:
            seen_now.add(url)
        elif rec.get("sha256") or url in last:
            last[url] = rec
            if rec.get("status") in (404, 410):
                gone_days.setdefault(url, set()).add((rec.get("fetched_at") or "")[:10])
            elif rec.get("sha256") or rec.get("status") in (200, 304):
                gone_days.pop(url, None)
    return sorted(
        (rec["portal"], url)
        for url, rec in last.items()
        if url not in seen_now
        and url.startswith(("http://", "https://"))
        and len(gone_days.get(url, ())) < 2  # confirmed gone on two days: asked enough
    )


def recheck(
    data: DataDir, run: str, pages: list[tuple[str, str]], *, polite: bool = True
) -> dict[str, int]:
    """Ask each unlisted report page once more (GET, no redirects followed,
    robots.txt obeyed) and log the answer in the run's fetch log with role
    ``report``: a 404/410 is one confirmation that the report was removed
    (``archive.build`` marks it removed after confirmations on two days);
    timeouts, 5xx and block pages are logged as errors and never count. The
    bytes of a 200 answer are not stored (the crawl stores what is listed);
    the answer only says the page is still there. Returns status counts."""
    import time
    import urllib.error
    import urllib.request
    import urllib.robotparser
    from urllib.parse import urlsplit

    from crawler.settings import USER_AGENT

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
    counts: dict[str, int] = {}
    with data.fetches.open(run) as log:
        for portal, url in pages:
            parts = urlsplit(url)
            origin = f"{parts.scheme}://{parts.netloc}"
            if origin not in robots:
                rp = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
                try:
                    rp.read()
                except (OSError, ValueError):
                    rp = None
                robots[origin] = rp
            rp = robots[origin]
            if rp is not None and not rp.can_fetch(USER_AGENT, url):
                continue
            status: int | None = None
            error = None
            try:
                req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
                with opener.open(req, timeout=30) as resp:
                    status = resp.status
            except urllib.error.HTTPError as e:
                status = e.code
                if status not in (404, 410):
                    error = f"recheck: HTTP {status}"
            except (OSError, ValueError) as e:
                error = f"recheck: {type(e).__name__}: {e}"
            log.write(
                portal=portal, url=url, method="GET", status=status, role="report", error=error
            )
            key = str(status) if status else "error"
            counts[key] = counts.get(key, 0) + 1
            if polite and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
                time.sleep(2)
    return counts


def update(
    portals: list[Any],
    data_dir: Path | str,
    db_path: Path | str,
    *,
    today: date | None = None,
    if_due: bool = False,
    polite: bool = True,
    workers: int = 2,
    log: TextIO | None = None,
) -> tuple[int, str]:
    """Crawl ``portals`` then build, under the lock; returns (exit status,
    one-line message). The run's log goes to ``<data>/logs/<run>.log``; the
    crawl summary gains an ``update`` entry (day, status, problems)."""
    from archive.build import build
    from crawler.run import CrawlError
    from crawler.run import crawl as run_crawl

    data_dir = Path(data_dir)
    data = DataDir(data_dir)
    today = today or datetime.now(UTC).date()
    try:
        with update_lock(data_dir):
            if if_due and not is_due(today, last_update_day(data)):
                last = last_update_day(data)
                return EXIT_OK, (
                    f"not due: last update {last}, every {interval_days(today)} days"
                    f" {'in' if in_season(today) else 'outside'} the season"
                )
            if not portals:
                return EXIT_FAILED, "no portals to crawl"
            remember_portals(data_dir, portals)
            run = new_run_id()
            logs = data_dir / "logs"
            logs.mkdir(parents=True, exist_ok=True)
            with (logs / f"{run}.log").open("a", encoding="utf-8") as out:

                def note(line: str) -> None:
                    out.write(f"{utcnow()} {line}\n")
                    out.flush()
                    if log is not None:
                        log.write(line + "\n")

                ids = [p if isinstance(p, str) else p.get("id") for p in portals]
                note(f"update {run} for {today}: crawling {len(ids)} portals: {', '.join(ids)}")
                try:
                    summary = run_crawl(portals, data_dir, polite=polite, run=run)
                except (CrawlError, OSError, ValueError) as e:  # ValueError: a bad portal
                    note(f"crawl failed: {str(e).splitlines()[0] if str(e) else e!r}")
                    return EXIT_FAILED, f"crawl failed (log: {logs / f'{run}.log'})"
                from crawler.cli import format_summary

                note("crawl finished\n" + format_summary(summary))
                problems = portal_problems(summary)
                for pid in ids:
                    if pid not in (summary.get("portals") or {}):
                        problems[pid] = "not crawled"
                status = EXIT_PORTALS if problems else EXIT_OK
                healthy = {p for p in summary.get("portals") or {} if p not in problems}
                pages = unlisted_pages(data, run, healthy)
                if pages:
                    counts = recheck(data, run, pages, polite=polite)
                    note(f"rechecked {len(pages)} report pages no longer listed: {counts}")
                summary.pop("returncode", None)
                summary["update"] = {"today": today.isoformat(), "problems": problems}
                # written before the build, so that the build loads it
                summary["update"]["status"] = status
                data.write_crawl_summary(run, summary)
                try:
                    stats = build(data_dir, db_path, workers=workers, progress=False)
                except Exception as e:  # recorded in the log, one line out
                    note(f"build failed: {type(e).__name__}: {e}")
                    summary["update"]["status"] = EXIT_FAILED
                    data.write_crawl_summary(run, summary)
                    return EXIT_FAILED, f"build failed (log: {logs / f'{run}.log'})"
                note("build: " + json.dumps(stats, sort_keys=True))
                for pid, why in sorted(problems.items()):
                    note(f"problem: {pid}: {why}")
                note(f"exit {status}")
                message = f"update {run}: {len(ids)} portals, {stats['reports']} reports" + (
                    f"; {len(problems)} portals failed or paused: {', '.join(sorted(problems))}"
                    if problems
                    else ""
                )
                return status, message
    except Locked as e:
        return EXIT_LOCKED, str(e)


@click.command("update")
@data_option(help="Data directory (raw/, fetches/, crawls/, logs/, update.lock).", as_path=True)
@db_option(None, "SQLite archive to update (default: DATA/xxgk.db).", as_path=True)
@click.option("--portals", "portal_ids", help="Comma-separated portal ids from portals.yml.")
@click.option("--all", "crawl_all", is_flag=True, help="Every portal in portals.yml.")
@click.option(
    "--portals-file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="A JSON list of portal dicts (the portals.yml schema) instead of ids.",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The day the run counts for (default: today, UTC).",
)
@click.option(
    "--if-due",
    is_flag=True,
    help="Run only when due in the season (weekly 1 Feb–31 May, else monthly): for daily cron.",
)
@click.option("--workers", default=2, show_default=True, help="Extraction worker processes.")
def update_command(
    data_dir: Path,
    db_path: Path | None,
    portal_ids: str | None,
    crawl_all: bool,
    portals_file: Path | None,
    today: datetime | None,
    if_due: bool,
    workers: int,
) -> None:
    """Crawl all configured portals, then build the archive (the scheduled job).

    One run at a time (lock on DATA/update.lock), a log per run under
    DATA/logs/. Exit status: 0 ok (or not due), 1 some portals failed or were
    paused, 2 could not run, 3 another update holds the lock.

    Example:

        xxgk update --all --data /srv/xxgk/data --if-due
    """
    from crawler import portals as registry

    def done(code: int, message: str) -> None:
        click.echo(f"xxgk update: {message}", err=code != EXIT_OK)
        sys.exit(code)

    chosen: list[Any] = []
    try:
        if sum(bool(x) for x in (portal_ids, crawl_all, portals_file)) != 1:
            done(EXIT_FAILED, "give exactly one of --portals, --all, --portals-file")
        if crawl_all:
            chosen = registry.load()
        elif portal_ids:
            chosen = [registry.get(p.strip()) for p in portal_ids.split(",") if p.strip()]
        else:
            assert portals_file is not None
            chosen = json.loads(portals_file.read_text("utf-8"))
            if not isinstance(chosen, list):
                done(EXIT_FAILED, f"{portals_file}: expected a JSON list of portals")
        registry.resolve(chosen)  # a bad portal is refused before anything runs
    except registry.PortalError as e:
        done(EXIT_FAILED, str(e))
    except (OSError, ValueError) as e:
        done(EXIT_FAILED, f"cannot read portals: {e}")
    code, message = update(
        chosen,
        data_dir,
        db_path or data_dir / "xxgk.db",
        today=today.date() if today else None,
        if_due=if_due,
        workers=workers,
        log=sys.stderr,
    )
    done(code, message)
