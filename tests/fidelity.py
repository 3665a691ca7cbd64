"""The differential fidelity check: every corpus post rendered by the built-in renderer and
by the site's own generator (Debian's Jekyll 4.3 / Hugo 0.111), compared per class.

    python -m tests.fidelity                   write docs/fidelity.md (figures per class)
    python -m tests.fidelity --site NAME       compare one corpus site, print its differences

Both sides are normalised the same way: absolute URLs, whitespace collapsed, typographic
quotes and dashes folded, syntax-highlighting markup reduced to the code's text, line-number
gutters dropped. A difference is explained when tests/fidelity_allow.toml lists it with a
reason (specific to that post and class, and true); anything else fails
tests/test_fidelity.py. There is no baseline of "known" defects: each difference is fixed or
explained on its own.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from bs4 import BeautifulSoup, Tag

if TYPE_CHECKING:
    from syndicate.sources.site import Site

HERE = Path(__file__).parent
CORPUS = HERE / "corpus"
ALLOW = HERE / "fidelity_allow.toml"
REPORT = HERE.parent / "docs" / "fidelity.md"
CLASSES = ("posts", "text", "headings", "links", "images", "code", "maths", "footnotes", "embeds")
FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
                      "\u2014": "-", "\u2026": "...", "\u00a0": " ", "\u21a9": "", "\ufe0e": ""})
MATHS = re.compile(r"\$\$(.+?)\$\$|\\\[(.+?)\\\]|\\\((.+?)\\\)|(?<![\\$\w])\$([^$\s][^$\n]*?)\$(?!\w)",
                   re.S)
BLOCK_TAGS = ["p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "td", "th", "br", "tr",
              "blockquote", "figcaption", "dt", "dd", "table", "ul", "ol", "hr", "img"]
EMBEDS = ("iframe", "video", "audio", "embed", "object")


YOUTUBE_PLAYER = re.compile(r"https?://(?:www\.)?youtube(?:-nocookie)?\.com/embed/([\w-]+)(?:\?[^\s\"'<]*)?")
"""A YouTube player's own URL: the generator's iframe becomes a link to it, where the built-in
renderer links the same video's watch page; both open the video, so both read as the watch page."""


def same_video(text: str) -> str:
    return YOUTUBE_PLAYER.sub(r"https://www.youtube.com/watch?v=\1", text)


def words(text: str) -> str:
    return " ".join(same_video(text).translate(FOLD).split())


NO_LANGUAGE = "plaintext"
"""Rouge's name for no language: Jekyll 4 gives every unlabelled code block and code span
``language-plaintext``, where the built-in renderer writes no class; both mean plain text."""


def code_language(pre: Tag) -> str:
    if "mermaid" in (pre.get("class") or []):
        return "mermaid"
    for node in [pre, *pre.find_all("code"), *pre.parents]:
        if not isinstance(node, Tag):
            continue
        if node.get("data-lang"):
            name = str(node["data-lang"]).lower()
            return "" if name == NO_LANGUAGE else name
        for cls in node.get("class") or []:
            if cls.startswith("language-"):
                name = cls.removeprefix("language-").lower()
                return "" if name == NO_LANGUAGE else name
        if node.name in ("figure", "div") and node.parent is None:
            break
    return ""


def is_gutter(pre: Tag) -> bool:
    """A line-number column (Hugo ``linenos=table``, Rouge ``lineno``)."""
    return bool(re.fullmatch(r"[\d\s]*", pre.get_text())) and (
        pre.find_parent("td") is not None or "lineno" in (pre.get("class") or []))


@dataclass(frozen=True)
class Features:
    values: dict[str, list[str]]


def features(html: str) -> Features:
    soup = BeautifulSoup(html, "html.parser")
    # the notes' box, not kramdown's note marks (``<a class="footnote">``) that come first
    footnote_box = soup.find(attrs={"role": "doc-endnotes"}) or soup.find(
        ["div", "section", "ol", "aside"], class_=re.compile(r"^footnotes?$"))
    notes = [words(li.get_text(" ")) for li in footnote_box.find_all("li")] if isinstance(
        footnote_box, Tag) else []
    if isinstance(footnote_box, Tag):
        footnote_box.extract()
    for diagram in soup.select("div.mermaid"):
        # A theme's diagram element (Congo: <div class="mermaid">) holds the diagram's source
        # as a <pre class="mermaid"> (hugo-coder) or a mermaid code block does: the same code.
        diagram.name = "pre"
    code = []
    for pre in soup.find_all("pre"):
        if is_gutter(pre):
            continue
        code.append(f"[{code_language(pre)}] " + "\n".join(
            line.rstrip() for line in pre.get_text().strip("\n").splitlines() if line.strip()))
    maths = [words(next(g for g in m.groups() if g is not None)) for m in MATHS.finditer(
        soup.get_text())]
    # Percent-encoded or not, a URL is the same address: Goldmark encodes a link it parses
    # (the built-in renderer's ref), not one a shortcode prints after it (the generator's).
    links = [same_video(unquote(str(a["href"]))) for a in soup.find_all("a", href=True)
             if not str(a["href"]).partition("#")[2].startswith(("fn", "fnref"))
             and not str(a["href"]).startswith("#")]
    headings = [f"h{h.name[1]} {words(h.get_text(' '))}" for h in soup.find_all(re.compile(r"^h[1-6]$"))]
    images = [str(i.get("src") or "") for i in soup.find_all("img")]
    embeds = [str(e.get("src") or e.get("data") or "") for e in soup.find_all(EMBEDS)]
    # Last, as it changes the tree: footnote marks out, a line break after every block.
    for sup in soup.find_all("sup"):
        if sup.find("a", href=re.compile("#fn")):
            sup.decompose()
    for block in soup.find_all(BLOCK_TAGS):
        block.append("\n")
    # maths as its source only: kramdown writes $$…$$ back as \(…\) or \[…\], the built-in
    # renderer as typed; the source itself is compared in "maths"
    text = MATHS.sub(lambda m: "⟨" + words(next(g for g in m.groups() if g is not None)) + "⟩",
                     words(soup.get_text()))
    return Features({
        "text": [text],
        "headings": headings,
        "links": links,
        "images": images,
        "code": code,
        "maths": maths,
        "footnotes": notes,
        "embeds": embeds,
    })


@dataclass
class Difference:
    site: str
    post: str
    cls: str
    builtin: str
    generator: str

    @property
    def key(self) -> str:
        return f"{self.site}/{self.post}#{self.cls}"


@dataclass
class SiteResult:
    name: str
    generator: str
    posts: int = 0
    compared: int = 0
    seconds: float = 0.0
    differences: list[Difference] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    equal: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CLASSES, 0))


def first_change(a: list[str], b: list[str]) -> tuple[str, str]:
    """Short excerpts around where two lists first differ (inside the first differing item)."""
    for n in range(max(len(a), len(b))):
        x = a[n] if n < len(a) else "(none)"
        y = b[n] if n < len(b) else "(none)"
        if x != y:
            i = next((k for k, (p, q) in enumerate(zip(x, y, strict=False)) if p != q),
                     min(len(x), len(y)))
            start = max(0, i - 40)
            return x[start:i + 80], y[start:i + 80]
    return "", ""


def compare_site(root: Path) -> SiteResult:
    from syndicate.config import load_config
    from syndicate.errors import SourceError
    from syndicate.sources import open_site

    config = load_config(root)
    builtin_site = open_site(root, config)
    gen_config = config.model_copy(update={"site": config.site.model_copy(update={"render": "generator"})})
    generator_site = open_site(root, gen_config)
    result = SiteResult(root.name, builtin_site.kind)
    started = time.monotonic()
    for source in builtin_site.discover():
        try:
            ours = builtin_site.read(source)
        except SourceError as exc:
            result.errors.append(f"builtin: {exc}")
            if source.rel_path in generator_pages(generator_site):
                result.posts += 1
                result.differences.append(Difference(root.name, source.rel_path, "posts",
                                                     f"refused: {exc.reason}", "a page on the live site"))
            continue
        if ours.hold:
            continue
        result.posts += 1
        try:
            theirs = generator_site.read(source)
        except SourceError as exc:
            result.differences.append(Difference(root.name, source.rel_path, "posts",
                                                 "published", f"generator: {exc.reason}"))
            continue
        result.compared += 1
        result.equal["posts"] += 1
        a, b = features(ours.html), features(theirs.html)
        for cls in CLASSES[1:]:
            if a.values[cls] == b.values[cls]:
                result.equal[cls] += 1
            else:
                x, y = first_change(a.values[cls], b.values[cls])
                result.differences.append(Difference(root.name, source.rel_path, cls, x, y))
    result.seconds = time.monotonic() - started
    for rel in missed_by_builtin(builtin_site, generator_site):
        result.posts += 1
        result.differences.append(Difference(root.name, rel, "posts", "(not found)",
                                             "a post on the live site"))
    return result


def generator_pages(generator_site: Site) -> set[str]:
    from syndicate.render.generator import site_build

    built = site_build(generator_site)
    return set(built.pages) if hasattr(built, "pages") else set()


def missed_by_builtin(builtin_site: Site, generator_site: Site) -> list[str]:
    """Pages the generator built under the posts' folder that the built-in source never
    lists (e.g. Hugo content written in HTML)."""
    from syndicate.render.generator import site_build

    built = site_build(generator_site)
    if not hasattr(built, "pages"):
        return []
    found = {s.rel_path for s in builtin_site.discover()}
    folders = {rel.rsplit("/", 2)[0] for rel in found}
    return sorted(rel for rel in built.pages if rel not in found
                  and any(rel.startswith(folder + "/") for folder in folders)
                  and not rel.rsplit("/", 1)[-1].startswith("_index"))


def corpus_sites() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.is_dir())


@cache
def compare_corpus() -> tuple[SiteResult, ...]:
    return tuple(compare_site(root) for root in corpus_sites())


def allowed() -> dict[str, str]:
    """Explained differences: key → reason (a key may end in '#*' for every class, or name a
    whole site with 'site/*#class')."""
    data = tomllib.loads(ALLOW.read_text(encoding="utf-8")) if ALLOW.is_file() else {}
    return {str(item["key"]): str(item["reason"]) for item in data.get("explained", [])}


def reason_for(diff: Difference, rules: dict[str, str]) -> str | None:
    for key in (diff.key, f"{diff.site}/{diff.post}#*", f"{diff.site}/*#{diff.cls}"):
        if key in rules:
            return rules[key]
    return None


def unexplained(results: tuple[SiteResult, ...]) -> Iterator[Difference]:
    rules = allowed()
    for result in results:
        for diff in result.differences:
            if reason_for(diff, rules) is None:
                yield diff


def versions() -> str:
    out = []
    for command in (["jekyll", "--version"], ["hugo", "version"]):
        try:
            out.append(subprocess.run(command, capture_output=True, text=True, check=False)
                       .stdout.split(" BuildDate")[0].strip())
        except OSError:
            out.append(f"{command[0]}: not installed")
    return "; ".join(out)


def report(results: tuple[SiteResult, ...]) -> str:
    rules = allowed()
    total = sum(r.compared for r in results)
    lines = ["# Fidelity: the built-in renderer against the generators", "",
             "Generated by `python -m tests.fidelity` (do not edit). Every post of the test corpus",
             "(`tests/corpus/`, sources and licences in `tests/corpus/LICENSES.md`) is rendered by",
             "syndicate's built-in renderer and by the site's own generator in a content-only build,",
             "then compared per class after normalisation (`tests/fidelity.py`).", "",
             f"Generators: {versions()}. Posts compared: {total}.", "",
             "## Figures per class", "",
             "| class | posts equal | differ | explained | unexplained |",
             "|---|---|---|---|---|"]
    for cls in CLASSES:
        diffs = [d for r in results for d in r.differences if d.cls == cls]
        whole = sum(r.posts for r in results) if cls == "posts" else total
        explained = [d for d in diffs if reason_for(d, rules) is not None]
        equal = sum(r.equal[cls] for r in results)
        lines.append(f"| {cls} | {equal}/{whole} | {len(diffs)} | {len(explained)} | "
                     f"{len(diffs) - len(explained)} |")
    lines += ["", "## Per site", "", "| site | generator | posts | compared | differing posts | errors |",
              "|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r.name} | {r.generator} | {r.posts} | {r.compared} | "
                     f"{len({d.post for d in r.differences})} | {len(r.errors)} |")
    lines += ["", "## Explained differences", ""]
    for r in results:
        for d in r.differences:
            why = reason_for(d, rules)
            if why:
                lines.append(f"- `{d.key}`: {why}")
    lines += ["", "## Unexplained differences, with both excerpts", ""]
    for r in results:
        for d in r.differences:
            if not reason_for(d, rules):
                lines.append(f"- **UNEXPLAINED** `{d.key}`  \n  builtin: `{clip(d.builtin)}`  \n"
                             f"  generator: `{clip(d.generator)}`")
    seen = {d.key for r in results for d in r.differences}
    stale = sorted(key for key in rules if "*" not in key and key not in seen)
    if stale:
        lines += ["", "## Explanations no longer needed (the difference is gone: remove them from "
                  "tests/fidelity_allow.toml)", "", *[f"- `{key}`" for key in stale]]
    errors = [e for r in results for e in r.errors]
    if errors:
        lines += ["", "## Errors", "", *[f"- {clip(e, 300)}" for e in errors]]
    return "\n".join(lines) + "\n"


def clip(text: str, size: int = 140) -> str:
    text = text.replace("`", "'").replace("\n", "⏎")
    return text if len(text) <= size else text[:size] + "…"


def main(argv: list[str]) -> int:
    names = [argv[i + 1] for i, arg in enumerate(argv[:-1]) if arg == "--site"]
    if names:
        return print_sites(names)
    results = compare_corpus()
    REPORT.write_text(report(results), encoding="utf-8")
    sys.stdout.write(report(results).split("## Per site")[0])
    return 0


def print_sites(names: list[str]) -> int:
    """While working on one site: its differences, each tagged, without touching the report."""
    rules = allowed()
    for name in names:
        r = compare_site(CORPUS / name)
        sys.stdout.write(f"{r.name}: {r.compared} compared, {len(r.differences)} differences, "
                         f"equal {r.equal}\n")
        for d in r.differences:
            tag = "explained" if reason_for(d, rules) else "UNEXPLAINED"
            sys.stdout.write(f"{tag} {d.key}\n  builtin:   {clip(d.builtin, 300)}\n"
                             f"  generator: {clip(d.generator, 300)}\n")
        for error in r.errors:
            sys.stdout.write(f"error: {error}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
