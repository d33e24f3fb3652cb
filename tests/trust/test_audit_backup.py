"""Audit of `roomi backup`/`restore`: owner-only files whatever the umask, truncated and foreign files refused."""

from __future__ import annotations

import os
import shutil
import stat

import pytest

from roomiai.store.backup import BackupProblem, backup, restore

pytestmark = pytest.mark.integration


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_backups_and_restored_databases_are_owner_only_even_under_a_permissive_umask(tmp_path, seeded_template):
    live = tmp_path / "live.sqlite3"
    shutil.copy(seeded_template, live)
    previous = os.umask(0o000)
    try:
        made = tmp_path / "out" / "copy.sqlite3"
        backup(live, made)
        world_readable = tmp_path / "old.sqlite3"
        world_readable.write_bytes(b"")
        os.chmod(world_readable, 0o666)
        backup(live, world_readable, overwrite=True)  # replacing a readable file does not keep its mode
        target = tmp_path / "data" / "roomiai.sqlite3"
        restore(made, target)
    finally:
        os.umask(previous)
    for path in (made, world_readable, target):
        assert mode(path) == 0o600, (path, oct(mode(path)))
    assert not list(tmp_path.rglob("*.partial"))


@pytest.mark.parametrize("keep", [16, 100, 4096])
def test_a_truncated_backup_is_refused_with_a_clear_message_and_nothing_is_replaced(tmp_path, seeded_template, keep):
    truncated = tmp_path / "cut.sqlite3"
    truncated.write_bytes(seeded_template.read_bytes()[:keep])
    target = tmp_path / "data" / "roomiai.sqlite3"
    target.parent.mkdir()
    shutil.copy(seeded_template, target)
    before = target.read_bytes()
    with pytest.raises(BackupProblem, match="damaged|cannot be read|not a RoomiAI|not a SQLite") as refused:
        restore(truncated, target, replace_existing=True)
    assert "Traceback" not in str(refused.value)
    assert target.read_bytes() == before and not list(target.parent.glob("*.before-restore-*"))
