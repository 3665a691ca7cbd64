# ruff: noqa: T201  (a benchmark script: printing its figures is its job)
"""Startup: ``syndicate --help`` (target ≤ 0.3 s) and a no-op ``syndicate push`` on a
1,000-post blog whose state file records every post (target ≤ 1.5 s).

The no-op push gets sandbox credentials in its environment pointing at a closed port:
every post is skipped from its hash, so any request would be a bug and would fail.

    python bench/startup.py [RUNS]
"""

from __future__ import annotations

import sys

from common import SYNDICATE, cores, run_child, sandbox_env, site_with_state, spread


def main(runs: int = 5) -> dict[str, float]:
    helps = [run_child([SYNDICATE, "--help"])[0] for _ in range(runs)]
    site = site_with_state(1000, name="startup1000")  # its own: the pushes below re-hash it
    env = sandbox_env()
    # The first push with credentials re-renders every post once: the baseline from
    # `syndicate init` was recorded without them, and non-secret settings (base_url,
    # chat_id) are part of each platform's config hash. Reported apart; then the no-op runs.
    first, _mem, code = run_child([SYNDICATE, "push", "--site", str(site)], env=env)
    assert code == 0, f"first push exited {code}"
    pushes = []
    for _ in range(runs):
        wall, _mem, code = run_child([SYNDICATE, "push", "--site", str(site)], env=env)
        assert code == 0, f"no-op push exited {code}"
        pushes.append(wall)
    print(f"## startup, {cores()}")
    print(f"  cmd: {SYNDICATE} --help")
    print(f"  --help s: {spread(helps)} (target <= 0.3: {'MET' if max(helps) <= 0.3 else 'NOT MET'})")
    print(f"  cmd: SYNDICATE_*=<sandbox credentials> {SYNDICATE} push --site {site}")
    print(f"  no-op push, 1000 posts, s: {spread(pushes)} "
          f"(target <= 1.5: {'MET' if max(pushes) <= 1.5 else 'NOT MET'})")
    print(f"  first push after init (re-renders and refreshes every entry once): {first:.3f}s")
    return {"help": max(helps), "push": max(pushes)}


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:2]))
