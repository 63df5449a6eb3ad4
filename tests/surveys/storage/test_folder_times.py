"""Folder times date nothing: every folder from a written shard up to the data folder's root."""

from __future__ import annotations

import os
from pathlib import Path

from surveys.storage.files import DiskShelf, take_writer_lock, write_json_atomic
from surveys.storage.layout import DataFolder

SHARD = Path("responses/kiosk-a/2026-27/autumn/shard-07.json")
NOW = 1_790_000_000  # a time in 2026, as a fresh folder would have


def levels(root: Path, shard: Path) -> list[Path]:
    """The shard's folders, from its own up to the root."""
    return [root / p for p in reversed(shard.parents[:-1])] + [root]


def mtimes(paths: list[Path]) -> list[int]:
    return [int(p.stat().st_mtime) for p in paths]


def test_writing_a_shard_resets_every_folder_time_up_to_the_data_folders_root(tmp_path):
    root = tmp_path / "school" / "data"
    lock = take_writer_lock(root, DataFolder.RESPONSES_LOCK, "busy")
    os.utime(tmp_path / "school", (NOW, NOW))
    write_json_atomic(root / SHARD, {"responses": {}}, hide_mtime=True)
    write_json_atomic(root / "kiosk.json", {})  # made in the root: its time moves
    write_json_atomic(root / SHARD.with_name("shard-08.json"), {}, hide_mtime=True)
    lock.close()
    assert mtimes([root / SHARD, *levels(root, SHARD)]) == [0] * 6
    assert int((tmp_path / "school").stat().st_mtime) == NOW  # above the root: not ours


def test_a_bulk_merge_resets_every_folder_time_of_every_shard_it_wrote(tmp_path):
    root = tmp_path / "hub"
    lock = take_writer_lock(root, DataFolder.SIGNATURES_LOCK, "busy")
    spring = Path(str(SHARD).replace("autumn", "spring"))
    DiskShelf().write_many({root / SHARD: {}, root / spring: {}})
    lock.close()
    assert set(
        mtimes([root / SHARD, root / spring, *levels(root, SHARD), *levels(root, spring)])
    ) == {0}


def test_the_tinydb_shard_file_path_resets_the_folder_times_too(tmp_path):
    root = tmp_path / "data"
    lock = take_writer_lock(root, DataFolder.RESPONSES_LOCK, "busy")
    db = DiskShelf().open(root / SHARD)
    db.table("responses").insert({"answers": {}})
    db.close()
    lock.close()
    assert mtimes([root / SHARD, *levels(root, SHARD)]) == [0] * 6


def test_outside_a_data_folder_only_the_files_own_folder_is_reset(tmp_path):
    os.utime(tmp_path, (NOW, NOW))
    write_json_atomic(tmp_path / "a" / "b.json", {}, hide_mtime=True)
    os.utime(tmp_path, (NOW, NOW))  # making a/ moved it; a second write must not
    write_json_atomic(tmp_path / "a" / "c.json", {}, hide_mtime=True)
    assert mtimes([tmp_path / "a" / "c.json", tmp_path / "a"]) == [0, 0]
    assert int(tmp_path.stat().st_mtime) == NOW
