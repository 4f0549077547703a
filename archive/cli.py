"""The ``xxgk`` command line: one verb per job.

Verbs import their machinery lazily, so ``xxgk extract`` does not load Scrapy
or Datasette.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import click

from archive import __version__


def fail(message: str, code: int = 1) -> None:
    """Exit with a one-line error on stderr (never a traceback)."""
    click.echo(f"xxgk: error: {message}", err=True)
    sys.exit(code)


# Commands that live beside their machinery, loaded only when called:
# name -> "module:function" (a click command).
LAZY_COMMANDS: dict[str, str] = {
    "crawl": "crawler.cli:crawl",
    "eval": "extract.evaluate:eval_command",
    "extract": "extract.batch:extract_command",  # extends the built-in verb to directories
    "build": "archive.build:build_command",
    "serve": "archive.serve:serve_command",
    "demo": "archive.demo:demo_command",
    "update": "archive.update:update_command",
    "digest": "archive.digest:digest_command",
    "alias": "archive.aliases:alias_group",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in LAZY_COMMANDS:
            module, attr = LAZY_COMMANDS[name].split(":")
            return getattr(importlib.import_module(module), attr)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xxgk")
def cli() -> None:
    """xxgk — an archive of 政府信息公开工作年度报告 (government information
    disclosure annual reports): crawl portals, extract every table cell with its
    provenance, and publish a year-over-year SQLite archive with Datasette."""


@cli.command()
@click.argument("path")
@click.option("--json", "as_json", is_flag=True, help="Print the record as JSON (the default).")
@click.option("--pretty", is_flag=True, help="Print the tables, checks and warnings for people.")
def extract(path: str, as_json: bool, pretty: bool) -> None:
    """Extract one report (PATH, or - for stdin) into the contract record.

    The record holds agency, report year, format, every cell of 表二/表三/表四
    with provenance, the report's own arithmetic checks, and its six sections.
    Exits 0 when the document was read, even if checks fail; exits 1 with a
    one-line message when it cannot be read at all.

    Example:

        xxgk extract tests/fixtures/seeds/001_3ea6a6549f11e7d9.txt --pretty
    """
    from extract import UnreadableDocument
    from extract import extract as run_extract

    if as_json and pretty:
        fail("--json and --pretty are exclusive", 2)
    if path == "-":
        data = sys.stdin.buffer.read()
        name = None
    else:
        p = Path(path)
        if p.is_dir():
            fail(f"{path} is a directory; give one document")
        try:
            data = p.read_bytes()
        except OSError as e:
            fail(f"cannot read {path}: {e.strerror or e}")
        name = p.name
    if not data:
        fail(f"{path}: empty document")
    try:
        record = run_extract(data, source=path, name=name)
    except UnreadableDocument as e:
        fail(f"{path}: {e}")
    if pretty:
        from archive.render import render_record

        click.echo(render_record(record))
    else:
        click.echo(json.dumps(record, ensure_ascii=False, indent=2))


def main() -> None:  # pragma: no cover - console entry point
    cli()
