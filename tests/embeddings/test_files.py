"""Private files: created owner-only whatever the umask; existing ones left as they are."""

import os
import stat
from pathlib import Path

import pytest

from embeddings.files import private_dir, private_file


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077])
def test_new_directories_and_files_are_the_owners_only(tmp_path: Path, umask: int):
    previous = os.umask(umask)
    try:
        path = private_file(tmp_path / "a" / "b" / "file.db")
    finally:
        os.umask(previous)
    assert (mode(path.parent), mode(path), path.read_bytes()) == (0o700, 0o600, b"")


def test_existing_directories_and_files_are_left_alone(tmp_path: Path):
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o750)
    os.chmod(folder, 0o750)
    existing = folder / "file.db"
    existing.write_bytes(b"kept")
    os.chmod(existing, 0o640)
    assert private_dir(folder) == folder and private_file(existing) == existing
    assert (mode(folder), mode(existing), existing.read_bytes()) == (0o750, 0o640, b"kept")
