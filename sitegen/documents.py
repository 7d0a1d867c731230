"""Per-paper Markdown documents, hand-written overrides and stand-alone pages.

A PaperDocument is the single source a paper's HTML page is rendered from, and
it is also published as Markdown (front matter + body) beside the HTML. Users
refine a paper with content/papers/<slug>.md; the merge rule lives in
`merge_override` and is documented in README.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import SitegenError
from .fingerprint import HashedOnce, Shared, hash_once
from .model import Archive, Diagnostic, Link, Paper

STAGE = "documents"
LINK_KINDS = ("code", "dataset", "project", "other")
SAFE_URL_SCHEMES = ("http://", "https://")
PAGE_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# Top-level folders the site itself uses; a stand-alone page may not shadow them.
RESERVED_PAGE_SLUGS = frozenset(
    {"papers", "collections", "dates", "tags", "a-z", "code", "search", "static", "page", "404"}
)
# libyaml's dumper writes the same text as the pure-Python one, about 15 times faster.
_YAML_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_NON_WORD = re.compile(r"[\W_]+")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?$\n?", re.DOTALL | re.MULTILINE)


@dataclass(frozen=True)
class SourceFile:
    """A hand-written Markdown file as read from disk."""

    source: str  # project-relative POSIX path
    text: str


@dataclass(frozen=True)
class CollectionRef:
    key: str
    name: str
    date_label: str | None


@hash_once
@dataclass(frozen=True)
class PaperDocument:
    id: str
    slug: str
    title: str
    abstract_markdown: str
    abstract_text: str
    notes_markdown: str  # body of content/papers/<slug>.md, shown below the abstract
    links: tuple[Link, ...]
    tags: tuple[str, ...]
    collections: tuple[CollectionRef, ...]
    override_source: str | None = None

    @property
    def has_code(self) -> bool:
        return any(link.kind == "code" for link in self.links)

    def front_matter(self) -> dict:
        return {
            "title": self.title,
            "id": self.id,
            "slug": self.slug,
            "collections": [
                {"key": c.key, "name": c.name, "date": c.date_label} for c in self.collections
            ],
            "links": [{"url": link.url, "kind": link.kind} for link in self.links],
            "tags": list(self.tags),
        }

    def body(self) -> str:
        parts = [self.abstract_markdown.strip(), self.notes_markdown.strip()]
        return "\n\n".join(part for part in parts if part) + "\n"

    def to_markdown(self) -> str:
        # yaml.dump(self.front_matter()) would first turn the mapping into these same nodes, in
        # Python, at twice the cost of writing them; the text is the same (tests/site check it).
        header = yaml.serialize(_yaml_node(self.front_matter()), Dumper=_YAML_DUMPER, allow_unicode=True, width=100)
        return f"---\n{header}---\n\n{self.body()}"


def _yaml_node(value: object) -> Node:
    """The node SafeRepresenter makes for VALUE under yaml.dump(sort_keys=False, default_flow_style=False),
    for the types front matter holds."""
    if value is None:
        return ScalarNode("tag:yaml.org,2002:null", "null")
    if type(value) is str:
        return ScalarNode("tag:yaml.org,2002:str", value)
    if type(value) is list:
        return SequenceNode("tag:yaml.org,2002:seq", [_yaml_node(item) for item in value], flow_style=False)
    if type(value) is dict:
        pairs = [(_yaml_node(key), _yaml_node(item)) for key, item in value.items()]
        return MappingNode("tag:yaml.org,2002:map", pairs, flow_style=False)
    raise TypeError(f"front matter cannot hold a {type(value).__qualname__}")


@dataclass(frozen=True)
class StandalonePage:
    slug: str
    title: str
    body_markdown: str
    order: int
    source: str


@dataclass(frozen=True)
class Documents:
    papers: tuple[PaperDocument, ...]  # same order as Archive.papers
    pages: tuple[StandalonePage, ...]  # navigation order
    diagnostics: tuple[Diagnostic, ...]


def make_documents(
    archive: Archive,
    overrides: tuple[SourceFile, ...],
    pages: tuple[SourceFile, ...],
    collection_names: dict[str, str],
    shared: Shared | None = None,
) -> Documents:
    """SHARED, when given, returns for each paper whose inputs did not change the very document an
    earlier build made, so later stages' caches find it by identity instead of comparing contents."""
    names = display_names(archive, collection_names)
    names_key = HashedOnce(tuple(names.items()))
    if shared is not None:
        # The last build's object, so each paper's key below compares it by identity.
        names_key = shared(names_key, lambda: names_key)
    diagnostics: list[Diagnostic] = []
    by_slug = {}
    for override in sorted(overrides, key=lambda o: o.source):
        slug = override.source.rsplit("/", 1)[-1].removesuffix(".md")
        by_slug[slug] = override
    documents = []
    for paper in archive.papers:
        override = by_slug.pop(paper.slug, None)
        if shared is None:
            document, problems = _document(paper, names, override)
        else:
            document, problems = shared(("document", paper, names_key, override),
                                        lambda paper=paper, override=override: _document(paper, names, override))
        documents.append(document)
        diagnostics.extend(problems)
    for slug, override in sorted(by_slug.items()):
        diagnostics.append(Diagnostic(
            "warning", STAGE, override.source, None,
            f"no paper has the slug '{slug}', so this file changes nothing; rename it to match "
            "the folder name of the paper's page under site/papers/",
        ))
    standalone = tuple(sorted(
        (parse_page(page) for page in pages), key=lambda p: (p.order, p.title.casefold(), p.slug)
    ))
    return Documents(tuple(documents), standalone, tuple(diagnostics))


def _document(paper: Paper, names: dict[str, str],
              override: SourceFile | None) -> tuple[PaperDocument, tuple[Diagnostic, ...]]:
    problems: list[Diagnostic] = []
    document = paper_document(paper, names, problems)
    if override is not None:
        document = merge_override(document, override)
    return document, tuple(problems)


def display_names(archive: Archive, configured: dict[str, str]) -> dict[str, str]:
    """Collection key -> the name shown; [collections] in sitegen.toml wins over ingest's."""
    return {c.key: configured.get(c.key, c.name) for c in archive.collections}


def paper_document(paper: Paper, names: dict[str, str], diagnostics: list[Diagnostic]) -> PaperDocument:
    dates: dict[str, str | None] = {}
    for appearance in paper.appearances:
        dates.setdefault(appearance.collection, appearance.date_label)
    links = []
    for link in paper.links:
        if link.url.lower().startswith(SAFE_URL_SCHEMES):
            links.append(link)
        else:
            first = paper.appearances[0] if paper.appearances else None
            diagnostics.append(Diagnostic(
                "warning", STAGE, first.source if first else "", first.line if first else None,
                f"link {link.url!r} of '{paper.title}' is not an http(s) URL and is left out",
            ))
    return PaperDocument(
        id=paper.id,
        slug=paper.slug,
        title=paper.title,
        abstract_markdown=paper.abstract_markdown,
        abstract_text=paper.abstract_text,
        notes_markdown="",
        links=tuple(links),
        tags=tuple(sorted(set(paper.tags), key=str.casefold)),
        collections=tuple(
            CollectionRef(key, names.get(key, key), date) for key, date in dates.items()
        ),
    )


def merge_override(document: PaperDocument, override: SourceFile) -> PaperDocument:
    """Apply content/papers/<slug>.md: `title`/`abstract` replace, `tags`/`links` add, body appends."""
    meta, body = split_front_matter(override)
    allowed = {"title", "abstract", "tags", "links"}
    for key in meta:
        if key not in allowed:
            _fail(override, f"unknown front matter key '{key}'; a paper override may set: "
                            f"{', '.join(sorted(allowed))} (id, slug and collections come from the listings)")
    changes: dict = {"notes_markdown": body.strip(), "override_source": override.source}
    if "title" in meta:
        title = _plain_string(override, "title", meta["title"])
        if not title:
            _fail(override, "'title' is empty; remove the key to keep the generated title")
        changes["title"] = title
    if "abstract" in meta:
        abstract = _plain_string(override, "abstract", meta["abstract"])
        changes["abstract_markdown"] = abstract
        changes["abstract_text"] = " ".join(abstract.split())
    if "tags" in meta:
        tags = _string_list(override, "tags", meta["tags"])
        for tag in tags:
            if not tag_slug(tag):
                _fail(override, f"tag {tag!r} needs at least one letter or digit (it names a page under tags/)")
        merged = {tag.casefold(): tag for tag in document.tags}
        for tag in tags:
            merged.setdefault(tag.casefold(), tag)
        changes["tags"] = tuple(sorted(merged.values(), key=str.casefold))
    if "links" in meta:
        known = {link.url for link in document.links}
        extra = [link for link in _links(override, meta["links"]) if link.url not in known]
        changes["links"] = document.links + tuple(extra)
    return replace(document, **changes)


def parse_page(page: SourceFile) -> StandalonePage:
    slug = page.source.rsplit("/", 1)[-1].removesuffix(".md")
    if not PAGE_SLUG.match(slug):
        _fail(page, "a page file name may use only lower-case letters, digits and '-', e.g. about.md")
    if slug in RESERVED_PAGE_SLUGS:
        _fail(page, f"'{slug}' is used by the site itself; rename the file (reserved: "
                    f"{', '.join(sorted(RESERVED_PAGE_SLUGS))})")
    meta, body = split_front_matter(page)
    for key in meta:
        if key not in {"title", "order"}:
            _fail(page, f"unknown front matter key '{key}'; a page may set: order, title")
    title = _plain_string(page, "title", meta.get("title", slug.replace("-", " ").capitalize()))
    order = meta.get("order", 0)
    if not isinstance(order, int) or isinstance(order, bool):
        _fail(page, f"'order' must be a whole number (pages are listed by order, then title), got {order!r}")
    return StandalonePage(slug=slug, title=title, body_markdown=body.strip(), order=order, source=page.source)


def split_front_matter(file: SourceFile) -> tuple[dict, str]:
    """The front matter mapping and the body text."""
    text = file.text.removeprefix("\ufeff")
    match = _FRONT_MATTER.match(text)
    if not match:
        if text.startswith("---"):
            _fail(file, "front matter starts with '---' but has no closing '---' line", line=1)
        return {}, text
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        # +2: the opening '---' line, and marks count from 0; an error at the end of the
        # block (an unclosed bracket) is reported on its last line, not on the closing '---'.
        last = max(match.group(1).count("\n") - 1, 0)
        line = min(mark.line, last) + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        _fail(file, f"front matter is not valid YAML: {problem}", line=line)
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        _fail(file, "front matter must be a mapping of 'key: value' lines", line=2)
    return meta, text[match.end():]


def tag_slug(tag: str) -> str:
    """The tags/<slug>/ folder of a tag; tags differing only in case or punctuation share it."""
    return _NON_WORD.sub("-", tag.casefold()).strip("-")


def _links(file: SourceFile, value: object) -> list[Link]:
    if not isinstance(value, list):
        _fail(file, "'links' must be a list of URLs or of {url: ..., kind: code|dataset|project|other}")
    links = []
    for item in value:
        url, kind = (item, "other") if isinstance(item, str) else (None, None)
        if isinstance(item, dict):
            url, kind = item.get("url"), item.get("kind", "other")
        if not isinstance(url, str) or not url.lower().startswith(SAFE_URL_SCHEMES):
            _fail(file, f"link {item!r} needs an http:// or https:// URL")
        if kind not in LINK_KINDS:
            _fail(file, f"link kind {kind!r} is not one of {', '.join(LINK_KINDS)}")
        links.append(Link(url=url.strip(), kind=kind))
    return links


def _plain_string(file: SourceFile, key: str, value: object) -> str:
    if not isinstance(value, str):
        _fail(file, f"'{key}' must be text, got {value!r}")
    return value.strip()


def _string_list(file: SourceFile, key: str, value: object) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        _fail(file, f"'{key}' must be a list of non-empty text items, e.g. {key}: [vision, robotics]")
    return [v.strip() for v in value]


def _fail(file: SourceFile, message: str, line: int | None = None):
    raise SitegenError(STAGE, file.source, message, line=line)


@dataclass(frozen=True)
class Sources:
    """The hand-written files under content/papers/ and content/pages/."""

    overrides: tuple[SourceFile, ...]
    pages: tuple[SourceFile, ...]
    diagnostics: tuple[Diagnostic, ...] = ()


# Editors leave these beside the files being edited; they are not content.
_EDITOR_LEFTOVERS = re.compile(r"(^\.|~$|\.sw[a-p]$|\.tmp$|^#.*#$)")


def read_sources(content_dir: Path, project: Path) -> Sources:
    overrides, stray_overrides = _read_markdown_folder(content_dir / "papers", project)
    pages, stray_pages = _read_markdown_folder(content_dir / "pages", project)
    diagnostics = tuple(
        Diagnostic("warning", STAGE, shown, None, "only .md files are read here, so this file is ignored; "
                   "rename it to end in .md if it is meant as content")
        for shown in (*stray_overrides, *stray_pages)
    )
    return Sources(overrides, pages, diagnostics)


def _read_markdown_folder(folder: Path, project: Path) -> tuple[tuple[SourceFile, ...], tuple[str, ...]]:
    """Every FOLDER/*.md as text, and the other files found there, named by project-relative path."""
    if not folder.is_dir():
        return (), ()
    files, stray = [], []
    for path in sorted(folder.iterdir()):
        shown = path.relative_to(project).as_posix() if path.is_relative_to(project) else path.as_posix()
        if not path.is_file() or _EDITOR_LEFTOVERS.search(path.name):
            continue
        if path.suffix != ".md":
            stray.append(shown)
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise SitegenError(STAGE, shown, f"not UTF-8 text ({exc.reason} at byte {exc.start}); "
                                             "save the file as UTF-8") from exc
        except OSError as exc:
            raise SitegenError(STAGE, shown, f"cannot read the file: {exc.strerror}") from exc
        files.append(SourceFile(shown, text))
    return tuple(files), tuple(stray)
