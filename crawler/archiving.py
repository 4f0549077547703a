"""The crawl's side of the raw archive: one ``Archiver`` per (data dir, run)
in a process, shared by the crawlers of that run. It stores bytes once
(``archive.store.DataDir``), appends one fetch record per fetch, keeps the
per-portal counts of the closing summary, and writes ``crawls/<run>.json``
when the last crawler of the run closes.

Counts per portal: ``pages`` (fetches answered), ``reports_found`` (report
documents seen), ``new`` / ``changed`` / ``unchanged`` (report and attachment
URLs compared with the last stored fetch of the same URL before this run),
``errors``, ``paused`` and ``paused_reason``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from archive.store import DataDir, new_run_id, utcnow

_ARCHIVERS: dict[tuple[str, str], Archiver] = {}


def empty_counts() -> dict[str, Any]:
    return {
        "pages": 0,
        "reports_found": 0,
        "new": 0,
        "changed": 0,
        "unchanged": 0,
        "errors": 0,
        "paused": False,
        "paused_reason": None,
    }


class Archiver:
    def __init__(self, data_dir: Path | str, run: str):
        self.data = DataDir(data_dir)
        self.run = run
        self.started_at = utcnow()
        self.previous = self.data.fetches.latest_by_url()
        # conditional requests: the last stored fetch by URL and by final URL
        self.conditional: dict[str, dict[str, Any]] = {}
        for rec in self.previous.values():
            self.conditional[rec["url"]] = rec
            if rec.get("final_url"):
                self.conditional.setdefault(rec["final_url"], rec)
        self.writer = self.data.fetches.open(run)
        self.portals: dict[str, dict[str, Any]] = {}
        self.extra: dict[str, dict[str, Any]] = {}
        self.seen_docs: dict[str, set[str]] = {}
        self.users = 0

    @classmethod
    def for_run(cls, data_dir: Path | str, run: str | None) -> Archiver:
        run = run or new_run_id()
        key = (str(Path(data_dir).resolve()), run)
        if key not in _ARCHIVERS:
            _ARCHIVERS[key] = cls(data_dir, run)
        archiver = _ARCHIVERS[key]
        archiver.users += 1
        return archiver

    def counts(self, portal: str) -> dict[str, Any]:
        return self.portals.setdefault(portal, empty_counts())

    @staticmethod
    def storable(body: bytes | None, fields: dict[str, Any]) -> bool:
        return body is not None and fields.get("status") in (200, 304) and not fields.get("error")

    def store(self, body: bytes) -> tuple[str, int]:
        """Put the bytes in the raw store (thread-safe: write to a temporary
        file, fsync, rename) → (sha256, size)."""
        sha, _new = self.data.raw.put(body)
        return sha, len(body)

    def record(
        self, body: bytes | None, stored: tuple[str, int] | None = None, **fields: Any
    ) -> dict[str, Any]:
        """Store ``body`` (unless ``stored`` says where it went) and append
        the fetch record."""
        portal = fields.get("portal") or "?"
        counts = self.counts(portal)
        if stored is None and self.storable(body, fields):
            stored = self.store(body)
        if stored is not None:
            fields["sha256"], fields["size"] = stored
        rec = self.writer.write(**fields)
        if rec["status"] is not None:
            counts["pages"] += 1
        if rec["error"]:
            counts["errors"] += 1
        if rec["paused"]:
            counts["paused"] = True
            counts["paused_reason"] = counts["paused_reason"] or rec["paused"]
        if rec["sha256"] and rec["role"] in ("report", "attachment"):
            seen = self.seen_docs.setdefault(portal, set())
            if rec["url"] not in seen:
                seen.add(rec["url"])
                if rec["role"] == "report":
                    counts["reports_found"] += 1
                before = self.previous.get(rec["url"])
                if before is None:
                    counts["new"] += 1
                elif before["sha256"] == rec["sha256"]:
                    counts["unchanged"] += 1
                else:
                    counts["changed"] += 1
        return rec

    def note(self, portal: str, **info: Any) -> None:
        """Facts about a portal's crawl that are not fetches (a robots override)."""
        self.extra.setdefault(portal, {}).update(info)

    def summary(self) -> dict[str, Any]:
        portals = {}
        for pid, counts in self.portals.items():
            portals[pid] = {**counts, **self.extra.get(pid, {})}
        for pid, info in self.extra.items():
            portals.setdefault(pid, {**empty_counts(), **info})
        return {
            "run": self.run,
            "started_at": self.started_at,
            "finished_at": utcnow(),
            "portals": portals,
        }

    def release(self) -> dict[str, Any] | None:
        """A crawler of the run is done; the last one writes the summary."""
        self.users -= 1
        if self.users > 0:
            return None
        self.writer.close()
        summary = self.summary()
        self.data.write_crawl_summary(self.run, summary)
        _ARCHIVERS.pop((str(self.data.root.resolve()), self.run), None)
        return summary
