"""Run the command line: `python -m exporter`."""

from exporter.cli import run

run()
