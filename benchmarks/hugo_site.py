"""The benchmark's papers as a minimal Hugo site: one page per paper, one paginated list.

It is the smallest site that does the same core job as sitegen (a page per paper with
title and abstract rendered from Markdown, plus a paginated index), so Hugo's time is a
fair yardstick rather than a straw man.
"""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.synthetic import SeedPaper

HUGO_CONFIG = """\
baseURL = "/"
title = "Synthetic archive"
paginate = {per_page}
disableKinds = ["taxonomy", "term", "section", "RSS", "sitemap", "robotsTXT", "404"]
"""

SINGLE_LAYOUT = """\
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main><h1>{{ .Title }}</h1>{{ .Content }}</main></body></html>
"""

INDEX_LAYOUT = """\
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Site.Title }}</title></head>
<body><main><h1>{{ .Site.Title }}</h1>
{{ $pager := .Paginate (where .Site.RegularPages "Section" "papers") }}
<ol>{{ range $pager.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ol>
<nav>{{ if $pager.HasPrev }}<a href="{{ $pager.Prev.URL }}">previous</a>{{ end }}
{{ if $pager.HasNext }}<a href="{{ $pager.Next.URL }}">next</a>{{ end }}</nav>
</main></body></html>
"""


def write_hugo_project(project: Path, papers: tuple[SeedPaper, ...], *, per_page: int = 50) -> None:
    pages = project / "content" / "papers"
    pages.mkdir(parents=True, exist_ok=True)
    layouts = project / "layouts"
    (layouts / "_default").mkdir(parents=True, exist_ok=True)
    (project / "config.toml").write_text(HUGO_CONFIG.format(per_page=per_page), encoding="utf-8")
    (layouts / "_default" / "single.html").write_text(SINGLE_LAYOUT, encoding="utf-8")
    (layouts / "index.html").write_text(INDEX_LAYOUT, encoding="utf-8")
    width = len(str(len(papers)))
    for number, paper in enumerate(papers):
        # JSON front matter: titles with quotes, colons or backslashes need no YAML escaping rules.
        front_matter = json.dumps({"title": paper.title}, ensure_ascii=False)
        (pages / f"paper-{number:0{width}d}.md").write_text(f"{front_matter}\n\n{paper.abstract}\n", encoding="utf-8")
