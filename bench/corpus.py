"""Generated Jekyll sites for the benchmarks: mixed Chinese and English, code, tables, images, Liquid.

Sites are built on the fly from a few templates with a seeded random generator, so a
figure measured today can be measured again on the same bytes. ``example_blog()`` is
the bundled example site, read in place (never written to).
"""

from __future__ import annotations

import random
import shutil
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_BLOG = REPO / "examples" / "blog"

CONFIG_YML = """\
title: Bench blog
url: "https://bench.example.org"
baseurl: ""
permalink: /:year/:month/:day/:title/
excerpt_separator: <!--more-->
timezone: Asia/Shanghai
author: Bench Author
lang: zh-CN
"""

SYNDICATE_TOML = """\
since = 2000-01-01
max_per_run = 1000000

[parts]
drop = [".--donate-button"]

[platforms.telegram]
footer = "Originally published at {canonical_url}"
"""

ZH_WORDS = ("笔者", "小米", "音箱", "蓝牙", "连接", "问题", "退货", "产品", "专业", "声音", "文章",
            "朋友", "数据库", "部署", "服务器", "性能", "测试", "代码", "博客", "同步")
EN_WORDS = ("the", "blog", "post", "server", "latency", "cache", "python", "shell", "deploy",
            "render", "quickly", "never", "twice", "platform", "queue", "retry", "budget", "note")


def sentence(rng: random.Random, zh: bool) -> str:
    words = rng.choices(ZH_WORDS if zh else EN_WORDS, k=rng.randint(6, 18))
    if zh:
        return "".join(words) + "。"
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random, zh: bool) -> str:
    parts = [sentence(rng, zh) for _ in range(rng.randint(2, 5))]
    if rng.random() < 0.5:
        parts.append(f"See [the docs](https://example.org/{rng.randint(1, 999)}) "
                     "and **bold** or `inline code`.")
    return " ".join(parts)


def code_block(rng: random.Random) -> str:
    lang = rng.choice(("python", "sh", "html", "go"))
    lines = [f"value_{i} = compute({i}) < {i * 2} & ok  # 注释 {i}" for i in range(rng.randint(3, 12))]
    return f"```{lang}\n" + "\n".join(lines) + "\n```"


def table(rng: random.Random, zh: bool) -> str:
    head = "| 名称 | 数量 | 说明 |" if zh else "| name | count | note |"
    rows = [f"| {rng.choice(ZH_WORDS if zh else EN_WORDS)} | {rng.randint(1, 99)} | "
            f"{rng.choice(ZH_WORDS if zh else EN_WORDS)} |" for _ in range(rng.randint(2, 6))]
    return "\n".join([head, "|---|---:|---|", *rows])


def image(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"![图 {rng.randint(1, 9)}](https://cdn.example.org/{rng.randint(1, 10**6)}.png)"
    return '![tea]({{ "/assets/img/tea.png" | relative_url }})'


def liquid(rng: random.Random) -> str:
    return rng.choice((
        "{% raw %}`{{ user.name }}`{% endraw %} in {{ site.title }}",
        "{% highlight ruby %}\ndef greet(name)\n  puts \"Hi #{name}\"\nend\n{% endhighlight %}",
        "[archive]({{ site.baseurl }}/archive/)",
        "{% comment %}site only{% endcomment %}Visible after a comment.",
    ))


def post_text(rng: random.Random, index: int, day: date) -> str:
    zh = rng.random() < 0.5
    title = (f"第 {index} 篇：" + "".join(rng.choices(ZH_WORDS, k=3))) if zh else \
        f"Post {index}: " + " ".join(rng.choices(EN_WORDS, k=4)).title()
    tags = rng.sample(ZH_WORDS if zh else EN_WORDS, k=3)
    blocks: list[str] = [paragraph(rng, zh), "<!--more-->"]
    for _ in range(rng.randint(3, 10)):
        kind = rng.random()
        if kind < 0.45:
            blocks.append(paragraph(rng, zh))
        elif kind < 0.6:
            blocks.append(code_block(rng))
        elif kind < 0.7:
            blocks.append(table(rng, zh))
        elif kind < 0.8:
            blocks.append(image(rng))
        elif kind < 0.9:
            blocks.append(liquid(rng))
        else:
            blocks.append("\n".join(f"- {sentence(rng, zh)}" for _ in range(rng.randint(2, 5))))
    title_yaml = title.replace('"', "'")
    front = (f'---\nlayout: post\ntitle: "{title_yaml}"\ncategory: {"想法" if zh else "tech"}\n'
             f"tags: [{', '.join(tags)}]\n---\n\n")
    return front + "\n\n".join(blocks) + "\n"


def build_site(dest: Path, count: int, seed: int = 6) -> Path:
    """A Jekyll site with ``count`` posts under ``dest`` (replaced if present); returns ``dest``."""
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "_posts").mkdir(parents=True)
    (dest / "_config.yml").write_text(CONFIG_YML, encoding="utf-8")
    (dest / "syndicate.toml").write_text(SYNDICATE_TOML, encoding="utf-8")
    (dest / "assets" / "img").mkdir(parents=True)
    shutil.copy(EXAMPLE_BLOG / "assets" / "img" / "tea.png", dest / "assets" / "img" / "tea.png")
    rng = random.Random(seed)
    start = date(2015, 1, 1)
    for index in range(count):
        day = start + timedelta(days=index // 3)
        folder = dest / "_posts" / f"{day.year}"
        folder.mkdir(exist_ok=True)
        name = f"{day.isoformat()}-post-{index:05d}.md"
        (folder / name).write_text(post_text(rng, index, day), encoding="utf-8")
    return dest


def example_blog() -> Path:
    return EXAMPLE_BLOG


if __name__ == "__main__":
    import sys

    target = build_site(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 1000)
    sys.stdout.write(f"{target}\n")
