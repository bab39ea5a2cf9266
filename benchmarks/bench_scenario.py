"""The synthetic 2022 scenario: generation time and peak memory, and the workbook writer's peer.

The measurement lives with the generator (`spilldesk.scenario.benchmark`); this is its entry
point for `make bench`. Figures: docs/benchmarks/scenario.md.
"""

from spilldesk.scenario.benchmark import main

if __name__ == "__main__":
    main()
