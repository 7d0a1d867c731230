"""Themes: the template search path, the one Jinja2 Environment, and merged static assets.

Lookup order for a template or static file is the project's own folder
(templates/, static/), then the chosen theme, then its parent, and so on.
Templates can name one layer explicitly with a prefix: "theme:base.html" is
the theme's version (skipping the project's), "default:base.html" is the
version the theme called default provides (used by a child theme to extend
its parent's file of the same name).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import jinja2
import rjsmin

from ..errors import SitegenError

STAGE = "theme"
THEME_FILE = "theme.toml"
_PACKAGE_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Theme:
    names: tuple[str, ...]  # the chosen theme first, then its ancestors
    folders: tuple[Path, ...]  # same order as names


def builtin_themes_dir() -> Path:
    # Installed: sitegen/themes is package data. A source checkout: sitegen/themes links to
    # ../themes; where links are unsupported (plain Windows checkout) fall back to it directly.
    packaged = _PACKAGE_DIR / "themes"
    return packaged if packaged.is_dir() else _PACKAGE_DIR.parent / "themes"


def resolve_theme(project: Path, name: str) -> Theme:
    names: list[str] = []
    folders: list[Path] = []
    current: str | None = name
    while current is not None:
        if current in names:
            chain = " -> ".join([*names, current])
            raise SitegenError(STAGE, THEME_FILE, f"themes inherit from each other in a loop: {chain}")
        folder = _find_theme(project, current, child=names[-1] if names else None)
        names.append(current)
        folders.append(folder)
        current = _parent_of(project, folder)
    return Theme(tuple(names), tuple(folders))


def _find_theme(project: Path, name: str, child: str | None) -> Path:
    candidates = [project / "themes" / name, builtin_themes_dir() / name]
    for folder in candidates:
        if (folder / "templates").is_dir():
            return folder
    available = sorted(
        {p.name for base in (project / "themes", builtin_themes_dir()) if base.is_dir()
         for p in base.iterdir() if (p / "templates").is_dir()}
    )
    where = f"theme '{child}' names parent '{name}'" if child else f"theme = '{name}' in sitegen.toml"
    raise SitegenError(
        STAGE, "sitegen.toml" if child is None else f"themes/{child}/{THEME_FILE}",
        f"{where}, but no such theme (a folder with templates/) exists; available: {', '.join(available)}",
    )


def _parent_of(project: Path, folder: Path) -> str | None:
    path = folder / THEME_FILE
    if not path.exists():
        return None
    shown = _display(project, path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SitegenError(STAGE, shown, f"cannot read theme settings: {exc}") from exc
    unknown = set(data) - {"parent", "description"}
    if unknown:
        raise SitegenError(STAGE, shown, f"unknown theme setting(s) {', '.join(sorted(unknown))}; "
                                         "known: parent, description")
    parent = data.get("parent")
    if parent is not None and not isinstance(parent, str):
        raise SitegenError(STAGE, shown, f"'parent' must be a theme name, got {parent!r}")
    return parent


def _display(project: Path, path: Path) -> str:
    try:
        return path.relative_to(project).as_posix()
    except ValueError:
        return path.as_posix()


class CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in memory from one build's environment to the next (the preview
    server's), so an edit does not parse and compile every template again. Jinja looks each one up
    by template name and file and uses it only if the template's source is unchanged."""

    def __init__(self) -> None:
        self._code: dict[str, tuple[str, object]] = {}  # bucket key -> (source checksum, code)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        checksum, code = self._code.get(bucket.key, (None, None))
        if checksum == bucket.checksum:
            bucket.code = code

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = (bucket.checksum, bucket.code)

    def clear(self) -> None:
        self._code.clear()


def make_environment(project: Path, theme: Theme,
                     compiled: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    theme_templates = [str(folder / "templates") for folder in theme.folders]
    layers = {
        name: jinja2.FileSystemLoader(theme_templates[index:])
        for index, name in enumerate(theme.names)
    }
    layers["theme"] = jinja2.FileSystemLoader(theme_templates)
    loader = jinja2.ChoiceLoader([
        jinja2.PrefixLoader(layers, delimiter=":"),
        jinja2.FileSystemLoader([str(project / "templates"), *theme_templates]),
    ])
    return jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # One environment serves one build, so templates never change under it; checking each
        # template file's mtime on every use cost a stat per include per page.
        auto_reload=False,
        bytecode_cache=compiled,
    )


def has_template(env: jinja2.Environment, name: str) -> bool:
    try:
        env.get_template(name)
    except jinja2.TemplateNotFound:
        return False
    return True


def static_files(project: Path, theme: Theme) -> dict[str, bytes]:
    """Every static asset under its output path, nearer layers replacing farther ones."""
    layers = [project / "static", *(folder / "static" for folder in theme.folders)]
    files: dict[str, bytes] = {}
    for layer in reversed(layers):
        if not layer.is_dir():
            continue
        for path in sorted(layer.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                files["static/" + path.relative_to(layer).as_posix()] = path.read_bytes()
    return dict(sorted(files.items()))


def minified_scripts(files: dict[str, bytes]) -> dict[str, bytes]:
    """FILES with each script's comments and spacing taken out, but for *.min.js (done already)
    and /*! ... */ comments (licences). The search scripts come to 16 KB gzip instead of 28."""
    return {path: rjsmin.jsmin(data, keep_bang_comments=True)
            if path.endswith(".js") and not path.endswith(".min.js") else data
            for path, data in files.items()}
