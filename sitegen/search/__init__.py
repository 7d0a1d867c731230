"""Client-side search: a Lunr index built here, loaded by lunr.js in the reader's browser."""

from .files import build_search_files

__all__ = ["build_search_files"]
