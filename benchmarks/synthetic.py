"""A deterministic synthetic site project of N distinct papers, made from the seed listings.

Titles join the first half of one seed title to the second half of another; abstracts
join the opening sentences of one seed abstract to the closing sentences of another. The
papers are spread over listings of a few hundred to a few thousand entries in both seed
layouts, and some papers repeat in other listings, as in the seeds. The same N always
gives byte-identical files.

Usage: python3 benchmarks/synthetic.py N DEST
"""

from __future__ import annotations

import random
import re
import sys
from dataclasses import dataclass, replace
from itertools import cycle, islice
from pathlib import Path
from typing import Literal

REPO_ROOT = Path(__file__).resolve().parent.parent
SEED_LISTINGS = REPO_ROOT / "content" / "listings"

Layout = Literal["blank-lines", "compact"]

# The page furniture of the two dump layouts, exactly as the seeds show it.
BLANK_LINES_HEADER = (
    "new",
    "Get trending papers in your email inbox!",
    "Subscribe",
    "byAK and the research community",
)
COMPACT_HEADER = (
    "Get trending papers in your email inbox once a day!",
    "Get trending papers in your email inbox!",
)
_DATE_LINE = re.compile(r"^[A-Z][a-z]{2} \d{1,2}$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_NOT_ALNUM = re.compile(r"[\W_]+")

# Seed abstracts reach about 1,900 characters; staying under that keeps every synthetic
# line as ordinary as the real ones.
MAX_ABSTRACT_CHARS = 1900
# Listing sizes follow these weights in turn, so listings range from a few hundred to a
# few thousand entries once an archive is large enough to fill them.
LISTING_WEIGHTS = (1, 2, 3, 5, 8)
PAPERS_PER_LISTING = 800
# Share of papers listed again in 1, 2 or 3 other listings (the seeds: 37, 13 and 3 of 463).
EXTRA_APPEARANCE_SHARES = ((1, 0.08), (2, 0.03), (3, 0.01))
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
RANDOM_SEED = "sitegen-benchmark-v1"
EDIT_SENTENCE = "This sentence was added by the benchmark edit."


@dataclass(frozen=True)
class SeedPaper:
    title: str
    abstract: str


@dataclass(frozen=True)
class SyntheticListing:
    file_name: str
    name: str
    layout: Layout
    date_label: str | None
    entries: tuple[SeedPaper, ...]


@dataclass(frozen=True)
class SyntheticArchive:
    papers: tuple[SeedPaper, ...]
    listings: tuple[SyntheticListing, ...]

    @property
    def entry_count(self) -> int:
        return sum(len(listing.entries) for listing in self.listings)


def title_key(title: str) -> str:
    """A stricter key than any sensible de-duplication rule, so distinct keys stay distinct papers."""
    return _NOT_ALNUM.sub("", title.casefold())


def read_seed_papers(listings_dir: Path = SEED_LISTINGS) -> tuple[SeedPaper, ...]:
    """Title and abstract pairs from the seed dumps, first appearance of each title kept.

    This reads only the five known seed files, never user input, so it needs none of
    the ingest stage's tolerance; depending on ingest would make the synthetic data
    change whenever ingest's cleaning does.
    """
    papers: dict[str, SeedPaper] = {}
    for path in sorted(listings_dir.glob("*.txt")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8-sig").splitlines()]
        lines = [line for line in lines if line]
        while lines and (lines[0] in BLANK_LINES_HEADER or lines[0] in COMPACT_HEADER or _DATE_LINE.match(lines[0])):
            lines.pop(0)
        if lines and lines[0].startswith("Subscribe"):
            lines[0] = lines[0].removeprefix("Subscribe")
        for title, abstract in zip(lines[0::2], lines[1::2]):
            papers.setdefault(title_key(title), SeedPaper(title, abstract))
    return tuple(papers.values())


def _title_halves(title: str) -> tuple[str, str, str]:
    if ": " in title:
        head, tail = title.split(": ", 1)
        return head, ": ", tail
    words = title.split()
    middle = max(1, len(words) // 2)
    return " ".join(words[:middle]), " ", " ".join(words[middle:])


def _candidate_pairs(seed_count: int, rng: random.Random):
    """Every ordered pair of distinct seeds once, in a fixed shuffled order, then again."""
    pairs = [(a, b) for a in range(seed_count) for b in range(seed_count) if a != b]
    rng.shuffle(pairs)
    round_number = 1
    while True:
        for pair in pairs:
            yield round_number, pair
        round_number += 1


def _combined_abstract(first: str, second: str, rng: random.Random) -> str:
    opening = _SENTENCE_END.split(first)
    closing = _SENTENCE_END.split(second)
    cut_first = rng.randint(1, max(1, len(opening) - 1))
    cut_second = rng.randint(0, max(0, len(closing) - 1))
    sentences = opening[:cut_first] + closing[cut_second:]
    while len(sentences) > 1 and len(" ".join(sentences)) > MAX_ABSTRACT_CHARS:
        sentences.pop()
    return " ".join(sentences)[:MAX_ABSTRACT_CHARS]


def make_papers(seeds: tuple[SeedPaper, ...], count: int) -> tuple[SeedPaper, ...]:
    """COUNT papers with pairwise distinct titles, the same ones for the same seeds and COUNT."""
    if len(seeds) < 2:
        raise ValueError("at least two seed papers are needed to recombine titles")
    rng = random.Random(RANDOM_SEED)
    halves = [_title_halves(seed.title) for seed in seeds]
    seen: set[str] = set()
    papers: list[SeedPaper] = []
    for round_number, (a, b) in _candidate_pairs(len(seeds), rng):
        if len(papers) == count:
            break
        head, separator, _ = halves[a]
        tail = halves[b][2] or halves[b][0]
        title = f"{head}{separator}{tail}"
        if round_number > 1:
            title = f"{title}, part {round_number}"
        key = title_key(title)
        if key in seen:
            continue
        seen.add(key)
        abstract = _combined_abstract(seeds[a].abstract, seeds[b].abstract, rng) or seeds[a].abstract
        papers.append(SeedPaper(title, abstract))
    return tuple(papers)


def _listing_sizes(count: int) -> list[int]:
    listing_count = max(5, round(count / PAPERS_PER_LISTING))
    weights = list(islice(cycle(LISTING_WEIGHTS), listing_count))
    sizes = [count * weight // sum(weights) for weight in weights]
    sizes[-1] += count - sum(sizes)
    return sizes


def plan_listings(papers: tuple[SeedPaper, ...]) -> tuple[SyntheticListing, ...]:
    """Each paper gets one home listing; a few also repeat, unchanged, in other listings."""
    rng = random.Random(RANDOM_SEED + "/listings")
    sizes = _listing_sizes(len(papers))
    homes: list[list[SeedPaper]] = []
    start = 0
    for size in sizes:
        homes.append(list(papers[start:start + size]))
        start += size
    listing_count = len(homes)
    contents = [list(home) for home in homes]
    for index, home in enumerate(homes):
        for paper in home:
            draw = rng.random()
            extra = 0
            threshold = 0.0
            for repeats, share in EXTRA_APPEARANCE_SHARES:
                threshold += share
                if draw < threshold:
                    extra = repeats
                    break
            others = [other for other in range(listing_count) if other != index]
            for other in rng.sample(others, min(extra, len(others))):
                contents[other].insert(rng.randint(0, len(contents[other])), paper)
    listings = []
    for index, entries in enumerate(contents):
        layout: Layout = "blank-lines" if index % 2 == 0 else "compact"
        date_label = f"{MONTHS[(index // 28) % 12]} {index % 28 + 1}" if layout == "blank-lines" else None
        listings.append(SyntheticListing(
            file_name=f"{index:03d}_synthetic.txt",
            name=f"Synthetic listing {index + 1}" + (f" ({date_label})" if date_label else ""),
            layout=layout,
            date_label=date_label,
            entries=tuple(entries),
        ))
    return tuple(listings)


def render_listing(listing: SyntheticListing) -> str:
    if listing.layout == "blank-lines":
        blocks = [*BLANK_LINES_HEADER, listing.date_label or ""]
        for entry in listing.entries:
            blocks += [entry.title, entry.abstract]
        return "\n\n".join(blocks) + "\n"
    lines = list(COMPACT_HEADER)
    for position, entry in enumerate(listing.entries):
        lines += [("Subscribe" if position == 0 else "") + entry.title, entry.abstract]
    return "\n".join(lines) + "\n"


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_project(project: Path, archive: SyntheticArchive, *, per_page: int = 50) -> None:
    listings_dir = project / "content" / "listings"
    listings_dir.mkdir(parents=True, exist_ok=True)
    config = [
        f"title = {_toml_string(f'Synthetic archive of {len(archive.papers)} papers')}",
        'description = "Generated by benchmarks/synthetic.py from the seed listings."',
        f"per_page = {per_page}",
        "",
        "[collections]",
    ]
    for listing in archive.listings:
        config.append(f"{Path(listing.file_name).stem} = {_toml_string(listing.name)}")
        (listings_dir / listing.file_name).write_text(render_listing(listing), encoding="utf-8", newline="\n")
    (project / "sitegen.toml").write_text("\n".join(config) + "\n", encoding="utf-8", newline="\n")


def generate_archive(count: int, listings_dir: Path = SEED_LISTINGS) -> SyntheticArchive:
    papers = make_papers(read_seed_papers(listings_dir), count)
    return SyntheticArchive(papers=papers, listings=plan_listings(papers))


def generate_project(project: Path, count: int, listings_dir: Path = SEED_LISTINGS) -> SyntheticArchive:
    archive = generate_archive(count, listings_dir)
    write_project(project, archive)
    return archive


@dataclass(frozen=True)
class ListingEdit:
    """One saved change to one listing file: the text before and after."""

    path: str  # project-relative POSIX path
    before: str
    after: str
    title: str  # the paper whose abstract changed


def plan_edit(archive: SyntheticArchive) -> tuple[SyntheticArchive, ListingEdit]:
    """Append a sentence to the abstract of one paper listed once, as a user editing a listing would.

    Returns the archive as it is after the edit, and the edit itself.
    """
    appearances: dict[str, int] = {}
    for listing in archive.listings:
        for entry in listing.entries:
            appearances[entry.title] = appearances.get(entry.title, 0) + 1
    listed_once = [paper for paper in archive.papers if appearances[paper.title] == 1]
    target = listed_once[len(listed_once) // 2]
    edited = replace(target, abstract=f"{target.abstract} {EDIT_SENTENCE}")
    listings = []
    change = None
    for listing in archive.listings:
        if target in listing.entries:
            after = replace(listing, entries=tuple(edited if entry == target else entry for entry in listing.entries))
            change = ListingEdit(f"content/listings/{listing.file_name}", render_listing(listing),
                                 render_listing(after), target.title)
            listing = after
        listings.append(listing)
    papers = tuple(edited if paper == target else paper for paper in archive.papers)
    return SyntheticArchive(papers=papers, listings=tuple(listings)), change


def save_text(project: Path, relative: str, text: str) -> None:
    (project / relative).write_text(text, encoding="utf-8", newline="\n")


def edit_one_paper(project: Path, archive: SyntheticArchive) -> tuple[SyntheticArchive, ListingEdit]:
    """plan_edit, saved to the project's listing file."""
    edited, change = plan_edit(archive)
    save_text(project, change.path, change.after)
    return edited, change


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not argv[0].isdigit():
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    archive = generate_project(Path(argv[1]), int(argv[0]))
    print(f"{len(archive.papers)} papers, {archive.entry_count} entries in {len(archive.listings)} listings -> {argv[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
