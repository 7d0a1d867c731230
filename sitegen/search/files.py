"""The search stage: an archive in, the files the browser's search loads out."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from ..config import SiteConfig
from ..documents import Documents
from .documents import SearchDocument, search_documents
from .index import dump_json, serialized_index
from .shards import sharded_search_files

SEARCH_DIR = "search"
MANIFEST_PATH = f"{SEARCH_DIR}/manifest.json"
INDEX_NAME = "lunr-index.json"
DOCUMENTS_NAME = "documents.json"

# The client reads the manifest first and picks its loader by this name, so a sharded index
# can later be added beside this one without changing the pages.
SINGLE_INDEX_FORMAT = "lunr-single"


def document_store(documents: tuple[SearchDocument, ...]) -> dict:
    """Everything a result shows, keyed by ref, so no paper page is downloaded to show results."""
    return {
        document.ref: {
            "title": document.title,
            "url": document.url,
            "collections": list(document.collections),
            "code": document.has_code,
            # Snippets are cut from this text with the index's token positions, so it must be
            # exactly the text that was indexed.
            "abstract": document.abstract,
        }
        for document in documents
    }


# Papers above which the index is sharded, unless sitegen.toml's [search] shard_threshold says otherwise.
DEFAULT_SHARD_THRESHOLD = SiteConfig.search_shard_threshold


def build_search_files(documents: Documents, shard_threshold: int = DEFAULT_SHARD_THRESHOLD,
                       make_index: Callable[[tuple[SearchDocument, ...]], dict] = serialized_index) -> dict[str, bytes]:
    """{site-relative path: bytes} for the manifest, the Lunr index and the document store.

    Above SHARD_THRESHOLD papers the index is split into pieces the browser loads per query
    (see shards.py); the search interface is the same either way. MAKE_INDEX builds the
    serialized Lunr index; a caller with a build cache passes one that reuses unchanged papers.
    """
    searchable = search_documents(documents)
    if len(searchable) > shard_threshold:
        return sharded_search_files(make_index(searchable), searchable, SEARCH_DIR)
    index_bytes = dump_json(make_index(searchable))
    documents_bytes = dump_json(document_store(searchable))
    manifest = {
        "format": SINGLE_INDEX_FORMAT,
        "papers": len(searchable),
        # The content hash in the query string makes browsers fetch a rebuilt index instead of
        # pairing a cached old index with a new document store.
        "index": f"{INDEX_NAME}?v={_short_hash(index_bytes)}",
        "documents": f"{DOCUMENTS_NAME}?v={_short_hash(documents_bytes)}",
    }
    return {
        MANIFEST_PATH: dump_json(manifest),
        f"{SEARCH_DIR}/{INDEX_NAME}": index_bytes,
        f"{SEARCH_DIR}/{DOCUMENTS_NAME}": documents_bytes,
    }


def _short_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]
