"""The project block: label cells and their values above the indicator
grid (amounts, spending plan, goals, and labels split by page breaks)."""

from __future__ import annotations

from dataclasses import replace
from typing import Optional, Sequence

import regex

from ..layout import Cell, union_all
from ..rejoin import join_pair
from ..vocab import amount_scope, label_role
from .duties import duty_columns, read_duty_row
from .headers import cell_for_column
from .textrows import TEXT_COLUMNS, rows_from_text
from .model import Builder, HeaderColumn, Span

#: A cell naming a month-end of the spending plan ("3月底", "第一季度").
MONTH_LABEL = regex.compile(r"^(?:(\d{1,2})月(?:底|末|份)?(?:前)?|第?([一二三四1-4])季度(?:末)?)$")
_BLOCK_ROLES = ("budget_block", "plan_block", "duty_block")
_AMOUNT_ROLES = ("total", "fiscal", "other")


def _month_label(text: str) -> bool:
    return bool(MONTH_LABEL.match(text.replace(" ", "")))


def classify_cell(cell: Cell) -> Optional[str]:
    if not cell.text:
        return None
    if _month_label(cell.text):
        return "month"
    return label_role(cell.text)


_SEPARATED = regex.compile(r"[ :：]")
_INLINE_AMOUNT = regex.compile(r"^[-−]?[\d,]+(?:\.\d+)?\s*(?:万?元)?$")


def split_inline(cell: Cell) -> Optional[tuple[Cell, Cell]]:
    """A label and its value printed in one cell ("年度资金总额：250",
    "实施期资金总额： 123.50", "其中：财政拨款 0.00"): the cell as a label cell
    and a value cell, side by side within its box.  The label is the
    longest known label the text opens with; a colon or a space must
    follow it, or the rest must be an amount."""
    text = cell.text.strip()
    if not text or not (_SEPARATED.search(text) or text[-1].isdigit()) or label_role(text):
        return None  # (every cell of every grid asks: most are neither)
    for cut in range(len(text) - 1, 1, -1):
        head, rest = text[:cut], text[cut:]
        role = label_role(head)
        if role is None or role == "heading":
            continue
        value = rest.lstrip(" :：")
        separated = rest[:1] in " :：" or head.rstrip()[-1:] in ":："
        if value and (separated or _INLINE_AMOUNT.match(value)):
            mid = cell.box.x0 + cell.box.width * cut / len(text)
            label = replace(cell, text=head.strip(), box=replace(cell.box, x1=mid), lines=())
            return label, replace(cell, text=value.strip(), box=replace(cell.box, x0=mid), lines=())
    return None


def _expand_inline(cells: Sequence[Cell]) -> list[Cell]:
    out: list[Cell] = []
    for c in cells:
        pair = split_inline(c) if c.text and not classify_cell(c) else None
        out.extend(pair if pair else (c,))
    return out


#: A row's text that opens with a label: "主要政策任务：…".
_LABELLED = regex.compile(r"^\s*(\p{Han}{2,10})\s*[:：]\s*(?=\S)")
#: A cell that says "nothing here": a dash, a slash.
_DASH = regex.compile(r"^[-—–－/／\s]+$")


def _blank_dash(cell: Cell) -> Cell:
    """A dash-only cell ("—" under 分值 in a row that has none) is blank:
    never a minus sign of the number beside it."""
    return replace(cell, text="", lines=()) if cell.text and _DASH.match(cell.text) else cell


#: Roles of a set of amounts: a total and its parts by source.
_SET_ROLES = ("total", "fiscal", "other", "source")


def _open_sets(b: Builder, labels: Sequence[tuple[str, Cell]]) -> None:
    """A row holding two or more totals side by side (实施期资金总额 | 301800
    | 年度资金总额 | 200000) opens one set of amounts per total: the labels
    below them (其中：财政拨款, 其他资金) belong to the set whose total
    stands in their column.  The budget is the set whose total names the
    budget year (``vocab/scopes.tsv``), else the first not naming the whole
    implementation period, else the first.  A row with any other label
    ends the sets."""
    heads = [cell for role, cell in labels if role == "total"]
    if len(heads) >= 2:
        scopes = [amount_scope(cell.text) for cell in heads]
        kept = next((k for k, s in enumerate(scopes) if s == "annual"),
                    next((k for k, s in enumerate(scopes) if s != "period"), 0))
        b.amount_heads = [(cell, k == kept) for k, cell in enumerate(heads)]
    elif any(role not in _SET_ROLES for role, _ in labels):
        b.amount_heads = []


def _set_head(b: Builder, label: Cell) -> tuple[Cell, bool]:
    """The total (and whether its set is the budget's) that ``label``
    stands under: the most overlapping in x, then the nearest."""
    mid = (label.box.x0 + label.box.x1) / 2
    return min(b.amount_heads, key=lambda h: (-h[0].box.x_overlap(label.box), abs((h[0].box.x0 + h[0].box.x1) / 2 - mid)))


def _bare(text: str) -> str:
    return text.strip().rstrip(":：").strip()


def _blank_pairs(kinds: Sequence[Optional[str]]) -> bool:
    """Whether a row is label/value pairs side by side whose values are
    blank (其他资金 | | 其他资金 | ): each label has a cell of its own right
    of it, so its value is there, not in the next row."""
    return all(k is None for k in kinds[1::2]) and all(k is not None for k in kinds[0::2]) and len(kinds) % 2 == 0


def _add_label(b: Builder, role: str, label: Cell, value: Optional[Cell]) -> None:
    if role in _SET_ROLES and b.amount_heads:
        head, kept = _set_head(b, label)
        if not kept:
            # An amount of a set beside the budget's: kept under extra as
            # "实施期资金总额" and "实施期资金总额/其中：财政拨款".
            text = _bare(head.text) if head is label else f"{_bare(head.text)}/{_bare(label.text)}"
            role, label = "extra", replace(label, text=text)
    span = Span.of_cell(value) if value is not None else Span("", label.page, label.box)
    b.labels.append((role, label.text, span))
    b.last_label = len(b.labels) - 1


def _append_to_label(b: Builder, index: int, value: Cell) -> None:
    role, text, span = b.labels[index]
    b.labels[index] = (role, text, span.extended(Span.of_cell(value)))


def rest_of_label(cell: Cell, above: Sequence[Cell]) -> bool:
    """Whether ``cell`` holds the end of the label printed above it in its
    column (the last of ``above`` there): a label cell split by a page
    break ("资金支出" | "计划（%）", "资金支出计划" | "（%）") reads as a label
    only with the text above."""
    if not cell.text or classify_cell(cell):
        return False
    upper = next((a for a in reversed(above) if a.text and a.box.x_overlap(cell.box) >= 0.5 * min(a.box.width, cell.box.width)), None)
    return upper is not None and bool(label_role(join_pair(upper.text, cell.text, first_filled=False)))


def block_row(b: Builder, cells: Sequence[Cell], row: int) -> None:
    """Read one row of a project block into the builder (the end of a label
    split by a page break is set aside)."""
    _read_block_row(b, [c for c in cells if not rest_of_label(c, b.above)], row)
    # Labels over sub-rows have no value of their own, but say what they
    # hold ("项目资金（万元）" states the money unit): kept, without a value.
    b.labels.extend((role, c.text, Span("", c.page, c.box))
                    for c in cells if c.row == row and (role := label_role(c.text) or "") in _BLOCK_ROLES)
    b.above.extend(c for c in cells if c.row == row)


def _read_block_row(b: Builder, cells: Sequence[Cell], row: int) -> None:
    block = next((label_role(c.text) for c in cells if c.row < row and label_role(c.text) in _BLOCK_ROLES), None)
    opens = {label_role(c.text) for c in cells if c.row == row}
    own = [c for c in cells if c.row == row or c.rowspan == 1]
    own = _expand_inline([_blank_dash(c) for c in own if label_role(c.text) not in _BLOCK_ROLES + ("heading",)])
    if b.duty_columns and not _has_label(own) and read_duty_row(b, own):
        return
    for cell in own:
        written = rows_from_text(cell) if cell.text else None
        if written:
            # Indicators written as text in one cell: they are the grid.
            b.columns = b.columns or TEXT_COLUMNS
            b.rows.extend(written)
            b.pages.add(cell.page)
            return
    b.duty_columns = ()
    if block == "duty_block" or "duty_block" in opens:
        columns = duty_columns(own)
        if columns is not None:
            b.duty_columns = columns
            return
    if b.pending_labels and _matrix_head(b.pending_labels):
        b.amount_columns, b.budget_column = list(b.pending_labels), None
        if _matrix_row(b, own):
            b.pending_labels = []
            return
        b.amount_columns = []
    elif b.amount_columns:
        if _matrix_row(b, own):
            return
        b.amount_columns = []
    if b.pending_labels:
        # Values under labels of the row above (or of a row split by a page
        # break): pair them by column; the rest of the row reads as usual.
        taken = []
        for kind, label in b.pending_labels:
            value = cell_for_column(own, HeaderColumn(kind, label.text, label.box.x0, label.box.x1))
            if value is not None and not classify_cell(value):
                _pair(b, kind, label, value)
                taken.append(value)
        b.pending_labels = []
        own = [c for c in own if c not in taken]
        if not any(c.text for c in own):
            return
    kinds = [classify_cell(c) for c in own]
    labels_here = [(k, c) for k, c in zip(kinds, own) if k]
    values_here = [c for k, c in zip(kinds, own) if not k]
    _open_sets(b, labels_here)
    first_label = min((c.box.x0 for _, c in labels_here), default=None)
    trailing = [v for v in values_here if first_label is not None and v.box.x0 > first_label]

    if len(labels_here) >= 2 and not any(v.text for v in trailing) and not _blank_pairs(kinds):
        # Labels in a row of their own: their values are in the next row.
        b.pending_labels = labels_here
        return
    if not labels_here:
        texts = [c for c in values_here if c.text]
        if texts and (block == "budget_block" or (_last_role(b) in _AMOUNT_ROLES and not _has_role(b, "purpose"))):
            # The free row under the amounts of 预算规模及资金用途 is the purpose.
            span = Span(" ".join(c.text for c in texts), texts[0].page, union_all(c.box for c in texts))
            b.labels.append(("purpose", "资金用途", span))
            b.last_label = len(b.labels) - 1
        elif texts and b.last_label is not None and b.labels[b.last_label][2].page != texts[0].page:
            # A row split by a page break inside the project block.
            for c in texts:
                _append_to_label(b, b.last_label, c)
        elif len(texts) >= 2:
            # A label the vocabulary does not know, and its value: a row
            # of the block is no continuation of the row above.
            _add_label(b, "extra", texts[0], texts[1])
            for c in texts[2:]:
                _append_to_label(b, len(b.labels) - 1, c)
        elif texts and (m := _LABELLED.match(texts[0].text)):
            # A row of its own opening with a label and a colon ("主要政策任务：
            # …"): a field of the block the vocabulary does not know.
            label = replace(texts[0], text=m.group(1), lines=())
            _add_label(b, "extra", label, replace(texts[0], text=texts[0].text[m.end():].strip(), lines=()))
        elif texts and b.last_label is not None:
            _append_to_label(b, b.last_label, texts[0])  # a value wrapped into a row of its own
        return
    current: Optional[tuple[str, Cell]] = None
    paired = False
    for found, cell in zip(kinds, own):
        role = found
        if role is None and cell.text and current is not None and paired and unknown_label(current[0], b):
            if not _HAN.search(cell.text):
                # More amounts in the row of one label, under no column
                # headers the block knows (a funds matrix under them is read
                # by ``_matrix_row``): the first is the label's value, the
                # others are kept by the column's place after the label,
                # blank cells counted.
                place = own.index(cell) - own.index(current[1])
                b.labels.append(("extra", f"{current[1].text}（{place}）", Span.of_cell(cell)))
                continue
            role = "extra"  # a label the vocabulary does not know: a value stops there
        if role:
            if current and not paired:
                _pair(b, current[0], current[1], None)
            current, paired = (role, cell), False
        elif current:
            if not paired:
                _pair(b, current[0], current[1], cell)
                paired = True
            elif cell.text and current[0] != "month":
                _append_to_label(b, len(b.labels) - 1, cell)
    if current and not paired:
        _pair(b, current[0], current[1], None)


#: Roles of the column headers of a self-evaluation's funds matrix
#: (年初预算数 | 全年预算数（A） | 全年执行数（B） | 分值 | 执行率 | 得分).
_MATRIX_ROLES = ("exec_planned", "exec_adjusted", "exec_spent", "exec_rate", "exec_weight", "exec_score")
#: The matrix columns that may give the budget, the preferred first.
_BUDGET_COLUMNS = ("exec_planned", "exec_adjusted")


def _matrix_head(labels: Sequence[tuple[str, Cell]]) -> bool:
    """Whether labels in a row of their own are the column headers of a
    funds matrix: two or more, all of them columns of the execution row."""
    return len(labels) >= 2 and all(kind in _MATRIX_ROLES for kind, _ in labels)


def _matrix_row(b: Builder, cells: Sequence[Cell]) -> bool:
    """Read a row of a self-evaluation's funds matrix: a row label (年度资金总额,
    其中：当年财政拨款, 上年结转资金, 其他资金) left of the columns whose
    headers ``b.amount_columns`` holds, and one cell under each column.
    Every cell belongs to its row and its column; a blank cell (or a dash)
    is an empty one and never moves the cells after it.

    The total row gives the execution (one value per column) and the
    budget's total.  The budget takes one column for every row of the form:
    年初预算数 where the total row prints it, else 全年预算数
    (``_BUDGET_COLUMNS``).  A source row's cell in that column is its amount
    (none where it is blank); its other cells are kept in extra as
    "row label/column header" (a blank one is not kept).  A row label the
    vocabulary does not know keeps all its cells so.  False, reading
    nothing, when the row is no row of the matrix (another label, or text
    outside the columns)."""
    first = min(cell.box.x0 for _, cell in b.amount_columns)
    heads = [c for c in cells if c.text and c.box.cx < first]
    if len(heads) != 1:
        return False
    head = heads[0]
    role = classify_cell(head)
    columns = [(kind, header, cell_for_column(cells, HeaderColumn(kind, header.text, header.box.x0, header.box.x1)))
               for kind, header in b.amount_columns]
    under = [cell for _, _, cell in columns if cell is not None]
    if any(c.text and c is not head and c not in under for c in cells) or any(classify_cell(c) for c in under):
        return False
    if role not in _SET_ROLES and (role is not None or any(_HAN.search(c.text) for c in under)):
        return False  # a label of another field, or words under the amounts
    kinds = [kind for kind, _, _ in columns]
    if role == "total":
        printed = [kind for kind, _, cell in columns if cell is not None and cell.text]
        b.budget_column = next((k for k in _BUDGET_COLUMNS if k in printed), None)
        for kind, header, cell in columns:
            _add_label(b, kind, header, cell)
    column = b.budget_column or next((k for k in _BUDGET_COLUMNS if k in kinds), None)
    for kind, header, cell in columns:
        if role is not None and kind == column:
            _add_label(b, role, head, cell)
        elif role != "total" and cell is not None and cell.text:
            b.labels.append(("extra", f"{_bare(head.text)}/{_bare(header.text)}", Span.of_cell(cell)))
    if column is None and role in _SET_ROLES:
        _add_label(b, role, head, None)
    return True


#: Labels whose value is one amount in one cell.
AMOUNT_LABELS = ("total", "fiscal", "other", "source", "basic", "project_funds", "exec_planned", "exec_adjusted",
                 "exec_spent", "exec_rate", "exec_weight", "exec_score")


def unknown_label(role: str, b: Builder) -> bool:
    """Whether a second cell after a label's value, in the same row, is a
    label of its own: after an amount that reads as a number, the next
    text is no part of it ("58.97 | 执行率分值（10分） | …")."""
    if role not in AMOUNT_LABELS or not b.labels:
        return False
    value = b.labels[-1][2].text
    return bool(_NUMBER.match(value.replace(",", "").replace(" ", "")))


_NUMBER = regex.compile(r"^[-−]?\d+(?:\.\d+)?(?:万?元)?$")
#: A label has words: a cell without a Chinese character (a number, a
#: rate) is never one.
_HAN = regex.compile(r"\p{Han}")


def _has_label(cells: Sequence[Cell]) -> bool:
    """Whether a row names a field of the block (a duty block ends there)."""
    return any(label_role(c.text) not in _NOT_ENDING for c in cells if c.text)


#: Labels that may stand in a duty row (a duty named 基本支出, an amount
#: column 财政拨款): they do not end the duty block.
_NOT_ENDING = (None, "heading", "extra", "basic", "project_funds", "fiscal", "other", "source") + _BLOCK_ROLES


def _pair(b: Builder, kind: str, label: Cell, value: Optional[Cell]) -> None:
    if kind == "month":
        if value is not None:
            b.spending.append((Span.of_cell(label), Span.of_cell(value)))
    else:
        _add_label(b, kind, label, value)


def _last_role(b: Builder) -> Optional[str]:
    return b.labels[b.last_label][0] if b.last_label is not None else None


def _has_role(b: Builder, role: str) -> bool:
    return any(r == role for r, _, _ in b.labels)

