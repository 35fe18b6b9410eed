"""What a form is: a project's or the department's, targets or a
self-evaluation, and at which budget step (申报, 审核, 批复).

Decided from the form's own words, never its position: the title's words
(``vocab/forms.tsv``: 部门整体 …, 自评, 申报 …), the labels of its header
block (a 部门名称 and no 项目名称 is the department's), and its columns
(实际完成值 or 得分 columns make a self-evaluation whatever the title says).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Optional

from ..vocab import read_table
from .model import ProjectForm


@dataclass(frozen=True)
class FormKind:
    #: "project" or "department"
    scope: str
    #: "targets" or "self_evaluation"
    kind: str
    #: "declared", "reviewed", "approved" or None
    stage: Optional[str]
    #: Why, in words (``extractor inspect`` and warnings).
    reason: str


@functools.cache
def _longest_first() -> tuple[dict[str, str], ...]:
    return tuple(sorted(read_table("forms"), key=lambda r: -len(r["text"])))


def _title_words(text: str) -> dict[str, str]:
    """role -> the word of the title that names it."""
    found: dict[str, str] = {}
    for row in _longest_first():
        if row["text"] in text and row["role"] not in found:
            found[row["role"]] = row["text"]
    return found


def form_kind(form: ProjectForm) -> FormKind:
    title = form.title.text if form.title is not None else ""
    words = _title_words(title.replace(" ", ""))
    roles = {role for role, _, _ in form.labels}
    columns = {c.role for c in form.columns}
    reasons = []
    if "department" in words:
        scope = "department"
        reasons.append(f"title says {words['department']}")
    elif "unit_name" in roles and "name" not in roles:
        scope = "department"
        reasons.append("its block names a unit (部门名称), no project")
    else:
        scope = "project"
    if "self_evaluation" in words:
        kind = "self_evaluation"
        reasons.append(f"title says {words['self_evaluation']}")
    elif columns & {"actual", "score"}:
        kind = "self_evaluation"
        reasons.append("it has 实际完成值 / 得分 columns")
    else:
        kind = "targets"
    stage = next((role for role in ("approved", "reviewed", "declared") if role in words), None)
    if stage:
        reasons.append(f"title says {words[stage]}")
    return FormKind(scope, kind, stage if kind == "targets" else None, "; ".join(reasons) or "an indicator grid")
