<?php
// One-time, non-interactive install of the test site (there is no wp-cli in the
// registries this project may use): wp_install(), pretty permalinks, and an Application
// Password for the admin. Prints the credential exports on stdout; the admin login
// password is random and never shown, since tests only use the Application Password.
//
// usage: SYNDICATE_WP_ADMIN_PASS=... php wp-provision.php WORDPRESS_DIR
$root = $argv[1] ?? '';
if (!is_file("$root/wp-config.php")) {
    fwrite(STDERR, "wp-provision.php: no wp-config.php in '$root'\n");
    exit(1);
}
$_SERVER['HTTP_HOST'] = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
define('WP_INSTALLING', true);
require "$root/wp-load.php";
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

$username = 'syndicate';
if (!is_blog_installed()) {
    $result = wp_install('Syndicate test site', $username, 'syndicate@example.invalid', false, '',
                         (string) getenv('SYNDICATE_WP_ADMIN_PASS'));
    if (empty($result['user_id'])) {
        fwrite(STDERR, "wp-provision.php: wp_install() failed\n");
        exit(1);
    }
}
global $wp_rewrite;
$wp_rewrite->set_permalink_structure('/%postname%/');
$wp_rewrite->flush_rules(false);

$user = get_user_by('login', $username);
$created = WP_Application_Passwords::create_new_application_password(
    $user->ID, ['name' => 'syndicate-tests']);
if (is_wp_error($created)) {
    fwrite(STDERR, 'wp-provision.php: ' . $created->get_error_message() . "\n");
    exit(1);
}
echo "export SYNDICATE_WORDPRESS__USERNAME=$username\n";
// Unchunked (24 alphanumerics, no spaces), so the export line needs no shell quoting.
echo 'export SYNDICATE_WORDPRESS__APP_PASSWORD=' . $created[0] . "\n";
