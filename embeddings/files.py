"""Files KetNoi keeps on disk (the database, the embedding cache, the index) are its owner's
only: directories it creates are 0700 and files it creates 0600, whatever the umask. They hold
confidential needs, contacts and key hashes. Existing files and directories are left as the
administrator set them."""

import os
import tempfile
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def private_dir(path: Path) -> Path:
    """Create the directory (and missing parents) if needed; the directory itself 0700."""
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True)
        os.chmod(path, PRIVATE_DIR)  # mkdir's mode is cut by the umask; chmod's is not
    return path


def private_file(path: Path) -> Path:
    """Create the file empty and 0600 if it does not exist, so that whatever writes it later
    (SQLite, whose -wal and -shm files take the database file's mode) keeps it private."""
    private_dir(path.parent)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE))
    except FileExistsError:
        pass
    return path


def atomic_write(path: Path, data: bytes) -> None:
    """Replace the file with `data` all at once (temporary file, fsync, rename): a reader
    or a crash sees the old content or the new, never part of it."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
