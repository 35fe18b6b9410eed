"""The inspect view's HTML page: each page image beside the rows
extracted from it (header-block fields, indicators, warnings), the
legend of the colours, and every page's status (``inspect_render`` draws
the images; this module writes ``index.html``)."""

from __future__ import annotations

import html
from typing import Sequence

from .inspect_view import (CELL, FURNITURE, GRID, HEADER, ROLE_COLOURS, ROLE_HEADERS, TEXT, UNREAD, WARNING,
                           Inspection, form_records, warned_locations)
from .pagestatus import COLOURS as STATUS_COLOURS, PageStatus


_CSS = """
body { font-family: sans-serif; margin: 16px; color: #222; }
h1 { font-size: 20px; } h2 { font-size: 17px; margin-top: 28px; border-top: 2px solid #888; padding-top: 8px; }
h3 { font-size: 15px; margin: 12px 0 4px; }
.side { display: flex; gap: 16px; align-items: flex-start; }
.img { flex: 0 0 48%; position: sticky; top: 0; }
.img img { width: 100%; border: 1px solid #aaa; }
.data { flex: 1 1 auto; min-width: 0; }
table { border-collapse: collapse; font-size: 13px; margin: 4px 0 10px; }
th, td { border: 1px solid #bbb; padding: 2px 5px; vertical-align: top; text-align: left; }
th { background: #eee; }
tr.warn td { background: #fdd; }
.sw { display: inline-block; width: 14px; height: 14px; border: 2px solid; vertical-align: middle; margin-right: 4px; }
.legend td { border: none; padding: 1px 8px 1px 0; }
.muted { color: #777; }
ul.warnings li { color: #b00; }
p.status { font-weight: bold; }
.status-form, .status-prose { color: #063; } .status-lost, .status-no_text, .status-unreadable { color: #b00; }
.status-not_form { color: #a50; } .status-skipped, .status-no_grid, .status-blank { color: #666; }
"""


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


def _num(value) -> str:
    return "" if value is None else f"{value:g}"


def _css_rgb(colour) -> str:
    return "rgb({},{},{})".format(*colour)


def _legend() -> str:
    rows = [
        (GRID, "table outline (tag: rows x columns, found from rulings or text alignment)"),
        (CELL, "cell box, tag r(row)c(column); r7-10 = spans rows 7 to 10"),
        (HEADER, "indicator header (one or two rows), each cell tagged with the column role it defines "
                 "(a word over a group of columns: untagged)"),
        *[(ROLE_COLOURS[r], f"{r}: {ROLE_HEADERS[r]}") for r in ROLE_COLOURS],
        (ROLE_COLOURS["basis"], "+role: text appended to the cell above it (a row split by a page break, "
                                "in a cell or a line opening the page); "
                                "=role: a blank 一级/二级指标 cell that takes the text above it"),
        (TEXT, "text outside tables (title, heading, prose)"),
        (FURNITURE, "page furniture set aside (page numbers, running headers)"),
        (UNREAD, "text in a table that no output field took (lost text, or a label split by a page break)"),
        (WARNING, "a cell whose text produced a warning (tag: warning code)"),
        (STATUS_COLOURS["form"], "page tag (top left): read into a project form or as prose"),
        (STATUS_COLOURS["not_form"], "page tag: read, but its tables are not a form (why: above the pages)"),
        (STATUS_COLOURS["skipped"], "page tag: skipped by the first pass (--all-pages reads it), or nothing to read"),
        (STATUS_COLOURS["lost"], "page tag: not read: lost, no text layer or unreadable text"),
    ]
    cells = "".join(
        f'<tr><td><span class="sw" style="border-color:{_css_rgb(c)};background:rgba({c[0]},{c[1]},{c[2]},0.3)">'
        f"</span></td><td>{_e(text)}</td></tr>"
        for c, text in rows
    )
    return f'<table class="legend">{cells}</table>'


def _target(t) -> str:
    from .review import _target as review_target

    return review_target(t)


def _project_block(p) -> str:
    b = p.budget
    plan = ", ".join(f"{s.label} {_num(s.amount)}" for s in p.spending_plan)
    goals = "".join(f"<li>{_e(g)}</li>" for g in p.goals)
    rows = [
        ("项目编码 code", _e(p.code)),
        ("项目名称 name", _e(p.name)),
        ("预算数 total / 财政资金 fiscal / 其他资金 other", f"{_num(b.total)} / {_num(b.fiscal)} / {_num(b.other)}"),
        ("资金用途 purpose", _e(p.purpose)),
        ("资金支出计划 spending plan", _e(plan)),
        ("绩效目标 goals", f"<ol>{goals}</ol>" if goals else ""),
        *[(_e(k), _e(v)) for k, v in sorted(p.extra.items())],
    ]
    return _rows_table(rows)


def _rows_table(rows) -> str:
    return "<table>" + "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows) + "</table>"


def _department_block(d) -> str:
    f = d.funds
    goals = "".join(f"<li>{_e(g)}</li>" for g in d.goals)
    duties = "".join(f"<li>{_e(u.task or u.function)} {_num(u.amount)}</li>" for u in d.duties)
    rows = [
        ("部门编码 code", _e(d.code)),
        ("部门名称 name", _e(d.name)),
        ("资金总额 total / 基本支出 basic / 项目支出 project", f"{_num(f.total)} / {_num(f.basic)} / {_num(f.project)}"),
        ("by source", _e(", ".join(f"{k} {_num(v)}" for k, v in f.sources.items()))),
        ("年度履职目标 duties", f"<ol>{duties}</ol>" if duties else ""),
        ("绩效目标 goals", f"<ol>{goals}</ol>" if goals else ""),
        *[(_e(k), _e(v)) for k, v in sorted(d.extra.items())],
    ]
    return _rows_table(rows)


def _indicator_table(p, page: int, warned: set[int]) -> str:
    extra_keys = sorted({k for i in p.indicators for k in i.extra})
    head = ["#", "一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "parsed", "指标值确定依据", *extra_keys, "pages"]
    out = ["<table><tr>" + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr>"]
    for n, i in enumerate(p.indicators, start=1):
        if page not in i.pages:
            continue
        cells = [n, i.level1, i.level2, i.level3, i.description, i.target.raw, _target(i.target), i.basis,
                 *[i.extra.get(k) for k in extra_keys], ", ".join(map(str, i.pages))]
        cls = ' class="warn"' if n in warned else ""
        out.append(f"<tr{cls}>" + "".join(f"<td>{_e(c)}</td>" for c in cells) + "</tr>")
    out.append("</table>")
    return "".join(out)


def _page_section(inspection: Inspection, page: int, image_name: str, placed) -> str:
    layout = inspection.layout(page)
    parts = []
    page_warnings = []
    for w, loc in placed:
        if loc.span.page == page and w not in page_warnings:
            page_warnings.append(w)
    for form, p, kind in form_records(inspection):
        if page not in p.pages:
            continue
        what = "department form " if kind.scope == "department" else ""
        parts.append(f"<h3>{what}{p.index}. {_e(p.title)}</h3>"
                     f'<p class="muted">{_e(kind.scope)} form, {_e(kind.kind)}: {_e(kind.reason)}</p>')
        block_pages = {span.page for _, _, span in form.labels}
        if page in block_pages or (not block_pages and page == p.pages[0]):
            parts.append(_project_block(p) if kind.scope == "project" else _department_block(p))
        warned = {loc.indicator for _, loc in placed if loc.project == p.index and loc.indicator is not None}
        if any(page in i.pages for i in p.indicators):
            parts.append(_indicator_table(p, page, warned))
    if page_warnings:
        parts.append('<h3>Warnings</h3><ul class="warnings">' + "".join(
            f"<li>{_e(w.code)} [{_e(w.where)}]: {_e(w.message)}</li>" for w in page_warnings) + "</ul>")
    if layout is not None and layout.lines:
        lines = "".join(f"<li>{_e(l.text)}</li>" for l in layout.lines)
        parts.append(f'<h3>Text outside tables</h3><ul class="muted">{lines}</ul>')
    if layout is not None and layout.furniture:
        lines = "".join(f"<li>{_e(l.text)}</li>" for l in layout.furniture)
        parts.append(f'<h3>Furniture set aside</h3><ul class="muted">{lines}</ul>')
    status = inspection.statuses.get(page)
    if status is not None:
        parts.insert(0, f'<p class="status status-{status.status}">{_e(status.why)}</p>')
    if not parts:
        parts.append('<p class="muted">nothing extracted from this page</p>')
    return (
        f'<section id="page-{page}"><h2>Page {page}</h2><div class="side">'
        f'<div class="img"><a href="{_e(image_name)}"><img src="{_e(image_name)}" alt="page {page} with the detected structure"></a></div>'
        f'<div class="data">{"".join(parts)}</div></div></section>'
    )


def render_html(inspection: Inspection, images: Sequence[tuple[int, str]]) -> str:
    doc = inspection.document
    placed, loose = warned_locations(inspection)
    name = _e(doc.source.file)
    summary = (f"unit {_e(doc.unit.code)} {_e(doc.unit.name)} · year {_e(doc.year)} · money unit {_e(doc.money_unit)} · "
               f"{doc.source.pages} pages · {len(doc.projects)} projects · "
               f"{sum(len(p.indicators) for p in doc.projects)} indicators · {len(doc.warnings)} warnings")
    nav = " ".join(f'<a href="#page-{n}">{n}</a>' for n, _ in images)
    out = [
        f'<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>inspect {name}</title>'
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{name}</h1><p>{summary}</p><p>pages: {nav}</p>",
        f"<details><summary>legend</summary>{_legend()}</details>",
    ]
    if inspection.statuses:
        out.append(_status_table(inspection.statuses))
    if loose:
        out.append('<h3>Document warnings</h3><ul class="warnings">' + "".join(
            f"<li>{_e(w.code)} [{_e(w.where)}]: {_e(w.message)}</li>" for w in loose) + "</ul>")
    out += [_page_section(inspection, n, image, placed) for n, image in images]
    out.append("</body></html>\n")
    return "\n".join(out)


def _status_table(statuses: dict[int, PageStatus]) -> str:
    """Every page of the document (drawn or not) and why it was or was not
    read, pages in a row with the same status together."""
    rows, start = [], None
    numbers = sorted(statuses)
    for i, n in enumerate(numbers):
        start = n if start is None else start
        nxt = numbers[i + 1] if i + 1 < len(numbers) else None
        if nxt is None or nxt != n + 1 or statuses[nxt].why != statuses[n].why:
            span = f"{start}" if start == n else f"{start}-{n}"
            rows.append(f'<tr class="status-{statuses[n].status}"><td>{span}</td><td>{_e(statuses[n].why)}</td></tr>')
            start = None
    return ("<details open><summary>why each page was or was not read</summary><table>"
            "<tr><th>pages</th><th>status</th></tr>" + "".join(rows) + "</table></details>")
