"""The Python code blocks of the README and the documentation site, as the pages have them (the tests run them
verbatim). A block is run by the test its marker names, on the line before its fence:
``<!-- run by: python/tests/test_readme.py -->``; the Java test DocumentedBlocksTest checks that every code block
has such a marker or says why it is not run here."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def pages() -> list[Path]:
    """README.md, then the site's pages but the generated reference (as DocumentedBlocks.pages())."""
    docs = ROOT / "docs"
    return [ROOT / "README.md", *sorted(p for p in docs.rglob("*.md") if p.relative_to(docs).parts[0] != "reference")]


def blocks_run_by(runner: str) -> list[tuple[str, str]]:
    """(page, text) of every ```python block whose marker names ``runner`` (a path from the repository's root)."""
    marker = re.escape(f"<!-- run by: {runner} -->")
    out = []
    for page in pages():
        text = page.read_text(encoding="utf-8")
        for block in re.findall(rf"^{marker}\n```python\n(.*?)^```$", text, flags=re.S | re.M):
            out.append((str(page.relative_to(ROOT)), block))
    return out


def the_block_run_by(runner: str) -> str:
    """The one text of the blocks ``runner`` runs (a block shown on several pages is the same text, run once)."""
    blocks = blocks_run_by(runner)
    assert blocks, f"no python block is marked as run by {runner}"
    texts = {text for _, text in blocks}
    assert len(texts) == 1, f"the blocks run by {runner} differ between {[p for p, _ in blocks]}"
    return texts.pop()
