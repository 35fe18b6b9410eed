"""A readable rendering of a document for human review of golden files.

The rendering is Markdown: one table per project, in the order of the
printed form, so a reviewer can hold it beside the rendered pages.
"""

from __future__ import annotations

from typing import Optional, Sequence

from .document import Document, Indicator, Target


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


def _indicator_table(indicators: Sequence[Indicator]) -> list[str]:
    """One row per indicator; the columns a template adds (weight, scoring,
    actual value …) only when some indicator has them."""
    optional = [
        ("权重", lambda i: "" if i.weight is None else f"{i.weight:g}"),
        ("方向/核心", lambda i: " ".join(x for x in (i.direction or "", "" if i.core is None else f"core={i.core}") if x)),
        ("解释", lambda i: i.explanation), ("评分标准", lambda i: i.scoring), ("备注", lambda i: i.remark),
        ("其他期", lambda i: "; ".join(f"{p.period}: {p.target.raw}" for p in i.periods)),
        ("实际完成值", lambda i: i.actual.raw if i.actual else None),
        ("得分", lambda i: "" if i.score is None else f"{i.score:g}"), ("偏差原因", lambda i: i.deviation),
        ("extra", lambda i: "; ".join(f"{k}={v}" for k, v in i.extra.items())),
    ]
    shown = [(name, get) for name, get in optional if any(get(i) for i in indicators)]
    head = ["一级", "二级", "三级", "描述", "指标值 (raw)", "parsed", "依据", *[n for n, _ in shown], "pages"]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for i in indicators:
        cells = [i.level1, i.level2, i.level3, i.description, i.target.raw,
                 _target(i.target) + (f" [printed {i.target.cmp_raw}]" if i.target.cmp_raw else ""), i.basis,
                 *[get(i) for _, get in shown], ",".join(map(str, i.pages))]
        out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return out + [""]


def _amounts(pairs: Sequence[tuple[str, Optional[float]]], sources: dict[str, float]) -> str:
    shown = [f"{k} {v:g}" for k, v in pairs if v is not None]
    if sources:
        shown.append("by source: " + ", ".join(f"{k} {v:g}" for k, v in sources.items()))
    return " · ".join(shown) or "none"


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
        for d in doc.overall.forms:
            f = d.funds
            out += [
                f"### Department form {d.index}. {d.title} (pages {', '.join(map(str, d.pages))})",
                "",
                f"form {d.form}{' · stage ' + d.stage if d.stage else ''} · code {d.code} · name {d.name}",
                "",
                "funds: " + _amounts([("total", f.total), ("基本支出", f.basic), ("项目支出", f.project),
                                      ("fiscal", f.fiscal), ("other", f.other)], f.sources),
                "",
                *[f"- goal: {g}" for g in d.goals],
                *([f"- outcome: {d.outcome}"] if d.outcome else []),
                *[f"- extra {k}: {v}" for k, v in d.extra.items()],
                "",
            ]
            if d.duties:
                out += ["| 职能 | 任务 | 项目 | 金额 | extra |", "|---|---|---|---|---|"]
                out += [f"| {_cell(u.function)} | {_cell(u.task)} | {_cell(u.project)} | "
                        f"{'' if u.amount is None else f'{u.amount:g}'} | "
                        f"{_cell('; '.join(f'{k}={v}' for k, v in u.extra.items()))} |" for u in d.duties]
                out.append("")
            out += _indicator_table(d.indicators)
    for p in doc.projects:
        b = p.budget
        ex = b.execution
        facts = [("department", p.department), ("implementer", p.implementer), ("category", p.category),
                 ("period", p.period)]
        out += [
            f"## {p.index}. {p.title} (pages {', '.join(map(str, p.pages))})",
            "",
            f"form {p.form}{' · stage ' + p.stage if p.stage else ''} · code {p.code} · name {p.name}"
            + "".join(f" · {k} {v}" for k, v in facts if v),
            "",
            "budget: " + _amounts([("total", b.total), ("fiscal", b.fiscal), ("other", b.other)], b.sources)
            + (f" · execution: planned {ex.planned} adjusted {ex.adjusted} spent {ex.spent} rate {ex.rate} "
               f"weight {ex.weight} score {ex.score}" if ex else ""),
            "",
            f"purpose: {p.purpose}",
            "",
            "spending plan: " + ", ".join(f"{s.label}={s.amount:g}" for s in p.spending_plan),
            "",
            *[f"- goal: {g}" for g in p.goals],
            *([f"- outcome: {p.outcome}"] if p.outcome else []),
            *[f"- extra {k}: {v}" for k, v in p.extra.items()],
            "",
        ]
        out += _indicator_table(p.indicators)
    if doc.warnings:
        out += ["## Warnings", ""] + [f"- {w.code} [{w.where}]: {w.message}" for w in doc.warnings] + [""]
    return "\n".join(out)
