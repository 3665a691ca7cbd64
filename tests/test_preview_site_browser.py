"""`syndicate preview --html` opened in a real headless Chromium.

The example blog's site is written once by the CLI; the seed post's page is read back
as the DOM Chromium built, and screenshotted at desktop and phone widths into
$SYNDICATE_SCREENSHOTS (default ``<repo>/out/screenshots``) for a person to look at.
A second blog, the example plus one post written to trip every warning, checks that
each warning the preview computes is on the page where a reader sees it.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from syndicate.commands import build_previews
from syndicate.preview_site import measured, page_name
from syndicate.preview_site.warnings import collect, image_sources
from syndicate.registry import available
from tests.browser import dump_dom, screenshot
from tests.conftest import EXAMPLE_BLOG, ROOT

pytestmark = pytest.mark.system_packages  # tests/browser.py installs chromium and fonts with apt

SEED_KEY = "_posts/想法/2021-01-28-xiaomi.md"
SEED_IMAGES = ("https://cdn.dbarobin.com/4iguirx.png", "https://cdn.dbarobin.com/v4yywe2.png")
TRIP_KEY = "_posts/tech/2024-07-01-every-warning.md"
TRIP_POST = """\
---
title: "Every warning at once"
tags: [one, two, three, four, a-tag-that-is-far-too-long-for-medium-to-keep]
image: /assets/img/missing-cover.png
summary: "{summary}"
---

{{% gist robinwen/0123456789 %}}

![relative](../img/relative.png)

![inline](data:image/png;base64,iVBORw0KGgo=)

Body text.
"""


def write_site(site: Path, out: Path) -> Path:
    subprocess.run([sys.executable, "-m", "syndicate.cli", "preview", "--site", str(site),
                    "--html", str(out)], check=True, capture_output=True, text=True,
                   env={"PATH": "/usr/bin:/bin", "HOME": str(out.parent)})
    return out / "index.html"


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("preview") / "site"
    write_site(EXAMPLE_BLOG, out)
    return out


@pytest.fixture(scope="module")
def seed_dom(seed_site: Path) -> BeautifulSoup:
    return BeautifulSoup(dump_dom(seed_site / page_name(SEED_KEY)), "html.parser")


def section(dom: BeautifulSoup, platform: str) -> Tag:
    found = dom.select_one(f"section.platform-{platform}")
    assert isinstance(found, Tag), f"no {platform} section"
    return found


def test_index_links_every_post_and_lists_held_ones(seed_site: Path) -> None:
    dom = BeautifulSoup(dump_dom(seed_site / "index.html"), "html.parser")
    links = {a["href"] for a in dom.select("table.matrix a")}
    assert page_name(SEED_KEY) in links and len(links) == 6
    assert all((seed_site / str(href)).exists() for href in links)
    assert "published: false" in dom.select_one("ul.held").get_text()  # type: ignore[union-attr]
    shown = [th.get_text() for th in dom.select("thead th")][1:]
    assert sorted(shown) == sorted(cls.described().title for cls in available().values())


def test_telegram_bubble_shows_bold_title_photo_and_link(seed_dom: BeautifulSoup) -> None:
    bubble = section(seed_dom, "telegram").select_one(".bubble")
    assert bubble is not None
    assert [s.get_text() for s in bubble.select(".tg-text > strong")] == ["刚夸了小米结果被打脸"]
    assert [a["href"] for a in bubble.select(".tg-text a")] == [
        "https://dbarobin.com/2021/01/28/xiaomi/"]
    photo = bubble.select_one("img.photo")
    assert photo is not None and photo["src"] == SEED_IMAGES[0] and photo["alt"]


def test_wordpress_and_medium_show_both_cdn_images_with_alt_text(seed_dom: BeautifulSoup) -> None:
    for platform in ("wordpress", "medium"):
        images = section(seed_dom, platform).select(".rendering img")
        assert [img["src"] for img in images] == list(SEED_IMAGES), platform
        assert all(str(img.get("alt", "")).strip() for img in images)
    wordpress = section(seed_dom, "wordpress")
    assert wordpress.select_one(".wp-title").get_text() == "刚夸了小米结果被打脸"  # type: ignore[union-attr]
    assert [li.get_text() for li in wordpress.select("ul.tags li")] == ["想法", "小米", "京东"]


def test_seed_page_is_accessible_markup(seed_dom: BeautifulSoup) -> None:
    html = seed_dom.find("html")
    assert isinstance(html, Tag) and html["lang"] == "zh-CN"
    for landmark in ("header", "nav", "main", "footer"):
        assert seed_dom.find(landmark) is not None, landmark
    levels = [int(h.name[1]) for h in seed_dom.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
    assert levels[0] == 1 and levels.count(1) == 1 + 1  # the page's and Medium's story title
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    assert all(str(img.get("alt", "")).strip() for img in seed_dom.find_all("img"))
    assert not seed_dom.find_all(["script", "link"]) and not seed_dom.select("[style]")
    jumps = [str(a["href"])[1:] for a in seed_dom.select('nav a[href^="#"]')]
    assert jumps == [f"h-{name}" for name in available()]
    assert all(seed_dom.find(id=target) is not None for target in jumps)
    assert all(section(seed_dom, p).select_one(".rendering")["lang"] == "zh-CN"  # type: ignore[index]
               for p in available())


def test_every_warning_is_on_the_page(tmp_path: Path, example_blog: Path) -> None:
    post = example_blog / TRIP_KEY
    post.write_text(TRIP_POST.format(summary="很长的摘要。" * 200), encoding="utf-8")
    write_site(example_blog, tmp_path / "site")
    items, _, _ = build_previews(example_blog, None, [TRIP_KEY])
    expected = {i.platform: collect(i, measured(i)) for i in items}
    kinds = {a.kind for alerts in expected.values() for a in alerts}
    assert {"markup", "image", "tags", "truncated"} <= kinds  # the post trips each kind
    dom = BeautifulSoup(dump_dom(tmp_path / "site" / page_name(TRIP_KEY)), "html.parser")
    for platform, alerts in expected.items():
        aside = section(dom, platform).select_one("aside.warnings")
        assert aside is not None and "sr" not in (aside.get("class") or [])
        shown = [li.get_text(" ", strip=True) for li in aside.select("li.warning")]
        assert len(shown) == len(alerts)
        for alert, text in zip(alerts, shown, strict=True):
            assert " ".join(alert.message.split()) in " ".join(text.split())


def test_screenshots_of_the_seed_page_at_desktop_and_phone_width(seed_site: Path) -> None:
    folder = Path(os.environ.get("SYNDICATE_SCREENSHOTS") or ROOT / "out" / "screenshots")
    page = seed_site / page_name(SEED_KEY)
    for name, (width, height) in {"desktop": (1280, 900), "phone": (390, 844)}.items():
        shot = screenshot(page, folder / f"seed-{name}.png", width, height)
        header = shot.read_bytes()[:24]
        assert header[:8] == b"\x89PNG\r\n\x1a\n"
        assert int.from_bytes(header[16:20], "big") == width  # chromium honoured the size


def test_the_site_works_served_over_http_too(seed_site: Path) -> None:
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(seed_site))
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            base = f"http://127.0.0.1:{server.server_address[1]}/"
            dom = BeautifulSoup(dump_dom(base + page_name(SEED_KEY)), "html.parser")
        finally:
            server.shutdown()
            thread.join()
    assert dom.select_one("nav a")["href"] == "index.html"  # type: ignore[index]
    assert section(dom, "telegram").select_one(".tg-text > strong") is not None


COVER_KEY = "_posts/tech/2024-07-02-site-cover.md"
COVER_POST = """\
---
title: "A post whose cover is a file of the site"
image: /assets/img/tea.png
---

![terminal](https://cdn.example.org/terminal.png)

Body text.
"""


def test_every_platform_draws_the_images_its_payload_really_holds(tmp_path: Path,
                                                                 example_blog: Path) -> None:
    """The WordPress featured image among them: the preview reads the payload's own field."""
    (example_blog / COVER_KEY).write_text(COVER_POST, encoding="utf-8")
    write_site(example_blog, tmp_path / "site")
    items, _, _ = build_previews(example_blog, None, [COVER_KEY])
    dom = BeautifulSoup(dump_dom(tmp_path / "site" / page_name(COVER_KEY)), "html.parser")
    by_platform = {i.platform: i for i in items}
    assert set(by_platform) == set(available())
    for platform, item in by_platform.items():
        held = [s for s in image_sources(item.payload.data) if s.startswith(("http://", "https://"))]
        drawn = {str(img["src"]) for img in section(dom, platform).select(".rendering img")}
        assert set(held) <= drawn, platform
    cover = by_platform["wordpress"].payload.data["cover"]
    assert cover.endswith("/assets/img/tea.png")
    featured = section(dom, "wordpress").select_one("img.featured")
    assert featured is not None and featured["src"] == cover and featured["alt"]
    assert "no featured image" not in section(dom, "wordpress").get_text()
