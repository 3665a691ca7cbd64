"""Give a fresh loopback Ghost an owner and a custom integration; print its Admin API key.

Usage: python3 ghost-provision.py http://127.0.0.1:PORT
stdout: ``export SYNDICATE_GHOST__ADMIN_API_KEY=<id>:<secret>`` (only that line).

Standard library only, so it runs before any virtualenv exists. The owner's password is
random (Ghost refuses ones that look weak); ghost.sh passes it in
SYNDICATE_GHOST_OWNER_PASSWORD and keeps it in the data dir, so a provisioning that failed
half-way can be run again.
Admin session requests carry an ``Origin`` header, without which Ghost refuses them.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import secrets
import sys
import time
import urllib.error
import urllib.request


def main(base: str) -> int:
    base = base.rstrip("/")
    api = f"{base}/ghost/api/admin"
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def call(method: str, path: str, body: object | None = None) -> dict[str, object]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{api}{path}", data=data, method=method, headers={
            "Content-Type": "application/json", "Origin": base, "Accept-Version": "v5.0"})
        try:
            with opener.open(request, timeout=120) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            raise SystemExit(f"ghost-provision: {method} {path} → {exc.code}: "
                             f"{exc.read().decode(errors='replace')[:500]}") from None
        try:
            return json.loads(raw) if raw else {}
        except ValueError:  # the session endpoint answers 201 with a plain-text body
            return {}

    email = "owner@syndicate.test"
    password = os.environ.get("SYNDICATE_GHOST_OWNER_PASSWORD") or "Sy-" + secrets.token_urlsafe(18)
    status = call("GET", "/authentication/setup/")
    setup = status.get("setup")
    done = isinstance(setup, list) and setup and setup[0].get("status")  # type: ignore[union-attr]
    if not done:  # a second run (after a failure further on) logs in with the same password
        call("POST", "/authentication/setup/", {"setup": [{
            "name": "Syndicate Tests", "email": email, "password": password,
            "blogTitle": "Syndicate test Ghost"}]})
    for attempt in range(5):  # the session endpoint may lag the setup briefly
        try:
            call("POST", "/session/", {"username": email, "password": password})
            break
        except SystemExit:
            if attempt == 4:
                raise
            time.sleep(1)
    created = call("POST", "/integrations/?include=api_keys",
                   {"integrations": [{"name": "syndicate tests"}]})
    integration = created["integrations"][0]  # type: ignore[index]
    key = next(k for k in integration["api_keys"] if k["type"] == "admin")
    # Ghost 6 answers the secret already in the "<id>:<secret>" form the UI shows.
    secret = str(key["secret"])
    full = secret if ":" in secret else f"{key['id']}:{secret}"
    sys.stdout.write(f"export SYNDICATE_GHOST__ADMIN_API_KEY={full}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
