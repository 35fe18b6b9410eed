"""What an input must be before anything reads it: a regular file this
process may read.  Checked without opening anything that could block: a
FIFO named ``*.pdf`` would hang a reader forever (no timeout applies to a
parent waiting on it), and a link to ``/dev/zero`` never ends."""

from __future__ import annotations

import errno
import os
import stat

from .errors import NotAPDF, UnreadableInput

#: What a file that is not a regular file is, by its type bits.
_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO), not a file"),
    (stat.S_ISCHR, "a character device (such as /dev/zero), not a file"),
    (stat.S_ISBLK, "a block device, not a file"),
    (stat.S_ISSOCK, "a socket, not a file"),
)


def check_input(path: "str | os.PathLike[str]") -> None:
    """Raise a typed error unless ``path`` is a regular file that can be
    opened for reading: ``NotAPDF`` for no name, a missing file, a folder,
    a FIFO or a device; ``UnreadableInput`` for no permission or an I/O
    error."""
    name = os.fspath(path)
    if not name:
        raise NotAPDF(name, "no file name was given")
    try:
        info = os.stat(name)  # follows links: a link to /dev/zero is a device
    except FileNotFoundError:
        raise NotAPDF(name, "no such file") from None
    except OSError as exc:
        raise UnreadableInput(name, _reason(exc)) from None
    for test, kind in _KINDS:
        if test(info.st_mode):
            raise NotAPDF(name, kind)
    if not stat.S_ISREG(info.st_mode):
        raise NotAPDF(name, "not a regular file")
    try:
        with open(name, "rb"):
            pass
    except OSError as exc:
        raise UnreadableInput(name, _reason(exc)) from None


def _reason(exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return exc.strerror or str(exc)
