"""jieba's dictionary held compactly (``extractor.cjk_words``) segments as
jieba does: the same words as ``jieba.cut(text, HMM=False)`` for every
string of every golden file and every window across a break between two
CJK characters in them; and its cache is rebuilt when it is damaged."""

from __future__ import annotations

import json
import random

import pytest

from conftest import GOLDEN
from extractor import cjk_words
from extractor.rejoin import is_cjk


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


@pytest.fixture(scope="module")
def texts() -> list[str]:
    found = set()
    for path in sorted(GOLDEN.rglob("*.json")):
        found.update(s for s in _strings(json.loads(path.read_text(encoding="utf-8"))) if s.strip())
    assert len(found) > 3000
    return sorted(found)


@pytest.fixture(scope="module")
def jieba():
    import jieba as module

    module.setLogLevel(60)
    module.initialize()
    return module


def test_same_words_as_jieba_on_the_golden_text(texts, jieba):
    words = cjk_words.words()
    differ = [t for t in texts if list(words.cut(t)) != list(jieba.cut(t, HMM=False))]
    assert not differ, differ[:5]


def test_same_words_across_every_break(texts, jieba):
    words = cjk_words.words()
    windows = {(t[max(0, i - 4):i], t[i:i + 4]) for t in texts for i in range(1, len(t))
               if is_cjk(t[i - 1]) and is_cjk(t[i])}
    sample = random.Random(5).sample(sorted(windows), min(20000, len(windows)))
    assert len(sample) > 5000
    for left, right in sample:
        assert list(words.cut(left + right)) == list(jieba.cut(left + right, HMM=False)), (left, right)


def test_mixed_text_spaces_and_latin_runs(jieba):
    words = cjk_words.words()
    for text in ("AT&T 与 B超检查3次，c#语言\r\n第2季度 ABC123 合计", "   ", "", "x", "2023年12月31日前完成"):
        assert list(words.cut(text)) == list(jieba.cut(text, HMM=False)), text


def test_a_damaged_cache_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    cjk_words.words.cache_clear()
    try:
        first = cjk_words.words()
        (cached,) = (tmp_path / "extractor").glob("jieba-words-*.bin")
        cached.write_bytes(cached.read_bytes()[:1000])
        cjk_words.words.cache_clear()
        again = cjk_words.words()
        assert len(again) == len(first) and again.total == first.total
        assert list(again.cut("发放工会经费精确性")) == list(first.cut("发放工会经费精确性"))
        assert cached.stat().st_size > 1000  # written again
    finally:
        cjk_words.words.cache_clear()
