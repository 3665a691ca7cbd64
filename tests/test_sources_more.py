"""Source rules not covered elsewhere: Hugo bundles and config folders, ref/relref, tag and date forms."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from syndicate.errors import SourceError
from syndicate.sources import open_site


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def hugo(tmp_path: Path) -> Path:
    write(tmp_path / "config" / "_default" / "hugo.toml",
          'baseURL = "https://example.org/blog/"\nlanguageCode = "en-gb"\n'
          '[permalinks]\nposts = "/:year/:month/:slug/"\n')
    write(tmp_path / "content" / "posts" / "_index.md", "+++\ntitle = 'Posts'\n+++\nlist page\n")
    write(tmp_path / "content" / "posts" / "trip" / "index.md",
          "+++\ntitle = 'A Trip'\ndate = 2024-05-06T10:00:00+02:00\ntags = 'rail, sea'\n+++\n"
          "See {{< ref \"notes\" >}} and {{< relref \"notes\" >}}.\n\n"
          "{{< figure src=\"/img/a.jpg\" caption=\"A view\" >}}\n\n{{< youtube abc >}}\n\n"
          "{{< newsletter-signup >}}\n")
    write(tmp_path / "content" / "posts" / "notes.md",
          "---\ntitle: Notes\ndate: 2024-01-02\nslug: my-notes\ntags: [1, 2.5]\n---\nBody\n")
    write(tmp_path / "content" / "about.md", "---\ntitle: About\ndate: 2023-01-01\n---\nMe\n")
    return tmp_path


def posts_by_title(root: Path) -> dict[str, object]:
    posts, errors = open_site(root).read_all()
    assert not errors, errors
    return {p.title: p for p in posts}


def test_hugo_config_in_config_default_bundles_and_section_pages(hugo: Path) -> None:
    site = open_site(hugo)
    assert site.kind == "hugo" and site.url == "https://example.org" and site.baseurl == "/blog"
    posts = posts_by_title(hugo)
    assert set(posts) == {"A Trip", "Notes", "About"}  # _index.md is a list page, not a post
    trip = posts["A Trip"]
    assert trip.canonical_url == "https://example.org/blog/2024/05/a-trip/"  # type: ignore[attr-defined]
    assert posts["Notes"].canonical_url == "https://example.org/blog/2024/01/my-notes/"  # type: ignore[attr-defined]
    assert posts["About"].canonical_url == "https://example.org/blog/about/"  # type: ignore[attr-defined]
    assert trip.language == "en-gb"  # type: ignore[attr-defined]


def test_hugo_ref_relref_figure_and_unknown_shortcodes(hugo: Path) -> None:
    trip = posts_by_title(hugo)["A Trip"]
    html = trip.html  # type: ignore[attr-defined]
    assert 'href="https://example.org/blog/2024/01/my-notes/"' in html or \
        "https://example.org/blog/2024/01/my-notes/" in html
    assert '<img alt="A view" src="https://example.org/img/a.jpg"/>' in html
    assert "<figcaption>A view</figcaption>" in html
    # a video shortcode is a link to the video (it used to vanish); an unknown one is
    # removed with a notice naming its line
    assert '<a href="https://www.youtube.com/watch?v=abc">' in html
    assert "newsletter" not in html
    notices = [str(n) for n in trip.notices]  # type: ignore[attr-defined]
    assert any("newsletter-signup" in n and "content/posts/trip/index.md:12" in n
               for n in notices), notices


def test_tags_from_strings_and_numbers_and_dates_with_zones(hugo: Path) -> None:
    posts = posts_by_title(hugo)
    assert posts["A Trip"].tags == ("rail", "sea")  # type: ignore[attr-defined]
    assert posts["Notes"].tags == ("1", "2.5")  # type: ignore[attr-defined]
    trip_date = posts["A Trip"].date  # type: ignore[attr-defined]
    assert trip_date.utcoffset() == timedelta(hours=2)
    notes_date = posts["Notes"].date  # type: ignore[attr-defined]
    assert notes_date.tzinfo is not None  # a naive date takes the site's zone (UTC here)


def test_invalid_toml_front_matter_names_the_file_and_line(hugo: Path) -> None:
    write(hugo / "content" / "posts" / "bad.md", "+++\ntitle = 'x'\ndate = = 2\n+++\nbody\n")
    site = open_site(hugo)
    bad = next(s for s in site.discover() if s.rel_path.endswith("bad.md"))
    with pytest.raises(SourceError) as error:
        site.read(bad)
    assert "content/posts/bad.md" in str(error.value) and "TOML" in str(error.value)


def test_space_separated_jekyll_tags_and_a_site_timezone(tmp_path: Path) -> None:
    write(tmp_path / "_config.yml", "url: https://e.com\ntimezone: Asia/Tokyo\npermalink: pretty\n")
    write(tmp_path / "_posts" / "2024-02-03-hello.md", "---\ntitle: Hello\ntags: alpha beta\n---\nHi\n")
    posts, errors = open_site(tmp_path).read_all()
    assert not errors
    assert posts[0].tags == ("alpha", "beta")
    assert posts[0].date.utcoffset() == timedelta(hours=9)
    assert posts[0].canonical_url == "https://e.com/2024/02/03/hello/"


def test_hugo_dates_fall_back_like_hugo_and_an_undated_page_is_held_not_an_error(hugo: Path) -> None:
    write(hugo / "content" / "contact.md", "---\ntitle: Contact\n---\nMail me\n")
    write(hugo / "content" / "posts" / "late.md",
          "---\ntitle: Late\npublishDate: 2024-02-03\n---\nBody\n")
    write(hugo / "content" / "posts" / "touched.md",
          "---\ntitle: Touched\nlastmod: 2024-03-04\n---\nBody\n")
    posts = posts_by_title(hugo)  # no errors: an undated page is not a broken post
    contact = posts["Contact"]
    assert contact.hold is not None and "no date" in contact.hold  # type: ignore[attr-defined]
    assert posts["Late"].date.date().isoformat() == "2024-02-03"  # type: ignore[attr-defined]
    assert posts["Late"].hold is None  # type: ignore[attr-defined]
    assert posts["Touched"].date.date().isoformat() == "2024-03-04"  # type: ignore[attr-defined]
    assert posts["Touched"].hold is None  # type: ignore[attr-defined]
