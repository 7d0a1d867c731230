"""What a sharded site writes: the pieces, the manifest the browser reads, and when it shards."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitegen.build import build
from sitegen.config import load_config
from sitegen.documents import make_documents
from sitegen.ingest import load_archive
from sitegen.search import build_search_files
from sitegen.search.documents import search_documents
from sitegen.search.index import serialized_index
from sitegen.search.shards import ShardLayout, postings_by_term, sharded_search_files
from tests.conftest import REPO_ROOT


@pytest.fixture(scope="module")
def seed_documents():
    config = load_config(REPO_ROOT)
    return make_documents(load_archive(config), (), (), config.collection_names)


def manifest_of(files: dict[str, bytes]) -> dict:
    return json.loads(files["search/manifest.json"])


def test_a_project_above_its_threshold_gets_a_sharded_index(seed_project: Path):
    with (seed_project / "sitegen.toml").open("a", encoding="utf-8") as config:
        config.write("\n[search]\nshard_threshold = 100\n")
    site = build(seed_project).out_dir
    manifest = json.loads((site / "search" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format"] == "lunr-sharded" and manifest["papers"] == 463
    assert not (site / "search" / "lunr-index.json").exists()
    assert len(list((site / "search" / "postings").glob("*.json"))) == len(manifest["postings"]) > 1
    assert (site / "static" / "search" / "sharded.js").is_file()


def test_below_the_threshold_the_site_keeps_one_index(seed_documents):
    files = build_search_files(seed_documents, shard_threshold=463)
    assert manifest_of(files)["format"] == "lunr-single"
    assert not any("/postings/" in name for name in files)


def test_every_term_is_in_the_posting_file_the_manifest_points_to(seed_documents):
    searchable = search_documents(seed_documents)
    index = serialized_index(searchable)
    files = sharded_search_files(index, searchable, "search", ShardLayout(postings_bytes=2000, terms_bytes=300))
    manifest = manifest_of(files)
    firsts = manifest["postings"]
    assert firsts == sorted(firsts)
    seen = []
    for number, first in enumerate(firsts):
        terms = json.loads(files[f"search/postings/{number}.json"])["terms"]
        assert terms[0] == first
        seen += terms
    assert seen == sorted(term for term, _ in index["invertedIndex"])
    listed = [term for number in range(len(manifest["terms"]))
              for term in json.loads(files[f"search/terms/{number}.json"])]
    assert listed == seen


def test_each_paper_shows_its_own_result_data(seed_documents):
    searchable = search_documents(seed_documents)
    files = sharded_search_files(serialized_index(searchable), searchable, "search")
    manifest = manifest_of(files)
    names = manifest["documents"]["collections"]
    for number, document in enumerate(searchable):
        per_file = manifest["documents"]["per_file"]
        data = json.loads(files[f"search/docs/{number // per_file}.json"])[number % per_file]
        assert data[0] == document.ref and data[1] == document.title and data[2] == document.url
        assert [names[n] for n in data[3]] == list(document.collections)
        assert data[4] == int(document.has_code) and data[5] == document.abstract


def test_the_same_papers_give_the_same_bytes_and_a_change_a_new_version(seed_documents):
    searchable = search_documents(seed_documents)
    index = serialized_index(searchable)
    first = sharded_search_files(index, searchable, "search")
    assert sharded_search_files(index, searchable, "search") == first
    fewer = searchable[1:]
    changed = sharded_search_files(serialized_index(fewer), fewer, "search")
    assert manifest_of(changed)["version"] != manifest_of(first)["version"]


def test_a_common_terms_head_and_tiers_hold_its_postings_by_falling_impact(seed_documents):
    searchable = search_documents(seed_documents)
    index = serialized_index(searchable)
    layout = ShardLayout(head_papers=4, tier_growth=2, max_tier_papers=16)
    files = sharded_search_files(index, searchable, "search", layout)
    manifest = manifest_of(files)
    whole = {posting.term: posting for posting in postings_by_term(index, [document.ref for document in searchable])}
    common = 0
    for number in range(len(manifest["postings"])):
        shard = json.loads(files[f"search/postings/{number}.json"])
        for position, (term, entry) in enumerate(zip(shard["terms"], shard["postings"])):
            if isinstance(entry, list):
                assert entry == whole[term].as_json()
                continue
            common += 1
            pieces = [entry["head"]] + [json.loads(files[f"search/tiers/{file}.json"]) for _, _, file in entry["tiers"]]
            impacts = [impacts_of(piece) for piece in pieces]
            assert sorted(paper for tier in impacts for paper in tier) == sorted(papers_of(whole[term].as_json()))
            assert entry["papers"] == sum(len(tier) for tier in impacts) > 2 * layout.head_papers
            assert len(impacts[0]) == layout.head_papers and all(len(tier) <= 24 for tier in impacts)
            for before, after, (highest, papers, _) in zip(impacts, impacts[1:], entry["tiers"]):
                assert min(before.values()) >= max(after.values()) == highest and papers == len(after)
            for tier in impacts:  # each paper's vector knows its impact
                for paper, impact in tier.items():
                    assert vector_of(files, paper)[shard["first"] + position] == impact
    assert common > 20


def vector_of(files: dict[str, bytes], paper: int) -> dict[int, int]:
    """{term number: impact} of one paper, from its vectors file (one paper per file)."""
    gaps, impacts = json.loads(files[f"search/vectors/{paper}.json"])[0]
    numbers = [sum(gaps[:end + 1]) for end in range(len(gaps))]
    return dict(zip(numbers, impacts))


def test_a_prefix_list_sums_the_impacts_of_exactly_the_terms_it_starts(seed_documents):
    searchable = search_documents(seed_documents)
    layout = ShardLayout(head_papers=4, tier_growth=2, max_tier_papers=16, postings_bytes=2000)
    files = sharded_search_files(serialized_index(searchable), searchable, "search", layout)
    manifest = manifest_of(files)
    terms = [term for number in range(len(manifest["postings"]))
             for term in json.loads(files[f"search/postings/{number}.json"])["terms"]]
    keys, entries = [], []
    for number, first in enumerate(manifest["prefixes"]["files"]):
        shard = json.loads(files[f"search/prefixes/{number}.json"])
        assert shard["keys"][0] == first
        keys += shard["keys"]
        entries += shard["entries"]
    assert manifest["prefixes"]["min_length"] == 3 and len(keys) > 100 and keys == sorted(keys)
    vectors = [vector_of(files, paper) for paper in range(len(searchable))]
    truncated = 0
    for key, entry in zip(keys, entries):
        starting = [number for number, term in enumerate(terms) if term.startswith(key)]
        assert starting == list(range(entry["first"], entry["end"])) and len(starting) >= 2
        # The key is the longest prefix they share: one character more splits them.
        assert len({terms[number][:len(key) + 1] for number in starting}) >= 2
        whole = {paper: sum(vector.get(number, 0) for number in starting)
                 for paper, vector in enumerate(vectors)}
        whole = {paper: impact for paper, impact in whole.items() if impact}
        stored_tiers = [tier for tier in entry["tiers"] if tier[2] != -1]
        stored = {}
        for piece in [entry["head"]] + [json.loads(files[f"search/tiers/{file}.json"]) for _, _, file in stored_tiers]:
            stored.update(impacts_of(piece))
        assert entry["papers"] == len(whole) and all(whole[paper] == impact for paper, impact in stored.items())
        if len(stored) < len(whole):  # the last papers are left out, with their number and highest impact
            truncated += 1
            left_out = [impact for paper, impact in whole.items() if paper not in stored]
            assert entry["tiers"][-1] == [max(left_out), len(left_out), -1] and min(stored.values()) >= max(left_out)
            assert len(stored_tiers) == layout.prefix_tiers
    assert truncated > 5
    # Every prefix of three letters or more that starts two terms finds its list as the first key at or after it.
    for term in terms:
        for length in range(3, len(term) + 1):
            prefix = term[:length]
            starting = [other for other in terms if other.startswith(prefix)]
            following = [key for key in keys if key >= prefix]
            if len(starting) >= 2:
                assert following and following[0].startswith(prefix)
                assert entries[keys.index(following[0])]["end"] - entries[keys.index(following[0])]["first"] == len(starting)
            else:
                assert not following or not following[0].startswith(prefix)


def papers_of(by_field: list) -> set[int]:
    return set(impacts_of(by_field))


def impacts_of(by_field: list) -> dict[int, int]:
    """{paper: its weights summed over the fields} from per-field [doc gaps, weights]."""
    impacts: dict[int, int] = {}
    for gaps, weights in by_field:
        paper = 0
        for gap, weight in zip(gaps, weights):
            paper += gap
            impacts[paper] = impacts.get(paper, 0) + weight
    return impacts


def every_list(files: dict[str, bytes]) -> list:
    """The entry of every term and prefix list in the posting and prefix files of FILES."""
    return [entry for _, _, entry in every_keyed_list(files)]


def every_keyed_list(files: dict[str, bytes]) -> list[tuple[bool, str, list | dict]]:
    """(a prefix list?, its key, its entry) for every term and prefix list of FILES, in index order."""
    manifest = manifest_of(files)
    lists = []
    for number in range(len(manifest["postings"])):
        shard = json.loads(files[f"search/postings/{number}.json"])
        lists += [(False, term, entry) for term, entry in zip(shard["terms"], shard["postings"])]
    for number in range(len(manifest["prefixes"]["files"])):
        shard = json.loads(files[f"search/prefixes/{number}.json"])
        lists += [(True, key, entry) for key, entry in zip(shard["keys"], shard["entries"])]
    return lists


def tops_file_named(manifest: dict, prefix: bool, key: str) -> int | None:
    """The tops file the manifest names for a list, as sharded.js reads it."""
    tops = manifest["tops"]
    keys = tops["prefixes"] if prefix else tops["terms"]
    if key not in keys:
        return None
    number = (len(tops["terms"]) if prefix else 0) + keys.index(key)
    return dict(map(tuple, tops["shared"])).get(number, number)


def test_a_common_lists_tops_file_has_the_result_data_of_its_highest_impact_papers(seed_documents):
    searchable = search_documents(seed_documents)
    layout = ShardLayout(head_papers=4, tier_growth=2, max_tier_papers=16, top_papers=3, tops_min_papers=20)
    files = sharded_search_files(serialized_index(searchable), searchable, "search", layout)
    manifest = manifest_of(files)
    with_tops = 0
    for prefix, key, entry in every_keyed_list(files):
        number = tops_file_named(manifest, prefix, key)
        if isinstance(entry, list) or entry["papers"] < 20:  # few papers: each paper's own file serves
            assert number is None, key
            continue
        with_tops += 1
        impacts = impacts_of(entry["head"])  # the head holds the highest impacts
        highest = sorted(impacts, key=lambda paper: (-impacts[paper], paper))[:3]
        rows = json.loads(files[f"search/tops/{number}.json"])
        assert [paper for paper, _ in rows] == highest
        for paper, data in rows:  # what a result shows, exactly as the paper's own file has it
            assert [data] == json.loads(files[f"search/docs/{paper}.json"])
    tops_files = [json.loads(data) for name, data in files.items() if name.startswith("search/tops/")]
    distinct = {tuple(paper for paper, _ in rows) for rows in tops_files}
    assert with_tops > 100 and len(distinct) == len(tops_files) < with_tops  # lists that agree share a file
    # sharded.js finds the keys by binary search: each list in the index's own order.
    for keys in (manifest["tops"]["terms"], manifest["tops"]["prefixes"]):
        assert keys == sorted(keys, key=lambda key: key.encode("utf-16-be", "surrogatepass"))


@pytest.mark.parametrize("min_papers", [0, 464])
def test_a_common_lists_heads_file_has_the_vectors_of_its_head_papers(seed_documents, min_papers):
    # Only archives of at least head_vectors_min_papers papers (the seeds have 463) get them.
    searchable = search_documents(seed_documents)
    layout = ShardLayout(head_papers=4, tier_growth=2, max_tier_papers=16, top_papers=3, tops_min_papers=20,
                         head_vectors_min_papers=min_papers)
    files = sharded_search_files(serialized_index(searchable), searchable, "search", layout)
    manifest = manifest_of(files)
    with_tops = [entry for prefix, key, entry in every_keyed_list(files)
                 if tops_file_named(manifest, prefix, key) is not None]
    heads_files = [name for name in files if name.startswith("search/heads/")]
    if min_papers > len(searchable):
        assert with_tops and not heads_files and not any("heads" in entry for entry in with_tops)
        return
    assert all("heads" in entry for entry in with_tops)
    assert not any("heads" in entry for entry in every_list(files) if isinstance(entry, dict) and entry not in with_tops)
    for entry in with_tops:
        rows = json.loads(files[f"search/heads/{entry['heads']}.json"])
        assert [paper for paper, _ in rows] == sorted(papers_of(entry["head"]))
        for paper, vector in rows:  # each paper's vector, exactly as its own file has it
            vectors = json.loads(files[f"search/vectors/{paper}.json"])
            assert vectors == [vector]
    assert len(with_tops) > 100 and len(heads_files) < len(with_tops)  # lists with the same head share a file


def test_a_starts_file_holds_what_every_third_letter_after_its_start_needs(seed_documents):
    # Fetched at a word's second letter: whichever third letter comes, the prefix list its query
    # reads (or the one word it starts) and the word itself, if indexed, are in the file already.
    searchable = search_documents(seed_documents)
    files = sharded_search_files(serialized_index(searchable), searchable, "search")
    manifest = manifest_of(files)
    postings, keys, lists = {}, [], {}
    for number in range(len(manifest["postings"])):
        shard = json.loads(files[f"search/postings/{number}.json"])
        for offset, (term, entry) in enumerate(zip(shard["terms"], shard["postings"])):
            postings[term] = (shard["first"] + offset, entry)
    for number in range(len(manifest["prefixes"]["files"])):
        shard = json.loads(files[f"search/prefixes/{number}.json"])
        keys += shard["keys"]
        lists.update(zip(shard["keys"], shard["entries"]))
    packed = manifest["prefixes"]["starts"]
    starts = [packed[at:at + 2] for at in range(0, len(packed), 2)]
    assert starts == sorted({term[:2] for term in postings if len(term) >= 3})
    assert len(files) == len(set(files)) and f"search/starts/{len(starts) - 1}.json" in files
    prefixes = sorted({term[:3] for term in postings if len(term) >= 3})
    assert len(prefixes) > 300
    for number, start in enumerate(starts):
        shard = json.loads(files[f"search/starts/{number}.json"])
        assert shard["keys"] == sorted(shard["keys"]) and shard["terms"] == sorted(shard["terms"])
        held_lists = dict(zip(shard["keys"], shard["entries"]))
        held_terms = {term: (shard["numbers"][i], shard["postings"][i]) for i, term in enumerate(shard["terms"])}
        for prefix in (prefix for prefix in prefixes if prefix.startswith(start)):
            first_list = next((key for key in keys if key.startswith(prefix)), None)
            if first_list is not None:
                assert held_lists[first_list] == lists[first_list]
            else:
                (only,) = [term for term in postings if term.startswith(prefix)]
                assert held_terms[only] == postings[only]
            if prefix in postings:
                assert held_terms[prefix] == postings[prefix]
        # Nothing else: a list or term no third letter reads would be bytes for nothing.
        assert len(held_lists) == len({key for key in held_lists if key[:3] in prefixes}) == len(
            {next(key for key in keys if key.startswith(prefix)) for prefix in prefixes
             if prefix.startswith(start) and any(key.startswith(prefix) for key in keys)})
