"""One entry -> the paper it makes on its own: all the cleaning an entry needs, done per listing.

parse_listing attaches this to every entry, so merging listings into the archive (build_archive)
only groups and picks, and an edit to one listing re-cleans that listing's entries alone.
"""

from __future__ import annotations

from ..model import Appearance, Entry, Paper
from .clean import clean_abstract, clean_title, normalize_space
from .identity import base_slug, normalize_title, paper_id
from .links import collect_links


def with_paper(entry: Entry, *, spaced: bool = False) -> Entry:
    """ENTRY with its paper and key; the id and slug are those it has when no other paper clashes.

    SPACED: the entry's text is normalize_space'd already (line by line), as parse_listing's is.
    """
    # A title that cleaning empties (a lone macro) is kept as written.
    title = clean_title(entry.title) or normalize_space(entry.title)
    # A title of only punctuation or symbols normalizes to nothing; it is then its own key.
    key = normalize_title(title) or title
    abstract = clean_abstract(entry.abstract, spaced=spaced)
    identifier = paper_id(key)
    paper = Paper(
        id=identifier,
        slug=base_slug(title, identifier),
        title=title,
        abstract_markdown=abstract.markdown,
        abstract_text=abstract.text,
        links=collect_links(abstract.urls),
        appearances=(Appearance(entry.collection, entry.source, entry.line, entry.date_label),),
    )
    return Entry(entry.title, entry.abstract, entry.collection, entry.source, entry.line, entry.date_label, paper, key)
