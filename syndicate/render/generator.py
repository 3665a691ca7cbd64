"""``render = "generator"``: each post's body from the site's own generator.

The content-only build runs once per Site object (one per run) and is shared by every
post; a post the generator stopped on gets that post's error, quoting the generator.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from bs4 import Tag

from syndicate.errors import ConfigError, SourceError
from syndicate.markup.clean import clean
from syndicate.markup.context import MarkupContext, RenderedBody
from syndicate.markup.embeds import gist_scripts_to_links
from syndicate.post import Notice
from syndicate.render.build import Built, GeneratorFailed
from syndicate.render.codeblocks import plain_code

if TYPE_CHECKING:
    from syndicate.sources.site import Meta, Site

INSTALL = {
    "jekyll": ("install Jekyll (Debian/Ubuntu: 'apt-get install jekyll'; with a Gemfile: "
               "'bundle install' and run syndicate under 'bundle exec')"),
    "hugo": "install Hugo (Debian/Ubuntu: 'apt-get install hugo', or the release the site pins)",
}


def generator_of(site: Site) -> str:
    if site.kind not in INSTALL:
        raise ConfigError(f"render = \"generator\" needs a Jekyll or Hugo site, not a {site.kind} "
                          "folder; set render = \"builtin\"", source="syndicate.toml", key="render")
    return site.kind


def require_generator(site: Site) -> None:
    """Stop the run (exit 2) when the generator this site needs is not installed: falling
    back silently would change every post's body between a laptop and CI."""
    name = generator_of(site)
    if shutil.which(name) is None:
        raise ConfigError(f"render = \"generator\" but '{name}' is not on PATH: {INSTALL[name]}, "
                          "or set render = \"builtin\"", source="syndicate.toml", key="render")


def build_site(site: Site) -> Built:
    from syndicate.render.hugo import build_hugo
    from syndicate.render.jekyll import build_jekyll

    require_generator(site)
    if site.kind == "hugo":
        return build_hugo(site.root, site.base_url + "/")
    source = getattr(site, "source_dir", site.root)
    return build_jekyll(site.root, source, site.settings, site.url, site.baseurl,
                        [s.path for s in site.discover()])


def site_build(site: Site) -> Built | GeneratorFailed:
    """The site's content-only build, made once and kept on the Site object."""
    cached = site.__dict__.get("_generator_build")
    if cached is None:
        try:
            cached = build_site(site)
        except GeneratorFailed as exc:
            cached = exc
        site.__dict__["_generator_build"] = cached
    return cached


def generator_body(site: Site, meta: Meta, ctx: MarkupContext) -> RenderedBody:
    """The post's body as the generator built it, cleaned as syndicate cleans its own."""
    rel = meta.source.rel_path
    built = site_build(site)
    if isinstance(built, GeneratorFailed):
        raise SourceError(rel, f"the site's generator failed: {built.message}",
                          fix="fix the site so it builds, or set render = \"builtin\"")
    if rel in built.failures:
        raise SourceError(rel, f"the generator failed on this post: {built.failures[rel]}",
                          fix="fix the post so the site builds")
    page = built.pages.get(rel)
    if page is None and site.hold_of(meta, site.post_date(meta)):
        # Held (draft, unpublished, expired): it never goes out, so no body is needed.
        return RenderedBody(html="", notices=(), first_image=None, excerpt_html=None,
                            first_paragraph="")
    if page is None:
        raise SourceError(rel, "the generator built no page for this post (a build option "
                          "such as _build or published may keep it off the site)")
    soup, first_image = clean(plain_code(gist_scripts_to_links(page.html)), ctx.page_url, ctx.site_url)
    paragraph = next((node for node in soup.descendants if isinstance(node, Tag) and node.name == "p"
                      and node.get_text(strip=True)), None)
    notices = (Notice(rel, f"{generator_of(site)} here lacks {', '.join(built.missing)} (named in the "
                      "site's config), so whatever it adds to this post is missing: install it "
                      "(with a Gemfile: bundle install)"),) if built.missing else ()
    return RenderedBody(html=str(soup).strip() + "\n", notices=notices, first_image=first_image,
                        excerpt_html=None,
                        first_paragraph=paragraph.get_text(" ", strip=True) if paragraph else "")


def content_only_builds(site: Site) -> bool:
    """Whether this site builds content-only with its generator here (for ``init``)."""
    if site.kind not in INSTALL or shutil.which(site.kind) is None:
        return False
    try:
        built = build_site(site)
    except (GeneratorFailed, ConfigError, OSError):
        return False
    return bool(built.pages)


def init_choice(site: Site) -> str:
    """The ``render`` value ``syndicate init`` writes: stable between laptop and CI."""
    return "generator" if content_only_builds(site) else "builtin"


def record_render_choice(config_path: Path) -> str:
    """Append ``[site] render`` to a freshly written syndicate.toml: "generator" when the
    site's generator is here and builds it content-only, else "builtin". Written once, so
    a laptop and CI render the same way afterwards."""
    from syndicate.sources import open_site

    try:
        choice = init_choice(open_site(config_path.parent))
    except ConfigError:
        choice = "builtin"
    with config_path.open("a", encoding="utf-8") as handle:
        handle.write("\n[site]\n# Who renders post bodies: \"generator\" (the site's own Jekyll/Hugo, "
                     "as the live site) or \"builtin\".\n"
                     f"render = \"{choice}\"\n")
    return choice
