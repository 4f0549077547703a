"""Item pipeline: every fetched document goes to the raw archive once, and
every fetch is logged (``archive.store``), through the run's ``Archiver``."""

from __future__ import annotations

import dataclasses

from scrapy import signals

from crawler.archiving import Archiver
from crawler.items import FetchedDocument


def archiver_of(crawler) -> Archiver:
    """The run's archiver, created once per crawler and shared by its
    components (pipeline and downloader middlewares)."""
    archiver = getattr(crawler, "xxgk_archiver", None)
    if archiver is None:
        settings = crawler.settings
        archiver = Archiver.for_run(settings.get("XXGK_DATA_DIR"), settings.get("XXGK_RUN"))
        crawler.xxgk_archiver = archiver
        crawler.signals.connect(_release(crawler), signal=signals.spider_closed, weak=False)
    return archiver


def _release(crawler):
    def on_closed(spider, reason):
        archiver = crawler.xxgk_archiver
        portal = getattr(spider, "portal", {}).get("id")
        if portal:
            archiver.counts(portal)
            if reason not in ("finished", "paused"):
                archiver.note(portal, closed=reason)
        archiver.release()

    return on_closed


class ArchivePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.archiver = archiver_of(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        if isinstance(item, FetchedDocument):
            fields = dataclasses.asdict(item)
            body = fields.pop("body")
            self.archiver.record(body, **fields)
        return item
