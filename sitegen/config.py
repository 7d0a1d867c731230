"""sitegen.toml: the site project's settings, read once into a frozen SiteConfig."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SitegenError

CONFIG_NAME = "sitegen.toml"


@dataclass(frozen=True)
class SiteConfig:
    root: Path  # the site project folder (holds sitegen.toml)
    title: str = "Paper archive"
    description: str = ""
    base_url: str = ""  # "" = site works from any folder (relative links), else absolute URL
    theme: str = "default"
    per_page: int = 50
    cname: str = ""  # custom domain for GitHub Pages
    collection_names: dict[str, str] = field(default_factory=dict)
    content_dir: str = "content"
    output_dir: str = "site"
    # Scripts in static/ (not *.min.js) are written minified: readers download less
    minify_js: bool = True
    # search.* settings; kept as plain values so stages stay pure
    search_shard_threshold: int = 5000

    @property
    def content_path(self) -> Path:
        return self.root / self.content_dir

    @property
    def output_path(self) -> Path:
        return self.root / self.output_dir


_TOP_LEVEL = {
    "title": str,
    "description": str,
    "base_url": str,
    "theme": str,
    "per_page": int,
    "cname": str,
    "content_dir": str,
    "output_dir": str,
    "minify_js": bool,
}


def load_config(root: Path) -> SiteConfig:
    """Read ROOT/sitegen.toml; a missing file gives the defaults."""
    path = root / CONFIG_NAME
    if not path.exists():
        return SiteConfig(root=root)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SitegenError("config", CONFIG_NAME, f"cannot read the file ({exc}); save it as UTF-8 text") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        raise SitegenError("config", CONFIG_NAME, f"not valid TOML: {exc}", line=line) from exc
    return parse_config(root, data)


def parse_config(root: Path, data: dict) -> SiteConfig:
    values: dict = {}
    for key, value in data.items():
        if key == "collections":
            values["collection_names"] = _collection_names(value)
        elif key == "search":
            values.update(_search_settings(value))
        elif key in _TOP_LEVEL:
            expected = _TOP_LEVEL[key]
            # bool is an int in Python: per_page = true must not pass as 1
            if not isinstance(value, expected) or (expected is not bool and isinstance(value, bool)):
                kind = "true or false" if expected is bool else f"a {expected.__name__}"
                _fail(f"'{key}' must be {kind}, got {value!r}")
            values[key] = value
        else:
            known = ", ".join(sorted([*_TOP_LEVEL, "collections", "search"]))
            _fail(f"unknown setting '{key}'; known settings: {known}")
    if values.get("per_page", 1) < 1:
        _fail("'per_page' must be at least 1")
    base_url = values.get("base_url", "")
    if base_url and not base_url.startswith(("http://", "https://", "/")):
        _fail(f"'base_url' must start with http://, https:// or /, got {base_url!r}")
    if base_url and not base_url.endswith("/"):
        values["base_url"] = base_url + "/"
    return SiteConfig(root=root, **values)


def _collection_names(value: object) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        _fail("[collections] maps a listing file name (without .txt) to a human name, e.g. my_listing = \"Vision, March\"")
    return dict(value)


def _search_settings(value: object) -> dict:
    if not isinstance(value, dict):
        _fail("[search] must be a table")
    out = {}
    for key, item in value.items():
        if key == "shard_threshold" and isinstance(item, int) and not isinstance(item, bool) and item >= 0:
            out["search_shard_threshold"] = item
        else:
            _fail(f"unknown or invalid search setting '{key}' = {item!r}; known: shard_threshold (integer >= 0)")
    return out


def _fail(message: str):
    raise SitegenError("config", CONFIG_NAME, message)
