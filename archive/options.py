"""The ``--data`` and ``--db`` options every verb that touches the archive
takes, declared once: the same names, the same checks (a directory, a file),
each verb choosing its own default and help text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click


def data_option(
    default: str | None = "data",
    help: str = "Data directory (raw/, fetches/, crawls/).",
    *,
    as_path: bool = False,
) -> Callable[[Any], Any]:
    """``--data DIR`` → ``data_dir``: where the raw store and the logs live."""
    return click.option(
        "--data",
        "data_dir",
        default=default,
        show_default=default is not None,
        type=click.Path(file_okay=False, path_type=Path if as_path else None),
        help=help,
    )


def db_option(
    default: str | None = "data/xxgk.db",
    help: str = "SQLite archive.",
    *,
    as_path: bool = False,
) -> Callable[[Any], Any]:
    """``--db FILE`` → ``db_path``: the SQLite archive."""
    return click.option(
        "--db",
        "db_path",
        default=default,
        show_default=default is not None,
        type=click.Path(dir_okay=False, path_type=Path if as_path else None),
        help=help,
    )
