"""The 2022 scenario end to end: each capability adds a stage in `demo/stages/`."""
