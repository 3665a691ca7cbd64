# ruff: noqa: T201  (a benchmark script: printing its figures is its job)
"""Stress of every input: many generated posts (odd front matter, odd unicode, huge lines,
deep nesting, unterminated fences and tags) read and rendered for every platform, Telegram
in both its link and full modes. Prints crashes (anything but a per-post SourceError;
target 0) and payloads that break a platform limit or Telegram's markup rules (target 0).

    python bench/stress_inputs.py [COUNT] [SEED]
"""

from __future__ import annotations

import json
import random
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

from common import payload_problems

from syndicate.errors import SourceError
from syndicate.sources import open_site
from syndicate.workflow import load_adapters, payload_for

ODD = ["\u202e", "\u200f", "\u0301", "\u200b", "\u200d", "👩‍👩‍👧‍👦", "🏳️‍🌈", "\ufeff",
       "\ud7ff", "ﷺ", "שלום", "مرحبا", "中文", "<", ">", "&", "&amp;", "&#0;", "&#x110000;", "\t",
       "\r", "\r\n", "`", "```", "~~~", "*", "_", "[", "](", "![", "{{", "}}", "{%", "%}", "|",
       "<b>", "</i>", "<pre>", "<code", "<a href=\"", "<!--", "-->", "<script>", "\\", "'", '"',
       "#", "> ", "- ", "1. ", "    ", "---", "+++", ":", "\u3000", "ｘ", "\U0001f600"]
SCALARS = ["", "~", "null", "true", "no", "0x1F", "1e309", "-.inf", ".nan", "2021-13-45",
           "2021-01-28 10:00:00 +0800", "'quoted'", '"dq \\u0000"', "[1, [2, [3]]]",
           "{a: {b: {c: d}}}", "&anchor x", "*alias", "!!binary aGk=", "|\n  block", ">-\n  folded",
           "? complex", "%YAML", "@at", "`tick`", "日本語", "\U0001f600"]
KEYS = ["title", "date", "tags", "categories", "category", "summary", "description", "image",
        "published", "draft", "syndicate", "canonical_url", "permalink", "slug", "author", "lang"]


def odd_text(rng: random.Random, size: int) -> str:
    return "".join(rng.choice(ODD) if rng.random() < 0.3 else rng.choice("abc 文字\n")
                   for _ in range(size))


def front_matter(rng: random.Random) -> str:
    if rng.random() < 0.1:
        return ""
    if rng.random() < 0.15:  # TOML front matter (Hugo style)
        values = ["1", "true", "[1,2]", '"x"', "{a=1}", "x", "1979-05-27T07:32:00Z"]
        lines = [f"{rng.choice(KEYS)} = {rng.choice(values)}" for _ in range(rng.randint(0, 6))]
        return "+++\n" + "\n".join(lines) + ("\n+++\n" if rng.random() < 0.9 else "\n")
    lines = [f"title: {json.dumps(odd_text(rng, 12), ensure_ascii=False)}"]
    for _ in range(rng.randint(0, 5)):
        key = rng.choice(KEYS) if rng.random() < 0.97 else odd_text(rng, 4).replace(":", "")
        pick = rng.random()
        if pick < 0.8:  # a well-formed string full of odd characters
            value = json.dumps(odd_text(rng, rng.randint(0, 40)), ensure_ascii=False)
        elif pick < 0.95:
            value = rng.choice(SCALARS)
        else:
            value = odd_text(rng, rng.randint(0, 20))
        if rng.random() < 0.1:
            value = "\n" + "\n".join("  " * d + "- x" for d in range(rng.randint(1, 30)))
        lines.append(f"{key}: {value}")
    close = "\n---\n" if rng.random() < 0.9 else "\n"
    return "---\n" + "\n".join(lines) + close


def body(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(0, 12)):
        kind = rng.random()
        if kind < 0.3:
            parts.append(odd_text(rng, rng.randint(0, 200)))
        elif kind < 0.4:
            parts.append("x" * rng.randint(1000, 20000))  # huge line
        elif kind < 0.5:
            depth = rng.randint(1, 60)
            parts.append("\n".join("  " * d + "- item " + odd_text(rng, 3) for d in range(depth)))
        elif kind < 0.6:
            parts.append(">" * rng.randint(1, 80) + " quote " + odd_text(rng, 10))
        elif kind < 0.7:
            parts.append(rng.choice(["```", "~~~", "```python", "    "]) + "\n" + odd_text(rng, 50))
        elif kind < 0.8:
            parts.append("<" + rng.choice(["div", "b", "pre", "table", "a href='x", "img src="])
                         + odd_text(rng, 20))
        elif kind < 0.9:
            parts.append("| a | b |\n|---|\n| " + odd_text(rng, 10) + " |")
        else:
            parts.append(rng.choice(["{% raw %}", "{% highlight ruby %}", "{{ site.", "{% endraw %}",
                                     "{{< figure src=x >}}", "{% include x.html %}"]))
    if rng.random() < 0.005:
        parts.append("NUL \x00 byte")
    return "\n\n".join(parts)


def make_site(root: Path) -> None:
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text('url: "https://stress.example.org"\n', encoding="utf-8")
    (root / "syndicate.toml").write_text("[platforms.telegram]\nfooter = \"via {canonical_url}\"\n",
                                         encoding="utf-8")


def judge(root: Path, names: list[str]) -> tuple[str | None, list[str], bool]:
    """(crash traceback or None, payload problems, read error?) for the one post in ``root``."""
    try:
        site = open_site(root)
        sources = site.discover()
        adapters = load_adapters(site.root, site.config, names)
        full = load_adapters(site.root, site.config, ["telegram"],
                             overrides={"telegram": {"mode": "full"}})["telegram"]
    except SourceError:
        return None, [], True
    problems: list[str] = []
    read_error = False
    for source in sources:
        try:
            try:
                post = site.read(source)
            except SourceError:
                read_error = True
                continue
            for adapter in [*adapters.values(), full]:
                first = payload_for(adapter, post, site.config)
                again = payload_for(adapter, post, site.config)
                if first.digest != again.digest:
                    problems.append(f"{adapter.name}: rendering is not idempotent")
                adapter.requests(first)
                problems += payload_problems(adapter, first)
        except Exception:  # noqa: BLE001 - counting crashes is this script's whole purpose
            return traceback.format_exc(), problems, read_error
    return None, problems, read_error


def main(count: int = 10_000, seed: int = 6) -> dict[str, float]:
    from syndicate import registry

    rng = random.Random(seed)
    names = list(registry.available())
    crashes: Counter[str] = Counter()
    problems: Counter[str] = Counter()
    read_errors = 0
    example: dict[str, Any] = {}
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp) / "site"
        make_site(root)
        for index in range(count):
            target = root / "_posts" / f"2021-01-{index % 28 + 1:02d}-p{index}.md"
            text = front_matter(rng) + body(rng)
            target.write_bytes(text.encode("utf-8", "surrogatepass"))
            crash, found, read_error = judge(root, names)
            read_errors += read_error
            if crash:
                last = crash.strip().splitlines()[-1]
                crashes[last] += 1
                example.setdefault(last, (text[:300], crash[-1500:]))
            for problem in found:
                problems[problem.split(":")[0] + ": " + problem.split(":", 2)[1][:60]] += 1
                example.setdefault(problem, text[:300])
            target.unlink()
            shutil.rmtree(root / ".syndicate", ignore_errors=True)
    elapsed = time.perf_counter() - start
    print(f"## stress inputs: {count} generated posts (seed {seed}), {elapsed:.1f}s")
    print(f"  read errors reported as SourceError (allowed): {read_errors}")
    print(f"  crashes: {sum(crashes.values())} (target 0: {'MET' if not crashes else 'NOT MET'})")
    for kind, n in crashes.most_common(5):
        print(f"    {n} x {kind}")
        print("      " + repr(example[kind][0])[:200])
    print(f"  invalid payloads: {sum(problems.values())} (target 0: {'MET' if not problems else 'NOT MET'})")
    for kind, n in problems.most_common(5):
        print(f"    {n} x {kind}")
    return {"crashes": sum(crashes.values()), "invalid": sum(problems.values())}


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
