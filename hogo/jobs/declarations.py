"""What a scheduled job is, and where the declarations are found."""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.utils.module_loading import module_has_submodule

DECLARATIONS = "jobs"  # the module each app declares its jobs in: hogo/<app>/jobs.py


@dataclass(frozen=True)
class Job:
    """One recurring job: enqueued at start-up and then every `every`."""

    name: str  # "<app>.<what>", as `hogo jobs run` takes it
    task: Any  # a django-tasks Task
    every: dt.timedelta
    about: str  # one line for `hogo jobs list`

    def __post_init__(self) -> None:
        if self.every <= dt.timedelta(0):
            raise ValueError(f"job {self.name}: `every` must be positive, got {self.every}")

    @property
    def task_path(self) -> str:
        return self.task.module_path

    @property
    def schedule(self) -> str:
        """`every 60 s`, `hourly`, `daily`, `every 6 h` — how `hogo jobs list` says it."""
        seconds = int(self.every.total_seconds())
        named = {3600: "hourly", 86400: "daily", 7 * 86400: "weekly"}
        if seconds in named:
            return named[seconds]
        for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
            if seconds % size == 0:
                return f"every {seconds // size} {unit}"
        return f"every {seconds} s"


def declared() -> list[Job]:
    """Every installed app's jobs, in INSTALLED_APPS order; a name declared twice is an error."""
    found: list[Job] = []
    for config in apps.get_app_configs():
        if config.module is None or not module_has_submodule(config.module, DECLARATIONS):
            continue
        module = importlib.import_module(f"{config.name}.{DECLARATIONS}")
        found.extend(getattr(module, "JOBS", ()))
    names = [job.name for job in found]
    if doubles := sorted({name for name in names if names.count(name) > 1}):
        raise RuntimeError(f"jobs declared twice: {', '.join(doubles)}")
    return found


def find(name: str) -> Job:
    """The job of this name; LookupError (naming the known ones) when there is none."""
    jobs = declared()
    for job in jobs:
        if job.name == name:
            return job
    known = ", ".join(job.name for job in jobs)
    raise LookupError(f"no job named {name!r}; known jobs: {known}")
