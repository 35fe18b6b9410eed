"""Mutants of a real PDF for fuzzing: the damage real archives hold
(truncation, a renumbered object header, bytes overwritten, a block cut
out or repeated, a broken cross-reference table), drawn from a seeded
``random.Random`` so that every run makes the same files."""

from __future__ import annotations

import random
import re

_HEADER = re.compile(rb"(?m)^(\d+) 0 obj")


def truncated(data: bytes, rng: random.Random) -> bytes:
    return data[:rng.randrange(1, len(data))]


def renumbered_header(data: bytes, rng: random.Random) -> bytes:
    heads = list(_HEADER.finditer(data))
    if not heads:
        return flipped_bytes(data, rng)
    head = rng.choice(heads)
    width = len(head.group(1))
    used = {int(m.group(1)) for m in heads}
    free = [n for n in range(10 ** (width - 1) if width > 1 else 0, 10 ** width) if n not in used]
    if not free:
        return flipped_bytes(data, rng)
    return data[:head.start(1)] + str(rng.choice(free)).encode() + data[head.end(1):]


def flipped_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice([1, 4, 16, 64])):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def cut_block(data: bytes, rng: random.Random) -> bytes:
    start = rng.randrange(len(data))
    return data[:start] + data[start + rng.randrange(1, 4096):]


def repeated_block(data: bytes, rng: random.Random) -> bytes:
    start = rng.randrange(len(data))
    block = data[start:start + rng.randrange(1, 4096)]
    return data[:start] + block + data[start:]


def broken_xref(data: bytes, rng: random.Random) -> bytes:
    at = data.rfind(b"xref")
    if at < 0:
        return flipped_bytes(data, rng)
    out = bytearray(data)
    for _ in range(rng.choice([1, 8, 64])):
        i = rng.randrange(at, len(out))
        if chr(out[i]).isdigit():
            out[i] = ord(str(rng.randrange(10)))
    return bytes(out)


MUTATIONS = (truncated, renumbered_header, flipped_bytes, cut_block, repeated_block, broken_xref)


def mutants(data: bytes, seed: int, count: int):
    """``count`` (name, bytes) mutants of ``data``, the same for a seed."""
    rng = random.Random(seed)
    for n in range(count):
        mutation = MUTATIONS[n % len(MUTATIONS)]
        yield f"{n:04d}-{mutation.__name__}", mutation(data, rng)
