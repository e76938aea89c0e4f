"""The reader–writer lock: readers share it, a writer has it alone, and a waiting writer goes
before readers that come after it."""

import threading
import time

from matcher.platform.rwlock import ReadWriteLock


def _started(target) -> threading.Thread:
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


def test_readers_hold_the_lock_together() -> None:
    lock = ReadWriteLock()
    inside = threading.Barrier(3, timeout=5)

    def read() -> None:
        with lock.reading():
            inside.wait()  # all three are inside at once, or the barrier times out

    threads = [_started(read) for _ in range(3)]
    for thread in threads:
        thread.join(5)
    assert not inside.broken


def test_a_writer_waits_for_readers_and_excludes_them() -> None:
    lock = ReadWriteLock()
    events: list[str] = []
    reading = threading.Event()
    release = threading.Event()

    def read() -> None:
        with lock.reading():
            reading.set()
            release.wait(5)
            events.append("reader done")

    def write() -> None:
        with lock.writing():
            events.append("writer in")

    reader = _started(read)
    reading.wait(5)
    writer = _started(write)
    time.sleep(0.1)
    assert events == []  # the writer is still waiting for the reader
    release.set()
    reader.join(5)
    writer.join(5)
    assert events == ["reader done", "writer in"]


def test_a_waiting_writer_goes_before_later_readers() -> None:
    lock = ReadWriteLock()
    events: list[str] = []
    first_in = threading.Event()
    release = threading.Event()

    def first_reader() -> None:
        with lock.reading():
            first_in.set()
            release.wait(5)

    def writer() -> None:
        with lock.writing():
            events.append("writer")

    def late_reader() -> None:
        with lock.reading():
            events.append("late reader")

    threads = [_started(first_reader)]
    first_in.wait(5)
    threads.append(_started(writer))
    time.sleep(0.1)
    threads.append(_started(late_reader))
    time.sleep(0.1)
    assert events == []  # the late reader waits behind the waiting writer
    release.set()
    for thread in threads:
        thread.join(5)
    assert events == ["writer", "late reader"]
