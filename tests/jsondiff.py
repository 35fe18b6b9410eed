"""Field-level differences between two JSON values, for readable failures."""

from __future__ import annotations

from typing import Any, Iterator


def diff(expected: Any, got: Any, path: str = "$") -> Iterator[tuple[str, Any, Any]]:
    if isinstance(expected, dict) and isinstance(got, dict):
        for key in sorted(set(expected) | set(got)):
            yield from diff(expected.get(key, "<missing>"), got.get(key, "<missing>"), f"{path}.{key}")
    elif isinstance(expected, list) and isinstance(got, list):
        for i in range(max(len(expected), len(got))):
            e = expected[i] if i < len(expected) else "<missing>"
            g = got[i] if i < len(got) else "<missing>"
            yield from diff(e, g, f"{path}[{i}]")
    elif expected != got:
        yield path, expected, got


def report(expected: Any, got: Any, limit: int = 40) -> str:
    rows = list(diff(expected, got))
    lines = [f"{len(rows)} differing fields (path: expected -> got):"]
    for path, e, g in rows[:limit]:
        lines.append(f"  {path}: {e!r} -> {g!r}")
    if len(rows) > limit:
        lines.append(f"  ... {len(rows) - limit} more")
    return "\n".join(lines)
