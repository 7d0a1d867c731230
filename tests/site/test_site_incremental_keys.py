"""Rebuilds through a BuildCache find unchanged pages by their context function and inputs, and reuse
the last build's documents, summaries, groups and compiled templates. Whatever a page shows must still
reach it: after each edit the site equals a clean build's, and the edit is visible."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

from site_helpers import make_project

from sitegen.build import build
from sitegen.build_cache import BuildCache
from sitegen.config import load_config
from sitegen.documents import CollectionRef, PaperDocument, make_documents
from sitegen.ingest import load_archive
from sitegen.model import Link
from tests.conftest import REPO_ROOT

PAPERS = [
    ("Sparse Graph Transformers", "We study sparse graph transformers on molecules."),
    ("Dense Retrieval at Scale", "Dense retrieval with a billion vectors, done cheaply."),
    ("Tiny Diffusion Models", "Small diffusion models that run on a phone."),
]
CONFIG = 'title = "Tiny archive"\nper_page = 2\n\n[collections]\n000_first = "First listing"\n'


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def rebuild_equals_clean(project: Path, cache: BuildCache, tmp_path: Path, name: str) -> dict[str, bytes]:
    build(project, incremental=True, cache=cache)
    clean = tmp_path / f"clean-{name}"
    build(project, out_dir=clean)
    site = snapshot(project / "site")
    assert site == snapshot(clean), name
    return site


def write_listing(project: Path, papers: list[tuple[str, str]]) -> None:
    body = "".join(f"{title}\n\n{abstract}\n\n" for title, abstract in papers)
    (project / "content" / "listings" / "000_first.txt").write_text(f"Mar 12\n\n{body}", encoding="utf-8")


def test_renaming_a_collection_in_the_settings_reaches_every_page_that_names_it(tmp_path):
    project = make_project(tmp_path / "p", {"000_first": PAPERS, "001_second": PAPERS[:1]}, config=CONFIG)
    cache = BuildCache()
    build(project, incremental=True, cache=cache)
    config = project / "sitegen.toml"
    config.write_text(CONFIG.replace("First listing", "Renamed listing"), encoding="utf-8")
    site = rebuild_equals_clean(project, cache, tmp_path, "renamed")
    assert b"Renamed listing" in site["papers/sparse-graph-transformers/index.html"]
    assert b"Renamed listing" in site["papers/sparse-graph-transformers/index.md"]


def test_a_changed_snippet_and_a_neighbours_title_reach_lists_and_paper_pages(tmp_path):
    project = make_project(tmp_path / "p", {"000_first": PAPERS}, config=CONFIG)
    cache = BuildCache()
    build(project, incremental=True, cache=cache)
    edited = [PAPERS[0], ("Dense Retrieval at Scale", "Rewritten opening sentence."),
              ("Tiny Diffusion Models Revisited", PAPERS[2][1])]
    write_listing(project, edited)
    site = rebuild_equals_clean(project, cache, tmp_path, "snippet")
    assert b"Rewritten opening sentence." in site["papers/index.html"]
    # The first paper's page links to its neighbour, and the second's to the renamed third.
    assert b"Dense Retrieval at Scale" in site["papers/sparse-graph-transformers/index.html"]
    assert b"Tiny Diffusion Models Revisited" in site["papers/dense-retrieval-at-scale/index.html"]
    write_listing(project, PAPERS)
    rebuild_equals_clean(project, cache, tmp_path, "reverted")


def test_a_template_edited_twice_and_then_removed_is_compiled_afresh_each_time(tmp_path):
    project = make_project(tmp_path / "p", {"000_first": PAPERS}, config=CONFIG)
    cache = BuildCache()
    build(project, incremental=True, cache=cache)
    footer = (REPO_ROOT / "themes" / "default" / "templates" / "partials" / "footer.html").read_text(encoding="utf-8")
    override = project / "templates" / "partials" / "footer.html"
    override.parent.mkdir(parents=True)
    for edit in ("first edit", "second edit"):
        override.write_text(f"{footer}<p>{edit}</p>\n", encoding="utf-8")
        site = rebuild_equals_clean(project, cache, tmp_path, edit)
        assert f"<p>{edit}</p>".encode() in site["index.html"]
    override.unlink()
    site = rebuild_equals_clean(project, cache, tmp_path, "removed")
    assert b" edit</p>" not in site["index.html"]


def test_documents_made_through_a_cache_follow_the_collection_names():
    config = load_config(REPO_ROOT)
    archive = load_archive(config)
    cache = BuildCache()
    names = {collection.key: f"Renamed {number}" for number, collection in enumerate(archive.collections)}
    for collection_names in (config.collection_names, names, config.collection_names):
        cache.start()
        documents = make_documents(archive, (), (), collection_names, shared=cache.shared.get)
        cache.finish()
        assert documents == make_documents(archive, (), (), collection_names)


def test_a_document_hashed_here_is_found_as_a_key_in_another_process():
    # The search index is built in a second process; string hashes differ there, so a hash
    # remembered here must not travel inside the pickle.
    document = PaperDocument(id="p1", slug="s", title="T", abstract_markdown="A", abstract_text="A",
                             notes_markdown="", links=(Link("https://x.org/", "other"),), tags=("t",),
                             collections=(CollectionRef("k", "K", None),))
    hash(document)
    check = (
        "import pickle, sys\n"
        "from sitegen.documents import CollectionRef, PaperDocument\n"
        "from sitegen.model import Link\n"
        "loaded = pickle.loads(sys.stdin.buffer.read())\n"
        "fresh = PaperDocument(id='p1', slug='s', title='T', abstract_markdown='A', abstract_text='A',\n"
        "    notes_markdown='', links=(Link('https://x.org/', 'other'),), tags=('t',),\n"
        "    collections=(CollectionRef('k', 'K', None),))\n"
        "print({loaded: 'found'}.get(fresh, 'missing'))\n"
    )
    for seed in ("1", "2"):
        result = subprocess.run([sys.executable, "-c", check], input=pickle.dumps(document), capture_output=True,
                                cwd=REPO_ROOT, env={"PYTHONHASHSEED": seed, "PATH": ""}, check=True)
        assert result.stdout.strip() == b"found"
