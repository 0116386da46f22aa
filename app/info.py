"""`deepviz info`: what a deepviz video records of how it was made."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from deepviz.core.errors import DeepvizError
from deepviz.extract.audio import check_input_file
from deepviz.extract.decode import read_tags

if TYPE_CHECKING:
    pass


def video_provenance(path: str) -> dict:
    """What a deepviz video records of how it was made (its `comment` tag)."""

    check_input_file(path)
    comment = read_tags(path).get("comment", "")
    if not comment.startswith("deepviz "):
        raise DeepvizError("no deepviz provenance in this file (not made by deepviz ≥ 0.2?)", path)
    try:
        return json.loads(comment.removeprefix("deepviz "))
    except ValueError:
        raise DeepvizError("its deepviz provenance is damaged", path) from None
