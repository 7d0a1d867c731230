"""Keys for caches keyed by everything a result depends on.

The page memo keys each page by its context function and that function's inputs: frozen
dataclasses that thousands of keys share (a collection's papers, a paper's document), which
`hash_once` makes hash in constant time and `Shared` lookups hand back as the very objects the
last build used, so comparing a key with its stored twin mostly stops at identity.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

_HASH = "_remembered_hash"
T = TypeVar("T")
# shared(key, make): the value an earlier build kept for KEY if there is one, else make(). A stage
# given one hands later stages the very objects the last build made wherever nothing changed.
Shared = Callable[[Hashable, Callable[[], Any]], Any]


def hash_once(cls: type[T]) -> type[T]:
    """Class decorator for a frozen dataclass that many cache keys share (a collection's papers, a
    paper's document): its field hash is computed on first use and remembered, so a key holding it
    hashes in constant time however much it holds. Equality is untouched, so a hash collision can
    never make two different values one key.

    The remembered hash is left out of pickles: string hashes differ from one process to the next.
    """
    field_hash = cls.__hash__
    if field_hash is None or not cls.__dataclass_params__.frozen:  # type: ignore[attr-defined]
        raise TypeError(f"{cls.__qualname__} must be a frozen dataclass to remember its hash")

    def __hash__(self) -> int:
        try:
            return self.__dict__[_HASH]
        except KeyError:
            value = field_hash(self)
            object.__setattr__(self, _HASH, value)
            return value

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop(_HASH, None)
        return state

    cls.__hash__ = __hash__  # type: ignore[method-assign]
    cls.__getstate__ = __getstate__  # type: ignore[attr-defined]
    return cls


@hash_once
@dataclass(frozen=True)
class HashedOnce:
    """VALUE with its hash remembered: for a part that thousands of keys share (the settings)."""

    value: Hashable
