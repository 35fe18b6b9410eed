"""A file's objects read the short way (``extractor.quick_objects``) are
pdfminer's objects: on every object of the fixtures and real documents,
and on random mutants of them, ``read_object`` gives what pdfminer's
``_getobj_parse`` gives, or gives way (pdfminer then reads the object, and
raises where it raised).

Each mutant is made from a seed of its own: a failure names the seed, and
``_mutant(seed)`` makes it again.
"""

from __future__ import annotations

import functools
import io
import random
import re

import pytest

from conftest import sample_and_shared_pdfs
from extractor.quick_objects import _NOT_QUICK, install, read_object, read_sequence


def _same(a, b) -> bool:
    """Equal as pdfminer's objects are: references by number and document,
    names by identity (they are interned), floats to the bit."""
    from pdfminer.pdftypes import PDFObjRef, PDFStream
    from pdfminer.psparser import PSLiteral

    if type(a) is not type(b):
        return False
    if isinstance(a, PDFObjRef):
        return a.objid == b.objid and a.doc is b.doc
    if isinstance(a, PSLiteral):
        return a is b
    if isinstance(a, PDFStream):
        return _same(a.attrs, b.attrs) and a.rawdata == b.rawdata
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, float):
        return repr(a) == repr(b)
    return a == b


def _documents(path):
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser

    return PDFDocument(PDFParser(path.open("rb")))


@pytest.mark.parametrize("path", sample_and_shared_pdfs(), ids=lambda p: p.name)
def test_every_object_of_a_document_is_pdfminers(path):
    _compare_objects(path)


@pytest.mark.parametrize("path", sample_and_shared_pdfs()[:3] + sample_and_shared_pdfs()[-3:], ids=lambda p: p.name)
def test_objects_read_a_few_bytes_at_a_time_are_pdfminers(path, monkeypatch):
    """Objects cut short by the bytes first read (numbers, names and
    keywords cut in two) are read again with more bytes, or by pdfminer."""
    from extractor import quick_objects

    monkeypatch.setattr(quick_objects, "_FIRST_READ", 37)
    monkeypatch.setattr(quick_objects, "_NEAR_END", 16)
    _compare_objects(path)


def _compare_objects(path):
    plain, quick = _documents(path), _documents(path)
    left: list[int] = []  # objects left to pdfminer
    pdfminers = quick._getobj_parse
    quick._getobj_parse = lambda pos, objid: left.append(objid) or pdfminers(pos, objid)
    assert install(quick)
    direct = 0
    try:
        for xref in plain.xrefs:
            for objid in xref.get_objids():
                direct += xref.get_pos(objid)[0] is None
                try:
                    expected = plain.getobj(objid)
                except Exception as exc:
                    with pytest.raises(type(exc)):
                        quick.getobj(objid)
                    continue
                got = quick.getobj(objid)
                assert _same(_unref(expected, plain, quick), got), objid
    finally:
        plain._parser.fp.close()
        quick._parser.fp.close()
    assert len(left) < direct, "no object was read the short way"


def _unref(obj, plain, quick):
    """``obj`` of document ``plain`` with its references made to ``quick``."""
    from pdfminer.pdftypes import PDFObjRef, PDFStream

    if isinstance(obj, PDFObjRef):
        return PDFObjRef(quick, obj.objid)
    if isinstance(obj, list):
        return [_unref(o, plain, quick) for o in obj]
    if isinstance(obj, dict):
        return {k: _unref(v, plain, quick) for k, v in obj.items()}
    if isinstance(obj, PDFStream):
        stream = PDFStream(_unref(obj.attrs, plain, quick), obj.rawdata, obj.decipher)
        stream.set_objid(obj.objid, obj.genno)
        return stream
    return obj


def test_most_objects_are_read_the_short_way():
    """The short way is taken, not only correct when it gives way."""
    quick = total = 0
    for path in sample_and_shared_pdfs():
        doc = _documents(path)
        data = path.read_bytes()
        try:
            for xref in doc.xrefs:
                for objid in xref.get_objids():
                    strmid, pos, _ = xref.get_pos(objid)
                    if strmid is not None:
                        continue
                    try:
                        doc.getobj(objid)
                    except Exception:
                        continue
                    total += 1
                    quick += read_object(data, pos, objid, doc) is not _NOT_QUICK
        finally:
            doc._parser.fp.close()
    assert total and quick >= 0.9 * total, (quick, total)


def test_a_closed_document_reads_nothing_the_short_way(tmp_path):
    """Once its file is closed, a document's descriptor may be another
    file's: the short way is not taken (pdfminer raises, as before)."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser

    from conftest import SAMPLE

    fp = SAMPLE.open("rb")
    doc = PDFDocument(PDFParser(fp))
    assert install(doc)
    objid = next(i for x in doc.xrefs for i in x.get_objids() if x.get_pos(i)[0] is None and i not in doc._cached_objs)
    fp.close()
    with SAMPLE.open("rb"), pytest.raises(ValueError):  # (which may take the freed descriptor)
        doc.getobj(objid)


def test_a_document_without_a_file_is_left_to_pdfminer():
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser

    from conftest import SAMPLE

    doc = PDFDocument(PDFParser(io.BytesIO(SAMPLE.read_bytes())))
    assert not install(doc) and "_getobj_parse" not in vars(doc)


# -- mutants -------------------------------------------------------------------------------


class _Doc:
    """What pdfminer's ``_getobj_parse`` needs of a document."""

    from pdfminer.psparser import KWD

    KEYWORD_OBJ = KWD(b"obj")
    decipher = None

    def __init__(self, data: bytes) -> None:
        from pdfminer.pdfparser import PDFParser

        self._parser = PDFParser(io.BytesIO(data))
        self._parser.set_document(self)

    def getobj(self, objid):  # a stream's /Length by reference: not in this file
        raise KeyError(objid)


def _pdfminer(data: bytes, objid: int):
    """(document, pdfminer's object) or (None, the exception it raised)."""
    from pdfminer.pdfdocument import PDFDocument

    doc = _Doc(data)
    try:
        return doc, PDFDocument._getobj_parse(doc, 0, objid)
    except Exception as exc:
        return None, exc


@functools.lru_cache(maxsize=1)
def _bodies() -> tuple[bytes, ...]:
    """Objects' text (after ``obj``, before ``endobj``) from the sample and
    the real documents, and a few of the forms the short way leaves alone."""
    found: set[bytes] = set()
    for path in sample_and_shared_pdfs()[:12]:
        data = path.read_bytes()
        for m in re.finditer(rb"\d+\s+\d+\s+obj(.{1,1500}?)endobj", data, re.S):
            found.add(m[1])  # (streams among them, short ones whole)
    found.update((
        b"<</A (x\\)y) /B <4E2D> /C <4> /D [1 2 3] /E null>>", b"[1 0 R 2 0 R /N#20ame]",
        b"<</W [1 [500 600.5 -.5 +3] 5 10 1000]>>", b"  42  ", b"(plain)", b"<</Length 3>>stream\nabc\nendstream\n",
        b"<</Length 3>>stream\r\nabc endstream ", b"<</Length 5>>stream\rabc\nendstream ", b"<</Length 2>> stream abc endstream ",
        b"<</Length 9 0 R>>stream\nabc\nendstream\n", b"<</Length -1>>stream\nabc\nendstream\n",
        b"<</Length 3.0>>stream\nabc\nendstream\n", b"<</Length 3>>stream\nabc\nxyz endstream\n",
    ))
    return tuple(sorted(found))


_SNIPPETS = (
    b" ", b"\n", b"\r", b"\x00", b"\x0b", b"\x0c", b"%c\n", b"#", b"#20", b"/", b"/a#41", b"/\xc3\xa9", b"/\xff",
    b"(", b")", b"(a(b)c)", b"(a\\nb)", b"()", b"<", b">", b"<>", b"<4>", b"<4 1>", b"<<", b">>", b"[", b"]",
    b"{", b"}", b"R", b"0 0 R", b"1 0 R", b"-1 0 R", b"1.0 0 R", b"null", b"true", b"false", b"obj", b"endobj",
    b"stream", b"1.2.3", b"--1", b"+.5", b"-.", b".", b"-", b"+", b"5.", b"007", b"99999999999999999999",
    b"1e5", b"abc", b"R1", b"/Type", b"/Font", b"9" * 4301, b"stream\n", b"stream\r", b"endstream", b"/Length 4",
    b"/Length 0", b"/Length 999",
)


def _mutant(seed: int) -> tuple[bytes, int]:
    """A mutated object (its text and its number), from ``seed`` alone."""
    rng = random.Random(seed)
    bodies = _bodies()
    body = bodies[rng.randrange(len(bodies))]
    tokens = re.findall(rb"\s+|/[^\s/\[\]()<>{}%]*|<<|>>|[\[\]()<>{}]|[^\s/\[\]()<>{}%]+|%", body)
    for _ in range(rng.choice((1, 1, 2, 3))):
        how = rng.randrange(6)
        i = rng.randrange(len(tokens) + 1)
        if how == 0 and tokens:
            del tokens[min(i, len(tokens) - 1)]
        elif how == 1 and tokens:
            j = min(i, len(tokens) - 1)
            tokens.insert(j, tokens[j])
        elif how == 2 and len(tokens) > 1:
            j, k = rng.randrange(len(tokens)), rng.randrange(len(tokens))
            tokens[j], tokens[k] = tokens[k], tokens[j]
        elif how == 3:
            tokens = [t for t in tokens if not t.isspace() or rng.random() < 0.7]  # glue tokens together
        else:
            tokens.insert(i, _SNIPPETS[rng.randrange(len(_SNIPPETS))])
    objid = rng.choice((1, 7, 12345))
    head = rng.choice((b"%d 0 obj" % objid, b"%d 0 obj\n" % objid, b"  %d 0 obj " % objid, b"%d 0obj" % objid,
                       b"%d 0 obj" % (objid + 1), b"%d 0.0 obj" % objid))
    tail = rng.choice((b"endobj", b"\nendobj\n", b" endobj", b"", b"end", b" endobj 5 0 obj <<>> endobj"))
    return head + b"".join(tokens) + tail + rng.choice((b"\n", b"\n%%EOF\n", b"")), objid


def _check(seed: int) -> bool:
    data, objid = _mutant(seed)
    return _compare(data, objid, f"seed {seed}")


def _compare(data: bytes, objid: int, what: str) -> bool:
    """Whether the short way read ``data`` (as pdfminer does: asserted)."""
    doc, expected = _pdfminer(data, objid)
    try:
        got = read_object(data, 0, objid, doc if doc is not None else _Doc(data))
    except Exception as exc:  # only what pdfminer raises at the same point
        assert doc is None and type(exc) is type(expected), f"{what}: {data!r}: {exc!r}, pdfminer {expected!r}"
        return False
    if got is _NOT_QUICK:
        return False
    assert doc is not None, f"{what}: pdfminer raises {expected!r} on {data!r}, the short way reads {got!r}"
    assert _same(expected, got), f"{what}: {data!r}: pdfminer {expected!r}, the short way {got!r}"
    return True


@pytest.mark.parametrize("data", [
    b"1 0 obj <</Length 3>>stream\nabcx y z endstream endobj ",  # endstream's line cut off by the end of the file
    b"1 0 obj <</Length 3>>stream\nabc(x endstream endobj ",
    b"1 0 obj <</Length 3>>stream\nabc endstream endobj\r",
    b"1 0 obj <</Length 3>>stream\nabc endstream endobj\n",
    b"1 0 obj <</Length 3>>stream\r\nabc\r\nendstream\r\nendobj\r\n",
    b"1 0 obj <</Length 5 0 R>>stream\nabc\nendstream\nendobj\n",  # (the length is not in this file)
])
def test_streams_read_as_pdfminer_reads_them(data):
    _compare(data, 1, "stream")


def test_a_length_that_refers_to_itself_fails_as_in_pdfminer(tmp_path):
    """pdfminer raises at once on a /Length that is its own object (or a
    loop of them); the short way raises the same, and does not resolve
    the loop again at each level of it."""
    import time

    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser

    objects = [b"<</Type /Catalog>>", b"<</Length 3 0 R>> stream\nabc\nendstream", b"<</Length 2 0 R>>stream\nabc\nendstream"]
    body, offsets = b"%PDF-1.4\n", []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(body))
        body += b"%d 0 obj %s endobj\n" % (number, obj)
    xref = b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    xref += b"".join(b"%010d 00000 n \n" % at for at in offsets)
    path = tmp_path / "loop.pdf"
    path.write_bytes(body + xref + b"trailer <</Size 4 /Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % len(body))
    raised = []
    for quick in (False, True):
        with path.open("rb") as fp:
            doc = PDFDocument(PDFParser(fp))
            if quick:
                assert install(doc)
            start = time.perf_counter()
            with pytest.raises(Exception) as caught:
                doc.getobj(2)
            raised.append((type(caught.value), time.perf_counter() - start))
    assert raised[0][0] is raised[1][0] is RecursionError
    assert raised[1][1] < 5.0  # (a loop resolved again at each level: hours)


def _pdfminer_sequence(data: bytes):
    """(document, what pdfminer's ``_get_objects`` lists for an object
    stream's data) or (None, the exception it raised)."""
    from pdfminer.pdfparser import PDFStreamParser
    from pdfminer.psparser import PSEOF

    doc = _Doc(data)
    parser = PDFStreamParser(data)
    parser.set_document(doc)
    objs = []
    try:
        while True:
            objs.append(parser.nextobject()[1])
    except PSEOF:
        return doc, objs
    except Exception as exc:
        return None, exc


def _check_sequence(seed: int) -> bool:
    """An object stream of a few mutants' bodies (their headers are the
    stream's numbers, as an object stream lists them)."""
    rng = random.Random(seed)
    bodies = [re.sub(rb"^\s*\d+\s+\S+\s*obj|endobj.*$", b"", _mutant(rng.randrange(10 ** 9))[0], flags=re.S)
              for _ in range(rng.randint(1, 4))]
    header = b" ".join(b"%d %d" % (10 + i, sum(map(len, bodies[:i]))) for i in range(len(bodies)))
    data = header + rng.choice((b" ", b"\n", b"")) + rng.choice((b" ", b"\n")).join(bodies)
    doc, expected = _pdfminer_sequence(data)
    got = read_sequence(data, doc if doc is not None else _Doc(data))
    if got is _NOT_QUICK:
        return False
    assert doc is not None, f"seed {seed}: pdfminer raises {expected!r} on {data!r}, the short way reads {got!r}"
    assert _same(expected, got), f"seed {seed}: {data!r}: pdfminer {expected!r}, the short way {got!r}"
    return True


#: (check, mutants in the suite, of them read the short way at least, mutants of the slow run)
_FUZZ = [("objects", 3000, 200, 40000), ("object streams", 2000, 50, 20000)]
_CHECKS = {"objects": _check, "object streams": _check_sequence}


@pytest.mark.parametrize("what, count, least, _", _FUZZ)
def test_mutants_read_as_pdfminer_reads_them_or_give_way(what, count, least, _):
    quick = sum(_CHECKS[what](seed) for seed in range(count))
    assert least < quick < count  # both ways are taken


@pytest.mark.slow
@pytest.mark.parametrize("what, count, _, more", _FUZZ)
def test_many_more_mutants(what, count, _, more):
    for seed in range(count, more):
        _CHECKS[what](seed)
