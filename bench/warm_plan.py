# ruff: noqa: T201  (a benchmark script: printing its figures is its job)
"""Warm plan: ``syndicate plan`` on a 10,000-post site where nothing changed since the last push,
against a bare script that only reads and sha256-hashes the same files (both as fresh processes,
interleaved in the same run). Targets: ratio ≤ 2.0, peak RSS ≤ 200 MB.

The warm path is the plan memo (syndicate/planmemo.py): the last full plan, trusted only
while every input hashes the same. For the record, the same plan with the memo switched
off (SYNDICATE_NO_MEMO=1: discovery, state file, settings, no post parsed) is timed too;
that is what the first plan after a fresh clone costs.

    python bench/warm_plan.py [POSTS] [RUNS]
"""

from __future__ import annotations

import statistics
import sys

from common import PYTHON, SYNDICATE, cores, run_child, sandbox_env, site_with_state, spread

BARE = """
import hashlib, os, sys
n = 0
for root, dirs, files in os.walk(sys.argv[1]):
    dirs[:] = sorted(d for d in dirs if not d.startswith(('.', '_site')))
    for name in sorted(files):
        if name.endswith('.md'):
            with open(os.path.join(root, name), 'rb') as handle:
                hashlib.sha256(handle.read()).hexdigest()
            n += 1
print(n)
"""


def main(posts: int = 10_000, runs: int = 5) -> dict[str, float]:
    site = site_with_state(posts)
    import os

    plan_times, bare_times, rss, full_times = [], [], [], []
    configured = {**os.environ, **sandbox_env()}  # every platform set up, so every one is planned
    for _ in range(runs):
        wall, mem, code = run_child([SYNDICATE, "plan", "--site", str(site)], env=configured)
        assert code == 0, f"syndicate plan exited {code}"
        plan_times.append(wall)
        rss.append(mem)
        wall, _mem, code = run_child([PYTHON, "-c", BARE, str(site)])
        assert code == 0
        bare_times.append(wall)
        wall, _mem, code = run_child([SYNDICATE, "plan", "--site", str(site)],
                                     env={**configured, "SYNDICATE_NO_MEMO": "1"})
        assert code == 0
        full_times.append(wall)
    ratio = statistics.median(plan_times) / statistics.median(bare_times)
    ratios = [p / b for p, b in zip(plan_times, bare_times, strict=True)]
    print(f"## warm plan, {posts} posts, {cores()}")
    print(f"  cmd: {SYNDICATE} plan --site {site}")
    print(f"  syndicate plan  s: {spread(plan_times)}")
    print(f"  bare read+hash  s: {spread(bare_times)}")
    print(f"  ratio (per pair): {spread(ratios)}; ratio of medians {ratio:.2f} "
          f"(target <= 2.0: {'MET' if ratio <= 2.0 else 'NOT MET'})")
    print(f"  without the memo (SYNDICATE_NO_MEMO=1) s: {spread(full_times)}")
    print(f"  peak RSS MB: {spread(rss)} (target <= 200: {'MET' if max(rss) <= 200 else 'NOT MET'})")
    return {"ratio": ratio, "rss": max(rss)}


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
