"""Stage 2b: grids across pages -> logical 绩效目标表 forms.

A form is a project block (label cells and their values) stacked on an
indicator grid (a header naming the columns, then one row per indicator).
Forms are found by their words, never by position: labels and headers come
from the vocabulary tables, columns are matched to header cells by
horizontal overlap, and a table continues on the next page when a grid
arrives that opens no new project.

The header may take two rows (``header_band``): a word over a group of
columns (绩效指标 over 一级/二级/三级指标, 指标值 over 指标性质/指标值/计量单位)
above them, the other header cells spanning both rows; the columns are the
lowest words.

Continuation rules (each one a function below):

* a repeated header (one row or a band, in the same words or synonyms)
  re-states the columns and is dropped;
* a grid without a header continues the table when it has the header's
  columns (``continues_columns``);
* a blank 一级/二级指标 cell under a merged cell carries the value above
  (a merged cell spanning a page break is blank on the second page);
* the first row of a continuation grid that lacks a 三级指标 or 指标值 while
  the row before it has them, or whose text continues a word across the break,
  is the rest of that row: its text is appended, not made a new indicator
  (``is_fragment``); so are lines alone at the top of a page that hold the
  ends of its cells: several side by side under the table's columns (their
  pieces as segmentation cut them, ``TextLine.runs``), or one that finishes
  such a word, with the lines under them (``rest_of_row``);
* in the project block, a cell that completes the label above it in its
  column is the rest of a label split by the break (``rest_of_label``).

The output keeps provenance: every value is a ``Span`` with page and box.

The stage is split by what each part decides: ``titles`` (text blocks and
form titles), ``headers`` (which rows name the indicator columns), ``block``
(the project block's labels and values), ``rows`` (indicator rows and rows
split by page breaks), ``walk`` (the pages in reading order, assembled into
forms); ``model`` holds their data.
"""

from .block import MONTH_LABEL
from .headers import (HeaderBand, cell_for_column, covering_cells, covering_rows, has_header, header_band, header_bands,
                      header_columns)
from .model import HIERARCHY_ROLES, KEYED_ROLES, FormsResult, HeaderColumn, IndicatorRow, ProjectForm, Span
from .rows import continues_columns, is_fragment, merge_fragment, rest_of_row
from .titles import lines_to_blocks, split_title, title_of
from .walk import layouts_to_forms

__all__ = [
    "MONTH_LABEL", "HeaderBand", "cell_for_column", "covering_cells", "covering_rows", "has_header", "header_band", "header_bands",
    "header_columns", "HIERARCHY_ROLES", "KEYED_ROLES", "FormsResult", "HeaderColumn", "IndicatorRow",
    "ProjectForm", "Span", "continues_columns", "is_fragment", "merge_fragment", "rest_of_row",
    "lines_to_blocks", "split_title", "title_of", "layouts_to_forms",
]
