"""Shared fixtures. Unit tests never touch these service fixtures."""

from __future__ import annotations

import uuid

import pytest


@pytest.fixture
def unique() -> str:
    """A short unique suffix, so tests can share one database."""
    return uuid.uuid4().hex[:10]
