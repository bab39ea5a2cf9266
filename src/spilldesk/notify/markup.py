"""The line markup letters are written in, parsed into blocks the PDF renderer lays out.

`# ` a title, `## ` a heading, `- ` a bullet, `> ` a line kept as it is (addresses,
signatures); other lines run together into a paragraph; a blank line ends a block.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class BlockKind(StrEnum):
    TITLE = "title"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    BULLET = "bullet"
    LINE = "line"
    GAP = "gap"


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str = ""


_PREFIXES = (("## ", BlockKind.HEADING), ("# ", BlockKind.TITLE), ("- ", BlockKind.BULLET),
             ("> ", BlockKind.LINE))


def parse_markup(text: str) -> list[Block]:
    blocks: list[Block] = []
    paragraph: list[str] = []

    def end_paragraph() -> None:
        if paragraph:
            blocks.append(Block(BlockKind.PARAGRAPH, " ".join(paragraph)))
            paragraph.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            end_paragraph()
            if blocks and blocks[-1].kind is not BlockKind.GAP:
                blocks.append(Block(BlockKind.GAP))
            continue
        if line == ">":  # an empty kept line: space inside an address or signature block
            end_paragraph()
            blocks.append(Block(BlockKind.LINE))
            continue
        kind = next((k for prefix, k in _PREFIXES if line.startswith(prefix)), None)
        if kind is None:
            paragraph.append(line)
            continue
        end_paragraph()
        if kind is BlockKind.BULLET and blocks and blocks[-1].kind is BlockKind.GAP and (
            len(blocks) > 1 and blocks[-2].kind is BlockKind.BULLET
        ):
            blocks.pop()  # bullets separated by blank lines still form one list
        blocks.append(Block(kind, line.split(" ", 1)[1].strip()))
    end_paragraph()
    while blocks and blocks[-1].kind is BlockKind.GAP:
        blocks.pop()
    while blocks and blocks[0].kind is BlockKind.GAP:
        blocks.pop(0)
    return blocks
