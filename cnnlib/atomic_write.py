"""Writing a file so that no interruption damages the older one, and cleaning up after writes that were killed.

    write_atomically("mine.npz", lambda f: numpy.savez(f, **arrays))
    remove_stale_temporaries("mine.npz")     # what killed writes of mine.npz left behind

``write_atomically`` writes to a temporary file beside the target, ``.NAME.XXXXXXXX.tmp`` (a random
part, so that two processes writing the same name never share one), flushes it to the disk, and
only then renames it over the target (``os.replace``, atomic): a reader sees the old file or the
new one, never half of one. On an error (a full disk, Ctrl-C) the temporary file is removed and the
error raised. A process killed outright (SIGKILL, a crash, a restarted kernel, a power cut) cannot
remove it: ``remove_stale_temporaries`` does, and ``save_weights``/``load_weights`` call it.

How a temporary file that is still being written is told from an abandoned one: its writer holds an
exclusive lock on it (``fcntl.flock``) from creation until it has been renamed, and the system drops
the locks of a process that dies. On Windows (no ``fcntl``) a file that another process has open
cannot be removed, which protects it the same way.
"""

import contextlib
import errno
import os
import re
import tempfile

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None


#: errno values of a write that ran out of room: a full disk, a quota, a file-size limit (``ulimit -f``).
_FULL = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def _prefix(path):
    return "." + os.path.basename(path) + "."


def _lock(fd, wait=True):
    """Take the exclusive lock of an open file; False (without waiting) if another process holds it."""
    if fcntl is None:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


def _names(fd, path):
    """Whether ``path`` still names the open file ``fd`` (a cleanup may have removed it before it was locked)."""
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except FileNotFoundError:
        return False


def _locked_temporary(folder, prefix):
    """(fd, path) of a new, locked temporary file in ``folder``, its name starting with ``prefix``."""
    while True:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=".tmp")
        if _lock(fd) and _names(fd, tmp):
            return fd, tmp
        os.close(fd)  # removed by a cleanup between creation and lock: take another name


def write_atomically(path, write, what="a file"):
    """Write ``path`` through ``write(f)`` (``f``: a binary file object) without ever leaving it half written.

    The new file gets the permissions of the one it replaces (0o644 for a new one). Returns ``path``.
    An OSError of the write (a full disk, a read error) is raised again with its errno, saying which file
    could not be saved (``what``: e.g. "weights") and that the older one was left as it was.
    """
    folder = os.path.dirname(os.path.abspath(path))
    mode = os.stat(path).st_mode & 0o777 if os.path.exists(path) else 0o644
    fd, tmp = _locked_temporary(folder, _prefix(path))
    try:
        with os.fdopen(fd, "wb", closefd=False) as f:  # fd stays open, and locked, until the rename
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        if fcntl is None:  # Windows renames closed files only
            os.close(fd)
            fd = None
        os.replace(tmp, path)
    except BaseException as err:  # Ctrl-C included: remove the partial temporary file, keep the old one
        if fd is not None:
            os.close(fd)
            fd = None
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        if isinstance(err, OSError):
            why = " (the disk is full, or a quota or file-size limit was reached)" if err.errno in _FULL else ""
            raise OSError(err.errno, f"cannot save {what} to {path}: {err.strerror or err}{why}; {path} was "
                                     f"left as it was before this save") from err
        raise
    finally:
        if fd is not None:
            os.close(fd)
    return path


def _remove_if_abandoned(candidate):
    """Remove ``candidate`` if no living writer holds it; True if it was removed."""
    if fcntl is None:
        os.remove(candidate)  # PermissionError (an OSError) while a writer has it open
        return True
    fd = os.open(candidate, os.O_RDONLY)
    try:
        if not _lock(fd, wait=False) or not _names(fd, candidate):
            return False  # still being written, or already renamed into place
        os.remove(candidate)
        return True
    finally:
        os.close(fd)


def remove_stale_temporaries(path):
    """Remove the temporary files that writes of ``path`` killed midway left beside it; return their paths.

    Files still being written (by this or another process) are left alone, and so is anything that
    cannot be removed (a read-only folder): this never raises.
    """
    folder = os.path.dirname(os.path.abspath(path))
    pattern = re.compile(re.escape(_prefix(path)) + r"[a-z0-9_]{8}\.tmp")
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    removed = []
    for name in sorted(names):
        if pattern.fullmatch(name):
            candidate = os.path.join(folder, name)
            with contextlib.suppress(OSError):
                if _remove_if_abandoned(candidate):
                    removed.append(candidate)
    return removed
