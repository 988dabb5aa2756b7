"""Run the command line: `python -m exporter`."""

from exporter.collector import collect_rarely

collect_rarely()  # before the command line's imports, which make most of a run's objects

from exporter.cli import run  # noqa: E402

run()
