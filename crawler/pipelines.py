"""Item pipeline: every fetched document goes to the raw archive once, and
every fetch is logged (``archive.store``), through the run's ``Archiver``."""

from __future__ import annotations

import asyncio
import dataclasses
from concurrent.futures import ThreadPoolExecutor

from scrapy import signals

from crawler.archiving import Archiver
from crawler.items import FetchedDocument

# fsync-bound writes: many in flight let the file system commit them together.
STORE_THREADS = ThreadPoolExecutor(max_workers=16, thread_name_prefix="xxgk-store")


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

    async def process_item(self, item):
        """Bytes go to the raw store in a worker thread (its fsync would stall
        the crawl); the fetch record is written here, in order of arrival."""
        if isinstance(item, FetchedDocument):
            fields = dataclasses.asdict(item)
            body = fields.pop("body")
            stored = None
            if self.archiver.storable(body, fields):
                loop = asyncio.get_running_loop()
                stored = await loop.run_in_executor(STORE_THREADS, self.archiver.store, body)
            self.archiver.record(None, stored=stored, **fields)
            item.body = None  # the bytes are archived; do not keep them around
        return item
