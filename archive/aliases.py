"""Agency aliases: one identity for a body whose printed name changed.

The 2018–2019 机构改革 renamed and merged many bodies (区卫生和计划生育局 →
区卫生健康局); without an alias the archive shows the old name "stopped
publishing" and a new body "starting". Aliases are curated by people, so they
live in the data directory beside the raw store, in ``agency_aliases.yml``,
and survive any rebuild of the SQLite archive::

    - portal: nb_haishu
      agency: 宁波市海曙区卫生健康局          # the name the archive shows
      alias: 宁波市海曙区卫生和计划生育局      # another name printed on reports
      relation: rename                        # rename | merge | spelling
      note: 2019 机构改革

``xxgk build`` applies the file on every run (``apply_aliases``): the
``agency_aliases`` table mirrors it, and reports printed under an alias are
placed under the agency. ``xxgk alias add / remove / list / suggest`` edit and
read it.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import click
import yaml

from archive.options import data_option, db_option

ALIASES_FILE = "agency_aliases.yml"
RELATIONS = ("rename", "merge", "spelling")

_HEADER = """\
# Agency aliases: other printed names of the same body, per portal.
# Edited by `xxgk alias add/remove` (or by hand); applied by `xxgk build`.
# relation: rename (the body was renamed), merge (it absorbed another body),
# spelling (the same name written differently).
"""


class AliasError(ValueError):
    """A malformed aliases file or a contradictory alias; the message is one line."""


@dataclass(frozen=True)
class Alias:
    portal: str
    agency: str
    alias: str
    relation: str = "rename"
    note: str | None = None


def aliases_path(data_dir: Path | str) -> Path:
    return Path(data_dir) / ALIASES_FILE


def _clean(value: Any) -> str:
    return "".join(str(value).split()) if value is not None else ""


def validate(aliases: list[Alias]) -> None:
    """Refuse what would make identities ambiguous: an alias naming two
    agencies, an alias that is also an agency (a chain), a name its own alias."""
    seen: dict[tuple[str, str], str] = {}
    agencies = {(a.portal, a.agency) for a in aliases}
    for a in aliases:
        if not a.portal or not a.agency or not a.alias:
            raise AliasError("every alias needs portal, agency and alias")
        if a.relation not in RELATIONS:
            raise AliasError(
                f"relation {a.relation!r} for {a.alias}: expected one of {', '.join(RELATIONS)}"
            )
        if a.alias == a.agency:
            raise AliasError(f"{a.alias} is given as an alias of itself")
        key = (a.portal, a.alias)
        if key in seen and seen[key] != a.agency:
            raise AliasError(
                f"{a.alias} ({a.portal}) is an alias of both {seen[key]} and {a.agency}"
            )
        seen[key] = a.agency
        if key in agencies:
            raise AliasError(
                f"{a.alias} ({a.portal}) is both an agency and an alias;"
                " point its aliases at the name it is an alias of"
            )


def read_aliases(data_dir: Path | str) -> list[Alias]:
    """The aliases in ``<data>/agency_aliases.yml`` ([] when there is none)."""
    path = aliases_path(data_dir)
    if not path.exists():
        return []
    try:
        entries = yaml.safe_load(path.read_text("utf-8")) or []
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        problem = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise AliasError(f"{path}: cannot be read: {problem}") from None
    if not isinstance(entries, list):
        raise AliasError(f"{path}: expected a list of aliases")
    out = []
    for i, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            raise AliasError(f"{path}: entry {i} is not a mapping")
        unknown = set(entry) - {"portal", "agency", "alias", "relation", "note"}
        if unknown:
            raise AliasError(f"{path}: entry {i} has unknown keys: {', '.join(sorted(unknown))}")
        note = entry.get("note")
        out.append(
            Alias(
                portal=str(entry.get("portal") or "").strip(),
                agency=_clean(entry.get("agency")),
                alias=_clean(entry.get("alias")),
                relation=str(entry.get("relation") or "rename").strip(),
                note=str(note).strip() if note not in (None, "") else None,
            )
        )
    try:
        validate(out)
    except AliasError as e:
        raise AliasError(f"{path}: {e}") from None
    return out


def write_aliases(data_dir: Path | str, aliases: list[Alias]) -> Path:
    """Write the file whole, through a temporary file and a rename, so a crash
    never leaves half of it."""
    validate(aliases)
    path = aliases_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    entries = [{k: v for k, v in asdict(a).items() if v is not None} for a in aliases]
    body = yaml.safe_dump(entries, allow_unicode=True, sort_keys=False) if entries else "[]\n"
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(_HEADER + body, "utf-8")
    os.replace(tmp, path)
    return path


def add_alias(data_dir: Path | str, new: Alias) -> list[Alias]:
    """Add or replace (same portal and alias) one alias; returns the new list."""
    new = Alias(new.portal.strip(), _clean(new.agency), _clean(new.alias), new.relation, new.note)
    kept = [a for a in read_aliases(data_dir) if (a.portal, a.alias) != (new.portal, new.alias)]
    aliases = [*kept, new]
    write_aliases(data_dir, aliases)
    return aliases


def remove_alias(data_dir: Path | str, portal: str, alias: str) -> bool:
    """Remove one alias; False when the file has no such alias."""
    aliases = read_aliases(data_dir)
    kept = [a for a in aliases if (a.portal, a.alias) != (portal, _clean(alias))]
    if len(kept) == len(aliases):
        return False
    write_aliases(data_dir, kept)
    return True


def apply_aliases(db: Any, aliases: list[Alias]) -> None:
    """Make the ``agency_aliases`` table mirror the file, before reports are
    placed. The agency keeps its id where it can: when only the alias has
    been seen so far, that agency row is renamed; otherwise the agency row is
    created. ``place_reports`` then files every report under the agency its
    printed name resolves to, and drops what is left under the old one."""
    wanted = {(a.portal, a.alias): a for a in aliases}
    for row_id, portal, alias in db.execute(
        "select id, portal_id, alias from agency_aliases"
    ).fetchall():
        if (portal, alias) not in wanted:
            db.execute("delete from agency_aliases where id = ?", [row_id])
    for a in aliases:
        db.execute("insert or ignore into portals (id) values (?)", [a.portal])
        aid = _agency_row(db, a)
        old = db.execute(
            "select agency_id, relation, note from agency_aliases where portal_id = ? and alias = ?",
            [a.portal, a.alias],
        ).fetchone()
        if old is None:
            db.execute(
                "insert into agency_aliases (agency_id, portal_id, alias, relation, note)"
                " values (?, ?, ?, ?, ?)",
                [aid, a.portal, a.alias, a.relation, a.note],
            )
        elif tuple(old) != (aid, a.relation, a.note):
            db.execute(
                "update agency_aliases set agency_id = ?, relation = ?, note = ?"
                " where portal_id = ? and alias = ?",
                [aid, a.relation, a.note, a.portal, a.alias],
            )


def _agency_row(db: Any, a: Alias) -> int:
    row = db.execute(
        "select id from agencies where portal_id = ? and name = ?", [a.portal, a.agency]
    ).fetchone()
    if row:
        return row[0]
    seen_as_alias = db.execute(
        "select id from agencies where portal_id = ? and name = ?", [a.portal, a.alias]
    ).fetchone()
    if seen_as_alias:
        db.execute("update agencies set name = ? where id = ?", [a.agency, seen_as_alias[0]])
        return seen_as_alias[0]
    district = db.execute(
        "select district_code, district from portals where id = ?", [a.portal]
    ).fetchone()
    cur = db.execute(
        "insert into agencies (portal_id, name, district_code, district) values (?, ?, ?, ?)",
        [a.portal, a.agency, *(district or (None, None))],
    )
    return cur.lastrowid


def suggest_aliases(db: Any, min_similarity: float = 0.6) -> list[dict[str, Any]]:
    """Pairs of agencies on one portal where one stops publishing and the
    other starts the next year or the one after, with similar names: the
    shape a rename leaves in the archive. Suggestions for a person to
    confirm, never applied."""
    from difflib import SequenceMatcher

    starting: dict[tuple[str, int], list[tuple[str, int, int]]] = {}
    spans = db.execute(
        "select a.portal_id, a.name, min(r.year), max(r.year) from agencies a"
        " join reports r on r.agency_id = a.id group by a.id"
    ).fetchall()
    for portal, name, first, last in spans:
        starting.setdefault((portal, first), []).append((name, first, last))
    out = []
    for portal, old, old_first, old_last in spans:
        for new, new_first, new_last in [
            *starting.get((portal, old_last + 1), ()),
            *starting.get((portal, old_last + 2), ()),
        ]:
            similarity = SequenceMatcher(None, old, new).ratio()
            if similarity >= min_similarity:
                out.append(
                    {
                        "portal": portal,
                        "alias": old,
                        "agency": new,
                        "alias_years": f"{old_first}–{old_last}",
                        "agency_years": f"{new_first}–{new_last}",
                        "similarity": round(similarity, 2),
                    }
                )
    return sorted(out, key=lambda s: (-s["similarity"], s["portal"], s["alias"]))


def write_suggestions(db: Any) -> None:
    """The ``alias_suggestions`` table for the site: possible renames, each
    with the command that would record it. Rebuilt whole on every build."""
    rows = [
        {
            **s,
            "command": f"xxgk alias add {s['alias']} {s['agency']} --portal {s['portal']}",
        }
        for s in suggest_aliases(db)
    ]
    with db.conn:
        db.execute("drop table if exists alias_suggestions")
        db["alias_suggestions"].create(
            {
                "portal": str,
                "alias": str,
                "agency": str,
                "alias_years": str,
                "agency_years": str,
                "similarity": float,
                "command": str,
            }
        )
        if rows:
            db["alias_suggestions"].insert_all(rows)


def _open_archive(db_path: Path) -> Any:
    """The archive at ``db_path``, or a one-line error when it is not one."""
    import sqlite3

    from sqlite_utils import Database

    from archive.cli import fail

    try:
        db = Database(db_path)
        tables = set(db.table_names())
    except sqlite3.DatabaseError as e:
        fail(f"{db_path} is not a readable SQLite archive: {e}")
    if not {"agencies", "reports", "agency_aliases"} <= tables:
        fail(f"{db_path} is not an xxgk archive (run `xxgk build` first)")
    return db


def _portal_of(db_path: Path, names: list[str], portal: str | None) -> str:
    """The portal named (one the archive knows, when there is an archive), or
    the one portal whose agencies carry these names."""
    from archive.cli import fail

    if portal:
        if db_path.exists():
            db = _open_archive(db_path)
            known = sorted(r[0] for r in db.execute("select id from portals"))
            db.close()
            if portal not in known:
                fail(f"unknown portal {portal} (the archive has: {', '.join(known) or 'none'})")
        return portal
    if not db_path.exists():
        fail(f"give --portal: there is no archive at {db_path} to look the names up in")
    db = _open_archive(db_path)
    marks = ", ".join("?" for _ in names)
    found = sorted(
        {
            r[0]
            for r in db.execute(
                f"select portal_id from agencies where name in ({marks})"
                f" union select portal_id from agency_aliases where alias in ({marks})",
                [*names, *names],
            )
        }
    )
    db.close()
    if len(found) == 1:
        return found[0]
    if not found:
        fail(f"give --portal: no agency in {db_path} is named {' or '.join(names)}")
    fail(f"give --portal: {' / '.join(names)} appear on portals {', '.join(found)}")
    return ""  # not reached: fail() exits


def _rebuild(data_dir: Path, db_path: Path, build_after: bool) -> None:
    """Apply the file at once, unless an update (which builds) holds the data
    directory: the next build applies it then."""
    if not build_after or not db_path.exists():
        click.echo(f"run `xxgk build --data {data_dir} --db {db_path}` to apply it")
        return
    from archive.build import build
    from archive.cli import fail
    from archive.update import Locked, update_lock

    try:
        with update_lock(data_dir):
            stats = build(data_dir, db_path, progress=False)
    except Locked as e:
        click.echo(f"not rebuilt now: {e}; the next build applies it")
        return
    except Exception as e:  # a one-line error, never a traceback
        fail(f"the alias is saved but the rebuild failed: {type(e).__name__}: {e}")
        return
    click.echo(
        f"{db_path}: rebuilt, {stats['reports']} reports"
        f" ({stats['placement_changes']} placement changes)"
    )


@click.group("alias")
def alias_group() -> None:
    """Agency aliases: other printed names of the same body (renames, merges,
    spellings), kept in <data>/agency_aliases.yml and applied by every build.

    Example: the 2019 reform renamed a health bureau:

        xxgk alias add 宁波市海曙区卫生和计划生育局 宁波市海曙区卫生健康局 --note "2019 机构改革"
    """


@alias_group.command("add")
@click.argument("alias")
@click.argument("agency")
@click.option("--portal", help="Portal id (found from the archive when the names say it).")
@click.option("--relation", type=click.Choice(RELATIONS), default="rename", show_default=True)
@click.option("--note", help="Why: a decree, a date, a source.")
@click.option("--build/--no-build", "build_after", default=True, help="Rebuild the archive now.")
@data_option(as_path=True)
@db_option(as_path=True)
def alias_add(
    alias: str,
    agency: str,
    portal: str | None,
    relation: str,
    note: str | None,
    build_after: bool,
    data_dir: Path,
    db_path: Path,
) -> None:
    """Record ALIAS as another name of AGENCY (the name the archive shows)."""
    from archive.cli import fail

    portal = _portal_of(db_path, [_clean(alias), _clean(agency)], portal)
    try:
        add_alias(data_dir, Alias(portal, agency, alias, relation, note))
    except AliasError as e:
        fail(str(e))
    click.echo(
        f"{aliases_path(data_dir)}: {_clean(alias)} → {_clean(agency)} ({portal}, {relation})"
    )
    _rebuild(data_dir, db_path, build_after)


@alias_group.command("remove")
@click.argument("alias")
@click.option("--portal", help="Portal id (found from the archive when the name says it).")
@click.option("--build/--no-build", "build_after", default=True, help="Rebuild the archive now.")
@data_option(as_path=True)
@db_option(as_path=True)
def alias_remove(
    alias: str, portal: str | None, build_after: bool, data_dir: Path, db_path: Path
) -> None:
    """Forget ALIAS: reports printed under it become their own agency again."""
    from archive.cli import fail

    try:
        if portal is None:
            matches = {a.portal for a in read_aliases(data_dir) if a.alias == _clean(alias)}
            if len(matches) > 1:
                fail(f"give --portal: {alias} is an alias on {', '.join(sorted(matches))}")
            portal = next(iter(matches), "")
        removed = remove_alias(data_dir, portal, alias)
    except AliasError as e:
        fail(str(e))
    if not removed:
        fail(f"no alias {alias} in {aliases_path(data_dir)}")
    click.echo(f"{aliases_path(data_dir)}: removed {_clean(alias)} ({portal})")
    _rebuild(data_dir, db_path, build_after)


@alias_group.command("list")
@data_option(as_path=True)
def alias_list(data_dir: Path) -> None:
    """Print the aliases, one per line: portal, alias → agency, relation, note."""
    from archive.cli import fail

    try:
        aliases = read_aliases(data_dir)
    except AliasError as e:
        fail(str(e))
    for a in aliases:
        click.echo(
            f"{a.portal}\t{a.alias} → {a.agency}\t{a.relation}" + (f"\t{a.note}" if a.note else "")
        )
    if not aliases:
        click.echo(f"no aliases in {aliases_path(data_dir)}", err=True)


@alias_group.command("suggest")
@click.option("--min-similarity", default=0.6, show_default=True, help="Name similarity, 0–1.")
@db_option(as_path=True)
def alias_suggest(min_similarity: float, db_path: Path) -> None:
    """Agencies that stop publishing when a similarly named one starts:
    likely renames, for a person to check and `xxgk alias add`."""
    from archive.cli import fail

    if not db_path.exists():
        fail(f"no archive at {db_path} (run `xxgk build` first)")
    db = _open_archive(db_path)
    pairs = suggest_aliases(db, min_similarity)
    db.close()
    for s in pairs:
        click.echo(
            f"{s['portal']}\t{s['alias']} ({s['alias_years']}) → {s['agency']} ({s['agency_years']})"
            f"\tsimilarity {s['similarity']}"
        )
    click.echo(f"{len(pairs)} possible renames", err=True)
