"""``xxgk serve``: Datasette on the archive — immutable (read-only), with a
SQL time limit, bound to 127.0.0.1, with ``metadata.yml`` and the archive's
plugin (``archive.site``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from archive.options import data_option, db_option

METADATA = Path(__file__).resolve().parents[1] / "metadata.yml"
SQL_TIME_LIMIT_MS = 3000


def datasette_args(db_path: Path, *, port: int, host: str = "127.0.0.1") -> list[str]:
    """The datasette command line that serves the archive."""
    args = [sys.executable, "-m", "datasette", "serve", "-i", str(db_path)]
    if METADATA.exists():
        args += ["-m", str(METADATA)]
    args += [
        "--host",
        host,
        "--port",
        str(port),
        "--setting",
        "sql_time_limit_ms",
        str(SQL_TIME_LIMIT_MS),
        "--setting",
        "default_page_size",
        "50",
    ]
    return args


def serve(db_path: Path, *, port: int = 8001, data_dir: Path | None = None) -> None:
    """Run Datasette in the foreground (this process becomes it) until Ctrl-C."""
    from archive.cli import fail

    if not db_path.exists():
        fail(f"no archive at {db_path} (run `xxgk build` first)")
    env = dict(os.environ)
    if data_dir is not None:
        env["XXGK_DATA"] = str(data_dir.resolve())
    click.echo(f"xxgk: serving {db_path} at http://127.0.0.1:{port}/ (Ctrl-C to stop)")
    sys.stdout.flush()
    sys.stderr.flush()
    # Become Datasette, so that Ctrl-C and SIGTERM reach the server itself.
    args = datasette_args(db_path, port=port)
    os.execve(args[0], args, env)


@click.command("serve")
@db_option()
@data_option(None, "Data directory with the raw store (default: as recorded by the build).")
@click.option("--port", default=8001, show_default=True, help="Port on 127.0.0.1.")
def serve_command(db_path: str, data_dir: str | None, port: int) -> None:
    """Serve the archive with Datasette, read-only, on 127.0.0.1.

    Example:

        xxgk serve --db data/xxgk.db --port 8001
    """
    serve(Path(db_path), port=port, data_dir=Path(data_dir) if data_dir else None)
