"""Folders and files holding guests' data or keys are created for their owner only (0700 folders, 0600 files)."""

from __future__ import annotations

import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path | str) -> Path:
    """Create `path` and any missing parents owner-only; folders that exist already are left as they are."""
    path = Path(path)
    missing = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue
        os.chmod(folder, DIR_MODE)  # mkdir's mode is filtered by the umask
    return path


def private_file(path: Path | str) -> Path:
    """Create an empty owner-only file (and its folder) unless it exists; SQLite gives its -wal and -shm files the same mode."""
    path = Path(path)
    private_dir(path.parent)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        pass
    return path
