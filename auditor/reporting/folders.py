"""Output folders: checking, before any work, that a folder output (a fix plan, a Parquet dataset)
can be written. Light on purpose: `check_outputs` runs on every audit, and the writers (with
pyarrow.parquet, some 30 MB and a quarter second to import) load only when a folder is asked for."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from auditor.errors import AuditorError, ConfigError
from auditor.loading import file_identity

# The part files of a Parquet dataset (auditor/reporting/datasets.py).
PART_GLOB = "part-*.parquet"


def is_folder_output(path: str | Path) -> bool:
    """Whether an output path names a folder: one that exists, or a path ending in a slash."""
    text = str(path)
    return text.endswith(("/", os.sep)) or Path(text).is_dir()


def check_dataset_dir(option: str, folder: str | Path, inputs: Iterable[str | Path] = ()) -> None:
    """Refuse, before any work, a dataset folder that cannot be written (`check_output_folder`) or
    that holds other files."""
    check_output_folder(option, folder, inputs, holds="the dataset")
    path = Path(folder)
    if path.is_dir():
        # A reader of the folder reads every file in it but those named with "." or "_" first.
        foreign = sorted(
            entry.name
            for entry in path.iterdir()
            if not entry.name.startswith((".", "_")) and not entry.match(PART_GLOB)
        )
        if foreign:
            raise ConfigError(
                f"{option} {folder} holds files that are not a dataset's parts ({', '.join(foreign[:3])}"
                f"{', ...' if len(foreign) > 3 else ''}), which a reader of the folder would read as its rows",
                hint="Give an empty folder or a new one",
            )


def check_output_folder(option: str, folder: str | Path, inputs: Iterable[str | Path], *, holds: str) -> None:
    """Refuse an output folder (for `holds`: "the plan", "the dataset") that cannot be written: a
    file (an input among them), a folder whose parent is missing, a folder not writable."""
    path = Path(folder)
    identity = file_identity(path)
    if identity is not None and identity in {file_identity(given) for given in inputs}:
        raise ConfigError(f"{option} {folder} is an input file", hint=f"Give a folder for {holds}")
    if path.exists() and not path.is_dir():
        raise ConfigError(f"{option} {folder} is a file, not a folder", hint=f"Give a folder for {holds}")
    existing = path if path.is_dir() else path.resolve().parent
    if not existing.is_dir():
        raise ConfigError(f"{option} {folder}: the folder {existing} does not exist", hint="Create it first")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ConfigError(
            f"{option} {folder}: the folder {existing} is not writable", hint="Choose another folder"
        )


def staging_in(folder: Path, prefix: str, failing: str) -> Path:
    """A new hidden folder inside `folder` (made when missing), to write an output into before it
    is moved in place; a failure is one line starting with `failing`."""
    try:
        folder.mkdir(exist_ok=True)
        return Path(tempfile.mkdtemp(dir=folder, prefix=prefix))
    except OSError as error:
        raise AuditorError(f"{failing}: {error.strerror or error}") from None


def swap_in(staging: Path, folder: Path, old: Iterable[str], new: Iterable[str]) -> None:
    """Put an output's new parts (`new`, names in `staging`) in place of its old ones (`old`, names
    in `folder`): the old ones leave first, each by a rename, so nothing of an earlier output stays
    behind and a reader never sees the parts of two together for longer than the renames take."""
    retired = staging / ".retired"
    retired.mkdir()
    for name in old:
        if (folder / name).exists():
            os.replace(folder / name, retired / name)
    for name in new:
        if (staging / name).exists():
            os.replace(staging / name, folder / name)
