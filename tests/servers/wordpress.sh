#!/usr/bin/env bash
# A real WordPress on loopback for the test suite: Debian's WordPress files, a private
# MariaDB on a unix socket, served by `php -S 127.0.0.1:PORT`.
#
#   tests/servers/wordpress.sh up   [DATA_DIR]   set up (first time) or restart, print exports
#   tests/servers/wordpress.sh env  [DATA_DIR]   print exports of a running server
#   tests/servers/wordpress.sh down [DATA_DIR]   stop the processes this script started
#
# DATA_DIR defaults to $SYNDICATE_WP_DIR, else /tmp/syndicate-wp. Port: $SYNDICATE_WP_PORT,
# else a free one chosen at first setup and kept. Logs go to stderr and DATA_DIR/*.log;
# stdout carries only the `export ...` lines, so `eval "$(wordpress.sh up)"` works.
#
# Why this shape: installing the `wordpress` package pulls in apache2 and system services,
# so only its files are unpacked; apt is told (policy-rc.d) to start no service, so
# nothing listens on 0.0.0.0; each server runs in its own process group so `down` stops
# exactly its processes (and php -S workers) by pid, never by name.
set -euo pipefail

readonly PACKAGES=(php-cli php-mysql php-gd php-xml php-mbstring php-curl php-zip php-getid3
                   libjs-underscore libjs-cropper mariadb-server mariadb-client)
readonly DEBIAN_WP_ROOT=/usr/share/wordpress
readonly READY_TIMEOUT=${SYNDICATE_WP_READY_TIMEOUT:-60}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HERE
readonly SCRIPT_NAME=wordpress.sh
# shellcheck source=tests/servers/lib.sh
. "$HERE/lib.sh"

cmd=${1:-}
D=${2:-${SYNDICATE_WP_DIR:-/tmp/syndicate-wp}}

socket_path() {
    # Unix socket paths are limited to ~107 bytes; fall back to a short name in /tmp.
    local s="$D/my.sock"
    if ((${#s} > 90)); then s="/tmp/swp-$(printf '%s' "$D" | cksum | cut -d' ' -f1).sock"; fi
    printf '%s' "$s"
}

# --- one-time machine setup ------------------------------------------------------------

ensure_packages() {
    local missing=() p
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    ((${#missing[@]} == 0)) && return 0
    [[ $(id -u) == 0 ]] || die "missing Debian packages (${missing[*]}); run once as root"
    log "installing ${missing[*]}"
    apt_install "${missing[@]}"
}

ensure_core_files() {
    [[ -f $D/wordpress/wp-includes/version.php ]] && return 0
    # The .deb is kept in a cache, so a second data dir (the script's own lifecycle test)
    # sets up without touching the network.
    local cache=${SYNDICATE_WP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/syndicate-wp} tmp deb
    mkdir -p "$cache"
    deb=$(find "$cache" -maxdepth 1 -name 'wordpress_*.deb' -print -quit)
    if [[ -z $deb ]]; then
        log "fetching WordPress core files (apt-get download wordpress)"
        (cd "$cache" && apt-get -o APT::Sandbox::User=root download wordpress >&2) || {
            apt-get update -qq >&2 &&
                (cd "$cache" && apt-get -o APT::Sandbox::User=root download wordpress >&2)
        }
        deb=$(find "$cache" -maxdepth 1 -name 'wordpress_*.deb' -print -quit)
        [[ -n $deb ]] || die "apt-get download wordpress produced no .deb in $cache"
    fi
    tmp=$(mktemp -d "$D/unpack.XXXXXX")
    dpkg-deb -x "$deb" "$tmp/root"
    rm -rf "$D/wordpress"
    mv "$tmp/root$DEBIAN_WP_ROOT" "$D/wordpress"
    # Debian swaps bundled libraries for relative links into /usr/share/{php,javascript}; they
    # were relative to $DEBIAN_WP_ROOT, so re-point each one at its absolute target.
    local link rel target
    while IFS= read -r -d '' link; do
        rel=${link#"$D/wordpress"}
        target=$(readlink "$link")
        [[ $target == /* ]] && continue
        target=$(realpath -m "$DEBIAN_WP_ROOT$(dirname "$rel")/$target")
        ln -sfn "$target" "$link"
    done < <(find "$D/wordpress" -type l -print0)
    # Debian links wp-content to /var/lib/wordpress; keep uploads and plugins in DATA_DIR.
    rm -rf "$D/wordpress/wp-content" "$D/wordpress/wp-config.php"
    if [[ -d $tmp/root/var/lib/wordpress/wp-content ]]; then
        mv "$tmp/root/var/lib/wordpress/wp-content" "$D/wordpress/wp-content"
    else
        mkdir -p "$D/wordpress/wp-content"
    fi
    rm -rf "$tmp"
}

write_config() {
    local sock=$1
    [[ -s $D/wordpress/wp-config.php ]] && return 0
    mkdir -p "$D/wordpress/wp-content/mu-plugins" "$D/wordpress/wp-content/uploads"
    # Keys are random per data dir; the server is throwaway and loopback-only.
    local keys="" k
    for k in AUTH_KEY SECURE_AUTH_KEY LOGGED_IN_KEY NONCE_KEY AUTH_SALT SECURE_AUTH_SALT \
             LOGGED_IN_SALT NONCE_SALT; do
        keys+="define('$k', '$(head -c 32 /dev/urandom | base64 | tr -d '/+=')');"$'\n'
    done
    cat >"$D/wordpress/wp-config.php" <<PHP
<?php
// Written by tests/servers/wordpress.sh: a throwaway loopback test site.
define('DB_NAME', 'wordpress');
define('DB_USER', 'wordpress');
define('DB_PASSWORD', 'wordpress');
define('DB_HOST', 'localhost:$sock');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
\$table_prefix = 'wp_';
$keys
\$syndicate_port = trim((string) @file_get_contents('$D/port'));
define('WP_HOME', 'http://127.0.0.1:' . \$syndicate_port);
define('WP_SITEURL', 'http://127.0.0.1:' . \$syndicate_port);
// 'local' is what makes Application Passwords work over plain http. A request carrying
// X-Syndicate-WP-Environment: production runs as a non-local site instead, where core
// ignores Basic credentials -- the tests use it to observe that failure mode for real.
define('WP_ENVIRONMENT_TYPE',
    (\$_SERVER['HTTP_X_SYNDICATE_WP_ENVIRONMENT'] ?? '') === 'production' ? 'production' : 'local');
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_AUTO_UPDATE_CORE', false);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('WP_DEBUG', false);
define('FS_METHOD', 'direct');
if (!defined('ABSPATH')) { define('ABSPATH', __DIR__ . '/'); }
require_once ABSPATH . 'wp-settings.php';
PHP
    cat >"$D/wordpress/wp-content/mu-plugins/syndicate-no-mail.php" <<'PHP'
<?php
// No mail server here: report every wp_mail() as sent without trying.
add_filter('pre_wp_mail', '__return_true');
PHP
}

start_mariadb() {
    local sock=$1 i
    running_pid mariadb >/dev/null && return 0
    rm -f "$sock"
    start_group mariadb "$D/mariadb.log" mariadbd --no-defaults --user="$(id -un)" \
        --datadir="$D/db" --socket="$sock" --pid-file="$D/db/mariadbd.pid" \
        --skip-networking --log-error="$D/mariadb.log" --innodb-buffer-pool-size=32M
    for ((i = 0; i < 300; i++)); do
        [[ -S $sock ]] && mariadb-admin --no-defaults --socket="$sock" -u "$(id -un)" ping \
            >/dev/null 2>&1 && return 0
        alive "$(<"$D/mariadb.pid")" || break
        sleep 0.1
    done
    tail -n 20 "$D/mariadb.log" >&2 || true
    die "MariaDB did not come up (log: $D/mariadb.log)"
}

ensure_database() {
    local sock=$1
    if [[ ! -d $D/db/mysql ]]; then
        log "initialising MariaDB in $D/db"
        mkdir -p "$D/db"
        mariadb-install-db --no-defaults --user="$(id -un)" --datadir="$D/db" \
            --auth-root-authentication-method=socket >"$D/mariadb-install.log" 2>&1 ||
            { cat "$D/mariadb-install.log" >&2; die "mariadb-install-db failed"; }
    fi
    start_mariadb "$sock"
    mariadb --no-defaults --socket="$sock" -u "$(id -un)" <<'SQL'
CREATE DATABASE IF NOT EXISTS wordpress CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'wordpress'@'localhost' IDENTIFIED BY 'wordpress';
GRANT ALL ON wordpress.* TO 'wordpress'@'localhost';
SQL
}

install_site() {
    [[ -s $D/credentials.env ]] && return 0
    log "installing WordPress (wp_install) and creating an Application Password"
    local admin_pass
    admin_pass=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
    SYNDICATE_WP_ADMIN_PASS=$admin_pass php -d display_errors=stderr \
        "$HERE/wp-provision.php" "$D/wordpress" >"$D/credentials.env.tmp" ||
        die "provisioning failed (see output above)"
    mv "$D/credentials.env.tmp" "$D/credentials.env"
}

# The port is kept across restarts (a developer's exported BASE_URL stays valid) unless
# something else took it meanwhile; wp-config.php reads DATA_DIR/port on every request.
pick_port() {
    running_pid php >/dev/null && return 0
    if [[ -n ${SYNDICATE_WP_PORT:-} ]]; then
        printf '%s' "$SYNDICATE_WP_PORT" >"$D/port"
        return 0
    fi
    # php's stream_socket_server sets SO_REUSEADDR: the port of a server just stopped (its
    # connections in TIME_WAIT) counts as free, so a restart keeps its address.
    # shellcheck disable=SC2016  # PHP code, not shell
    if [[ -s $D/port ]] && php -r 'exit(@stream_socket_server("tcp://127.0.0.1:" . $argv[1]) ? 0 : 1);' \
        "$(<"$D/port")"; then
        return 0
    fi
    # shellcheck disable=SC2016
    php -r '$s = stream_socket_server("tcp://127.0.0.1:0");
            echo substr(strrchr(stream_socket_get_name($s, false), ":"), 1);' >"$D/port"
}

start_php() {
    running_pid php >/dev/null && return 0
    local port
    port=$(<"$D/port")
    # Several workers: WordPress calls itself over HTTP, and a single worker deadlocks.
    start_group php "$D/php.log" env PHP_CLI_SERVER_WORKERS=4 php -d upload_max_filesize=64M \
        -d post_max_size=64M -d display_errors=stderr -S "127.0.0.1:$port" \
        -t "$D/wordpress" "$HERE/wp-router.php"
}

wait_ready() {
    wait_http WordPress "http://127.0.0.1:$(<"$D/port")/wp-json/" php "$D/php.log"
}

print_env() {
    [[ -s $D/credentials.env && -s $D/port ]] || die "no WordPress set up in $D (run: $0 up)"
    running_pid php >/dev/null || die "WordPress in $D is not running (run: $0 up)"
    printf 'export SYNDICATE_WORDPRESS__BASE_URL=http://127.0.0.1:%s\n' "$(<"$D/port")"
    cat "$D/credentials.env"
}

lock() { lock_data_dir "$((READY_TIMEOUT + 600))"; }

case $cmd in
up)
    mkdir -p "$D"
    D=$(cd "$D" && pwd)
    lock
    if running_pid php >/dev/null && running_pid mariadb >/dev/null && [[ -s $D/credentials.env ]]; then
        print_env; exit 0
    fi
    sock=$(socket_path)
    ensure_packages
    ensure_core_files
    pick_port
    write_config "$sock"
    ensure_database "$sock"
    install_site
    start_php
    wait_ready
    print_env
    ;;
env)
    D=$(cd "$D" 2>/dev/null && pwd) || die "no data dir $D"
    print_env
    ;;
down)
    D=$(cd "$D" 2>/dev/null && pwd) || exit 0
    lock
    stop_group php
    stop_group mariadb
    ;;
*)
    printf 'usage: %s up|down|env [DATA_DIR]\n' "$0" >&2
    exit 2
    ;;
esac
