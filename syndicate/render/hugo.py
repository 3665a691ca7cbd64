"""Hugo's content-only build: a config overlay whose module mounts put replacement layouts
in front of the site's and the theme's.

Every page template the site or its theme has (outside partials, shortcodes and render
hooks, which shape the content and so must stay) is shadowed by one that prints only
``.Content`` after syndicate's marker. The home page, taxonomies, feeds and sitemaps are
switched off; section pages stay, as a ``ref`` to a section needs its page to exist (Hugo
prints an empty link otherwise).
Output, caches, resources and the build lock go to a temporary folder; the user's tree and
its ``public`` are never written. A file Hugo stops on is excluded from the content mount
and the build run again, so one broken post costs only itself.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from syndicate.render.build import Built, GeneratorFailed, collect, excerpt, run
from syndicate.sources.hugo import read_config_file

LAYOUT = ('{{ printf "<!--syndicate %s-->" (dict "path" .File.Path "url" .Permalink | jsonify) '
          '| safeHTML }}{{ .Content }}')
KEEP = ("partials", "shortcodes", "_markup")
BLAMED = re.compile(r'"?(/[^":\s]+?\.(?:md|markdown|html|htm))(?::\d+)*"?')
DISABLED = ["home", "taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
MAX_EXCLUDED = 50


def theme_dirs(root: Path, settings: dict[str, Any]) -> list[Path]:
    themes = settings.get("theme") or []
    names = [themes] if isinstance(themes, str) else [str(t) for t in themes]
    folder = root / str(settings.get("themesdir") or "themes")
    return [folder / name for name in names if (folder / name).is_dir()]


def is_page_template(rel: Path) -> bool:
    return rel.suffix == ".html" and rel.parts[0] not in KEEP and not rel.name.startswith("baseof")


def shadow_layouts(target: Path, own: list[tuple[Path, str]], themes: list[Path]) -> None:
    """One layouts folder that replaces the site's own: its partials, shortcodes and render
    hooks copied as they are, and a content-only template in place of every page template
    of the site and its themes. (Hugo gives no dependable order between two project mounts
    of the same file, so the site's layouts are not mounted beside it.)"""
    (target / "_default").mkdir(parents=True, exist_ok=True)
    (target / "_default" / "single.html").write_text(LAYOUT, encoding="utf-8")
    for layouts in [t / "layouts" for t in themes]:
        if layouts.is_dir():
            for path in layouts.rglob("*.html"):
                rel = path.relative_to(layouts)
                if is_page_template(rel):
                    (target / rel).parent.mkdir(parents=True, exist_ok=True)
                    (target / rel).write_text(LAYOUT, encoding="utf-8")
    for layouts, sub in own:
        if not layouts.is_dir():
            continue
        for path in layouts.rglob("*"):
            if not path.is_file():
                continue
            rel = Path(sub, path.relative_to(layouts)) if sub else path.relative_to(layouts)
            out = target / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            if is_page_template(rel):
                out.write_text(LAYOUT, encoding="utf-8")
            else:
                shutil.copyfile(path, out)


ROOT_NAMES = ("hugo", "config")
LANGUAGE_KEYED = ("params", "menus", "menu")
CONFIG_SUFFIXES = (".toml", ".yaml", ".yml", ".json")


def load_file(path: Path) -> dict[str, Any]:
    data = read_config_file(path)
    return lowered(data) if isinstance(data, dict) else {}


def lowered(value: Any) -> Any:
    """Hugo's config keys are case-insensitive: compare them lower-cased, as Hugo does."""
    if isinstance(value, dict):
        return {str(k).lower(): lowered(v) for k, v in value.items()}
    if isinstance(value, list):
        return [lowered(v) for v in value]
    return value


def merged(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out


def site_config(root: Path, environment: str = "production") -> dict[str, Any]:
    """The site's whole config as Hugo assembles it: the root file, then ``config/_default/``,
    then ``config/<environment>/`` (each file named for its key: ``params.toml`` is
    ``params``, ``languages.en.toml`` is ``languages.en``, ``menus.en.toml`` is
    ``languages.en.menus``). Assembled here so that the
    overlay can go on top: Hugo itself ranks its config folder above any ``--config`` file."""
    config: dict[str, Any] = {}
    for name in ROOT_NAMES:
        found = [root / f"{name}{suffix}" for suffix in CONFIG_SUFFIXES
                 if (root / f"{name}{suffix}").is_file()]
        if found:
            config = merged(config, load_file(found[0]))
            break
    for folder in (root / "config" / "_default", root / "config" / environment):
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.iterdir() if p.suffix in CONFIG_SUFFIXES):
            parts = path.name.lower().split(".")[:-1]
            data = load_file(path)
            if parts[0] in ROOT_NAMES:
                config = merged(config, data)
            elif len(parts) == 2 and parts[0] == "languages":
                config = merged(config, {"languages": {parts[1]: data}})
            elif len(parts) == 2 and parts[0] in LANGUAGE_KEYED:
                config = merged(config, {"languages": {parts[1]: {parts[0]: data}}})
            else:
                config = merged(config, {parts[0]: data})
    return config


def own_mounts(root: Path, config: dict[str, Any]) -> list[dict[str, Any]]:
    """The site's mounts, or Hugo's default ones for the folders it has."""
    module = config.get("module")
    own = module.get("mounts") if isinstance(module, dict) else None
    if own:
        return [dict(m) for m in own if isinstance(m, dict)]
    content = str(config.get("contentdir") or "content")
    static = config.get("staticdir") or "static"
    pairs = [(str(config.get("layoutdir") or "layouts"), "layouts"), (content, "content"),
             *[(str(d), "static") for d in (static if isinstance(static, list) else [static])],
             (str(config.get("datadir") or "data"), "data"),
             (str(config.get("assetdir") or "assets"), "assets"),
             (str(config.get("i18ndir") or "i18n"), "i18n"),
             (str(config.get("archetypedir") or "archetypes"), "archetypes")]
    return [{"source": source, "target": target} for source, target in pairs if (root / source).is_dir()]


def is_layouts(mount: dict[str, Any]) -> bool:
    target = str(mount.get("target") or "")
    return target == "layouts" or target.startswith("layouts/")


def layout_sources(root: Path, config: dict[str, Any]) -> list[tuple[Path, str]]:
    """(folder, sub-path under layouts/) of every layouts mount the site has."""
    return [(root / str(m.get("source")), str(m["target"])[len("layouts"):].strip("/"))
            for m in own_mounts(root, config) if is_layouts(m)]


def mounts(root: Path, config: dict[str, Any], work: Path, excluded: list[str]) -> list[dict[str, Any]]:
    """Our layouts folder (standing for the site's), then the site's other mounts."""
    result: list[dict[str, Any]] = [{"source": str(work / "layouts"), "target": "layouts"}]
    for mount in own_mounts(root, config):
        if is_layouts(mount):
            continue
        if mount.get("target") == "content" and excluded:
            mount["excludefiles"] = [*(mount.get("excludefiles") or []), *excluded]
        result.append(mount)
    return result


def overlay(root: Path, config: dict[str, Any], base_url: str, work: Path,
            excluded: list[str]) -> dict[str, Any]:
    """The site's config with the content-only settings on top."""
    module = dict(config.get("module") or {}) if isinstance(config.get("module"), dict) else {}
    module["mounts"] = mounts(root, config, work, excluded)
    return merged(config, {
        "baseurl": base_url, "disablekinds": DISABLED, "enablegitinfo": False,
        "buildfuture": True, "disablealiases": True, "resourcedir": str(work / "resources"),
        "module": module,
    })


def build_hugo(root: Path, base_url: str) -> Built:
    """Content-only HTML of every page, by path relative to ``root``."""
    work = Path(tempfile.mkdtemp(prefix="syndicate-hugo-"))
    try:
        config = site_config(root)
        shadow_layouts(work / "layouts", layout_sources(root, config), theme_dirs(root, config))
        content = str(config.get("contentdir") or "content")
        prefix = content.strip("/") + "/"
        built = Built(version="hugo")
        excluded: list[str] = []
        (work / "no-config-dir").mkdir()
        while True:
            extra = work / "hugo.json"
            extra.write_text(json.dumps(overlay(root, config, base_url, work, excluded), default=str),
                             encoding="utf-8")
            dest = work / "out"
            shutil.rmtree(dest, ignore_errors=True)
            code, output, seconds = run(
                ["hugo", "--source", str(root), "--destination", str(dest),
                 "--cacheDir", str(work / "cache"), "--noBuildLock",
                 "--configDir", str(work / "no-config-dir"), "--config", str(extra)], work)
            built.seconds += seconds
            if code == 0:
                built.pages = collect(dest, prefix)
                return built
            blamed = blamed_file(output, root / content)
            if blamed is None or blamed in excluded or len(excluded) >= MAX_EXCLUDED:
                raise GeneratorFailed(f"hugo: {excerpt(output)}", None)
            excluded.append(blamed)
            built.failures[prefix + blamed] = f"hugo: {excerpt(output)}"
    finally:
        shutil.rmtree(work, ignore_errors=True)


def blamed_file(output: str, content: Path) -> str | None:
    """The content file (relative to the content folder) that Hugo's error names."""
    for match in BLAMED.finditer(output):
        path = Path(match.group(1))
        if path.is_relative_to(content) and path.is_file():
            return path.relative_to(content).as_posix()
    return None
