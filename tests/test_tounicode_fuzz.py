"""Random mutants of ToUnicode maps: ``read_map`` gives exactly pdfminer's
table (the same entries in the same order) or None, and never raises.

The mutants start from the maps of the real documents (samples/real) and
from small synthetic maps, and are changed a token or a byte at a time in
the ways that lead a reader of maps astray: tokens dropped, repeated,
swapped or glued together; white space pdfminer reads its own way (NUL,
vertical tab, form feed); comments, keywords, numbers, names, strings,
arrays and dictionaries in and between the blocks; odd, empty, lowercase,
spaced or very long hex strings; a block's end keyword changed; the stream
cut short.  Where pdfminer raises on a mutant ``read_map`` must give way
(None), so that the font is read, or fails, as pdfminer has it.

Each mutant is made from a seed of its own: a failure names the seed and
the mutations, and ``_mutant(seed)`` makes it again.
"""

from __future__ import annotations

import functools
import io
import logging
import random
import re
from typing import Callable

import pytest

from conftest import SAMPLES
from extractor.tounicode import read_map
from test_tounicode import _HEAD, _TAIL, _maps

# -- the maps the mutants start from -------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _real_maps() -> tuple[bytes, ...]:
    """The distinct ToUnicode maps of the real documents, shortest first."""
    found: set[bytes] = set()
    for path in sorted((SAMPLES / "real").glob("*.pdf")):
        found.update(_maps(path))
    return tuple(sorted(found, key=lambda data: (len(data), data)))


#: Bodies of small maps: the ordinary forms and the ones read_map leaves to
#: pdfminer, so that mutants go both ways.
_BODIES = (
    b"2 beginbfchar <0001> <4E2D> <0002><0041>\nendbfchar",
    b"1 beginbfchar <0003> <D83DDE00> endbfchar",
    b"2 beginbfchar <01> <0020> <01> <00A0> endbfchar",
    b"3 beginbfchar <0001> <0041> <0002> endbfchar",
    b"1 beginbfrange <0010> <0012> <4E00> endbfrange",
    b"1 beginbfrange <0010> <0012> [<0041> <0042> <0043>] endbfrange",
    b"1 beginbfrange <00FE> <0101> <00410042> endbfrange",
    b"1 beginbfrange <0010> <000F> <0041> endbfrange",
    b"1 beginbfrange <FFFE> <FFFF> <FFFFFFFE> endbfrange",
    b"% a comment\n1 beginbfchar <0 0 0 1> <4E 2D> endbfchar",
    b"1 beginbfchar <0001> <4E2D> endbfchar endcmap",
    b"2 beginbfchar <0001> <4e2d> <0002> <00a0> endbfchar 1 beginbfrange <0003> <0004> <0061> endbfrange",
    b"1 beginbfchar <0001> <0041> endbfchar 1 beginbfchar <0001> <0042> endbfchar",
    b"1 beginnotdefrange <0000> <0001> 1 endnotdefrange 1 beginbfchar <0005> <0045> endbfchar",
    b"/Other usecmap 1 beginbfchar <0001> <0041> endbfchar",
    b"1 beginbfchar <001> <0041> endbfchar",
    b"1 beginbfchar <0001> /A endbfchar",
    b"1 beginbfrange <0010> <0012> [<0041>] endbfrange",
    b"1 beginbfrange <10> <0012> <0041> endbfrange",
    b"1 beginbfchar <0001> <0041> endbfchar endcmap 1 beginbfchar <0002> <0042> endbfchar",
    b"1 begincidrange <0000> <00FF> 0 endcidrange",
    b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def 1 beginbfchar <0001> <0041> endbfchar",
    b"[ /a /b def ] 1 beginbfrange <0001> <0002> [<0041> <0042>] endbfrange <<>> [[]]",
    b"1 beginbfchar <0001> <0041> endbfchar endcmap begincmap 1 beginbfchar <0002> <0042> endbfchar",
)


def _synthetic_maps() -> tuple[bytes, ...]:
    return tuple(_HEAD + body + _TAIL for body in _BODIES) + _BODIES


# -- mutations -----------------------------------------------------------------------------

_SPACE = rb"[\x00\t\n\x0b\x0c\r ]"
_DELIMITER = rb"[\x00\t\n\x0b\x0c\r ()<>\[\]{}/%]"
#: A map cut into its tokens and the white space between them (every byte
#: belongs to one piece; stray bytes are pieces of their own).
_PIECES = re.compile(_SPACE + rb"+|%[^\r\n]*|<<|>>|<[^<>]*>|\([^()]*\)|[\[\]{}]|/(?:(?!" + _DELIMITER + rb").)*|(?:(?!"
                     + _DELIMITER + rb").)+|.", re.S)
_IS_SPACE = re.compile(_SPACE + rb"+")

_KEYWORDS = (b"beginbfchar", b"endbfchar", b"beginbfrange", b"endbfrange", b"begincodespacerange",
             b"endcodespacerange", b"beginnotdefrange", b"endnotdefrange", b"begincidchar", b"endcidchar",
             b"begincidrange", b"endcidrange", b"begincmap", b"endcmap", b"usecmap", b"def")
_WORDS = _KEYWORDS + (b"true", b"false", b"null", b"dict", b"begin", b"end", b"pop", b"CMapName", b"currentdict",
                      b"defineresource", b"WMode")
_NUMBERS = (b"0", b"1", b"2", b"3", b"99", b"-1", b"+3", b"1.5", b".5", b"-.5", b"1.", b"-", b"+", b".", b"1.2.3",
            b"1e3", b"007", b"65535", b"--1")
_NAMES = (b"/A", b"/space", b"/uni4E2D", b"/a#41", b"/", b"/#", b"/CMapName", b"/X#2F", b"/Supplement")
_OTHERS = (b"[", b"]", b"{", b"}", b"<<", b">>", b"(str)", b"(a(b)c)", b"(\\101)", b")", b"(", b"[]",
           b"[<0041> <0042>]", b"<< /A 1 >>", b"<< /A >>", b"*", b"#", b"!", b"\x80", b"'", b"\\", b"<", b">")
_SPACES = (b" ", b"\n", b"\r", b"\r\n", b"\t", b"\x0c", b"\x00", b"\x0b", b"  \n\n", b"\x00\x00", b"")
_BYTES = b"\x00\x0b\x0c\t\r\n #*-.%/<>[]{}()\\0Aaf\x80\xff"
_HEX_VALUES = (b"<>", b"< >", b"<0000>", b"<0020>", b"<00A0>", b"<00a0>", b"<FFFF>", b"<D83D>", b"<DE00>",
               b"<D83DDE00>", b"<0041>", b"<4E2D>", b"<41>", b"<0>", b"<000>", b"<00000>", b"<00000041>",
               b"<FFFFFFFF>", b"<0001>", b"<0002>", b"<0010>", b"<0012>", b"<00 41>", b"<00\x0041>",
               b"<00\x0b41>", b"<00\x0c41>", b"<00g1>", b"<0041>>", b"<0041", b"<<0041>")


def _pieces(data: bytes) -> list[bytes]:
    return _PIECES.findall(data)


def _tokens(pieces: list[bytes]) -> list[int]:
    """The indexes of the pieces that are not white space."""
    return [k for k, piece in enumerate(pieces) if not _IS_SPACE.fullmatch(piece)]


def _long_hex(rng: random.Random) -> bytes:
    return b"<" + rng.choice((b"4E2D", b"0000", b"ffff", b"00A0")) * rng.randint(3, 40) + b">"


def _random_hex(rng: random.Random) -> bytes:
    choice = rng.random()
    if choice < 0.4:
        return rng.choice(_HEX_VALUES)
    if choice < 0.5:
        return _long_hex(rng)
    digits = b"%0*X" % (rng.choice((2, 4)), rng.randrange(0x10000 if choice < 0.9 else 0x100))
    return b"<" + (digits.lower() if rng.random() < 0.3 else digits) + b">"


def _random_token(rng: random.Random) -> bytes:
    kind = rng.random()
    if kind < 0.3:
        return rng.choice(_WORDS)
    if kind < 0.45:
        return rng.choice(_NUMBERS)
    if kind < 0.55:
        return rng.choice(_NAMES)
    if kind < 0.75:
        return rng.choice(_OTHERS)
    if kind < 0.85:
        first = rng.randrange(0x100)
        count = rng.randint(0, 3)
        values = b" ".join(_random_hex(rng) for _ in range(rng.choice((count, count + 1, max(count - 1, 0)))))
        value = b"[" + values + b"]" if rng.random() < 0.6 else _random_hex(rng)
        return b"<%04X> <%04X> %s" % (first, first + count - 1, value)  # a range, its values maybe a list
    return _random_hex(rng)


def _separator(rng: random.Random) -> bytes:
    return rng.choice(_SPACES) if rng.random() < 0.3 else b" "


def _drop(pieces: list[bytes], rng: random.Random) -> None:
    tokens = _tokens(pieces)
    if tokens:
        del pieces[rng.choice(tokens)]


def _duplicate(pieces: list[bytes], rng: random.Random) -> None:
    tokens = _tokens(pieces)
    if tokens:
        k = rng.choice(tokens)
        pieces[k + 1:k + 1] = [_separator(rng), pieces[k]]


def _swap(pieces: list[bytes], rng: random.Random) -> None:
    tokens = _tokens(pieces)
    if len(tokens) > 1:
        i = rng.randrange(len(tokens))
        j = min(len(tokens) - 1, i + rng.randint(1, 6)) if rng.random() < 0.8 else rng.randrange(len(tokens))
        a, b = tokens[i], tokens[j]
        pieces[a], pieces[b] = pieces[b], pieces[a]


def _copy_span(pieces: list[bytes], rng: random.Random) -> None:
    """A run of tokens (a few entries, a block) copied elsewhere."""
    if pieces:
        start = rng.randrange(len(pieces))
        span = pieces[start:start + rng.randint(1, 30)]
        at = rng.randrange(len(pieces) + 1)
        pieces[at:at] = [b" ", *span, b" "]


def _glue(pieces: list[bytes], rng: random.Random) -> None:
    spaces = [k for k, piece in enumerate(pieces) if _IS_SPACE.fullmatch(piece)]
    if spaces:
        del pieces[rng.choice(spaces)]


def _space(pieces: list[bytes], rng: random.Random) -> None:
    """Other white space between tokens, or white space inside one."""
    k = rng.randrange(len(pieces)) if pieces else 0
    if k < len(pieces) and _IS_SPACE.fullmatch(pieces[k]):
        pieces[k] = rng.choice(_SPACES) * rng.randint(1, 2)
    elif k < len(pieces) and len(pieces[k]) > 1 and rng.random() < 0.5:
        cut = rng.randrange(1, len(pieces[k]))
        pieces[k] = pieces[k][:cut] + rng.choice(_SPACES) + pieces[k][cut:]
    else:
        pieces.insert(k, rng.choice(_SPACES))


def _comment(pieces: list[bytes], rng: random.Random) -> None:
    text = rng.choice((b"%", b"% endbfchar", b"%%EOF", b"% <0001> <0041>", b"%\x00"))
    pieces.insert(rng.randrange(len(pieces) + 1), text + rng.choice((b"\n", b"\r", b"\r\n", b"")))


def _insert(pieces: list[bytes], rng: random.Random) -> None:
    at = rng.randrange(len(pieces) + 1)
    glued = rng.random() < 0.15
    pieces[at:at] = [_random_token(rng)] if glued else [_separator(rng), _random_token(rng), _separator(rng)]


def _edit_hex(pieces: list[bytes], rng: random.Random) -> None:
    hexes = [k for k, piece in enumerate(pieces) if piece.startswith(b"<") and piece != b"<<"]
    if not hexes:
        return
    k = rng.choice(hexes)
    piece = pieces[k]
    inside = piece[1:-1] if piece.endswith(b">") else piece[1:]
    edit = rng.randrange(8)
    if edit == 0 and inside:  # an odd number of digits
        cut = rng.randrange(len(inside))
        inside = inside[:cut] + inside[cut + 1:]
    elif edit == 1:
        inside += rng.choice(b"0123456789abcdefABCDEF").to_bytes(1, "big")
    elif edit == 2:
        inside = inside.lower() if rng.random() < 0.7 else inside.upper()
    elif edit == 3:
        inside = b""
    elif edit == 4 and inside:
        cut = rng.randrange(len(inside) + 1)
        inside = inside[:cut] + rng.choice(_SPACES) + inside[cut:]
    elif edit == 5:
        pieces[k] = _long_hex(rng)
        return
    elif edit == 6:
        pieces[k] = _random_hex(rng)
        return
    else:
        pieces[k] = piece + rng.choice((b">", b"<", b"g", b"0"))
        return
    pieces[k] = b"<" + inside + b">"


def _rename(pieces: list[bytes], rng: random.Random) -> None:
    """A block's keyword changed into another (endbfchar into endbfrange...)."""
    words = [k for k, piece in enumerate(pieces) if piece in _KEYWORDS]
    if words:
        pieces[rng.choice(words)] = rng.choice(_KEYWORDS)


def _affix(pieces: list[bytes], rng: random.Random) -> None:
    """A keyword or number with a byte glued before or after it."""
    words = [k for k, piece in enumerate(pieces) if piece[:1].isalnum()]
    if words:
        k = rng.choice(words)
        byte = rng.choice(b"*1-.#'!\x00\x0b\x80_").to_bytes(1, "big")
        pieces[k] = byte + pieces[k] if rng.random() < 0.5 else pieces[k] + byte


def _straddle(pieces: list[bytes], rng: random.Random) -> None:
    """White space before a token, so that it straddles the end of one of
    the 4 kB pieces pdfminer reads the stream in."""
    tokens = _tokens(pieces)
    if tokens:
        k = rng.choice(tokens)
        cut = rng.randrange(len(pieces[k]))
        start = len(b"".join(pieces[:k]))
        pieces.insert(k, b" " * (-(start + cut) % 4096))


def _byte(pieces: list[bytes], rng: random.Random) -> None:
    data = b"".join(pieces)
    at = rng.randrange(len(data) + 1)
    byte = (rng.choice(_BYTES) if rng.random() < 0.8 else rng.randrange(256)).to_bytes(1, "big")
    edit = rng.randrange(3)
    if edit == 0:
        data = data[:at] + byte + data[at:]
    elif edit == 1:
        data = data[:at] + byte + data[at + 1:]
    else:
        data = data[:at] + data[at + 1:]
    pieces[:] = _pieces(data)


def _truncate(pieces: list[bytes], rng: random.Random) -> None:
    data = b"".join(pieces)
    pieces[:] = _pieces(data[:rng.randrange(len(data) + 1)])


_MUTATIONS: tuple[tuple[Callable[[list[bytes], random.Random], None], int], ...] = (
    (_drop, 4), (_duplicate, 3), (_swap, 3), (_copy_span, 1), (_glue, 2), (_space, 3), (_comment, 1),
    (_insert, 6), (_edit_hex, 4), (_rename, 2), (_affix, 2), (_byte, 3), (_truncate, 1),
    (_straddle, 1),
)


def _mutant(seed: int) -> tuple[bytes, list[str]]:
    """The mutant made from ``seed`` and the names of its mutations."""
    rng = random.Random(seed)
    maps = _real_maps() if rng.random() < 0.5 else _synthetic_maps()
    # The shorter maps more often: pdfminer reads a kilobyte a millisecond.
    data = maps[min(int(rng.expovariate(1.0) * len(maps) / 4), len(maps) - 1)]
    pieces = _pieces(data)
    assert b"".join(pieces) == data
    done = []
    functions, weights = zip(*_MUTATIONS)
    for _ in range(rng.choice((1, 1, 2, 2, 3, 4, 6))):
        mutation = rng.choices(functions, weights)[0]
        mutation(pieces, rng)
        done.append(mutation.__name__.lstrip("_"))
    return b"".join(pieces), done


# -- the check -----------------------------------------------------------------------------


class _TooLarge(Exception):
    pass


#: The entries pdfminer may make of a mutant before it is skipped.  A
#: dropped token shifts a real map's one-code ranges into wide ones
#: (``<0016> <749B> <0033>``), a range of 4-byte codes can have billions
#: (pdfminer, and read_map, would run for hours): a few mutants in a
#: thousand go past this, which pdfminer reads in about a third of a second.
_MOST_ENTRIES = 300_000


def _bounded_pdfminer(data: bytes) -> dict[int, str]:
    """pdfminer's table (as test_tounicode's ``_pdfminer``), or _TooLarge."""
    from pdfminer.cmapdb import CMapParser, FileUnicodeMap

    class BoundedMap(FileUnicodeMap):
        made = 0

        def add_cid2unichr(self, cid, code) -> None:
            self.made += 1
            if self.made > _MOST_ENTRIES:
                raise _TooLarge
            super().add_cid2unichr(cid, code)

    cmap = BoundedMap()
    CMapParser(cmap, io.BytesIO(data)).run()
    return cmap.cid2unichr


def _outcome(data: bytes) -> str:
    """How the map ``data`` went ("read", "left to pdfminer", "pdfminer
    raises", "too large"); fails when read_map raises or gives another
    table than pdfminer's."""
    expected: dict[int, str] | Exception
    try:
        expected = _bounded_pdfminer(data)
    except _TooLarge:
        return "too large"
    except Exception as exc:  # any: then read_map must leave the map to pdfminer
        expected = exc
    try:
        table = read_map(data)
    except Exception as exc:  # any: read_map returns a table or None
        pytest.fail(f"read_map raised {exc!r}")
    if isinstance(expected, Exception):
        assert table is None, f"pdfminer raises {expected!r}, read_map gave a table"
        return "pdfminer raises"
    if table is None:
        return "left to pdfminer"
    assert table == expected, {k: (table.get(k), expected.get(k)) for k in set(table) | set(expected)
                               if table.get(k) != expected.get(k)}
    assert list(table) == list(expected), "the same entries in another order"
    return "read"


def _run(seeds: range) -> dict[str, int]:
    outcomes: dict[str, int] = {}
    for seed in seeds:
        data, done = _mutant(seed)
        try:
            outcome = _outcome(data)
        except (AssertionError, pytest.fail.Exception) as exc:
            shown = data if len(data) < 600 else data[:300] + b" ... " + data[-300:]
            raise AssertionError(f"mutant of seed {seed} ({', '.join(done)}): {exc}\n{shown!r}") from None
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


@pytest.fixture(autouse=True)
def _quiet_pdfminer(caplog):
    # pdfminer warns about the malformed entries many mutants have.
    caplog.set_level(logging.ERROR, logger="pdfminer")


def test_mutants_read_as_pdfminer_reads_them_or_are_left_to_it():
    outcomes = _run(range(300))
    # Mutants of both kinds, or the mutations reach nothing read_map reads.
    assert outcomes.get("read", 0) >= 60, outcomes
    assert outcomes.get("left to pdfminer", 0) >= 30, outcomes
    assert outcomes.get("too large", 0) <= 3, outcomes


@pytest.mark.slow
def test_many_more_mutants():
    outcomes = _run(range(300, 5300))
    assert outcomes.get("read", 0) >= 1000, outcomes
    assert outcomes.get("left to pdfminer", 0) >= 500, outcomes
    assert outcomes.get("pdfminer raises", 0) > 0, outcomes
    assert outcomes.get("too large", 0) <= 50, outcomes


#: Mutants read_map once read otherwise than pdfminer, cut down to what it
#: takes; each is checked alone and inside a map's usual head and tail.
_REGRESSIONS = [
    # pdfminer raises where its stack has too little: "def" takes two
    # objects, a dictionary's ">>" an even number of them.
    b"def",
    b"<<y>>",
    # NUL ends a hex string (the digits after it are a number) and is part
    # of a keyword: pdfminer has no entry and no endbfchar here.
    b"beginbfchar<0\x00001><0030>endbfchar",
    b"beginbfchar<0001><0042>endbfchar\x00",
    # The vertical tab is white space to pdfminer: this endbfchar ends a
    # block, and the entries before it are read.
    b"<><>endbfchar\x0b",
    # pdfminer reads a word that does not start with a letter as several
    # tokens (a number, a one-byte keyword, then the rest) and ends a
    # keyword at "#": these end a block or the map.
    b"<><>*endbfchar",
    b"<00F><041>'endbfrange",  # and pdfminer fails on the keyword ' as a value
    b"1endcmap beginbfchar <0001> <0041> endbfchar",
    b"endcmap# beginbfchar <0001> <0041> endbfchar",
]


@pytest.mark.parametrize("data", _REGRESSIONS)
def test_regressions(data):
    _outcome(data)
    _outcome(_HEAD + data + _TAIL)
