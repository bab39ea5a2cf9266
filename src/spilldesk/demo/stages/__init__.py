"""Demo stages, run in the order of their module names (`s10_...`, `s20_...`).

Each module defines `TITLE` and `run(ctx: DemoContext) -> dict`: what the stage did, as
JSON-able figures (never person data). Later stages read earlier ones' results from ctx.
A stage with `SECTIONS = True` returns several named sections (the 2022 timeline reports
incidents, overlap, plan, notify and timeline).
"""
