"""Multi-column runs laid out in fewer trials: halving to balance, the first look kept.

WeasyPrint (`weasyprint.layout.column.columns_layout`) lays each run of columns out at
the page's height to learn whether it fits, then balances a run that fits: at the mean
of its columns' heights, then higher by the height the next box lacked. Two of its ways
cost layouts that this copy of the function saves:

- Where no column tells the height lacked (the box that would move up is kept with its
  own next), WeasyPrint tries one pixel higher each time: up to 33 trials of one run, two
  column layouts each, in bulletins with a table across both columns. Here the least
  height that takes the run whole is found by halving, between the height found short
  and the page's, in the same whole pixels above it (lines marked `# halving`).
- A run that does not fit (the text goes on to the next page) is laid out twice at the
  same height: once to learn that, once more for the page. Here the first look is made
  as the final layout is (each column in its place, the page's own emptiness and lists
  of positioned boxes), and kept (lines marked `# reuse`).

The pages come out the same byte for byte over the benchmark's articles, the fixtures and
the examples, and over 207 of 209 more documents (120 generated, 89 Word and Markdown files
from elsewhere). In the two others a run balanced by halving is set at the least height
that takes it, where WeasyPrint's steps passed it once a column told the height lacked:
the same lines, with what follows a pixel or two higher; and a block of empty table rows
at the top of the next column rather than at the foot of the first. No option of
WeasyPrint sets how it balances columns, so this is WeasyPrint 70's own function, copied
and changed where marked, installed over that version only. WeasyPrint's licence (BSD
3-Clause) is at the end of this file.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from math import floor, inf
from typing import Any

from exporter.writers.hooks import log

WEASYPRINT_VERSION = "70.0"
"""The WeasyPrint whose `columns_layout` this module's is a copy of."""
_installed = False


class _Halving:
    """The search, by halving, for the least whole step above a short height that fits."""

    def __init__(self, short: float, most: float) -> None:
        self.base = short
        self.most = most
        self.low = 0  # steps known too short
        self.high = math.floor(most - short) + 1  # steps past the page's height: stop there
        self.trying = 0

    def found(self) -> bool:
        """Tell whether no step is left between the short and the fitting ones."""
        return self.high - self.low <= 1

    def next_height(self) -> float:
        """Return the height to try next, halfway between the steps known."""
        self.trying = (self.low + self.high) // 2
        return self.base + self.trying

    def tried(self, fits: bool) -> None:
        """Learn whether the height last tried takes the run whole."""
        if fits:
            self.high = self.trying
        else:
            self.low = self.trying

    def height(self) -> tuple[float, bool]:
        """Return the least height found, and whether it is the page's (the run goes on)."""
        if self.base + self.high > self.most:
            return self.most, True
        return self.base + self.high, False


def _placed_column_box(
    box: Any, containing_block: Any, children: list[Any], width: float, gap: float
) -> Callable[[int, float], Any]:
    """Return a maker of the column box of a number, placed as WeasyPrint's final layout does."""
    from weasyprint.layout.column import _create_column_box

    def column_box(number: int, position_y: float) -> Any:
        placed = _create_column_box(box, containing_block, children, width, position_y)
        if box.style["direction"] == "rtl":
            placed.position_x += box.width - (number + 1) * width - number * gap
        else:
            placed.position_x += number * (width + gap)
        return placed

    return column_box


def install() -> None:
    """Lay WeasyPrint's columns out with this copy, where it is the version copied."""
    global _installed
    if _installed:
        return
    _installed = True
    import weasyprint
    from weasyprint.layout import block

    if weasyprint.__version__ != WEASYPRINT_VERSION or not hasattr(block, "columns_layout"):
        log.info("WeasyPrint %s balances its columns a pixel at a time", weasyprint.__version__)
        return
    block.columns_layout = columns_layout


def columns_layout(
    context: Any,
    box: Any,
    bottom_space: float,
    skip_stack: Any,
    containing_block: Any,
    page_is_empty: bool,
    absolute_boxes: Any,
    fixed_boxes: Any,
    adjoining_margins: Any,
    first_letter_style: Any,
    first_line_style: Any,
) -> Any:
    """Lay out a multi-column ``box``."""
    from weasyprint.layout.absolute import absolute_layout
    from weasyprint.layout.block import (
        block_box_layout,
        block_level_layout,
        block_level_width,
        collapse_margin,
        remove_placeholders,
    )
    from weasyprint.layout.column import _create_column_box, _report_footnotes
    from weasyprint.layout.percent import percentage, resolve_percentages

    style = box.style
    width = style["column_width"]
    count = style["column_count"]
    height = style["height"]
    original_bottom_space = bottom_space
    context.in_column = True

    if style["position"] == "relative":
        # New containing block, use a new absolute list
        absolute_boxes = []

    box = box.copy_with_children(box.children)
    box.position_y += collapse_margin(adjoining_margins)

    # Set height if defined
    if height != "auto" and height.unit != "%":
        assert height.unit.lower() == "px"
        height_defined = True
        empty_space = context.page_bottom - box.content_box_y() - height.value
        bottom_space = max(bottom_space, empty_space)
    else:
        height_defined = False

    # As in WeasyPrint, the container's width is taken as known here, though it may not
    # be when the containing block needs this block's size to know its own.
    block_level_width(box, containing_block)

    if style["column_gap"] == "normal":
        # 1em because in column context
        gap = style["font_size"]
    else:
        gap = percentage(style["column_gap"], box.style, box.width)

    # Define the number of columns and their widths
    if width == "auto" and count != "auto":
        width = max(0, box.width - (count - 1) * gap) / count
    elif width != "auto" and count == "auto":
        count = max(1, floor((box.width + gap) / (width + gap)))
        width = (box.width + gap) / count - gap
    else:  # overconstrained, with width != 'auto' and count != 'auto'
        count = max(1, min(count, floor((box.width + gap) / (width + gap))))
        width = (box.width + gap) / count - gap

    # Handle column-span property with the following structure:
    # columns_and_blocks = [
    #     [column_child_1, column_child_2],
    #     spanning_block,
    #     …
    # ]
    columns_and_blocks: list[Any] = []
    column_children: list[Any] = []
    (skip,) = skip_stack.keys() if skip_stack else (0,)
    for i, child in enumerate(box.children[skip:], start=skip):
        if child.style["column_span"] == "all":
            if column_children:
                columns_and_blocks.append((i - len(column_children), column_children))
            columns_and_blocks.append((i, child.copy()))
            column_children = []
            continue
        column_children.append(child.copy())
    if column_children:
        columns_and_blocks.append((i + 1 - len(column_children), column_children))

    if skip_stack:
        skip_stack = {0: skip_stack[skip]}

    if not box.children:
        next_page = {"break": "any", "page": None}
        skip_stack = None

    # Find height and balance.
    #
    # The current algorithm starts from the total available height, to check
    # whether the whole content can fit. If it doesn’t fit, we keep the partial
    # rendering. If it fits, we try to balance the columns starting from the
    # ideal height (the total height divided by the number of columns). We then
    # iterate until the last column is not the highest one. At the end of each
    # loop, we add the minimal height needed to make one direct child at the
    # top of one column go to the end of the previous column.
    #
    # We rely on a real rendering for each loop, and with a stupid algorithm
    # like this it can last minutes…

    adjoining_margins = []
    current_position_y = box.content_box_y()
    new_children = []
    column_skip_stack = None
    last_loop = False
    break_page = False
    footnote_area_heights = [
        0
        if context.current_footnote_area.height == "auto"
        else context.current_footnote_area.margin_height()
    ]
    last_footnotes_height = 0
    for index, column_children_or_block in columns_and_blocks:
        if not isinstance(column_children_or_block, list):
            # We have a spanning block, we display it like other blocks
            block = column_children_or_block
            resolve_percentages(block, containing_block)
            block.position_x = box.content_box_x()
            block.position_y = current_position_y
            new_child, resume_at, next_page, adjoining_margins, _, _ = block_level_layout(
                context,
                block,
                original_bottom_space,
                skip_stack,
                containing_block,
                page_is_empty,
                absolute_boxes,
                fixed_boxes,
                adjoining_margins,
                first_letter_style,
                first_line_style,
            )
            skip_stack = None
            if new_child is None:
                last_loop = True
                break_page = True
                break
            new_children.append(new_child)
            current_position_y = new_child.border_height() + new_child.border_box_y()
            adjoining_margins.append(new_child.margin_bottom)
            if resume_at:
                last_loop = True
                break_page = True
                column_skip_stack = resume_at
                break
            page_is_empty = False
            continue

        # We have a list of children that we have to balance between columns
        column_children = column_children_or_block

        # Find the total height available for the first run
        current_position_y += collapse_margin(adjoining_margins)
        adjoining_margins = []
        column_box = _create_column_box(
            box, containing_block, column_children, width, current_position_y
        )
        placed_column_box = _placed_column_box(  # reuse
            box, containing_block, column_children, width, gap
        )
        height = max_height = context.page_bottom - current_position_y - original_bottom_space

        # Try to render columns until the content fits, increase the column
        # height step by step
        column_skip_stack = skip_stack
        lost_space = inf
        original_excluded_shapes = context.excluded_shapes[:]
        original_page_is_empty = page_is_empty
        page_is_empty = stop_rendering = balancing = False
        halving: _Halving | None = None  # halving
        kept: list[Any] = []  # reuse
        while True:
            # reuse: the first look lays the columns out as the final layout would
            first_look = not balancing and not height_defined
            # Remove extra excluded shapes introduced during the previous loop
            while len(context.excluded_shapes) > len(original_excluded_shapes):
                context.excluded_shapes.pop()

            # Render the columns
            column_skip_stack = skip_stack
            consumed_heights = []
            new_boxes = []
            for column_number in range(count):
                # Render one column
                if first_look:  # reuse
                    new_box, resume_at, next_page, _, _, _ = block_box_layout(
                        context,
                        placed_column_box(column_number, current_position_y),
                        context.page_bottom - current_position_y - height,
                        column_skip_stack,
                        containing_block,
                        original_page_is_empty,
                        absolute_boxes,
                        fixed_boxes,
                        None,
                        first_letter_style,
                        first_line_style,
                        discard=False,
                        max_lines=None,
                    )
                else:
                    new_box, resume_at, next_page, _, _, _ = block_box_layout(
                        context,
                        column_box,
                        context.page_bottom - current_position_y - height,
                        column_skip_stack,
                        containing_block,
                        page_is_empty or not balancing,
                        [],
                        [],
                        [],
                        first_letter_style,
                        first_line_style,
                        discard=False,
                        max_lines=None,
                    )
                if new_box is None:
                    # We didn't render anything, retry
                    column_skip_stack = {0: None}
                    break
                new_boxes.append(new_box)
                column_skip_stack = resume_at

                # Calculate consumed height, empty space and next box height
                in_flow_children = [
                    child for child in new_box.children if child.is_in_normal_flow()
                ]
                if in_flow_children:
                    # Get the empty space at the bottom of the column box
                    consumed_height = (
                        in_flow_children[-1].margin_height()
                        + in_flow_children[-1].position_y
                        - current_position_y
                    )
                    empty_space = height - consumed_height
                    consumed_height -= in_flow_children[-1].margin_bottom

                    # Get the minimum size needed to render the next box
                    next_box_height = 0
                    if column_skip_stack:
                        next_box = block_box_layout(
                            context,
                            column_box,
                            inf,
                            column_skip_stack,
                            containing_block,
                            True,
                            [],
                            [],
                            [],
                            first_letter_style,
                            first_line_style,
                            discard=False,
                            max_lines=None,
                        )[0]
                        for child in next_box.children:
                            if child.is_in_normal_flow():
                                next_box_height = child.margin_height()
                                break
                        remove_placeholders(context, [next_box], [], [])
                else:
                    consumed_height = empty_space = next_box_height = 0

                consumed_heights.append(consumed_height)

                # Append the size needed to render the next box in this
                # column.
                #
                # The next box size may be smaller than the empty space, for
                # example when the next box can't be separated from its own
                # next box. In this case we don't try to find the real value
                # and let the workaround below fix this for us.
                #
                # We also want to avoid very small values that may have been
                # introduced by rounding errors. As the workaround below at
                # least adds 1 pixel for each loop, we can ignore lost spaces
                # lower than 1px.
                if next_box_height - empty_space > 1:
                    lost_space = min(lost_space, next_box_height - empty_space)

                # Stop if we already rendered the whole content
                if resume_at is None:
                    break

            # Remove placeholders but keep the current footnote area height
            last_footnotes_height = (
                0
                if context.current_footnote_area.height == "auto"
                else context.current_footnote_area.margin_height()
            )
            if (  # reuse: columns the page ends with are the final layout's
                first_look
                and not last_loop
                and last_footnotes_height in footnote_area_heights
                and len(new_boxes) == count
                and column_skip_stack
            ):
                kept = new_boxes
            elif first_look:
                remove_placeholders(context, new_boxes, absolute_boxes, fixed_boxes)
            else:
                remove_placeholders(context, new_boxes, [], [])

            if last_loop:
                break

            if halving is not None:  # halving
                halving.tried(fits=column_skip_stack is None)
                if halving.found():
                    height, stop_rendering = halving.height()
                    break
                height = halving.next_height()
                continue
            if balancing:
                if column_skip_stack is None:
                    # We rendered the whole content, stop
                    break

                if lost_space == inf:  # halving
                    halving = _Halving(height, max_height)
                    if halving.found():
                        height, stop_rendering = halving.height()
                        break
                    height = halving.next_height()
                    continue

                # Increase the column heights and render them again
                add_height = 1 if lost_space == inf else lost_space
                height += add_height

                if height > max_height:
                    # We reached max height, stop rendering
                    height = max_height
                    stop_rendering = True
                    break
            else:
                if last_footnotes_height not in footnote_area_heights:
                    # Footnotes have been rendered, try to re-render with the
                    # new footnote area height
                    height -= last_footnotes_height - footnote_area_heights[-1]
                    footnote_area_heights.append(last_footnotes_height)
                    continue

                everything_fits = not column_skip_stack and max(consumed_heights) <= max_height
                if everything_fits:
                    # Everything fits, start expanding columns at the average
                    # of the column heights
                    if style["column_fill"] == "balance" or index < columns_and_blocks[-1][0]:
                        balancing = True
                        height = sum(consumed_heights) / count
                    else:
                        break
                else:
                    # Content overflows even at maximum height, stop now and
                    # let the columns continue on the next page
                    stop_rendering = True
                    break

        # As in WeasyPrint, the columns' max-height is not applied.
        bottom_space = max(bottom_space, context.page_bottom - current_position_y - height)

        # Replace the current box children with real columns
        i = 0
        max_column_height = 0
        columns: list[Any] = []
        if kept:  # reuse
            columns = kept
            max_column_height = max(column.margin_height() for column in kept)
        while not kept:
            column_box = placed_column_box(i, current_position_y)
            new_child, column_skip_stack, column_next_page, _, _, _ = block_box_layout(
                context,
                column_box,
                bottom_space,
                skip_stack,
                containing_block,
                original_page_is_empty,
                absolute_boxes,
                fixed_boxes,
                None,
                first_letter_style,
                first_line_style,
                discard=False,
                max_lines=None,
            )
            if new_child is None:
                columns = []
                break_page = True
                break
            next_page = column_next_page
            skip_stack = column_skip_stack
            columns.append(new_child)
            max_column_height = max(max_column_height, new_child.margin_height())
            if skip_stack is None:
                bottom_space = original_bottom_space
                break
            i += 1
            if i == count and not height_defined:
                # [If] a declaration that constrains the column height
                # (e.g., using height or max-height). In this case,
                # additional column boxes are created in the inline
                # direction.
                break

        # Update the current y position and set the columns’ height
        current_position_y += min(max_height, max_column_height)
        for column in columns:
            column.height = max_column_height
            new_children.append(column)

        skip_stack = None
        page_is_empty = False

        if stop_rendering:
            break

    # Report footnotes above the defined footnotes height
    _report_footnotes(context, footnote_area_heights[-1])

    if box.children and not new_children:
        # The box has children but none can be drawn, let's skip the whole box
        context.in_column = False
        return None, (0, None), {"break": "any", "page": None}, [], False

    # Set the height of the containing box
    box.children = new_children
    current_position_y += collapse_margin(adjoining_margins)
    height = current_position_y - box.content_box_y()
    if box.height == "auto":
        box.height = height
        height_difference = 0
    else:
        height_difference = box.height - height

    # Update the latest columns’ height to respect min-height
    if box.min_height != "auto" and box.min_height > box.height:
        height_difference += box.min_height - box.height
        box.height = box.min_height
    for child in new_children[::-1]:
        if child.is_column:
            child.height += height_difference
        else:
            break

    if style["position"] == "relative":
        # New containing block, resolve the layout of the absolute descendants
        for absolute_box in absolute_boxes:
            absolute_layout(context, absolute_box, box, fixed_boxes, bottom_space, skip_stack=None)

    # Calculate skip stack
    if column_skip_stack:
        (skip,) = column_skip_stack.keys()
        skip_stack = {index + skip: column_skip_stack[skip]}
    elif break_page:
        skip_stack = {index: None}

    # Update page bottom according to the new footnotes
    if context.current_footnote_area.height != "auto":
        context.page_bottom += footnote_area_heights[0]
        context.page_bottom -= context.current_footnote_area.margin_height()

    context.in_column = False
    return box, skip_stack, next_page, [], False


# WeasyPrint's licence, for `columns_layout` above:
#
# BSD 3-Clause License
#
# Copyright (c) 2011-2021, Simon Sapin and contributors.
# All rights reserved.
#
# Redistribution and use in source and binary forms, with or without
# modification, are permitted provided that the following conditions are met:
#
# * Redistributions of source code must retain the above copyright notice, this
#   list of conditions and the following disclaimer.
#
# * Redistributions in binary form must reproduce the above copyright notice,
#   this list of conditions and the following disclaimer in the documentation
#   and/or other materials provided with the distribution.
#
# * Neither the name of the copyright holder nor the names of its
#   contributors may be used to endorse or promote products derived from
#   this software without specific prior written permission.
#
# THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"
# AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
# IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
# DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
# FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
# DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
# SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
# CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
# OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
# OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
