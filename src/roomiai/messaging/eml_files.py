"""The embedded mode's transport: each message written as an .eml file, named by its Message-ID, into a folder."""

from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path

from ..private_files import private_dir


class EmlFiles:
    name = "files"

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def path_for(self, message_id: str) -> Path:
        return self.folder / (re.sub(r"[^A-Za-z0-9._-]", "_", message_id.strip("<>")) + ".eml")

    async def send(self, *, sender: str, recipient: str, message: bytes, message_id: str) -> None:
        await asyncio.to_thread(self._write, self.path_for(message_id), message)

    def _write(self, path: Path, message: bytes) -> None:
        # written whole, then renamed: a retry after a crash replaces the file, so each message exists once
        private_dir(path.parent)
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as handle:
            handle.write(message)
        os.replace(draft, path)
