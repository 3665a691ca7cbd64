"""Figures, embeds and page values from a theme's shortcode or include, read from its
parameters — the theme's own template is not run, so its output is approximated.

Hugo's built-in ``figure``, ``youtube``, ``vimeo``, ``gist``, ``tweet`` and ``param`` are
known exactly; a theme's ``img``/``image``/``figure`` shortcode or a Jekyll
``{% include figure.html src=… caption=… %}`` is recognised by its parameters: a source
that names an image becomes ``<figure><img><figcaption>``, a video id or URL becomes a
link. Anything else returns None and the caller removes it with a notice naming the line.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

from syndicate.markup import embeds

SOURCE_KEYS = ("src", "url", "image", "img", "file", "path", "source", "link")
CAPTION_KEYS = ("caption", "title", "description")
"""What a figure shows under its image. ``alt`` is not one: it describes the image for who
cannot see it (Congo's ``screenshot`` shows no text), so it stays the image's alt text."""
IMAGE_EXTS = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg", ".bmp")
VIDEO_EXTS = (".mp4", ".webm", ".ogv", ".mov", ".m4v", ".ogg", ".oga", ".mp3", ".m4a", ".wav",
              ".flac", ".opus")
"""Played media (video and audio): sent as a link with its caption."""


def figure_html(src: str, *, caption: str = "", alt: str = "", link: str = "",
                caption_html: str | None = None) -> str:
    """``<figure>`` with an image, an optional link around it, and a caption."""
    image = f'<img src="{html.escape(src, quote=True)}" alt="{html.escape(alt or caption, quote=True)}">'
    if link:
        image = f'<a href="{html.escape(link, quote=True)}">{image}</a>'
    shown = caption_html if caption_html is not None else html.escape(caption)
    extra = f"<figcaption>{shown}</figcaption>" if shown else ""
    return f"\n<figure>{image}{extra}</figure>\n"


def first(named: Mapping[str, str], keys: tuple[str, ...]) -> str:
    return next((named[k] for k in keys if named.get(k)), "")


def is_image(value: str) -> bool:
    return value.lower().split("?", 1)[0].endswith(IMAGE_EXTS)


def is_video(value: str) -> bool:
    return value.lower().split("?", 1)[0].endswith(VIDEO_EXTS)


def is_player(include: str, src: str) -> bool:
    """A player's page given by URL (``{% include embed.html url="https://www.youtube.com/
    embed/…" %}``): an embed include of any name, or a known player's address."""
    if not src.startswith(("http://", "https://")):
        return False
    return "embed" in include.lower() or bool(embeds.PLAYER_HOSTS.match(src))


def builtin_embed(name: str, positional: list[str], named: Mapping[str, str]) -> str | None:
    """Hugo's built-in embeds (and the Jekyll plugins' tags of the same names)."""
    title = named.get("title", "")
    if name == "youtube":
        video = named.get("id") or (positional[0] if positional else "")
        return embeds.youtube(video, title) if video else None
    if name == "vimeo":
        video = named.get("id") or (positional[0] if positional else "")
        return embeds.vimeo(video, title) if video else None
    if name == "gist":
        words = [*positional, "", ""]
        if len(positional) >= 2 and "/" not in positional[0]:
            return embeds.gist(f"{words[0]}/{words[1]}", words[2])
        return embeds.gist(words[0], words[1]) if positional else None
    if name in ("tweet", "twitter", "x"):
        user = named.get("user", "")
        tweet = named.get("id") or (positional[-1] if positional else "")
        if tweet.startswith(("http://", "https://")):
            return embeds.tweet(tweet)
        if user and tweet:
            return embeds.tweet(f"https://twitter.com/{user}/status/{tweet}")
        return None
    if name == "instagram" and positional:
        return embeds.link_html(f"https://www.instagram.com/p/{positional[0]}/")
    return None


def from_params(name: str, positional: list[str], named: Mapping[str, str], *,
                markdown_caption: bool = False) -> str | None:
    """A theme's figure- or video-like shortcode/include, read from its parameters
    (``markdown_caption`` where its template renders the caption as Markdown)."""
    known = builtin_embed(name.removesuffix(".html").lower(), positional, named)
    if known is not None:
        return known
    lowered = name.lower()
    if "youtube" in lowered or "vimeo" in lowered:
        video = named.get("id") or first(named, ("video", "video_id", "src", "url")) or (
            positional[0] if positional else "")
        if video:
            kind = "youtube" if "youtube" in lowered else "vimeo"
            return builtin_embed(kind, [video], named)
    src = first(named, SOURCE_KEYS) or next((p for p in positional if is_image(p) or is_video(p)), "")
    if not src:
        return None
    caption = first(named, CAPTION_KEYS)
    if is_video(src) or is_player(name, src):
        return embeds.link_html(src, caption or named.get("alt", ""))
    if is_image(src) or any(k in lowered for k in ("fig", "img", "image", "photo", "picture")):
        link = named.get("link", "") if named.get("link") != src else ""
        shown = None
        if markdown_caption and caption:
            from syndicate.markup import markdown

            shown = markdown().renderInline(caption)
        return figure_html(src, caption=caption, alt=named.get("alt", ""), link=link,
                           caption_html=shown)
    return None
