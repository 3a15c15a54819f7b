"""Reading the one data file inside a downloaded .zip.

ACLED, UCDP GED and GDELT hand out their data zipped (``ged231-csv.zip``,
``20220916000000.export.CSV.zip``). Asking users to unzip first is one more step where the
wrong file gets imported, and a zipped file read as text fails with a message that says nothing
about zips — so an archive holding one data file is read directly, an archive holding several is
refused with their names, and anything else in it (a README, a codebook PDF) is named in a note.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from lowpolitics.framework.errors import CellError, InputError

# An uncompressed member larger than this is refused: reading it would take all the memory of
# an ordinary machine (and a tiny archive that claims more is a "zip bomb"). Unzipped files of
# any size are read as before.
MAX_MEMBER_BYTES = 4 * 2**30


@dataclass(frozen=True)
class Member:
    """The data file found in an archive: its name inside it, its bytes, what was left out."""

    name: str
    data: bytes
    ignored: tuple[str, ...]

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.name).suffix.lower()


def _refuse(path: Path, expected: str, message: str) -> InputError:
    return InputError([CellError(path.name, None, None, None, expected)], message=message)


def is_zip(path: Path) -> bool:
    """True for a file named .zip: it is read through :func:`single_member`.

    A zip under another name (a download whose ``.zip`` was dropped) is refused with a hint
    rather than unpacked: only the command line reads archives — the web import takes no
    ``.zip`` — so an upload is never decompressed in the server's memory. Office files are
    zips too; callers skip the check for ``.xlsx``.
    """
    if path.suffix.lower() == ".zip":
        return True
    if zipfile.is_zipfile(path):
        raise _refuse(
            path,
            "a text file; this one is a .zip archive — unzip it, or give it a name ending "
            "in .zip to have it read directly",
            f"{path.name}: the file is a .zip archive",
        )
    return False


def _visible(info: zipfile.ZipInfo) -> bool:
    parts = PurePosixPath(info.filename).parts
    return (
        not info.is_dir()
        and "__MACOSX" not in parts
        and not any(part.startswith(".") for part in parts)
    )


def single_member(path: Path, suffixes: tuple[str, ...]) -> Member:
    """The one file in the archive whose name ends in one of ``suffixes`` (any case).

    Refused — naming what the archive holds — when there is none or more than one.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            files = [info for info in archive.infolist() if _visible(info)]
            data_files = [i for i in files if PurePosixPath(i.filename).suffix.lower() in suffixes]
            if len(data_files) > 1:  # a README.txt beside the data is no second data file
                tables = [i for i in data_files if not i.filename.lower().endswith(".txt")]
                data_files = tables if len(tables) == 1 else data_files
            wanted = "a .zip with one data file (" + ", ".join(suffixes) + ")"
            if not data_files:
                found = ", ".join(i.filename for i in files) or "nothing"
                raise _refuse(
                    path, f"{wanted}; it holds {found}", f"{path.name}: no data file in the archive"
                )
            if len(data_files) > 1:
                names = ", ".join(i.filename for i in data_files)
                raise _refuse(
                    path,
                    f"{wanted}; it holds {len(data_files)}: {names} — unzip it and import "
                    "each file on its own",
                    f"{path.name}: several data files in the archive ({names})",
                )
            [info] = data_files
            if info.file_size > MAX_MEMBER_BYTES:
                raise _refuse(
                    path,
                    f"a member of at most {MAX_MEMBER_BYTES // 2**30} GB unzipped "
                    f"({info.filename} is {info.file_size // 2**20:,} MB): unzip it first",
                    f"{path.name}: {info.filename} is too large to read from the archive",
                )
            data = archive.read(info)
    except zipfile.BadZipFile as exc:
        raise _refuse(
            path, "a readable .zip archive", f"{path.name}: not a readable .zip archive"
        ) from exc
    except RuntimeError as exc:  # zipfile says "File … is encrypted, password required"
        raise _refuse(
            path, "an archive without a password", f"{path.name}: the archive is encrypted"
        ) from exc
    except NotImplementedError as exc:  # a compression method zipfile does not know
        raise _refuse(
            path, "a .zip compressed with deflate, bzip2 or lzma (or unzip it first)", str(exc)
        ) from exc
    ignored = tuple(i.filename for i in files if i is not info)
    return Member(info.filename, data, ignored)
