"""``xxgk demo``: the offline, one-command tour — start the local portal,
crawl it, build the archive, serve the site on 127.0.0.1.

When the crawler is installed (``crawler.localportal.LocalPortal`` and
``crawler.run.crawl``), the demo crawls the local portal for real. Otherwise
it stores the five seed reports in the data directory as documents with
fetch records (what a crawl would have written) and says so.
"""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path
from typing import Any

import click

from archive.options import data_option, db_option
from archive.store import DataDir, new_run_id, utcnow

SEEDS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "seeds"
SEED_PORTAL = "seeds"


def crawler_available() -> bool:
    try:
        from crawler.localportal import LocalPortal  # noqa: F401
        from crawler.run import crawl  # noqa: F401
    except ImportError:
        return False
    return True


def crawl_local_portal(data_dir: Path, progress: Any = None) -> dict[str, Any]:
    """Serve the local portal, crawl it into ``data_dir``; returns the crawl
    summary. The portal registry is written to ``portals.json`` so that the
    build knows each portal's district."""
    from archive.update import remember_portals
    from crawler.localportal import LocalPortal
    from crawler.run import crawl

    with LocalPortal() as lp:
        portals = lp.portals()
        Path(data_dir).mkdir(parents=True, exist_ok=True)
        remember_portals(Path(data_dir), portals)
        return crawl(portals, data_dir, polite=False, progress=progress)


def store_seeds(data_dir: Path | str, seeds: Path = SEEDS) -> dict[str, Any]:
    """Write the seed reports into the data directory as one "crawl": raw
    bytes plus a fetch record each (role "report", portal "seeds"). The URL is
    the seed's path, not an invented web address."""
    data = DataDir(data_dir)
    run = new_run_id()
    started = utcnow()
    files = sorted(seeds.glob("*.txt"))
    if not files:
        raise FileNotFoundError(f"no seed reports in {seeds}")
    new = 0
    with data.fetches.open(run) as log:
        for path in files:
            body = path.read_bytes()
            sha, is_new = data.raw.put(body)
            new += is_new
            log.write(
                portal=SEED_PORTAL,
                url=f"seed:{path.name}",
                method="GET",
                status=200,
                content_type="text/plain",
                sha256=sha,
                size=len(body),
                role="report",
                link_text=path.name,
            )
    summary = {
        "run": run,
        "started_at": started,
        "finished_at": utcnow(),
        "source": "seeds",
        "portals": {
            SEED_PORTAL: {
                "pages": len(files),
                "reports_found": len(files),
                "new": new,
                "changed": 0,
                "unchanged": len(files) - new,
                "errors": 0,
                "paused": False,
                "paused_reason": None,
            }
        },
    }
    data.write_crawl_summary(run, summary)
    portals_json = data.root / "portals.json"
    if not portals_json.exists():
        portals_json.write_text(
            json.dumps(
                [{"id": SEED_PORTAL, "district": None, "family": "seed files"}], ensure_ascii=False
            ),
            encoding="utf-8",
        )
    return summary


# The demo's season on the local portal: reports published by the first day;
# by the second, one report per portal is revised and one answers 404; the
# third confirms the 404 a week later, so the removal counts (issue: removed
# only after repeated confirmed 404/410 on different days).
SEASON_DAYS = (date(2026, 6, 1), date(2026, 7, 1), date(2026, 7, 8))


def season_on_local_portal(
    data_dir: Path, db_path: Path, echo: Any = click.echo, days: tuple[date, ...] = SEASON_DAYS
) -> dict[str, Any]:
    """Run ``xxgk update`` on the local portal once per day of the demo
    season, so the archive shows revisions (changed cells, text diffs),
    confirmed removals, health, statuses and feeds. Returns the last crawl
    summary."""
    from archive.update import update
    from crawler.localportal import LocalPortal

    data = DataDir(data_dir)
    with LocalPortal() as lp:
        portals = lp.portals()
        for day in days:
            lp.set_day(day)
            status, message = update(portals, data_dir, db_path, today=day, polite=False)
            echo(f"xxgk demo: {day}: {message}")
            if status not in (0, 1):
                raise RuntimeError(message)
    summaries = data.crawl_summaries()
    return summaries[-1] if summaries else {}


def run_demo(
    data_dir: Path,
    db_path: Path,
    *,
    source: str = "auto",
    season: bool = False,
    echo: Any = click.echo,
) -> dict[str, Any]:
    """Fill the data directory (local portal crawl, or a season of them, or
    the seeds) and build."""
    from archive.build import build

    if source == "auto":
        source = "portal" if crawler_available() else "seeds"
    started = time.monotonic()
    if source == "portal" and season:
        echo(
            "xxgk demo: source = local portal (crawler.localportal), a season of "
            f"{len(SEASON_DAYS)} crawls on 127.0.0.1 …"
        )
        try:
            summary = season_on_local_portal(data_dir, db_path, echo)
        except Exception as e:  # one line, never a traceback
            from archive.cli import fail

            fail(f"demo season on the local portal failed: {type(e).__name__}: {e}")
    elif source == "portal":
        echo("xxgk demo: source = local portal (crawler.localportal), crawling it on 127.0.0.1 …")
        try:
            summary = crawl_local_portal(data_dir)
        except Exception as e:  # one line, never a traceback
            from archive.cli import fail

            fail(f"demo crawl of the local portal failed: {type(e).__name__}: {e}")
    else:
        echo(
            "xxgk demo: source = the five seed reports (tests/fixtures/seeds/): "
            "the crawler is not installed, so no portal was crawled"
        )
        summary = store_seeds(data_dir)
    crawled = time.monotonic()
    stats = build(data_dir, db_path, progress=True)
    built = time.monotonic()
    echo(
        f"xxgk demo: run {summary.get('run')}: {stats['documents']} documents, {stats['reports']} reports,"
        f" {stats['cells']} cells, {stats['failed']} failed extractions;"
        + (
            f" season {crawled - started:.1f} s (crawls and builds), final check {built - crawled:.1f} s"
            if source == "portal" and season
            else f" crawl {crawled - started:.1f} s, build {built - crawled:.1f} s"
        )
    )
    return {"source": source, "summary": summary, "stats": stats, "build_seconds": built - crawled}


@click.command("demo")
@data_option("data/demo", "Data directory for the demo crawl.")
@db_option("data/demo/xxgk.db", "SQLite archive the demo builds.")
@click.option(
    "--port", default=8001, show_default=True, help="Port on 127.0.0.1 (0 = any free port)."
)
@click.option(
    "--source",
    type=click.Choice(["auto", "portal", "seeds"]),
    default="auto",
    show_default=True,
    help="Crawl the local portal, or load the seed reports.",
)
@click.option(
    "--no-serve",
    "--once",
    "no_serve",
    is_flag=True,
    help="Build and exit without serving (for tests and CI).",
)
@click.option(
    "--season/--one-day",
    default=True,
    show_default=True,
    help="Crawl the local portal on three days (revisions, confirmed removals) or once.",
)
def demo_command(
    data_dir: str, db_path: str, port: int, source: str, no_serve: bool, season: bool
) -> None:
    """Offline demo: crawl the local portal through a short season (or load
    the seeds), build the archive and serve the Datasette site on 127.0.0.1
    until Ctrl-C.

    Example:

    \b
        xxgk demo            # then open http://127.0.0.1:8001/
        xxgk demo --no-serve # build only
    """
    from archive.cli import fail

    if source == "portal" and not crawler_available():
        fail("the crawler (crawler.localportal, crawler.run) is not installed; use --source seeds")
    run_demo(Path(data_dir), Path(db_path), source=source, season=season)
    if no_serve:
        click.echo(f"xxgk demo: archive at {db_path} (not serving: --no-serve)")
        return
    from archive.serve import serve

    serve(Path(db_path), port=port, data_dir=Path(data_dir))
