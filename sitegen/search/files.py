"""The search stage: an archive in, the files the browser's search loads out."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from ..config import SiteConfig
from ..documents import Documents
from .documents import SearchDocument, search_documents
from .index import FIELDS, SEARCH_PIPELINE, dump_json, serialized_index
from .postings import postings_of_documents
from .shards import Posting, sharded_files_from_postings

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


@dataclass(frozen=True)
class SearchIndexer:
    """How the stage indexes papers; a caller with a build cache passes one that reuses unchanged papers' work."""

    # The whole serialized Lunr index (below the shard threshold).
    single_index: Callable[[tuple[SearchDocument, ...]], dict] = serialized_index
    # Every term's postings in lunr.js order (above it); the shards need no positions, so no Lunr index is made.
    postings: Callable[[tuple[SearchDocument, ...]], list[Posting]] = postings_of_documents


def build_search_files(documents: Documents, shard_threshold: int = DEFAULT_SHARD_THRESHOLD,
                       indexer: SearchIndexer = SearchIndexer()) -> dict[str, bytes]:
    """{site-relative path: bytes} for the manifest, the Lunr index and the document store."""
    return search_files_for(search_documents(documents), shard_threshold, indexer)


def search_files_for(searchable: tuple[SearchDocument, ...], shard_threshold: int = DEFAULT_SHARD_THRESHOLD,
                     indexer: SearchIndexer = SearchIndexer()) -> dict[str, bytes]:
    """build_search_files from the search documents (`search_documents(documents)`) alone:
    half the bytes of all the documents to hand to a second process.

    Above SHARD_THRESHOLD papers the index is split into pieces the browser loads per query
    (see shards.py); the search interface is the same either way.
    """
    if len(searchable) > shard_threshold:
        return sharded_files_from_postings(indexer.postings(searchable), FIELDS, tuple(SEARCH_PIPELINE),
                                           searchable, SEARCH_DIR)
    index_bytes = dump_json(indexer.single_index(searchable))
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
