"""Faithful fakes of every platform, usable in-process (an httpx transport) or on loopback.

Each fake is a small stateful app that enforces the platform's documented rules,
limits and error shapes (see each module's docstring); the sandbox wraps them with
fault injection and latency, and can keep their state on disk across restarts.
"""
