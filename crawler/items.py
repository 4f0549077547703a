"""The one item: a fetched document (or a failed fetch), with its hints."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class FetchedDocument:
    """What the archive pipeline stores and logs for one fetch.

    ``body`` is the raw bytes as received (never re-encoded); ``role`` is
    listing, report, attachment, robots or other; ``parent_url`` ties an
    attachment to its report page; ``title``/``agency_hint``/``year_hint``
    carry what the listing and the page said.
    """

    portal: str
    url: str
    final_url: str | None = None
    method: str = "GET"
    status: int | None = None
    body: bytes | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    referer: str | None = None
    link_text: str | None = None
    role: str = "other"
    parent_url: str | None = None
    title: str | None = None
    agency_hint: str | None = None
    year_hint: int | None = None
    not_modified: bool = False
    error: str | None = None
    paused: str | None = None
