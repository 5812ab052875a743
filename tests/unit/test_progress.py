"""Progress of long CLI work: a bar on a terminal, nothing anywhere else."""

from __future__ import annotations

import io
from typing import Any

from api.progress import terminal_progress
from silver.infra import crypto
from silver.services import keys
from silver.services.progress import untracked


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_bar_with_the_label_and_the_count() -> None:
    screen = Terminal()
    track = terminal_progress(screen)
    assert track is not untracked
    assert list(track(iter(range(40)), 40, "audit events")) == list(range(40))
    shown = screen.getvalue()
    assert "audit events" in shown and "40/40" in shown


def test_an_unknown_total_still_counts() -> None:
    screen = Terminal()
    assert list(terminal_progress(screen)(iter("abc"), None, "events")) == ["a", "b", "c"]
    assert "events" in screen.getvalue()


def test_anything_but_a_terminal_gets_nothing() -> None:
    piped = io.StringIO()
    track = terminal_progress(piped)
    assert track is untracked
    assert list(track([1, 2, 3], 3, "demo cases")) == [1, 2, 3]
    assert piped.getvalue() == ""


class _Keyring:
    def __init__(self, wrapped: dict[str, str]) -> None:
        self.wrapped = wrapped

    def wrapped_keys(self) -> Any:
        yield from list(self.wrapped.items())

    def store_wrapped(self, owner: str, wrapped: str) -> None:
        self.wrapped[owner] = wrapped


class _Uow:
    def __init__(self, keyring: _Keyring) -> None:
        self.keyring = keyring

    def __enter__(self) -> _Uow:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def commit(self) -> None:
        pass


def test_key_rotation_reports_every_data_key_with_the_total() -> None:
    ring = crypto.MasterKeyring.parse(f"k1:{crypto.encode_key(crypto.new_secret_key())}")
    keyring = _Keyring(
        {
            f"case:{i}": crypto.wrap_data_key(ring, crypto.new_data_key(), f"case:{i}")
            for i in range(5)
        }
    )
    seen: list[tuple[int | None, str, int]] = []

    def recording(items: Any, total: int | None = None, label: str = "") -> Any:
        for n, item in enumerate(items, start=1):
            seen.append((total, label, n))
            yield item

    moved = keys.rewrap_all(_Uow(keyring), ring.with_new_key("k2"), recording)  # type: ignore[arg-type]
    assert moved == 5
    assert seen == [(5, "re-wrapping data keys", n) for n in range(1, 6)]
    assert all(crypto.wrapped_key_id(w) == "k2" for w in keyring.wrapped.values())
