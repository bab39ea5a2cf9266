"""Stage: generate the synthetic 2022 scenario (registry, disclosures, manifest, logs)."""

from __future__ import annotations

from typing import Any

from spilldesk.demo.runner import DemoContext

TITLE = "Generate the synthetic 2022 scenario"


def run(ctx: DemoContext) -> dict[str, Any]:
    from spilldesk.scenario import generate

    files = generate(ctx.scenario_dir, seed=ctx.seed, persons=ctx.persons)
    return dict(files.summary)
