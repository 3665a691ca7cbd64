"""Names of the folders and files syndicate keeps in a site, and the ones it never reads.

A leaf module (standard library only), so the quick path of ``syndicate plan``
(``planmemo``) can share them without importing the sources or the state machinery.
"""

from __future__ import annotations

STATE_DIR = ".syndicate"
STATE_NAME = "state.json"
CACHE_DIR = "cache"
"""Inside STATE_DIR; holds only what can be rebuilt, and keeps itself out of git."""
IGNORED_DIRS = frozenset({".git", STATE_DIR, "_site", "node_modules", "vendor", "public",
                          "resources", ".jekyll-cache", ".sass-cache", "_drafts"})
"""Never searched for posts, at any depth: build output, dependencies, drafts."""
MEMO_SWITCH_ENV = "SYNDICATE_NO_MEMO"
"""Set (to anything) to plan in full every time (see planmemo); a switch, not a setting."""
SANDBOX_ENV = "SYNDICATE_SANDBOX"
"""Exported by ``syndicate sandbox`` with the other settings: a run that sees it keeps its
state in the sandbox's own file, never in the site's real one."""
