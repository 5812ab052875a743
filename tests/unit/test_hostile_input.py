"""The pure parts of hostile-input handling and of the storage retries: which characters text
may hold, the JSON limits, and when a service call runs again."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.bodies import MAX_DEPTH, InvalidJSON, parse_json
from silver.domain.errors import StorageUnavailable
from silver.domain.text import unsafe_text
from silver.domain.uow import commits
from silver.services.retries import retrying


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9f", "\t", "\n", "\r"])
def test_a_single_line_refuses_every_control_character(char: str) -> None:
    problem = unsafe_text(f"ab{char}c")
    assert problem is not None and f"U+{ord(char):04X}" in problem and "character 3" in problem


@pytest.mark.parametrize("char", ["\t", "\n", "\r"])
def test_free_text_may_hold_tab_and_line_breaks(char: str) -> None:
    assert unsafe_text(f"one{char}two", free_text=True) is None


@pytest.mark.parametrize("char", ["\x00", "\x0b", "\x0c", "\x1b", "\x85"])
def test_free_text_refuses_the_other_control_characters(char: str) -> None:
    assert unsafe_text(f"one{char}two", free_text=True) is not None


@pytest.mark.parametrize("char", ["\ud800", "\udbff", "\udc00", "\udfff"])
def test_lone_surrogates_are_refused_everywhere(char: str) -> None:
    for free in (False, True):
        problem = unsafe_text(f"x{char}", free_text=free)
        assert problem is not None and "lone surrogate" in problem


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs"))))
def test_text_without_controls_or_surrogates_passes(value: str) -> None:
    assert unsafe_text(value) is None
    assert unsafe_text(value, free_text=True) is None
    assert unsafe_text("Zilvervos B.V. — Ærø 🚢 中文") is None


def test_json_up_to_the_depth_limit_parses_and_deeper_does_not() -> None:
    assert parse_json("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None
    for deep in (MAX_DEPTH + 1, 1_000, 50_000):
        with pytest.raises(InvalidJSON, match="nested deeper than 32"):
            parse_json("[" * deep + "]" * deep)
    with pytest.raises(InvalidJSON, match="nested deeper"):
        parse_json('{"a": ' * 40 + "1" + "}" * 40)


@pytest.mark.parametrize("data", [b'{"a":', b"\xff\xfe", b"1" * 5000, b"[1,]", b""])
def test_malformed_json_is_invalid_json(data: bytes) -> None:
    with pytest.raises(InvalidJSON):
        parse_json(data)


def test_a_retryable_storage_failure_runs_the_call_again() -> None:
    calls: list[int] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise StorageUnavailable("deadlock", retryable=True)
        return "done"

    assert retrying(flaky, delays=(0, 0, 0))() == "done"
    assert len(calls) == 3
    assert commits.get() is None


def test_the_retries_end_and_a_non_retryable_failure_is_not_retried() -> None:
    calls: list[int] = []

    def down() -> None:
        calls.append(1)
        raise StorageUnavailable("down", retryable=True)

    with pytest.raises(StorageUnavailable):
        retrying(down, delays=(0, 0))()
    assert len(calls) == 3

    calls.clear()

    def cut_off() -> None:
        calls.append(1)
        raise StorageUnavailable("commit cut off", retryable=False)

    with pytest.raises(StorageUnavailable):
        retrying(cut_off, delays=(0, 0))()
    assert len(calls) == 1


def test_a_call_inside_a_call_is_left_to_the_outer_one() -> None:
    inner_calls: list[int] = []

    def inner() -> None:
        inner_calls.append(1)
        raise StorageUnavailable("deadlock", retryable=True)

    def outer() -> None:
        retrying(inner, delays=(0, 0))()

    with pytest.raises(StorageUnavailable):
        retrying(outer, delays=(0,))()
    assert len(inner_calls) == 2, "the outer call ran twice, the inner one once each time"
