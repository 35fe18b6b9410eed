"""The words of jieba's dictionary, held compactly, and jieba's segmentation over them.

Rejoining asks one question of a dictionary: does a word straddle this
line break ("…工会经" | "费精确性": "经费" does)?  jieba answers it, but
loading its dictionary costs half a second and some 70 MB in every process
(its prefix dictionary holds 580,000 Python strings).  This module reads
the same dictionary file (``jieba/dict.txt``) into one sorted string of
words with arrays of offsets and frequencies (about 6 MB), cached in the
user's cache folder so that later runs map it in milliseconds, and
segments text as ``jieba.cut(text, HMM=False)`` does:

- the text is split into blocks of the characters jieba segments (Han,
  Latin letters, digits and ``+#&._%-``); anything else is a word of one
  character;
- within a block, the graph of dictionary words starting at each position
  (``get_DAG``), and the route of greatest probability through it
  (``calc``: the sum of log frequencies over the total, ties to the longer
  word), the same arithmetic in the same order; single Latin letters and
  digits on the route are joined into one word.

``tests/test_cjk_words.py`` compares the words with ``jieba.cut`` on the
text of every golden file.
"""

from __future__ import annotations

import array
import bisect
import hashlib
import os
import re
from functools import lru_cache
from math import log
from typing import Iterator, Optional

#: jieba's blocks (``jieba.re_han_default``).
_BLOCK = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)")

#: jieba's separators outside blocks (``re_skip_default``) and Latin
#: characters on a route (``re_eng``).
_SKIP = re.compile("(\r\n|\\s)")
_LATIN = re.compile("[a-zA-Z0-9]")

#: The cache file's layout version: a changed layout gets a new name.
_FORMAT = b"extractor-words-1"


class Words:
    """A dictionary: its words sorted, each with its frequency, and the
    frequencies' total (jieba's ``FREQ`` and ``total``, without the prefix
    entries: a prefix is whatever the next word in order starts with)."""

    def __init__(self, text: str, offsets: "array.array[int]", freqs: "array.array[int]", total: int) -> None:
        self._text = text
        self._offsets = offsets  # word i is text[offsets[i]:offsets[i + 1]]
        self._freqs = freqs
        self._count = len(freqs)
        self.total = total
        self._logtotal = log(total)

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, i: int) -> str:
        return self._text[self._offsets[i]:self._offsets[i + 1]]

    def lookup(self, fragment: str) -> Optional[int]:
        """The fragment's frequency (0 when it only begins words), or None
        when no word begins with it (jieba: ``fragment in FREQ``)."""
        i = bisect.bisect_left(self, fragment)
        if i == self._count:
            return None
        word = self[i]
        if word == fragment:
            return self._freqs[i]
        return 0 if word.startswith(fragment) else None

    def cut(self, text: str) -> Iterator[str]:
        """The words of ``jieba.cut(text, HMM=False)``."""
        for block in _BLOCK.split(text):
            if not block:
                continue
            if _BLOCK.fullmatch(block):
                yield from self._cut_block(block)
                continue
            for piece in _SKIP.split(block):  # jieba: a run of space is one word, else each character
                if _SKIP.fullmatch(piece):
                    yield piece
                else:
                    yield from piece

    def _cut_block(self, block: str) -> Iterator[str]:
        n = len(block)
        # For each position, the words starting there: (last index, frequency).
        graph: list[list[tuple[int, int]]] = []
        for k in range(n):
            ends = []
            i = k
            freq = self.lookup(block[k])
            while freq is not None:
                if freq:
                    ends.append((i, freq))
                i += 1
                if i >= n:
                    break
                freq = self.lookup(block[k:i + 1])
            graph.append(ends or [(k, 0)])  # no word: the character alone, frequency 1 in the route
        route: list[tuple[float, int]] = [(0.0, 0)] * (n + 1)
        logtotal = self._logtotal
        for k in range(n - 1, -1, -1):
            route[k] = max((log(freq or 1) - logtotal + route[x + 1][0], x) for x, freq in graph[k])
        # Single Latin letters and digits on the route are one word.
        x, latin = 0, ""
        while x < n:
            y = route[x][1] + 1
            word = block[x:y]
            if y - x == 1 and _LATIN.match(word):
                latin += word
            else:
                if latin:
                    yield latin
                    latin = ""
                yield word
            x = y
        if latin:
            yield latin


def parse(lines) -> Words:
    """A dictionary from the lines of jieba's ``dict.txt`` (bytes: "word
    freq [tag]"), as ``jieba.Tokenizer.gen_pfdict`` reads them: a word
    listed twice keeps its last frequency, and both count in the total."""
    freqs: dict[str, int] = {}
    total = 0
    for number, line in enumerate(lines, 1):
        try:
            word, freq_text = line.strip().decode("utf-8").split(" ")[:2]
            freq = int(freq_text)
        except ValueError:
            raise ValueError(f"invalid dictionary entry at line {number}: {line!r}") from None
        freqs[word] = freq
        total += freq
    words = sorted(freqs)
    offsets = array.array("I", [0])
    position = 0
    for word in words:
        position += len(word)
        offsets.append(position)
    return Words("".join(words), offsets, array.array("q", (freqs[w] for w in words)), total)


def _dict_file() -> str:
    import importlib.util

    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("jieba")
    return os.path.join(list(spec.submodule_search_locations)[0], "dict.txt")


@lru_cache(maxsize=1)
def words() -> Words:
    """jieba's dictionary, from the cache when it is there and current
    (named for the dictionary file's size and time), else read and cached."""
    source = _dict_file()
    stat = os.stat(source)
    tag = hashlib.sha256(f"{_FORMAT!r}|{source}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    folder = cache_folder()
    cached = os.path.join(folder, f"jieba-words-{tag}.bin") if folder else None
    if cached:
        found = _load(cached)
        if found is not None:
            return found
    with open(source, "rb") as f:
        made = parse(f)
    if cached:
        _save(made, cached)
    return made


def cache_folder() -> Optional[str]:
    """A folder of this user's for caches (``$XDG_CACHE_HOME/extractor``,
    ``~/.cache/extractor``, else ``extractor-<uid>`` in the temporary
    folder), created private; None when none can be made.  A folder shared
    by users may hold another user's file, which this one can neither read
    nor replace."""
    import tempfile

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    user = getattr(os, "getuid", lambda: "user")()
    for folder in (os.path.join(base, "extractor"), os.path.join(tempfile.gettempdir(), f"extractor-{user}")):
        try:
            os.makedirs(folder, mode=0o700, exist_ok=True)
            if os.access(folder, os.W_OK) and os.stat(folder).st_uid == user:
                return folder
        except (OSError, TypeError):
            continue
    return None


def _save(words: Words, path: str) -> None:
    """Write the cache atomically; failing to write it only costs time."""
    text = words._text.encode("utf-8")
    # Offsets count characters; the file stores the UTF-8 text and the
    # offsets of the decoded string, which decoding restores.
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        with open(tmp, "wb") as f:
            f.write(_FORMAT + b"\n")
            f.write(f"{words.total} {len(words._offsets)} {len(text)}\n".encode())
            words._offsets.tofile(f)
            words._freqs.tofile(f)
            f.write(text)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _load(path: str) -> Optional[Words]:
    try:
        with open(path, "rb") as f:
            if f.readline() != _FORMAT + b"\n":
                return None
            total, count, size = (int(v) for v in f.readline().split())
            offsets = array.array("I")
            offsets.fromfile(f, count)
            freqs = array.array("q")
            freqs.fromfile(f, count - 1)
            text = f.read(size + 1)
        if len(text) != size:
            return None
        decoded = text.decode("utf-8")
        if offsets[-1] != len(decoded):
            return None
        return Words(decoded, offsets, freqs, total)
    except (OSError, ValueError, EOFError):
        return None
