"""``xxgk crawl``: crawl portals into the data directory, with live progress
and a closing summary per portal."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from archive.options import data_option

COLUMNS = ("pages", "reports_found", "new", "changed", "unchanged", "errors")


def format_summary(summary: dict) -> str:
    """The closing table: one line per portal."""
    head = f"{'portal':<22}" + "".join(f"{c:>14}" for c in COLUMNS) + "  paused"
    lines = [f"run {summary['run']}", head]
    for pid, counts in sorted(summary["portals"].items()):
        paused = counts.get("paused_reason") or "" if counts.get("paused") else ""
        lines.append(
            f"{pid:<22}" + "".join(f"{counts.get(c, 0):>14}" for c in COLUMNS) + f"  {paused}"
        )
        if counts.get("robots_overridden"):
            lines.append(f"{'':<22}robots.txt overridden: {counts['robots_overridden']}")
    return "\n".join(lines)


def _progress_printer(stream):
    def show(portals: dict) -> None:
        parts = [
            f"{pid}: {c['pages']} pages, {c['reports_found']} reports"
            + (f", {c['errors']} errors" if c["errors"] else "")
            + (" (paused)" if c["paused"] else "")
            for pid, c in sorted(portals.items())
        ]
        line = " | ".join(parts)
        if stream.isatty():
            stream.write("\r\033[K" + line[:200])
        else:
            stream.write(line + "\n")
        stream.flush()

    return show


@click.command()
@click.argument("portals", nargs=-1)
@click.option("--all", "crawl_all", is_flag=True, help="Crawl every portal in portals.yml.")
@click.option("--redis", "redis_url", help="Share the frontier through Redis (redis://host:port).")
@click.option(
    "--frontier", help="Name of the shared Redis frontier (default: portals + today's date)."
)
@data_option(help="Data directory (raw store, fetch logs, crawl summaries).", as_path=True)
@click.option(
    "--local",
    is_flag=True,
    help="Crawl the built-in local portal (Hanweb, jpaas, TRS on 127.0.0.1) instead.",
)
@click.option("--hostile", is_flag=True, help="With --local: switch on the portal's hostility.")
@click.option(
    "--impolite",
    is_flag=True,
    help="No delay, no AutoThrottle, many requests per host: only for local portals.",
)
def crawl(
    portals: tuple[str, ...],
    crawl_all: bool,
    redis_url: str | None,
    frontier: str | None,
    data_dir: Path,
    local: bool,
    hostile: bool,
    impolite: bool,
) -> None:
    """Crawl PORTAL ids from crawler/portals.yml (or --all, or --local).

    Every response is stored once by sha256 under DATA/raw and logged in
    DATA/fetches/<run>.jsonl; the run's summary goes to DATA/crawls/<run>.json
    and is printed per portal: pages, reports found, new, changed, unchanged,
    errors, and why a portal was paused (WAF, captcha, 403, 429). Re-crawls
    send conditional requests; an interrupted crawl resumes.

    Example:

        xxgk crawl nb_haishu nb_jiangbei --data data

        xxgk crawl --local --hostile --impolite --data /tmp/xxgk-demo
    """
    from crawler import portals as registry
    from crawler.run import CrawlError
    from crawler.run import crawl as run_crawl

    def fail(message: str) -> None:
        click.echo(f"xxgk: error: {message}", err=True)
        sys.exit(1)

    if local and (portals or crawl_all):
        fail("--local crawls the local portal only; give no PORTAL and no --all")
    if impolite and not local:
        fail("--impolite is only for the local portal")
    lp = None
    try:
        if local:
            from crawler.localportal import LocalPortal

            lp = LocalPortal(hostile=hostile).start()
            chosen: list = lp.portals()
        elif crawl_all:
            chosen = registry.load()
        elif portals:
            chosen = [registry.get(p) for p in portals]
        else:
            fail("name at least one PORTAL, or --all, or --local")
        summary = run_crawl(
            chosen,
            data_dir,
            redis_url=redis_url,
            frontier=frontier,
            polite=not impolite,
            progress=_progress_printer(sys.stderr),
        )
    except registry.PortalError as e:
        fail(str(e))
    except CrawlError as e:
        fail(str(e).splitlines()[0])
    finally:
        if lp is not None:
            lp.stop()
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    click.echo(format_summary(summary))
