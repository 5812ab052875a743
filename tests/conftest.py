"""Shared fixtures. Unit tests never touch these service fixtures."""

from __future__ import annotations

import os
import uuid

import pytest
from hypothesis import settings

# Property tests explore new random examples on developers' machines; CI (`.ci/run` sets
# HYPOTHESIS_PROFILE=ci) replays a fixed derandomized set, so a landing never depends on luck.
settings.register_profile("ci", derandomize=True, database=None)
settings.register_profile("dev")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture
def unique() -> str:
    """A short unique suffix, so tests can share one database."""
    return uuid.uuid4().hex[:10]


# Jobs the tests enqueue go to a queue of their own, so a worker of `make run` on the same
# Redis never takes them (and the tests never take its jobs). Set before any app or job reads
# its settings; in-process jobs read the environment like a worker does.
os.environ.setdefault("SILVER_QUEUE", f"silver-test-{os.getpid()}")
