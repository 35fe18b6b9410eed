"""The forms stage's data: spans with provenance, header columns,
indicator rows, the finished ``ProjectForm`` and the ``Builder`` that
assembles one (mutable, alive inside one ``layouts_to_forms`` call only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..layout import Box, Cell, Grid, TextLine
from ..rejoin import join_pair

#: Roles whose cells are merged vertically over several indicator rows.
HIERARCHY_ROLES = ("level1", "level2")
#: Roles every real indicator row has; a row missing one continues the last.
REQUIRED_ROLES = ("level3", "value")
#: Roles whose columns are kept by their printed header (several columns
#: of one role may stand side by side): in ``IndicatorRow.extra``.
KEYED_ROLES = ("extra", "period", "period_actual", "group_source")
#: Roles of the columns of a listing table that belong to a row group (a
#: project, or a unit), not to its indicators (``listing.py``).
GROUP_ROLES = ("group_code", "group_name", "group_amount", "group_goals", "group_basic", "group_project",
               "group_source")


@dataclass(frozen=True)
class Span:
    """A piece of extracted text and where it was found."""

    text: str
    page: int
    box: Box
    #: The rejoined text of each printed line, for fields whose line starts
    #: carry structure (numbered goals).
    lines: tuple[str, ...] = ()

    @staticmethod
    def of_cell(cell: Cell) -> "Span":
        return Span(cell.text, cell.page, cell.box, tuple(line.text for line in cell.lines))

    def extended(self, other: "Span") -> "Span":
        """This span continued by ``other`` (a cell split by a page break)."""
        if not other.text:
            return self
        if not self.text:
            return other
        return Span(
            join_pair(self.text, other.text, first_filled=False),
            self.page,
            self.box,
            self.lines + other.lines,
        )


@dataclass(frozen=True)
class HeaderColumn:
    role: str
    header: str
    x0: float
    x1: float


@dataclass(frozen=True)
class IndicatorRow:
    fields: dict[str, Span]
    extra: dict[str, Span]
    pages: tuple[int, ...]


@dataclass(frozen=True)
class DutyRow:
    """A row of a department form's 年度履职目标 / 年度主要任务 block, by the
    role of its column (``vocab/duties.tsv``)."""

    function: Optional[Span]
    task: Optional[Span]
    project: Optional[Span]
    amount: Optional[Span]
    extra: dict[str, Span]
    pages: tuple[int, ...]


@dataclass(frozen=True)
class ProjectForm:
    title: Optional[Span]
    #: Text lines between the title and the grid ("711001 巨鹿县总工会 单位：万元").
    heading: tuple[Span, ...]
    #: (role, label as printed, value) for every label cell of the project block.
    labels: tuple[tuple[str, str, Span], ...]
    #: (month label, amount) pairs of the spending plan.
    spending: tuple[tuple[Span, Span], ...]
    columns: tuple[HeaderColumn, ...]
    rows: tuple[IndicatorRow, ...]
    pages: tuple[int, ...]
    #: (column key, piece) of every piece of a line read as the rest of a row
    #: split by a page break (``rest_of_row``): its text went into the row's
    #: cell, whose span keeps where the cell began; the piece keeps where it
    #: was printed (``inspect``).
    row_ends: tuple[tuple[str, Span], ...] = ()
    #: The 年度履职目标 rows of a department form.
    duties: tuple[DutyRow, ...] = ()


@dataclass(frozen=True)
class FormsResult:
    forms: tuple[ProjectForm, ...]
    #: Text outside any project (the prose of 第一部分 and whatever else).
    prose: tuple[TextLine, ...]



@dataclass
class Builder:
    """Mutable state of the form being assembled; lives inside one call of
    ``layouts_to_forms`` only."""

    title: Optional[Span]
    heading: list[Span]
    labels: list[tuple[str, str, Span]] = field(default_factory=list)
    spending: list[tuple[Span, Span]] = field(default_factory=list)
    columns: tuple[HeaderColumn, ...] = ()
    rows: list[IndicatorRow] = field(default_factory=list)
    pages: set[int] = field(default_factory=set)
    pending_labels: list[tuple[str, Cell]] = field(default_factory=list)
    #: Hierarchy cells on a continuation page whose text completes a cell of
    #: the previous page: (page, box) -> the whole text.
    continued: dict[tuple, Span] = field(default_factory=dict)
    last_label: Optional[int] = None
    #: The project-block cells read so far, in reading order: a label split
    #: by a page break ends under the last of them in its column.
    above: list[Cell] = field(default_factory=list)
    #: The last grid read into the form (the size of its text).
    grid: Optional[Grid] = None
    row_ends: list[tuple[str, Span]] = field(default_factory=list)
    #: The columns of a 年度履职目标 block being read, and its rows.
    duty_columns: tuple[HeaderColumn, ...] = ()
    duties: list[DutyRow] = field(default_factory=list)
    #: (row index, role) of blank 一级/二级 cells of a drawn table that may
    #: be the first part of a merged cell cut by the page break.
    awaiting: list[tuple[int, str]] = field(default_factory=list)
    #: The total labels of sets of amounts printed side by side (实施期资金总额
    #: | … | 年度资金总额 | …), each with whether its set is the budget's.
    amount_heads: list[tuple[Cell, bool]] = field(default_factory=list)
    #: The column headers of a self-evaluation's funds matrix (年初预算数 |
    #: 全年预算数 | 全年执行数 …) while its rows are read: (role, header cell).
    amount_columns: list[tuple[str, Cell]] = field(default_factory=list)
    #: The role of the matrix column that gives the budget (``block.py``).
    budget_column: Optional[str] = None

    def freeze(self) -> ProjectForm:
        return ProjectForm(
            title=self.title,
            heading=tuple(self.heading),
            labels=tuple(self.labels),
            spending=tuple(self.spending),
            columns=self.columns,
            rows=tuple(self.rows),
            pages=tuple(sorted(self.pages)),
            row_ends=tuple(self.row_ends),
            duties=tuple(self.duties),
        )

