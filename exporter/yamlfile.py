"""Read the layout's YAML data files, with libyaml's loader where PyYAML was built with it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

# libyaml parses a layout's files about ten times faster than the pure-Python loader;
# both accept the same YAML and raise yaml.YAMLError alike.
LIBYAML_SAFE_LOADER: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """Return the data of one YAML file; OSError and yaml.YAMLError pass through."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=LIBYAML_SAFE_LOADER)
