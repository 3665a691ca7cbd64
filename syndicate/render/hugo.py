"""Hugo's content-only build: a config overlay whose module mounts put replacement layouts
in front of the site's and the theme's.

Every page template the site or its theme has (outside partials, shortcodes and render
hooks, which shape the content and so must stay) is shadowed by one that prints only
``.Content`` after syndicate's marker. List pages, feeds and sitemaps are switched off.
Output, caches, resources and the build lock go to a temporary folder; the user's tree and
its ``public`` are never written. A file Hugo stops on is excluded from the content mount
and the build run again, so one broken post costs only itself.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from syndicate.render.build import Built, GeneratorFailed, collect, excerpt, run

LAYOUT = ('{{ printf "<!--syndicate %s-->" (dict "path" .File.Path "url" .Permalink | jsonify) '
          '| safeHTML }}{{ .Content }}')
KEEP = ("partials", "shortcodes", "_markup")
BLAMED = re.compile(r'"?(/[^":\s]+?\.(?:md|markdown|html|htm))(?::\d+)*"?')
DISABLED = ["home", "section", "taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
MAX_EXCLUDED = 50


def toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def theme_dirs(root: Path, settings: dict[str, Any]) -> list[Path]:
    themes = settings.get("theme") or []
    names = [themes] if isinstance(themes, str) else [str(t) for t in themes]
    folder = root / str(settings.get("themesdir") or "themes")
    return [folder / name for name in names if (folder / name).is_dir()]


def shadow_layouts(target: Path, sources: list[Path]) -> None:
    """``target`` gets a content-only template for every page template of ``sources``."""
    (target / "_default").mkdir(parents=True, exist_ok=True)
    (target / "_default" / "single.html").write_text(LAYOUT, encoding="utf-8")
    for layouts in sources:
        if not layouts.is_dir():
            continue
        for path in layouts.rglob("*.html"):
            rel = path.relative_to(layouts)
            if rel.parts[0] in KEEP or rel.name.startswith("baseof"):
                continue
            out = target / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(LAYOUT, encoding="utf-8")


def mount_lines(source: str, target: str, exclude: list[str] | None = None) -> str:
    lines = f"[[module.mounts]]\nsource = {toml_string(source)}\ntarget = {toml_string(target)}\n"
    if exclude:
        lines += "excludeFiles = [" + ", ".join(toml_string(e) for e in exclude) + "]\n"
    return lines


def overlay(root: Path, settings: dict[str, Any], base_url: str, work: Path,
            excluded: list[str]) -> str:
    content = str(settings.get("contentdir") or "content")
    static = settings.get("staticdir") or "static"
    text = (f"baseURL = {toml_string(base_url)}\n"
            f"disableKinds = [{', '.join(toml_string(k) for k in DISABLED)}]\n"
            "enableGitInfo = false\nbuildFuture = true\ndisableAliases = true\n"
            f"resourceDir = {toml_string(str(work / 'resources'))}\n"
            f"[module]\n" + mount_lines(str(work / "layouts"), "layouts"))
    own = [(str(settings.get("layoutdir") or "layouts"), "layouts"), (content, "content"),
           *[(str(s), "static") for s in (static if isinstance(static, list) else [static])],
           (str(settings.get("datadir") or "data"), "data"),
           (str(settings.get("assetdir") or "assets"), "assets"),
           (str(settings.get("i18ndir") or "i18n"), "i18n"),
           (str(settings.get("archetypedir") or "archetypes"), "archetypes")]
    for source, target in own:
        if (root / source).is_dir():
            text += mount_lines(source, target, excluded if target == "content" else None)
    return text


def config_files(root: Path) -> list[Path]:
    """The site's own config files, in Hugo's order: the root file, then config/_default/."""
    files: list[Path] = []
    for name in ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json",
                 "config.toml", "config.yaml", "config.yml", "config.json"):
        if (root / name).is_file():
            files.append(root / name)
            break
    default = root / "config" / "_default"
    if default.is_dir():
        files.extend(sorted(p for p in default.iterdir()
                            if p.suffix in (".toml", ".yaml", ".yml", ".json")))
    return files


def build_hugo(root: Path, settings: dict[str, Any], base_url: str) -> Built:
    """Content-only HTML of every page, by path relative to ``root``."""
    work = Path(tempfile.mkdtemp(prefix="syndicate-hugo-"))
    try:
        layouts = root / str(settings.get("layoutdir") or "layouts")
        shadow_layouts(work / "layouts", [layouts, *[t / "layouts" for t in theme_dirs(root, settings)]])
        content = str(settings.get("contentdir") or "content")
        prefix = content.strip("/") + "/"
        built = Built(version="hugo")
        excluded: list[str] = []
        configs = ",".join(str(p) for p in config_files(root))
        while True:
            extra = work / "overlay.toml"
            extra.write_text(overlay(root, settings, base_url, work, excluded), encoding="utf-8")
            dest = work / "out"
            shutil.rmtree(dest, ignore_errors=True)
            code, output, seconds = run(
                ["hugo", "--source", str(root), "--destination", str(dest),
                 "--cacheDir", str(work / "cache"), "--noBuildLock",
                 "--config", f"{configs},{extra}" if configs else str(extra)], work)
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
