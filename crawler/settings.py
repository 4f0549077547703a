"""Scrapy settings for the xxgk crawler (polite by default).

The only place besides the CLI that reads the environment: XXGK_* variables
set the contact URL and the data directory. ``crawler.run`` overrides a few
per crawl (run id, Redis, politeness off for the local portal and the
benchmark).
"""

import os

BOT_NAME = "xxgk"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

XXGK_CONTACT_URL = os.environ.get("XXGK_CONTACT_URL", "https://github.com/xxgk-archive")
USER_AGENT = f"xxgk-archive/0.1 (+{XXGK_CONTACT_URL})"

# Politeness: robots.txt, one request at a time per host, a delay that
# AutoThrottle widens when the portal slows down.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
# Items per response are few: fewer parallel item workers, far less asyncio overhead.
CONCURRENT_ITEMS = 2
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024
DOWNLOAD_WARNSIZE = 16 * 1024 * 1024
REDIRECT_MAX_TIMES = 5

# Network errors are retried by Scrapy; HTTP 5xx and 429 by our middleware
# with exponential backoff and Retry-After; WAF answers are never retried.
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = []
XXGK_RETRY_TIMES = 2
XXGK_BACKOFF_BASE = 2.0
XXGK_MAX_RETRY_AFTER = 120

COOKIES_ENABLED = True
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"

DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.ConditionalRequestMiddleware": 620,
    "crawler.middlewares.PolitenessMiddleware": 650,
}
ITEM_PIPELINES = {"crawler.pipelines.ArchivePipeline": 300}

XXGK_DATA_DIR = os.environ.get("XXGK_DATA_DIR", "data")
XXGK_RUN = None  # a new run id per crawl unless the runner gives one
XXGK_MAX_PAGES = 2000  # per portal, generic spider
XXGK_MAX_DEPTH = 6  # generic spider
XXGK_SHARED_IDLE_CLOSE = 8  # seconds an empty Redis frontier is waited on before closing
