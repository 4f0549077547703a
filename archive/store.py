"""The raw archive: every original byte, stored once by sha256, and an
append-only log of every fetch. This is the source of truth; the SQLite
archive is rebuilt from it by ``xxgk build`` (offline, from raw store plus code).

Layout under the data directory (``data/`` by default, git-ignored)::

    raw/ab/cd/<sha256>        the bytes as received (no extension; the type is
                              in the fetch log and is sniffed again from bytes)
    fetches/<run>.jsonl       one JSON object per fetch, appended as it happens
    crawls/<run>.json         the run's summary, written when it ends

A fetch record has these keys (absent values are null)::

    run, portal, url, final_url, method, status, fetched_at (ISO-8601 UTC),
    content_type, etag, last_modified, referer, link_text, sha256, size,
    role ("listing" | "report" | "attachment" | "robots" | "other"),
    parent_url (for an attachment: the report page it belongs to),
    title, agency_hint, year_hint, not_modified (bool, a 304 answer),
    error (why nothing was stored), paused (why the portal was paused)

Writers never rewrite: bytes are written to a temporary file and renamed into
place, so a crash leaves no half file; a sha256 already present is not
written again.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

FETCH_KEYS = (
    "run",
    "portal",
    "url",
    "final_url",
    "method",
    "status",
    "fetched_at",
    "content_type",
    "etag",
    "last_modified",
    "referer",
    "link_text",
    "sha256",
    "size",
    "role",
    "parent_url",
    "title",
    "agency_hint",
    "year_hint",
    "not_modified",
    "error",
    "paused",
)


def utcnow() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_last_run_stamp = ""


def new_run_id(now: datetime | None = None) -> str:
    """A sortable, unique crawl-run id: 20260122T101500.123456Z-3fa2.

    The archive takes a portal's latest run to be the one with the greatest
    id, so ids must sort in the order the runs started. Microseconds keep
    runs started in the same second apart, and within one process a stamp
    read from the clock is never issued twice or out of order, even if the
    clock steps back. The random tail keeps two machines' runs apart."""
    global _last_run_stamp
    if now is not None:
        return now.strftime("%Y%m%dT%H%M%S.%fZ") + "-" + secrets.token_hex(2)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    if stamp <= _last_run_stamp:
        last = datetime.strptime(_last_run_stamp, "%Y%m%dT%H%M%S.%fZ")
        stamp = (last + timedelta(microseconds=1)).strftime("%Y%m%dT%H%M%S.%fZ")
    _last_run_stamp = stamp
    return stamp + "-" + secrets.token_hex(2)


class RawStore:
    """Content-addressed bytes: ``put`` returns the sha256 and whether the
    bytes were new."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def put(self, data: bytes) -> tuple[str, bool]:
        sha = hashlib.sha256(data).hexdigest()
        target = self.path(sha)
        if target.exists():
            return sha, False
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha, True

    def get(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def __iter__(self) -> Iterator[str]:
        if not self.root.exists():
            return
        for path in sorted(self.root.glob("??/??/*")):
            if not path.name.startswith(".tmp-"):
                yield path.name


class FetchLog:
    """Append-only JSON-lines logs of fetches, one file per crawl run."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def path(self, run: str) -> Path:
        return self.root / f"{run}.jsonl"

    def runs(self) -> list[str]:
        if not self.root.exists():
            return []
        return sorted(p.stem for p in self.root.glob("*.jsonl"))

    def open(self, run: str) -> FetchWriter:
        self.root.mkdir(parents=True, exist_ok=True)
        return FetchWriter(self.path(run).open("a", encoding="utf-8"), run)

    def read(self, run: str | None = None) -> Iterator[dict[str, Any]]:
        """Every fetch, oldest run first; a torn last line (a crash while
        writing) is skipped, never fatal."""
        for r in [run] if run else self.runs():
            path = self.path(r)
            if not path.exists():
                continue
            with path.open(encoding="utf-8") as f:
                for line in f:
                    line = line.strip()
                    if not line:
                        continue
                    try:
                        yield json.loads(line)
                    except json.JSONDecodeError:
                        continue

    def latest_by_url(self) -> dict[str, dict[str, Any]]:
        """The last stored fetch of each URL (for conditional requests)."""
        latest: dict[str, dict[str, Any]] = {}
        for rec in self.read():
            if rec.get("sha256") and rec.get("status") == 200:
                latest[rec["url"]] = rec
        return latest


class FetchWriter:
    def __init__(self, handle: IO[str], run: str):
        self.handle = handle
        self.run = run

    def write(self, **fields: Any) -> dict[str, Any]:
        unknown = set(fields) - set(FETCH_KEYS)
        if unknown:
            raise ValueError(f"unknown fetch keys: {sorted(unknown)}")
        rec = {k: fields.get(k) for k in FETCH_KEYS}
        rec["run"] = self.run
        rec["fetched_at"] = rec["fetched_at"] or utcnow()
        self.handle.write(json.dumps(rec, ensure_ascii=False) + "\n")
        self.handle.flush()
        return rec

    def close(self) -> None:
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()

    def __enter__(self) -> FetchWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class DataDir:
    """The data directory: raw store, fetch logs and crawl summaries."""

    def __init__(self, root: Path | str):
        self.root = Path(root)
        self.raw = RawStore(self.root / "raw")
        self.fetches = FetchLog(self.root / "fetches")
        self.crawls = self.root / "crawls"

    def write_crawl_summary(self, run: str, summary: dict[str, Any]) -> Path:
        self.crawls.mkdir(parents=True, exist_ok=True)
        path = self.crawls / f"{run}.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, path)
        return path

    def crawl_summaries(self) -> list[dict[str, Any]]:
        if not self.crawls.exists():
            return []
        return [json.loads(p.read_text("utf-8")) for p in sorted(self.crawls.glob("*.json"))]
