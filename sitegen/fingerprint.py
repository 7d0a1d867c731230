"""Keys for caches keyed by everything a result depends on.

The page memo keys each page by its context function and that function's inputs: frozen
dataclasses that thousands of keys share (a collection's papers, a paper's document), which
`hash_once` makes hash in constant time and `Shared` lookups hand back as the very objects the
last build used, so comparing a key with its stored twin mostly stops at identity.

`Fingerprinter` digests a value's whole content instead; two values get the same fingerprint only
if they are equal and of the same types, so `Markup("<b>")` and the string "<b>" (rendered
differently by Jinja) never share one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import struct
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, TypeVar

from markupsafe import Markup

DIGEST_SIZE = 16
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


class Unfingerprintable(TypeError):
    """A value of a type whose content cannot be read reliably; whoever caches must not cache it."""


class Fingerprinter:
    """Digests values; shared objects are digested once. Use one per build: it keeps what it saw alive."""

    def __init__(self) -> None:
        # id -> (object, digest): holding the object keeps its id from being reused meanwhile.
        self._seen: dict[int, tuple[object, bytes]] = {}
        self._fields: dict[type, tuple[str, ...]] = {}

    def digest(self, value: object) -> bytes:
        parts: list[bytes] = []
        self._encode(value, parts)
        return hashlib.blake2b(b"".join(parts), digest_size=DIGEST_SIZE).digest()

    def _encode(self, value: object, out: list[bytes]) -> None:
        kind = type(value)
        if kind is str:
            data = value.encode("utf-8", "surrogatepass")
            out += (b"s", struct.pack("<Q", len(data)), data)
        elif kind is Markup:
            data = str(value).encode("utf-8", "surrogatepass")
            out += (b"m", struct.pack("<Q", len(data)), data)
        elif value is None or kind is bool:
            out.append(b"N" if value is None else (b"T" if value else b"F"))
        elif kind is int:
            text = str(value).encode()
            out += (b"i", struct.pack("<Q", len(text)), text)
        elif kind is float:
            out += (b"f", struct.pack("<d", value))
        elif kind is bytes:
            out += (b"b", struct.pack("<Q", len(value)), value)
        elif kind is tuple or kind is list or kind is dict or dataclasses.is_dataclass(kind):
            out += (b"c", self._shared(value))
        elif isinstance(value, PurePath):
            self._encode(f"{kind.__name__}:{value.as_posix()}", out)
        else:
            raise Unfingerprintable(f"cannot fingerprint a {kind.__qualname__}")

    def _shared(self, value: object) -> bytes:
        key = id(value)
        seen = self._seen.get(key)
        if seen is not None:
            return seen[1]
        parts: list[bytes] = []
        kind = type(value)
        if kind is dict:
            parts.append(b"{")
            for name, item in value.items():
                self._encode(name, parts)
                self._encode(item, parts)
        elif kind is tuple or kind is list:
            parts += (b"(" if kind is tuple else b"[", struct.pack("<Q", len(value)))
            for item in value:
                self._encode(item, parts)
        else:
            names = self._fields.get(kind)
            if names is None:
                names = self._fields[kind] = tuple(f.name for f in dataclasses.fields(kind))
            self._encode(f"{kind.__module__}.{kind.__qualname__}", parts)
            for name in names:
                self._encode(getattr(value, name), parts)
        digest = hashlib.blake2b(b"".join(parts), digest_size=DIGEST_SIZE).digest()
        # Lists and dicts can change after they are seen, so only immutable objects are remembered.
        if kind is tuple or (kind is not list and kind is not dict and _is_frozen(kind)):
            self._seen[key] = (value, digest)
        return digest


def _is_frozen(kind: type) -> bool:
    params = getattr(kind, "__dataclass_params__", None)
    return bool(params and params.frozen)
