"""The render budget's benchmark row: CPU time to render the worst known wiki texts.

    python -m bench.render            # prints one Markdown table; no database, no server

`render_rows()` is what `bench.run` (or anyone) calls: for each input, the CPU time of one
render as a save or a preview does it (Markdown, the budget's checks, bleach; link lookups
answered without a database), and whether it rendered or was refused (wiki.budget). Before the
budget the first three took 17 s, 10 s and 5 s of CPU to save; every row should now be well
under a second.
"""

from __future__ import annotations

import time
from dataclasses import dataclass


def worst_inputs() -> dict[str, str]:
    """The audit's hostile texts, and the largest ordinary page the form accepts, for scale."""
    prose = (
        "The *Big Society* was launched in 2010; see [[Localism]] and [[post:launch-speech|the "
        "speech]], or [the report](https://example.org/report). Volunteers argued about it. "
    )
    return {
        "200,000 chars of `*_` pairs": "*_" * 100_000,
        "`> ` x 90,000 (nested quotes)": "> " * 90_000,
        "12,000 `[[links]]`": " ".join(f"[[Page {n}]]" for n in range(12_000)),
        "`*_` x 4,999 a paragraph, 20 paragraphs": ("*_" * 4_999 + "\n\n") * 20,
        "2,000 `[[links]]` (the most allowed)": " ".join(f"[[Page {n}]]" for n in range(2_000)),
        "200,000 chars of prose with markup": ((prose + "\n\n") * 1_000)[:200_000],
    }


@dataclass(frozen=True)
class Row:
    name: str
    chars: int
    cpu_seconds: float
    outcome: str  # "rendered" or "refused: <why>"


def render_rows() -> list[Row]:
    from wiki.budget import RenderRefused
    from wiki.markup import render_markdown

    rows = []
    for name, text in worst_inputs().items():
        start = time.thread_time()
        try:
            render_markdown(text)
            outcome = "rendered"
        except RenderRefused as refused:
            outcome = "refused: " + str(refused).split("; ")[0].split(". ")[0]
        rows.append(Row(name, len(text), time.thread_time() - start, outcome))
    return rows


def table(rows: list[Row]) -> str:
    lines = ["| wiki text | chars | render CPU (s) | outcome |", "| --- | ---: | ---: | --- |"]
    lines += [f"| {r.name} | {r.chars:,} | {r.cpu_seconds:.3f} | {r.outcome} |" for r in rows]
    return "\n".join(lines)


def main() -> None:
    print(table(render_rows()))


if __name__ == "__main__":
    main()
