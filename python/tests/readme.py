"""The README's Python code blocks, as the README has them (the tests run them verbatim)."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
SECTION = "## From Python and Spark Connect"


def python_blocks() -> list[str]:
    """Every ```python block of the README's Python section, in order."""
    text = README.read_text(encoding="utf-8")
    start = text.index(SECTION)
    end = text.find("\n## ", start + len(SECTION))
    section = text[start : end if end >= 0 else len(text)]
    return re.findall(r"^```python\n(.*?)^```$", section, flags=re.S | re.M)


def local_block() -> str:
    """The block for a local session (the one that calls zentrunk_spark.configure)."""
    (block,) = [b for b in python_blocks() if "zentrunk_spark.configure(" in b]
    return block


def connect_block() -> str:
    """The Spark Connect client's block (no zentrunk_spark: the client needs nothing but the URL)."""
    (block,) = [b for b in python_blocks() if "SPARK_REMOTE" in b]
    assert "zentrunk_spark" not in block
    return block
