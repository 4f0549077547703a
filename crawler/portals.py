"""The portal registry (``portals.yml``): portals are data, families are code.

``load()`` reads and validates the registry; ``resolve()`` turns ids or portal
dicts (e.g. the local portal's) into validated dicts. Nothing here touches the
network.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

REGISTRY = Path(__file__).with_name("portals.yml")
FAMILIES = ("hanweb_classic", "hanweb_jpaas", "trs", "gkmlpt", "lonsun", "generic")
LEVELS = ("province", "city", "district", "county")
REQUIRED = ("id", "district_code", "district", "level", "family", "listing_urls", "allowed_domains")
OPTIONAL = (
    "site_name",
    "start_urls",
    "verified",
    "robots",
    "selectors",
    "expected_years",
    "notes",
    "expect_pause",
)


class PortalError(ValueError):
    """A portal entry that cannot be used, or an unknown portal id."""


def validate(portal: dict[str, Any]) -> list[str]:
    """Every problem of one entry, as readable messages (empty when valid)."""
    errors = []
    pid = portal.get("id", "?")
    for key in REQUIRED:
        if key not in portal:
            errors.append(f"{pid}: missing {key}")
    unknown = set(portal) - set(REQUIRED) - set(OPTIONAL)
    if unknown:
        errors.append(f"{pid}: unknown keys {sorted(unknown)}")
    if errors:
        return errors
    if not re.fullmatch(r"[a-z][a-z0-9_]*", str(pid)):
        errors.append(f"{pid}: id must be lower-case pinyin with underscores")
    if not isinstance(portal["district_code"], str) or not re.fullmatch(
        r"\d{6}", portal["district_code"]
    ):
        errors.append(f"{pid}: district_code must be six digits as text")
    if portal["level"] not in LEVELS:
        errors.append(f"{pid}: level must be one of {LEVELS}")
    if portal["family"] not in FAMILIES:
        errors.append(f"{pid}: family must be one of {FAMILIES}")
    domains = portal["allowed_domains"]
    if not isinstance(domains, list) or not domains:
        errors.append(f"{pid}: allowed_domains must be a non-empty list")
        domains = []
    for key in ("listing_urls", "start_urls"):
        urls = portal.get(key, [])
        if not isinstance(urls, list) or (key == "listing_urls" and not urls):
            errors.append(f"{pid}: {key} must be a non-empty list of URLs")
            continue
        for url in urls:
            parts = urlsplit(str(url))
            if parts.scheme not in ("http", "https") or not parts.hostname:
                errors.append(f"{pid}: {key}: not an http(s) URL: {url}")
            elif not any(parts.hostname == d or parts.hostname.endswith("." + d) for d in domains):
                errors.append(f"{pid}: {key}: {url} is outside allowed_domains")
    robots = portal.get("robots")
    if robots is not None and (
        not isinstance(robots, dict) or robots.get("obey") is not False or not robots.get("reason")
    ):
        errors.append(f"{pid}: robots must be {{obey: false, reason: ...}} when given")
    if "verified" in portal and not isinstance(portal["verified"], bool):
        errors.append(f"{pid}: verified must be true or false")
    return errors


def load(path: Path | str | None = None) -> list[dict[str, Any]]:
    """The registry, validated; extra entries come from ``$XXGK_PORTALS_FILE``
    (YAML or JSON list), which the crawl runner uses for ad-hoc portals."""
    entries = yaml.safe_load(Path(path or REGISTRY).read_text("utf-8")) or []
    extra = os.environ.get("XXGK_PORTALS_FILE")
    if extra and path is None:
        entries += yaml.safe_load(Path(extra).read_text("utf-8")) or []
    errors = [e for p in entries for e in validate(p)]
    ids = [p.get("id") for p in entries]
    errors += [f"{i}: duplicate id" for i in sorted({i for i in ids if ids.count(i) > 1})]
    if errors:
        raise PortalError("; ".join(errors))
    return entries


def get(portal_id: str) -> dict[str, Any]:
    for portal in load():
        if portal["id"] == portal_id:
            return portal
    raise PortalError(f"unknown portal: {portal_id}")


def resolve(portals: list[str | dict[str, Any]]) -> list[dict[str, Any]]:
    """Ids or dicts → validated dicts, in order."""
    out = []
    for p in portals:
        portal = get(p) if isinstance(p, str) else dict(p)
        errors = validate(portal)
        if errors:
            raise PortalError("; ".join(errors))
        out.append(portal)
    return out


def dumps(portals: list[dict[str, Any]]) -> str:
    return json.dumps(portals, ensure_ascii=False)
