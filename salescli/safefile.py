"""Files read and written safely. Only regular files are read or written, and every file is opened so
that a FIFO is never waited on. A whole file is written to a temp file beside it, fsynced, renamed (or,
in place of a locked file, exchanged with it atomically where the system can), and read back; Ctrl-C
waits until a write is either not made, or made and noted. Problems are salescli.errors, in words.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from salescli import cache
from salescli.errors import BrokenFile, DataError, UnsafeWrite, display_path
from salescli.i18n import N_, _


def read_text(path: Path, *, most: int | None = None) -> str:
    return decoded(read_bytes(path, most=most), path)


def read_bytes(path: Path, *, most: int | None = None) -> bytes:
    """A regular file's bytes; anything else (a FIFO, a device, a folder, a broken or looping link) is
    refused with the reason, without waiting on it; so is a customer file of more than `most` bytes
    (see refuse_larger), before it is read."""
    descriptor, status = open_regular(path, path, doing="read")
    try:
        if most is not None:
            refuse_larger(status.st_size, most, path)
        return read_descriptor(descriptor)
    except OSError as error:
        raise BrokenFile(_("cannot read: {reason}").format(reason=reason(error)), path=path) from None
    finally:
        os.close(descriptor)


def refuse_larger(size: int, most: int, path: Path) -> None:
    """A customer file of more than `most` bytes is refused, with the way out (README, "Input ranges"):
    reading one takes time and memory in proportion (a 60 MB log of 400,000 events: seconds, and hundreds
    of megabytes), and beyond the limit a command would take minutes or more memory than a laptop has."""
    if size > most:
        raise BrokenFile(_("{size} MB is more than salescli reads in one customer file ({most} MB); move the events "
                           "of deals closed long ago into a file outside customers/ (an archive salescli does not "
                           "read), keeping the rest and the customer's first event, then run `salescli check`").format(
            size=_megabytes(size), most=_megabytes(most)), path=path)


def _megabytes(size: int) -> str:
    return f"{size / 1e6:,.1f}" if size < 10_000_000 else f"{size / 1e6:,.0f}"


_CANNOT = {"read": N_("cannot read: {reason}"), "write": N_("cannot write: {reason}")}
_ONLY_REGULAR = {"read": N_("cannot read: {kind}; salescli reads only plain files"),
                 "write": N_("cannot write: {kind}; salescli writes only plain files")}
_PROBLEM = {"read": BrokenFile, "write": UnsafeWrite}


def open_regular(path: Path, shown: Path, *, doing: str, follow: bool = True) -> tuple[int, os.stat_result]:
    """A descriptor open on the regular file at `path`, and its status; else a DataError about `shown`
    saying why it cannot be read or written (`doing`: "read" or "write"). A FIFO is never waited on."""
    try:
        descriptor = os.open(path, os.O_RDONLY | _NONBLOCK | _CLOEXEC | (0 if follow else _NOFOLLOW))
    except OSError as error:
        raise _PROBLEM[doing](_(_CANNOT[doing]).format(reason=reason(error)), path=shown) from None
    status = os.fstat(descriptor)
    if not stat.S_ISREG(status.st_mode):
        os.close(descriptor)
        raise _PROBLEM[doing](_(_ONLY_REGULAR[doing]).format(kind=_not_regular(status)), path=shown)
    return descriptor, status


_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # opening a FIFO must not wait for a writer
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def read_descriptor(descriptor: int) -> bytes:
    with os.fdopen(descriptor, "rb", closefd=False) as handle:
        return handle.read()


def _not_regular(status: os.stat_result) -> str:
    kinds = ((stat.S_ISDIR, N_("it is a folder, not a regular file")),
             (stat.S_ISFIFO, N_("it is a named pipe (FIFO), not a regular file")),
             (stat.S_ISSOCK, N_("it is a socket, not a regular file")),
             (stat.S_ISCHR, N_("it is a device, not a regular file")),
             (stat.S_ISBLK, N_("it is a device, not a regular file")))
    return _(next((said for test, said in kinds if test(status.st_mode)), N_("it is not a regular file")))


def reason(error: OSError) -> str:
    """What an OSError means for the user, in words."""
    reasons = {
        errno.ELOOP: N_("it is a symbolic link that loops back on itself"),
        errno.ENOENT: N_("it does not exist (or is a symbolic link to a file that does not)"),
        errno.EACCES: N_("permission denied"),
        errno.EPERM: N_("permission denied"),
        errno.ENOSPC: N_("the disk is full"),
        getattr(errno, "EDQUOT", -1): N_("the disk quota is used up"),
        errno.EROFS: N_("the file system is read-only"),
        errno.EISDIR: N_("it is a folder"),
        errno.ENAMETOOLONG: N_("the name is too long"),
    }
    known = reasons.get(error.errno or 0)
    return _(known) if known else (error.strerror or str(error)).lower()


def decoded(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BrokenFile(_("not UTF-8 text (byte {byte}); save the file as UTF-8").format(byte=error.start),
                         path=path) from None


def write_file(path: Path, data: bytes) -> None:
    """Write or replace a whole file (an export), all or nothing; through a symbolic link, the file it
    points to is written."""
    with interrupts_deferred():
        write_whole(path, data, exclusive=False)


def write_new_file(path: Path, text: str) -> None:
    """Write a file that must not exist yet, all or nothing."""
    with interrupts_deferred():
        write_whole(path, text.encode("utf-8"), exclusive=True)


_landed: list[Path] = []


def landed() -> list[Path]:
    """The files this process has written (so that an interrupted command can say what it saved)."""
    return list(_landed)


def forget() -> None:
    """Forget the files written so far (a new command starts)."""
    _landed.clear()


# ---- the mechanics of a safe write ----------------------------------------------------------

@dataclass(frozen=True)
class Held:
    """A locked file: its status and its bytes as read under the lock."""

    status: os.stat_result
    data: bytes


def writable_target(path: Path) -> Path:
    """The file a write to customer file `path` changes: the file itself, or the one its symbolic
    link points to inside the data folder. Anything else is refused with the reason."""
    try:
        status = os.lstat(path)
    except OSError as error:
        raise UnsafeWrite(_("cannot write: {reason}").format(reason=reason(error)), path=path) from None
    target = path
    if stat.S_ISLNK(status.st_mode):
        try:
            target = Path(os.path.realpath(path, strict=True))
        except (OSError, RuntimeError) as error:
            why = reason(error) if isinstance(error, OSError) else _("it is a symbolic link that loops")
            raise UnsafeWrite(_("cannot write: {reason}").format(reason=why), path=path) from None
        folder = Path(os.path.realpath(path.parent)).parent
        if not target.is_relative_to(folder):
            raise UnsafeWrite(_("it is a symbolic link to {target}, outside the data folder; salescli does not "
                                "write through it (copy the file into the folder to change it here)").format(
                target=target), path=path)
    _check_writable(target, path)
    return target


def _check_writable(target: Path, path: Path) -> None:
    try:
        status = os.stat(target)
    except OSError as error:
        raise UnsafeWrite(_("cannot write: {reason}").format(reason=reason(error)), path=path) from None
    if not stat.S_ISREG(status.st_mode):
        raise UnsafeWrite(_(_ONLY_REGULAR["write"]).format(kind=_not_regular(status)), path=path)
    if not status.st_mode & 0o222:
        raise UnsafeWrite(_("the file is read-only; salescli leaves it as it is (make it writable, e.g. "
                            "`chmod u+w`, to change it)"), path=path)
    if not os.access(target, os.W_OK):
        raise UnsafeWrite(_("cannot write: you have no permission to change the file; nothing was written"),
                          path=path)


@contextmanager
def locked(target: Path, path: Path) -> Iterator[Held]:
    """Hold an exclusive lock on the file now at `target` (writers replace the inode, so the lock is
    taken again until it is on the file that is there), with its bytes as read under the lock."""
    try:
        import fcntl
    except ImportError:  # no flock (Windows): the check of what the swap displaced still guards
        fcntl = None  # type: ignore[assignment]
    while True:
        descriptor, status = open_regular(target, path, doing="write", follow=False)
        try:
            if fcntl is None:  # (and a file open there cannot be replaced: read it, and let it go)
                held = Held(status, read_descriptor(descriptor))
                os.close(descriptor)
                descriptor = -1
                yield held
                return
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            if _inode(target) == status.st_ino:
                yield Held(status, read_descriptor(descriptor))
                return
        finally:
            if descriptor >= 0:
                os.close(descriptor)


def _inode(path: Path) -> int | None:
    try:
        return os.lstat(path).st_ino
    except OSError:
        return None


def swap_in(path: Path, target: Path, held: Held, data: bytes) -> cache.Identity | None:
    """Write `data` over the locked file (call it with interrupts deferred, and note what was written in
    the same block); the file's identity, or None (nothing written) when another program changed the
    file since it was read under the lock."""
    with _TempFile(target, data, held.status.st_mode & 0o7777) as temp:
        try:
            if not _unchanged(target, held):  # an editor saved meanwhile (the usual case of it): work it out again
                return None
            if _exchange(temp.path, target):
                if not _unchanged(temp.path, held):  # one saved just now: its file goes back
                    _put_back(temp, target, path)
                    return None
                temp.remove()
            else:  # no atomic exchange here: compare, then rename (a window of microseconds remains)
                if not _unchanged(target, held):
                    return None
                os.replace(temp.path, target)
                temp.renamed = True
        except OSError as error:
            raise _write_problem(error, path) from None
        return temp.landed(path)


def _unchanged(path: Path, held: Held) -> bool:
    """Whether the file at `path` is the one read under the lock, with the same bytes."""
    try:
        descriptor, status = open_regular(path, path, doing="read", follow=False)
    except DataError:
        return False
    try:
        return (status.st_ino, status.st_dev, status.st_size) == (held.status.st_ino, held.status.st_dev,
                                                                   len(held.data)) \
            and read_descriptor(descriptor) == held.data
    finally:
        os.close(descriptor)


def _put_back(temp: _TempFile, target: Path, path: Path) -> None:
    """Exchange again, so that the other program's file is where it was and ours is the temp file."""
    if _exchange(temp.path, target) and _inode(temp.path) == temp.inode:
        return
    # Yet another save came in between: two versions, neither of which may be lost. The one now at the
    # temp name is kept under a name the clean-up of leftovers leaves alone, and the user is told.
    kept = temp.keep_as(f"{target.name}.displaced-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}")
    raise UnsafeWrite(_("another program saved the file twice while salescli was writing it: the file holds one of "
                        "its versions, and the other (perhaps with salescli's change) is kept as {kept}; compare the "
                        "two and merge them by hand").format(kept=display_path(kept)), path=path)


class _TempFile:
    """A temp file beside `target` holding `data` (written, fsynced, locked while it lives, so that
    the clean-up of leftovers never takes it); removed on the way out unless it was renamed."""

    def __init__(self, target: Path, data: bytes, mode: int | None) -> None:
        self.target, self.data, self.mode = target, data, mode
        self.renamed = self.kept = False

    def __enter__(self) -> _TempFile:
        import tempfile  # only writes need it

        try:
            self.descriptor, name = tempfile.mkstemp(prefix=f".{self.target.name}.", suffix=".tmp",
                                                     dir=self.target.parent)
        except OSError as error:
            raise _write_problem(error, self.target) from None
        self.path = Path(name)
        try:
            _lock_quietly(self.descriptor)
            self.inode = os.fstat(self.descriptor).st_ino
            view = memoryview(self.data)
            while view:
                view = view[os.write(self.descriptor, view):]
            os.fsync(self.descriptor)
            os.chmod(self.path, _default_mode() if self.mode is None else self.mode)
        except OSError as error:
            self.__exit__(None, None, None)
            raise _write_problem(error, self.target) from None
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def remove(self) -> None:
        """Remove what the exchange left at the temp name (the file that was replaced)."""
        os.unlink(self.path)
        self.renamed = True

    def keep_as(self, name: str) -> Path:
        """Keep what is at the temp name, under `name` beside it."""
        kept = self.path.with_name(name)
        os.rename(self.path, kept)
        self.kept = True
        return kept

    def landed(self, path: Path) -> cache.Identity:
        """The write is in place: sync the folder, check the bytes, note it; the file's identity."""
        _fsync_folder(self.target.parent)
        _landed.append(path)
        if self.read_back() != self.data:
            raise UnsafeWrite(_("the change was written, but the file does not read back the same from the disk; "
                                "check the disk, and the file"), path=path)
        return cache.identity(os.fstat(self.descriptor))

    def read_back(self) -> bytes:
        """What the disk gives back of the written file (the one written, wherever it now is)."""
        os.lseek(self.descriptor, 0, os.SEEK_SET)
        return read_descriptor(self.descriptor)

    def __exit__(self, *exc: object) -> None:
        os.close(self.descriptor)
        if not self.renamed and not self.kept:
            try:
                os.unlink(self.path)
            except OSError:
                pass


def write_whole(path: Path, data: bytes, *, exclusive: bool) -> cache.Identity:
    """Write a whole file through a temp file: a new one (refused if the name is taken) or in place of
    the file there (or the file a symbolic link there points to)."""
    target = path
    mode = None
    if not exclusive and os.path.lexists(path):
        target = Path(os.path.realpath(path))
        _check_writable(target, path)
        mode = os.stat(target).st_mode & 0o7777
    with _TempFile(target, data, mode) as temp:
        try:
            if exclusive:
                os.link(temp.path, target)
                temp.remove()
            else:
                os.replace(temp.path, target)
                temp.renamed = True
        except FileExistsError:
            raise UnsafeWrite(_("a file of that name exists already; nothing was written"), path=path) from None
        except OSError as error:
            raise _write_problem(error, path) from None
        return temp.landed(path)


def _write_problem(error: OSError, path: Path) -> UnsafeWrite:
    if error.errno == errno.ENOENT and not path.parent.is_dir():
        return UnsafeWrite(_("cannot write: the folder {folder} does not exist; nothing was written").format(
            folder=display_path(path.parent)), path=path)
    if error.errno in (errno.EACCES, errno.EPERM):
        return UnsafeWrite(_("cannot write: no permission to write in {folder}/ (salescli writes a temporary file "
                             "beside the file, then renames it); nothing was written").format(
            folder=display_path(path.parent)), path=path)
    return UnsafeWrite(_("cannot write: {reason}; nothing was written").format(reason=reason(error)), path=path)


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _lock_quietly(descriptor: int) -> None:
    try:
        import fcntl
    except ImportError:
        return
    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)


_RENAME_EXCHANGE = 2
_AT_HERE = -100  # AT_FDCWD
_renameat2: list[Any] = []  # the C function once looked up; [None] where there is none


def _exchange(first: Path, second: Path) -> bool:
    """Swap two files atomically (Linux's renameat2); False where that cannot be done (another
    system, an old kernel, a file system that cannot: some network and overlay ones)."""
    if not _renameat2:
        _renameat2.append(_find_renameat2())
    rename = _renameat2[0]
    if rename is None:
        return False
    if rename(_AT_HERE, os.fsencode(first), _AT_HERE, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    import ctypes

    code = ctypes.get_errno()
    if code == errno.ENOSYS:
        _renameat2[0] = None
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def _find_renameat2() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        return ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return None


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Ctrl-C waits until the block ends: a write in it is then either not made or made and noted."""
    import signal

    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


GITIGNORE = "# salescli: temporary files of writes in progress (or killed), never data\n.*.tmp\n"

# Temp files are named `.NAME.XXXXXXXX.tmp`; one a killed write left (no writer holds its lock, and
# it is older than a write takes) is removed when the folder is next read.
LEFTOVER = re.compile(r"\..+\.[A-Za-z0-9_]{8}\.tmp")
_LEFTOVER_AGE = 10  # seconds


def remove_leftovers(folder: Path, names: Iterable[str]) -> None:
    try:
        import fcntl
    except ImportError:
        return
    now = time.time()
    for name in names:
        try:
            descriptor = os.open(os.path.join(folder, name), os.O_RDONLY | _NONBLOCK | _NOFOLLOW | _CLOEXEC)
        except OSError:
            continue
        try:
            status = os.fstat(descriptor)
            if not stat.S_ISREG(status.st_mode) or now - status.st_mtime < _LEFTOVER_AGE:
                continue
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if _inode(Path(folder, name)) == status.st_ino:
                os.unlink(os.path.join(folder, name))
        except OSError:  # locked by a live writer, or gone already
            continue
        finally:
            os.close(descriptor)


def _fsync_folder(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def located(message: str, path: Path, text: str, where: Sequence[str | int]) -> BrokenFile:
    from salescli import yamlfile

    place = yamlfile.locate(text, where)
    line, column = place if place else (None, None)
    return BrokenFile(message, path=path, line=line, column=column)

