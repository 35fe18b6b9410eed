"""``contract.canonical_json`` writes what ``json.dumps(…, ensure_ascii=False,
sort_keys=True, indent=…)`` writes, to the byte, for random plain data and
its corner cases, and leaves what is not plain data to ``json.dumps`` (its
output and its errors); ``to_plain`` gives the same plain data as reading
every dataclass's fields each time."""

from __future__ import annotations

import dataclasses
import json
import random
from collections import OrderedDict

import pytest
from conftest import SAMPLE

from extractor import contract
from extractor.contract import canonical_json, to_plain


def _dumps(data, indent=2) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=indent) + "\n"


_TEXTS = ["", "a", "部门", "引号\"与\\反斜杠", "line\nbreak\ttab", "\x00\x1f\x7f", "\ud800", "🙂", "€ ＜≥ ½"]
_NUMBERS = [0, -0.0, 1, -1, 2 ** 70, 0.1, 1e-7, 1e22, 123456.789, float("nan"), float("inf"), float("-inf"), 5e-324]


def _random(rng: random.Random, depth: int = 0):
    roll = rng.random()
    if depth > 4 or roll < 0.45:
        return rng.choice([*_TEXTS, *_NUMBERS, True, False, None, rng.uniform(-1e6, 1e6), rng.randint(-10 ** 9, 10 ** 9)])
    if roll < 0.7:
        return [_random(rng, depth + 1) for _ in range(rng.randint(0, 5))]
    if roll < 0.75:
        return tuple(_random(rng, depth + 1) for _ in range(rng.randint(0, 3)))
    return {rng.choice(_TEXTS) + str(rng.randint(0, 20)): _random(rng, depth + 1) for _ in range(rng.randint(0, 6))}


@pytest.mark.parametrize("seed", range(40))
def test_random_plain_data_is_written_as_json_dumps_writes_it(seed):
    rng = random.Random(seed)
    for _ in range(25):
        data = _random(rng)
        for indent in (2, 0, 4):
            assert canonical_json(data, indent=indent) == _dumps(data, indent)
    assert canonical_json(data, indent=None) == _dumps(data, None)


def test_scalars_and_empty_containers_alone():
    for data in [*_TEXTS, *_NUMBERS, True, False, None, [], {}, (), [[]], {"a": {}}, [{}, []]]:
        assert canonical_json(data) == _dumps(data)


def test_what_is_not_plain_data_is_left_to_json_dumps():
    class Text(str):
        pass

    class Items(list):
        pass

    for data in [{1: "a", "b": 2}, {None: 1}, {"a": Text("b")}, Items([1, 2]), OrderedDict(b=1, a=2), {"k": 1.5 + 0j}]:
        try:
            want = _dumps(data)
        except TypeError as exc:
            with pytest.raises(TypeError, match=str(exc)[:20]):
                canonical_json(data)
        else:
            assert canonical_json(data) == want


def test_a_container_that_holds_itself_raises_as_json_dumps_does():
    loop: list = [1]
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular"):
        canonical_json(loop)
    shared = [1, 2]
    assert canonical_json([shared, {"x": shared}]) == _dumps([shared, {"x": shared}])  # shared, not circular


def _plain_by_fields(obj):
    """``to_plain`` as it reads every dataclass's fields each time."""
    if dataclasses.is_dataclass(obj):
        return {f.name: _plain_by_fields(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [_plain_by_fields(v) for v in obj]
    if isinstance(obj, dict):
        return {k: _plain_by_fields(v) for k, v in obj.items()}
    if isinstance(obj, float):
        r = round(obj, contract.FLOAT_DIGITS)
        return int(r) if r.is_integer() else r
    return obj


def test_to_plain_gives_what_reading_the_fields_each_time_gives(sample_doc):
    plain = to_plain(sample_doc)
    assert plain == _plain_by_fields(sample_doc)
    assert json.dumps(plain, sort_keys=True) == json.dumps(_plain_by_fields(sample_doc), sort_keys=True)
    assert sample_doc.to_json() == _dumps(_plain_by_fields(sample_doc))
    assert SAMPLE.exists()
