"""Ingest: listing files -> a parsed, de-duplicated, cleaned Archive.

read_listings is the only function here that touches the disk; the rest are pure.
"""

from __future__ import annotations

from ..config import SiteConfig
from ..model import Archive
from .archive import build_archive
from .listing import parse_listing
from .read import read_listings

__all__ = ["build_archive", "load_archive", "parse_listing", "read_listings"]


def load_archive(config: SiteConfig) -> Archive:
    """Read, parse and merge every listing; input problems are in archive.diagnostics, never raised."""
    raw_listings, read_problems = read_listings(config)
    parsed = [parse_listing(raw, config.collection_names) for raw in raw_listings]
    return build_archive(parsed, read_problems)
