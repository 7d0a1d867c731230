"""Content fingerprints of plain build data, for caches keyed by everything a result depends on.

A page's template context is a graph of frozen dataclasses in which the same objects (a
collection's papers, the site's settings) are shared by thousands of pages, so each shared
object is digested once per build and referred to by its digest afterwards. Two values get
the same fingerprint only if they are equal and of the same types, so `Markup("<b>")` and
the string "<b>" (rendered differently by Jinja) never share one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import struct
from pathlib import PurePath

from markupsafe import Markup

DIGEST_SIZE = 16


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
