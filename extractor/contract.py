"""The contract in JSON: plain data, the JSON Schema, and loading saved files.

The model (``document.py``) is the one source: ``to_plain`` turns it into
the dict written as JSON, ``json_schema`` derives the schema shipped in
``extractor/schema``, and ``document_from_dict`` reads a dict back.

Saved outputs of schema 1.0 still load: ``migrate`` lifts a 1.0 dict into
2.0 (the fields 2.0 added are "not in the document", a 1.0 blank level or
code becomes None), and ``load_document`` validates every file against the
schema of its version, raising ``InvalidDocument`` naming the field.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import types
import typing
from pathlib import Path
from typing import Any, Literal, Union

from .document import SCHEMA_VERSION, Document
from .errors import InvalidDocument

FLOAT_DIGITS = 6
#: Schema versions this package reads; the last is the one it writes.
KNOWN_VERSIONS = ("1.0", SCHEMA_VERSION)


# -- plain data ------------------------------------------------------------------

def to_plain(obj: Any) -> Any:
    kind = type(obj)
    if kind is str or kind is int or kind is bool or obj is None:
        return obj
    names = _FIELD_NAMES.get(kind)
    if names is None and dataclasses.is_dataclass(obj):
        if isinstance(obj, type):  # a dataclass itself, not one of its objects
            return {f.name: to_plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        # a model class's field names, read once: a document has tens of
        # thousands of model objects
        names = _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(obj))
    if names is not None:
        return {name: to_plain(getattr(obj, name)) for name in names}
    if isinstance(obj, (list, tuple)):
        return [to_plain(v) for v in obj]
    if isinstance(obj, dict):
        return {k: to_plain(v) for k, v in obj.items()}
    if isinstance(obj, float):
        # Integral amounts print as integers so that 16.00 and 16 compare equal.
        r = round(obj, FLOAT_DIGITS)
        return int(r) if r.is_integer() else r
    return obj


#: A dataclass's field names, by class (``to_plain``).
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def canonical_json(data: Any, *, indent: int | None = 2) -> str:
    """Byte-stable JSON for golden files and outputs: ``json.dumps`` with
    sorted keys, non-ASCII text as it is and ``indent``, to the byte."""
    if isinstance(indent, int) and not isinstance(indent, bool) and indent >= 0:
        try:
            return _indented(data, " " * indent) + "\n"
        except _NotPlain:
            pass
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=indent) + "\n"


class _NotPlain(Exception):
    """What ``_indented`` leaves to ``json.dumps`` (and its errors)."""


def _indented(data: Any, step: str) -> str:
    """``json.dumps(data, ensure_ascii=False, sort_keys=True, indent=len(step))``
    written out for plain data (``to_plain``'s: dicts with string keys,
    lists, strings, numbers, booleans, None): the standard library writes
    indented JSON in Python, a generator per container, which took as long
    as converting a long document's last stages.  Raises ``_NotPlain`` for
    anything else (another key type, a container that holds itself)."""
    from json.encoder import encode_basestring  # the C function where there is one

    inf = float("inf")

    def number(o: float) -> str:
        return "NaN" if o != o else "Infinity" if o == inf else "-Infinity" if o == -inf else float.__repr__(o)

    # How each scalar is written, by its exact type (a subclass is left to json.dumps).
    scalar: dict[type, Any] = {str: encode_basestring, int: int.__repr__, float: number,
                               bool: lambda o: "true" if o else "false", type(None): lambda o: "null"}
    parts: list[str] = []
    add = parts.append
    active: set[int] = set()  # containers being written: json.dumps refuses a cycle

    def container(o: Any, indent: str) -> None:
        kind = type(o)
        if kind is not dict and kind is not list and kind is not tuple:
            raise _NotPlain(kind.__name__)
        if not o:
            add("{}" if kind is dict else "[]")
            return
        if id(o) in active:
            raise _NotPlain("a container that holds itself")
        active.add(id(o))
        inner = indent + step
        between = ",\n" + inner
        if kind is dict:
            if not all(type(key) is str for key in o):
                raise _NotPlain("a key that is not a string")
            lead = "{\n" + inner
            for key, item in sorted(o.items()):
                write = scalar.get(type(item))
                if write is not None:
                    add(lead + encode_basestring(key) + ": " + write(item))
                else:
                    add(lead + encode_basestring(key) + ": ")
                    container(item, inner)
                lead = between
            add("\n" + indent + "}")
        else:
            lead = "[\n" + inner
            for item in o:
                write = scalar.get(type(item))
                if write is not None:
                    add(lead + write(item))
                else:
                    add(lead)
                    container(item, inner)
                lead = between
            add("\n" + indent + "]")
        active.discard(id(o))

    write = scalar.get(type(data))
    if write is not None:
        return write(data)
    container(data, "")
    return "".join(parts)


def from_plain(tp: Any, data: Any) -> Any:
    origin = typing.get_origin(tp)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        kwargs = {f.name: from_plain(hints[f.name], data[f.name]) for f in dataclasses.fields(tp) if f.name in data}
        return tp(**kwargs)
    if origin in (Union, types.UnionType):
        if data is None:
            return None
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return from_plain(args[0], data)
    if origin is list:
        (arg,) = typing.get_args(tp)
        return [from_plain(arg, v) for v in data]
    if origin is dict:
        _, arg = typing.get_args(tp)
        return {k: from_plain(arg, v) for k, v in data.items()}
    if tp is float and isinstance(data, int) and not isinstance(data, bool):
        return float(data)
    return data


def document_from_dict(data: dict[str, Any]) -> Document:
    """A ``Document`` from its plain dict (of schema 1.0 or 2.0), unvalidated."""
    return from_plain(Document, migrate(data))


# -- JSON Schema -------------------------------------------------------------------

_SCALARS = {str: {"type": "string"}, int: {"type": "integer"}, float: {"type": "number"}, bool: {"type": "boolean"}}


def _schema_for(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}  # placeholder against recursion
            hints = typing.get_type_hints(tp)
            props = {f.name: _schema_for(hints[f.name], defs) for f in dataclasses.fields(tp)}
            doc = (tp.__doc__ or "").strip().splitlines()
            defs[name] = {
                "type": "object",
                "properties": props,
                "required": [f.name for f in dataclasses.fields(tp)],
                "additionalProperties": False,
                **({"description": doc[0]} if doc and not doc[0].startswith(name + "(") else {}),
            }
        return {"$ref": f"#/$defs/{name}"}
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        inner = _schema_for(args[0], defs)
        return {"anyOf": [inner, {"type": "null"}]}
    if origin is Literal:
        return {"enum": list(typing.get_args(tp))}
    if origin is list:
        (arg,) = typing.get_args(tp)
        return {"type": "array", "items": _schema_for(arg, defs)}
    if origin is dict:
        _, val = typing.get_args(tp)
        return {"type": "object", "additionalProperties": _schema_for(val, defs)}
    return _SCALARS[tp]


def json_schema() -> dict[str, Any]:
    """The JSON Schema of ``Document.to_dict()``, derived from the model."""
    defs: dict[str, Any] = {}
    _schema_for(Document, defs)
    document = defs.pop("Document")
    document["properties"]["schema_version"] = {"const": SCHEMA_VERSION}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"extractor/document-{SCHEMA_VERSION}.schema.json",
        "title": "Budget performance-target document",
        **document,
        "$defs": dict(sorted(defs.items())),
    }


def schema_text() -> str:
    """The shipped schema file's exact content, as derived from the model."""
    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"


def schema_path(version: str = SCHEMA_VERSION):
    from importlib import resources

    return resources.files("extractor") / "schema" / f"document-{version}.schema.json"


def load_schema(version: str = SCHEMA_VERSION) -> dict[str, Any]:
    return json.loads(schema_path(version).read_text(encoding="utf-8"))


# -- validation and migration ----------------------------------------------------

def field_path(parts: typing.Iterable[Any]) -> str:
    """["projects", 0, "indicators", 3, "target"] -> "projects[0].indicators[3].target"."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_VALIDATORS: dict[str, Any] = {}


def _validator(version: str):
    if version not in _VALIDATORS:
        import jsonschema

        _VALIDATORS[version] = jsonschema.Draft202012Validator(load_schema(version))
    return _VALIDATORS[version]


def validate(data: Any, *, version: str = SCHEMA_VERSION, path: str = "<dict>") -> None:
    """Raise ``InvalidDocument`` naming the first field (in document order)
    where ``data`` does not fit the schema of ``version``."""
    errors = list(_validator(version).iter_errors(data))
    if not errors:
        return
    first = min(errors, key=lambda e: [str(p) for p in e.absolute_path])
    # The deepest cause of an anyOf names the field better than the union.
    while first.context:
        first = max(first.context, key=lambda e: len(e.absolute_path))
    raise InvalidDocument(path, field_path(first.absolute_path), first.message)


def schema_version_of(data: Any, path: str = "<dict>") -> str:
    if not isinstance(data, dict):
        raise InvalidDocument(path, "", f"a JSON object was expected, not {type(data).__name__}")
    version = data.get("schema_version")
    if version not in KNOWN_VERSIONS:
        raise InvalidDocument(path, "schema_version", f"{version!r} is not one of {', '.join(KNOWN_VERSIONS)}")
    return version


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """A plain document of any known schema version as a 2.0 one (a new
    dict; a 2.0 one unchanged)."""
    if data.get("schema_version") == SCHEMA_VERSION:
        return data
    return migrate_1_0(data)


def _blank_to_none(value: Any) -> Any:
    return None if value == "" else value


def _target_1_0(t: dict[str, Any] | None) -> dict[str, Any] | None:
    if t is None:
        return None
    # date and relative arrived during 1.0's life: files before them lack them.
    return {"date": None, "relative": None, "cmp_raw": None, **t}


def _indicator_1_0(i: dict[str, Any]) -> dict[str, Any]:
    return {
        **i,
        "level1": _blank_to_none(i["level1"]), "level2": _blank_to_none(i["level2"]),
        "target": _target_1_0(i["target"]),
        "weight": None, "direction": None, "core": None, "explanation": None, "scoring": None,
        "remark": None, "periods": [], "actual": None, "score": None, "deviation": None,
    }


def _project_1_0(p: dict[str, Any]) -> dict[str, Any]:
    return {
        **p,
        "title": _blank_to_none(p["title"]), "code": _blank_to_none(p["code"]), "name": _blank_to_none(p["name"]),
        "budget": {**p["budget"], "sources": {}, "execution": None},
        "indicators": [_indicator_1_0(i) for i in p["indicators"]],
        "form": "targets", "stage": None, "department": None, "implementer": None,
        "category": None, "period": None, "outcome": None,
    }


def migrate_1_0(data: dict[str, Any]) -> dict[str, Any]:
    """Schema 1.0 -> 2.0.  What 2.0 added is "not in the document" (None,
    empty); a 1.0 empty string for a missing level, code, name or title is
    None; every 1.0 field keeps its value."""
    d = copy.deepcopy(data)
    overall = d.get("overall")
    if overall is not None:
        overall = {**overall, "forms": []}
        overall["targets"] = [{**t, "satisfaction": _target_1_0(t.get("satisfaction"))} for t in overall["targets"]]
    return {
        **d,
        "schema_version": SCHEMA_VERSION,
        "overall": overall,
        "projects": [_project_1_0(p) for p in d["projects"]],
    }


def load_document(path: "str | Path") -> Document:
    """Read and validate a saved output (``extractor.load``)."""
    name = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise InvalidDocument(name, "", f"not UTF-8 text ({exc.reason})") from None
    except json.JSONDecodeError as exc:
        raise InvalidDocument(name, "", f"not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
    version = schema_version_of(data, name)
    validate(data, version=version, path=name)
    migrated = migrate(data)
    if version != SCHEMA_VERSION:
        validate(migrated, path=name)
    return from_plain(Document, migrated)
