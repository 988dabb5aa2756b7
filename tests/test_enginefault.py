"""A fault inside WeasyPrint's layout code is refused in one line; the toolkit's own
faults are not hidden by it."""

from __future__ import annotations

import pytest
from weasyprint.layout.block import find_earlier_page_break

from exporter.errors import RefusedError
from exporter.writers.enginefault import engine_faults_refused


def test_a_fault_within_weasyprint_is_refused_in_one_line_naming_the_setting() -> None:
    with pytest.raises(RefusedError) as refused, engine_faults_refused(9.5):
        find_earlier_page_break(None, [object()], [], [])  # no box: its AttributeError
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith("layout: WeasyPrint ")
    assert "at 9.5 pt (AttributeError" in message
    assert refused.value.exit_code == 2


def test_a_fault_of_the_toolkits_own_code_is_raised_as_it_is() -> None:
    with pytest.raises(AttributeError), engine_faults_refused(9.5):
        object().index  # noqa: B018  # raised here, not in WeasyPrint
