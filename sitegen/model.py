"""Plain data passed between build stages.

Every stage takes and returns these frozen dataclasses, so a stage can be
tested by constructing its input by hand and nothing mutates shared state.
Paths stored here are POSIX strings relative to the site project root: they
appear in messages and in output, and must not depend on where the project
was cloned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["warning", "error"]
LinkKind = Literal["code", "dataset", "project", "other"]


@dataclass(frozen=True)
class Diagnostic:
    """A problem found in the input, named by file, line and stage."""

    severity: Severity
    stage: str
    file: str
    line: int | None
    message: str

    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def __str__(self) -> str:
        return f"{self.location()}: {self.severity} ({self.stage}): {self.message}"


@dataclass(frozen=True)
class RawListing:
    """A listing file as read from disk, before any parsing."""

    source: str  # project-relative POSIX path, e.g. "content/listings/000_x.txt"
    data: bytes


@dataclass(frozen=True)
class Collection:
    """One listing file; every listing is a collection of papers."""

    key: str  # URL-safe, unique, derived from the file name
    name: str  # human name, from sitegen.toml or derived
    source: str
    date_label: str | None  # e.g. "Mar 12", as printed in the listing


@dataclass(frozen=True)
class Entry:
    """One title+abstract occurrence in one listing, text as found."""

    title: str
    abstract: str  # "" when the listing gave no abstract
    collection: str  # Collection.key
    source: str
    line: int  # 1-based line of the title in the source file
    date_label: str | None
    # Set by parse_listing so that merging listings cleans nothing again (sitegen.ingest.entry):
    paper: Paper | None = None  # this entry cleaned into a paper of its own, before de-duplication
    key: str = ""  # its normalized title: entries with the same key are one paper


@dataclass(frozen=True)
class ParsedListing:
    collection: Collection
    entries: tuple[Entry, ...]
    diagnostics: tuple[Diagnostic, ...]


@dataclass(frozen=True)
class Link:
    url: str
    kind: LinkKind


@dataclass(frozen=True)
class Appearance:
    """Where a paper was listed: one per entry merged into the paper."""

    collection: str  # Collection.key
    source: str
    line: int
    date_label: str | None


@dataclass(frozen=True)
class Paper:
    id: str  # stable: derived from the normalized title only
    slug: str  # unique in the archive, safe as a path segment
    title: str  # cleaned plain text
    abstract_markdown: str  # cleaned, for pages (markdown-it-py source)
    abstract_text: str  # cleaned plain text, for search and meta tags
    links: tuple[Link, ...]
    appearances: tuple[Appearance, ...]  # sorted by (source, line)
    tags: tuple[str, ...] = ()

    @property
    def has_code(self) -> bool:
        return any(link.kind == "code" for link in self.links)

    @property
    def collections(self) -> tuple[str, ...]:
        """Collection keys, in appearance order, without repeats."""
        return tuple(dict.fromkeys(a.collection for a in self.appearances))


@dataclass(frozen=True)
class Archive:
    """Everything ingest produced: the input to every later stage."""

    collections: tuple[Collection, ...]  # sorted by key
    papers: tuple[Paper, ...]  # sorted by id
    entry_count: int
    duplicates_merged: int  # entry_count - len(papers)
    diagnostics: tuple[Diagnostic, ...] = field(default=())

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "error")

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "warning")
