"""A readable rendering of a document for human review of golden files.

The rendering is Markdown: one table per project, in the order of the
printed form, so a reviewer can hold it beside the rendered pages.
"""

from __future__ import annotations

from .document import Document, Target


def _target(t: Target) -> str:
    if t.kind == "qualitative":
        return f"qualitative{' date ' + t.date if t.date else ''}"
    upper = f"..{t.upper:g}" if t.upper is not None else ""
    value = f"{t.value:g}" if t.value is not None else "?"
    note = f" note: {t.note}" if t.note else ""
    date = f" date {t.date}" if t.date else ""
    change = f" change ({t.relative})" if t.relative else ""
    return f"{t.cmp or ''} {value}{upper} {t.unit or ''} ({t.unit_raw or '-'}){change}{date}{note}".strip()


def _cell(text: object) -> str:
    return str("" if text is None else text).replace("|", "\\|").replace("\n", " ")


def render_markdown(doc: Document) -> str:
    out = [
        f"# {doc.source.file}",
        "",
        f"unit {doc.unit.code} {doc.unit.name} · year {doc.year} · money unit {doc.money_unit} · "
        f"{doc.source.pages} pages · {len(doc.projects)} projects · "
        f"{sum(len(p.indicators) for p in doc.projects)} indicators · {len(doc.warnings)} warnings",
        "",
    ]
    if doc.overall is not None:
        out += ["## Overall", "", doc.overall.summary or "(no summary)", ""]
        for t in doc.overall.targets:
            sat = _target(t.satisfaction) if t.satisfaction else "none"
            out += [f"{t.no}. **{t.title}**", f"   - goal: {t.goal}", f"   - indicator: {t.indicator}", f"   - satisfaction: {sat}", ""]
        for m in doc.overall.measures:
            out += [f"（{m.no}） **{m.title}** {m.text}", ""]
    for p in doc.projects:
        b = p.budget
        out += [
            f"## {p.index}. {p.title} (pages {', '.join(map(str, p.pages))})",
            "",
            f"code {p.code} · name {p.name} · budget total {b.total} fiscal {b.fiscal} other {b.other}",
            "",
            f"purpose: {p.purpose}",
            "",
            "spending plan: " + ", ".join(f"{s.label}={s.amount:g}" for s in p.spending_plan),
            "",
            *[f"- goal: {g}" for g in p.goals],
            "",
            "| 一级 | 二级 | 三级 | 描述 | 指标值 (raw) | parsed | 依据 | pages |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for i in p.indicators:
            out.append(
                f"| {_cell(i.level1)} | {_cell(i.level2)} | {_cell(i.level3)} | {_cell(i.description)} | "
                f"{_cell(i.target.raw)} | {_cell(_target(i.target))} | {_cell(i.basis)} | {','.join(map(str, i.pages))} |"
            )
        out.append("")
    if doc.warnings:
        out += ["## Warnings", ""] + [f"- {w.code} [{w.where}]: {w.message}" for w in doc.warnings] + [""]
    return "\n".join(out)
