"""Jekyll's content-only build, in a temporary folder that mirrors the site by symlinks.

Jekyll resolves ``layouts_dir`` inside the source folder, so the source is mirrored: every
top-level entry of the site is a symlink, plus one real folder of replacement layouts
(each prints only ``{{ content }}``, after syndicate's marker). A config overlay, passed
after the site's own ``_config.yml``, points Jekyll at them, sets the URL syndicate uses,
turns off the disk cache (which would be written into the site) and leaves out plugins and
a theme gem that are not installed. A post Jekyll stops on is excluded and the build run
again, so one broken post costs only itself.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from syndicate.render.build import Built, GeneratorFailed, collect, excerpt, run

LAYOUTS = "_syndicate_layouts"
SKIPPED = frozenset({"_site", ".jekyll-cache", ".jekyll-metadata", ".sass-cache", ".git",
                     ".syndicate", "node_modules", "vendor", LAYOUTS})
LAYOUT = ('<!--syndicate {"path": {{ page.path | jsonify }}, '
          '"url": {{ page.url | absolute_url | jsonify }}}-->{{ content }}')
LAYOUT_LINE = re.compile(r"^layout:\s*['\"]?([\w./-]+)", re.M)
BLAMED = re.compile(r"(?:in|file:?|at)\s+['\"]?(/?[^\s'\"]+?\.(?:md|markdown|mkd|mkdn|mdown|html))",
                    re.I)
PROBE = """
require 'json'
found = {}
ARGV.each do |name|
  begin
    Gem::Specification.find_by_name(name)
    found[name] = true
  rescue Gem::MissingSpecError
    begin
      require name
      found[name] = true
    rescue LoadError
      found[name] = false
    end
  end
end
puts JSON.generate(found)
"""
MAX_EXCLUDED = 50
NOT_CONTENT = frozenset({"jekyll-feed", "jekyll-sitemap", "jekyll-seo-tag", "jekyll-paginate",
                         "jekyll-paginate-v2", "jekyll-archives", "jekyll-redirect-from",
                         "jekyll-github-metadata", "jekyll-last-modified-at", "jekyll-compose"})
"""Plugins that make whole pages or metadata, never a post's body: not worth a warning."""


def jekyll_command(root: Path, work: Path) -> tuple[list[str], dict[str, str]]:
    """``bundle exec jekyll`` when the site pins its gems (Gemfile and Gemfile.lock) and
    they are installed, so the build uses the live site's Jekyll and plugins (GitHub Pages:
    Jekyll 3.9); else the ``jekyll`` on PATH. Bundler is never let write the lock file."""
    gemfile, lock = root / "Gemfile", root / "Gemfile.lock"
    if gemfile.is_file() and lock.is_file() and shutil.which("bundle"):
        env = {"BUNDLE_GEMFILE": str(gemfile), "BUNDLE_FROZEN": "true"}
        code, _output, _seconds = run(["bundle", "check", "--dry-run"], work, env)
        if code == 0:
            return ["bundle", "exec", "jekyll"], env
    return ["jekyll"], {}


def installed(names: list[str], cwd: Path) -> dict[str, bool]:
    """Which of these gems (plugins, a theme) Ruby can load here."""
    if not names:
        return {}
    code, output, _ = run(["ruby", "-e", PROBE, *names], cwd)
    try:
        found = json.loads(output.strip().splitlines()[-1]) if code == 0 else {}
    except (json.JSONDecodeError, IndexError):
        found = {}
    return {name: bool(found.get(name)) for name in names}


def layout_names(source: Path, settings: dict[str, Any], post_files: list[Path]) -> set[str]:
    names = {"default", "post", "page"}
    layouts = source / str(settings.get("layouts_dir") or "_layouts")
    if layouts.is_dir():
        names.update(p.stem for p in layouts.rglob("*.html"))
    for rule in settings.get("defaults") or []:
        if isinstance(rule, dict) and isinstance(rule.get("values"), dict):
            if rule["values"].get("layout"):
                names.add(str(rule["values"]["layout"]))
    for path in post_files:
        head = path.read_bytes()[:4000].decode("utf-8", "replace")
        names.update(LAYOUT_LINE.findall(head))
    return {n for n in names if n and n not in ("none", "null")}


def overlay(settings: dict[str, Any], url: str, baseurl: str, have: dict[str, bool],
            excluded: list[str]) -> dict[str, Any]:
    plugins = [p for p in (settings.get("plugins") or settings.get("gems") or []) if have.get(str(p))]
    defaults = [{"scope": {"path": ""}, "values": {"layout": "default"}},
                *(settings.get("defaults") or [])]
    data: dict[str, Any] = {
        "layouts_dir": LAYOUTS, "disable_disk_cache": True, "incremental": False,
        "url": url, "baseurl": baseurl, "future": True, "plugins": plugins, "gems": plugins,
        "defaults": defaults,
        "exclude": [*[str(e) for e in (settings.get("exclude") or [])], *excluded],
    }
    theme = settings.get("theme")
    if theme and not have.get(str(theme)):
        data["theme"] = None
    return data


def build_jekyll(root: Path, source: Path, settings: dict[str, Any], url: str, baseurl: str,
                 post_files: list[Path]) -> Built:
    """Content-only HTML of every page, by path relative to ``root``."""
    work = Path(tempfile.mkdtemp(prefix="syndicate-jekyll-"))
    try:
        mirror = work / "src"
        mirror.mkdir()
        for entry in source.iterdir():
            if entry.name not in SKIPPED:
                (mirror / entry.name).symlink_to(entry)
        (mirror / LAYOUTS).mkdir()
        for name in layout_names(source, settings, post_files):
            target = mirror / LAYOUTS / f"{name}.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(LAYOUT, encoding="utf-8")
        gems = [str(p) for p in (settings.get("plugins") or settings.get("gems") or [])]
        if settings.get("theme"):
            gems.append(str(settings["theme"]))
        command, env = jekyll_command(root, work)
        have = dict.fromkeys(gems, True) if env else installed(gems, work)
        config = root / "_config.yml" if (root / "_config.yml").is_file() else root / "_config.yaml"
        prefix = source.relative_to(root).as_posix() + "/" if source != root else ""
        built = Built(missing=tuple(name for name, ok in have.items()
                                    if not ok and name not in NOT_CONTENT),
                      version="bundle exec jekyll" if env else "jekyll")
        excluded: list[str] = []
        while True:
            extra = work / "overlay.yml"
            extra.write_text(yaml.safe_dump(overlay(settings, url, baseurl, have, excluded)),
                             encoding="utf-8")
            dest = work / "out"
            shutil.rmtree(dest, ignore_errors=True)
            code, output, seconds = run([*command, "build", "--source", str(mirror),
                                         "--destination", str(dest),
                                         "--config", f"{config},{extra}"], work, env)
            built.seconds += seconds
            if code == 0:
                built.pages = collect(dest, prefix)
                return built
            blamed = blamed_file(output, mirror)
            if blamed is None or blamed in excluded or len(excluded) >= MAX_EXCLUDED:
                raise GeneratorFailed(f"jekyll: {excerpt(output)}", None)
            excluded.append(blamed)
            built.failures[prefix + blamed] = f"jekyll: {excerpt(output)}"
    finally:
        shutil.rmtree(work, ignore_errors=True)


def blamed_file(output: str, mirror: Path) -> str | None:
    """The source file (relative to the source folder) that Jekyll's error names."""
    for match in BLAMED.finditer(output):
        name = match.group(1)
        if name.startswith(str(mirror)):
            name = name[len(str(mirror)):]
        name = name.lstrip("/")
        if (mirror / name).exists() and not name.startswith(LAYOUTS):
            return name
    return None
