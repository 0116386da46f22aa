"""How a batch runs: `BatchOptions`, declared once (light: the command line imports it for
`--help`)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from deepviz.core.options import option

HELP = {  # the options' help, as `--help` shows it
    "jobs": "Worker processes, each with its own GL context [default: 0 = the number of cores].",
    "executor": (
        "local: worker processes here; dask: one task per track on a "
        "dask.distributed cluster (pip install 'deepviz[dask]')."
    ),
    "scheduler": (
        "With --executor dask: the scheduler, e.g. tcp://host:8786 [default: a LocalCluster here]."
    ),
    "pattern": "Only files whose name (or path below the folder) matches, e.g. '*.flac'.",
    "force": "Render every track again, even those whose video is up to date.",
}


@dataclass
class BatchOptions:
    """How a batch runs: where, how wide, which files, and whether finished videos are redone."""

    jobs: int = option(0, "--jobs", "-j", low=0, high=256, help=HELP["jobs"])
    executor: str = option("local", "--executor", choices=("local", "dask"), help=HELP["executor"])
    scheduler: str | None = option(
        None, "--scheduler", kind=str, metavar="ADDRESS", help=HELP["scheduler"]
    )
    pattern: str | None = option(None, "--pattern", kind=str, metavar="GLOB", help=HELP["pattern"])
    force: bool = option(False, "--force", flag=True, help=HELP["force"])

    def workers(self) -> int:
        return self.jobs or os.cpu_count() or 1
