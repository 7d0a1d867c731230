"""The benchmark's synthetic archive: deterministic, distinct, realistic in shape."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.floor import write_floor
from benchmarks.hugo_site import write_hugo_project
from benchmarks.measure import file_sizes, run_measured
from benchmarks.synthetic import (
    edit_one_paper,
    generate_archive,
    generate_project,
    read_seed_papers,
    title_key,
)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def test_seed_listings_give_every_distinct_seed_paper():
    seeds = read_seed_papers()
    assert len(seeds) == 463
    assert all(seed.title and seed.abstract for seed in seeds)
    assert not any(seed.title.startswith("Subscribe") for seed in seeds)


def test_same_size_gives_byte_identical_projects(tmp_path):
    generate_project(tmp_path / "first", 600)
    generate_project(tmp_path / "second", 600)
    first, second = snapshot(tmp_path / "first"), snapshot(tmp_path / "second")
    assert first == second
    assert "sitegen.toml" in first and len(first) > 2


@pytest.mark.parametrize("count", [2, 463, 1000, 5000])
def test_titles_are_distinct_under_any_normalization(count):
    archive = generate_archive(count)
    keys = [title_key(paper.title) for paper in archive.papers]
    assert len(keys) == count
    assert len(set(keys)) == count


def test_every_paper_is_listed_and_some_repeat_across_listings():
    archive = generate_archive(2000)
    titles = {paper.title for paper in archive.papers}
    listed = Counter(entry.title for listing in archive.listings for entry in listing.entries)
    assert set(listed) == titles
    repeated = sum(1 for times in listed.values() if times > 1)
    # Like the seeds, where 53 of 463 papers appear in more than one listing.
    assert 0.05 * len(titles) < repeated < 0.25 * len(titles)
    for listing in archive.listings:
        per_listing = Counter(entry.title for entry in listing.entries)
        assert max(per_listing.values()) == 1, f"{listing.file_name} lists a paper twice"


def test_a_repeated_paper_keeps_the_same_abstract_everywhere():
    archive = generate_archive(2000)
    abstracts: dict[str, set[str]] = {}
    for listing in archive.listings:
        for entry in listing.entries:
            abstracts.setdefault(entry.title, set()).add(entry.abstract)
    assert all(len(found) == 1 for found in abstracts.values())


def test_large_archives_spread_over_listings_of_hundreds_to_thousands():
    archive = generate_archive(10_000)
    sizes = [len(listing.entries) for listing in archive.listings]
    assert len(sizes) >= 10
    assert min(sizes) >= 100 and max(sizes) >= 1000 and max(sizes) < 5000
    assert {listing.layout for listing in archive.listings} == {"blank-lines", "compact"}


def test_listings_use_both_seed_layouts(tmp_path):
    archive = generate_project(tmp_path, 300)
    blank, compact = archive.listings[0], archive.listings[1]
    blank_text = (tmp_path / "content" / "listings" / blank.file_name).read_text(encoding="utf-8")
    compact_text = (tmp_path / "content" / "listings" / compact.file_name).read_text(encoding="utf-8")
    assert blank_text.startswith("new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\n")
    assert f"\n\n{blank.date_label}\n\n{blank.entries[0].title}\n\n{blank.entries[0].abstract}\n\n" in blank_text
    assert "\n\n" not in compact_text
    assert compact_text.startswith("Get trending papers in your email inbox once a day!\n")
    assert f"\nSubscribe{compact.entries[0].title}\n{compact.entries[0].abstract}\n" in compact_text


def test_abstracts_are_single_lines_of_seed_length():
    archive = generate_archive(3000)
    for paper in archive.papers:
        assert paper.abstract and "\n" not in paper.abstract
        assert len(paper.abstract) <= 1900


def test_config_names_every_listing(tmp_path):
    import tomllib

    archive = generate_project(tmp_path, 900)
    config = tomllib.loads((tmp_path / "sitegen.toml").read_text(encoding="utf-8"))
    stems = {Path(listing.file_name).stem for listing in archive.listings}
    assert set(config["collections"]) == stems


def test_edit_changes_one_abstract_in_one_listing(tmp_path):
    archive = generate_project(tmp_path, 800)
    before = snapshot(tmp_path)
    edited, change = edit_one_paper(tmp_path, archive)
    title = change.title
    after = snapshot(tmp_path)
    changed = [path for path in before if before[path] != after[path]]
    assert changed == [change.path]
    assert before[change.path] == change.before.encode() and after[change.path] == change.after.encode()
    old_paper = next(paper for paper in archive.papers if paper.title == title)
    new_paper = next(paper for paper in edited.papers if paper.title == title)
    assert new_paper.abstract != old_paper.abstract
    assert new_paper.abstract.encode() in after[changed[0]]
    assert old_paper.abstract.encode() + b"\n" not in after[changed[0]]


def test_hugo_site_has_one_page_per_paper_with_its_title(tmp_path):
    archive = generate_archive(120)
    write_hugo_project(tmp_path, archive.papers)
    pages = sorted((tmp_path / "content" / "papers").glob("*.md"))
    assert len(pages) == 120
    titles = [json.loads(page.read_text(encoding="utf-8").split("\n", 1)[0])["title"] for page in pages]
    assert titles == [paper.title for paper in archive.papers]
    assert "paginate = 50" in (tmp_path / "config.toml").read_text(encoding="utf-8")


def test_floor_writes_the_same_files_and_sizes(tmp_path):
    source = tmp_path / "source"
    (source / "a" / "b").mkdir(parents=True)
    (source / "index.html").write_bytes(b"<p>hello</p>")
    (source / "a" / "b" / "page.html").write_bytes(b"x" * 4097)
    (source / "a" / "empty.json").write_bytes(b"")
    write_floor(file_sizes(source), tmp_path / "floor")
    assert file_sizes(tmp_path / "floor") == file_sizes(source)


def test_measurement_reports_the_childs_own_peak_memory(tmp_path):
    import sys

    big = run_measured([sys.executable, "-c", "b = bytearray(150_000_000); b[::4096] = b'x' * len(b[::4096]); print('ok')"],
                       cwd=tmp_path)
    # A new process's peak RSS starts from its starter's memory; this one's must not count.
    held_by_the_benchmark = bytearray(300_000_000)
    held_by_the_benchmark[::4096] = b"x" * len(held_by_the_benchmark[::4096])
    small = run_measured([sys.executable, "-c", "print('ok')"], cwd=tmp_path)
    del held_by_the_benchmark
    assert big.ok and big.stdout.strip() == "ok"
    assert big.peak_rss_bytes > 150_000_000
    # Measured per child: neither the earlier, bigger child nor the starter leaks into this figure.
    assert small.peak_rss_bytes < 100_000_000
    failing = run_measured([sys.executable, "-c", "import sys; sys.exit(3)"], cwd=tmp_path)
    assert failing.exit_code == 3 and not failing.ok


def test_sitegen_ingest_reads_back_every_paper_and_entry(tmp_path):
    from sitegen.config import load_config
    from sitegen.ingest import load_archive

    synthetic = generate_project(tmp_path, 1500)
    archive = load_archive(load_config(tmp_path))
    assert archive.diagnostics == ()
    assert len(archive.papers) == 1500
    assert archive.entry_count == synthetic.entry_count
    assert archive.duplicates_merged == synthetic.entry_count - 1500
    assert {c.key for c in archive.collections} == {Path(l.file_name).stem for l in synthetic.listings}
    repeated = sum(1 for paper in archive.papers if len(paper.collections) > 1)
    assert repeated > 0
