"""Putting a received file in its place (archive or quarantine) without losing it.

Three rules, because the file a trust sent is the one thing that cannot be rebuilt:

- the bytes are copied next to their destination *before* anything is recorded (``stage``), so
  a full disk or a read-only folder is found while nothing has changed: the file stays in the
  inbox and the ledger has no row for it;
- the copy takes its final name by an atomic rename (``place``), so a destination is whole or
  absent, never half written; the inbox file is removed only after that;
- a file's name is never used as a path: archive names are content hashes, and quarantine
  names keep only safe characters of the name sent (``safe_name``), bounded in length.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import unicodedata
from collections.abc import Callable
from pathlib import Path

from pipeline.errors import CmastError

#: Bytes of the sent name kept in a quarantine name (file systems allow 255 in all; the name
#: also carries a time stamp, a hash prefix and ``.feedback.xlsx``).
NAME_BYTES = 120


class StorageFailed(CmastError, OSError):
    """A file could not be stored (disk full, folder read-only or missing...). Nothing was
    recorded or loaded and the file is still in the inbox; the message says where and why."""


def partial_path(destination: Path) -> Path:
    return destination.with_name(destination.name + ".partial")


def stage(source: Path, destination: Path) -> Path:
    """Copy ``source`` beside ``destination`` under a temporary name, and return that name.

    Raises :class:`StorageFailed` (and leaves nothing behind) if the copy cannot be made.
    """
    staged = partial_path(destination)
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        if not destination.exists():
            shutil.copyfile(source, staged)
            shutil.copystat(source, staged)
    except OSError as error:
        _remove_quietly(staged)
        raise StorageFailed(
            f"Could not store {source.parent.name}/{source.name} in {destination.parent}: "
            f"{error.strerror or error}. Nothing was recorded or loaded; the file stays in the "
            "inbox and is taken at the next run once there is room (or the folder is "
            "writable)."
        ) from error
    return staged


def place(source: Path, destination: Path, on_placed: Callable[[], None] | None = None) -> None:
    """Give the staged copy its final name, then remove ``source`` from the inbox.

    Works whatever an interruption left: a destination already there (same content, as names
    are hashes) needs only the source removed; without a staged copy the file is copied now.
    ``on_placed`` runs between the two (tests stop the process there).
    """
    staged = partial_path(destination)
    if not destination.exists():
        if not staged.exists():
            stage(source, destination)
        os.replace(staged, destination)  # atomic: the file appears whole or not at all
    else:
        staged.unlink(missing_ok=True)
    if on_placed is not None:
        on_placed()
    source.unlink(missing_ok=True)


def discard(staged: Path | None) -> None:
    """Remove a staged copy whose submission was not recorded after all."""
    if staged is not None:
        staged.unlink(missing_ok=True)


def safe_name(name: str) -> str:
    """A file name made safe to use inside a folder of ours: letters, digits, ``._-`` only (any
    other character, ``/`` and ``\\`` included, becomes ``_``), no leading dots, bounded."""
    name = unicodedata.normalize("NFC", name)
    kept = "".join(c if (c.isalnum() and c.isprintable()) or c in "._-" else "_" for c in name)
    kept = kept.lstrip(".")
    encoded = kept.encode("utf-8")
    if len(encoded) > NAME_BYTES:
        stem, dot, suffix = kept.rpartition(".")
        suffix = f".{suffix}" if dot and len(suffix) <= 8 else ""
        room = NAME_BYTES - len(suffix.encode("utf-8"))
        kept = encoded[:room].decode("utf-8", errors="ignore") + suffix
    return kept or "file"


def _remove_quietly(path: Path) -> None:
    """Remove what a failed copy left, if the storage lets us (a read-only one will not, and
    has nothing of ours on it then)."""
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)
