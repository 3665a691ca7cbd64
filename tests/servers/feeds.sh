#!/usr/bin/env bash
# Real feeds of the example blog, built by the real generators (Debian's packages):
# Jekyll with the jekyll-feed plugin (Atom, /feed.xml) and Hugo with its built-in RSS
# template (/index.xml). The feed source's tests read these files, so what they parse is
# what real blogs publish, not what we imagine a feed looks like.
#
#   tests/servers/feeds.sh build OUT_DIR   install what is missing, then build both sites
#
# Output (OUT_DIR is emptied first):
#   OUT_DIR/jekyll/            the Jekyll site (a copy of examples/blog + the plugin enabled)
#   OUT_DIR/jekyll/_site/feed.xml
#   OUT_DIR/hugo/              a Hugo site holding the same posts under content/posts
#   OUT_DIR/hugo/public/index.xml
#
# Installs, once, as root on Debian: jekyll, ruby-jekyll-feed, hugo (--no-install-recommends,
# behind a temporary policy-rc.d so apt starts no service). Nothing listens anywhere.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HERE
readonly BLOG="$HERE/../../examples/blog"
readonly JEKYLL_FEED_GEM=/usr/share/rubygems-integration/all/gems

log() { printf 'feeds.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

has_jekyll_feed() {
    compgen -G "$JEKYLL_FEED_GEM/jekyll-feed-*" >/dev/null
}

install_missing() {
    local wanted=()
    command -v jekyll >/dev/null || wanted+=(jekyll)
    has_jekyll_feed || wanted+=(ruby-jekyll-feed)
    command -v hugo >/dev/null || wanted+=(hugo)
    ((${#wanted[@]})) || return 0
    [[ $(id -u) == 0 ]] || die "need root to install: ${wanted[*]} (apt-get install ${wanted[*]})"
    command -v apt-get >/dev/null || die "no apt-get; install ${wanted[*]} by hand"
    log "installing ${wanted[*]}"
    local policy=/usr/sbin/policy-rc.d made_policy=0
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && made_policy=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${wanted[@]}" >&2
    ((made_policy)) && rm -f "$policy"
    return 0
}

build_jekyll() {
    local out=$1
    mkdir -p "$out"
    cp -r "$BLOG/." "$out/"
    rm -rf "$out/.syndicate" "$out/_site"
    # The plugin is switched on in a second config file, so the example's own
    # _config.yml stays exactly as the Jekyll source reads it.
    printf 'plugins:\n  - jekyll-feed\n' >"$out/_feed.yml"
    (cd "$out" && jekyll build --quiet --config _config.yml,_feed.yml --destination _site >&2)
    [[ -s $out/_site/feed.xml ]] || die "jekyll built no feed.xml"
}

build_hugo() {
    local out=$1 post
    mkdir -p "$out/content/posts" "$out/static"
    cp -r "$BLOG/assets" "$out/static/"
    # Hugo reads YAML front matter too. Jekyll takes a post's date and slug from its file
    # name; Hugo is told both in the front matter, so the two sites publish the same URLs.
    local name date slug
    while IFS= read -r -d '' post; do
        name=$(basename "$post" .md)
        date=${name:0:10}
        slug=${name:11}
        { printf -- '---\ndate: %s\nslug: "%s"\n' "$date" "$slug"; tail -n +2 "$post"; } \
            >"$out/content/posts/$name.md"
    done < <(find "$BLOG/_posts" -name '*.md' -print0)
    cat >"$out/hugo.toml" <<'EOF'
baseURL = "https://dbarobin.com/"
languageCode = "zh-CN"
title = "Example blog"
timeZone = "Asia/Shanghai"
[permalinks]
posts = "/:year/:month/:day/:slug/"
[markup.goldmark.renderer]
unsafe = true
EOF
    (cd "$out" && hugo --quiet --destination public >&2)
    [[ -s $out/public/index.xml ]] || die "hugo built no index.xml"
}

case ${1:-} in
    build)
        out=${2:?usage: feeds.sh build OUT_DIR}
        install_missing
        rm -rf "$out"
        mkdir -p "$out"
        out=$(cd "$out" && pwd)
        build_jekyll "$out/jekyll"
        build_hugo "$out/hugo"
        log "built $out/jekyll/_site/feed.xml and $out/hugo/public/index.xml"
        ;;
    *)
        die "usage: feeds.sh build OUT_DIR"
        ;;
esac
