# ruff: noqa: T201  (a benchmark script: printing its figures is its job)
"""Every figure of issue 6, one after the other (never in parallel: they would share cores).

    python bench/run_all.py [--quick]

``--quick`` uses smaller sizes (for a smoke run); the figures in reports use the defaults.
Sites are generated under $SYNDICATE_BENCH_DIR (default /tmp/syndicate-bench) and reused.
"""

from __future__ import annotations

import sys
import time

import cold_preview
import push
import sandbox_load
import startup
import stress_inputs
import warm_plan


def main() -> None:
    quick = "--quick" in sys.argv
    start = time.perf_counter()
    warm_plan.main(posts=1000 if quick else 10_000, runs=5)
    startup.main(runs=5)
    cold_preview.main(posts=200 if quick else 1000, runs=5)
    push.main(posts=40 if quick else 200, runs=5 if not quick else 2, telegram_posts=5 if quick else 30)
    stress_inputs.main(count=500 if quick else 10_000)
    sandbox_load.main(posts=50 if quick else 1000, rate=0.2)
    print(f"## all figures in {time.perf_counter() - start:.0f}s")


if __name__ == "__main__":
    main()
