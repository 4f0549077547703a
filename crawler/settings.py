"""Scrapy settings for the xxgk crawler (polite by default).

The only place besides the CLI that reads the environment: XXGK_* variables
set the contact URL and the data directory.
"""

import os

BOT_NAME = "xxgk"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

XXGK_CONTACT_URL = os.environ.get("XXGK_CONTACT_URL", "https://github.com/xxgk-archive")
USER_AGENT = f"xxgk-archive/0.1 (+{XXGK_CONTACT_URL})"

ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_ENABLED = True
RETRY_TIMES = 2

XXGK_DATA_DIR = os.environ.get("XXGK_DATA_DIR", "data")
