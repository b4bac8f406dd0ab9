"""Reading catalogue files that come from outside: size caps, zip archives, text, CSV rows.

Every file an import reads passes through here, and every way a file can be bad ends as a
CatalogueError line `file:line: column: reason` (never csv.Error, UnicodeDecodeError or
BadZipFile): the CLI prints it and the admin shows it, and nothing is imported.

Zip archives (HSDS packages and XLSX workbooks) are checked before anything is expanded: how
many members, the size each declares, the sum, and how much each expands its compressed bytes.
HSDS members are then read in chunks and stopped at the cap whatever their header says.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from pathlib import Path

from lotse.catalogue.formulas import restore
from lotse.catalogue.records import CatalogueError

MiB = 1024 * 1024
MAX_FILE_BYTES = 100 * MiB
"""One CSV file or archive member, expanded: about 50,000 offers with their translations."""
MAX_TOTAL_BYTES = 200 * MiB
"""All members of one archive together, expanded."""
MAX_RATIO = 100
"""Expanded size over compressed size: real catalogue files compress 2–12 times, a zip bomb
about 1,000 times (deflate's limit)."""
RATIO_FROM_BYTES = MiB
"""The ratio is checked only for members larger than this: a small file may compress well."""
MAX_MEMBERS = 1000
CHUNK = 64 * 1024
Row = tuple[int, dict[str, str]]


def _megabytes(size: int) -> str:
    return f"{size / MiB:,.1f} MB"


def read_file(path: Path, limit: int | None = None) -> bytes:
    """A file's bytes, refused if it is larger than the cap."""
    limit = MAX_FILE_BYTES if limit is None else limit
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise CatalogueError([f"{path}:1: (file): larger than {_megabytes(limit)}"])
    return data


def open_zip(path: Path, origin: str, what: str) -> zipfile.ZipFile:
    """The archive, its members checked (count, declared sizes, ratios) before any is read."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise CatalogueError([f"{origin}:1: (file): not a readable {what} ({exc})"]) from None
    try:
        check_members(archive, origin)
    except CatalogueError:
        archive.close()
        raise
    return archive


def check_members(archive: zipfile.ZipFile, origin: str) -> None:
    """Refuse an archive whose members would expand beyond the caps (a zip bomb)."""
    infos = [info for info in archive.infolist() if not info.is_dir()]
    if len(infos) > MAX_MEMBERS:
        raise CatalogueError(
            [f"{origin}:1: (file): {len(infos)} files in the archive, at most {MAX_MEMBERS}"]
        )
    problems = []
    for info in infos:
        where = f"{origin}/{info.filename}:1: (file)"
        if info.file_size > MAX_FILE_BYTES:
            problems.append(
                f"{where}: would expand to {_megabytes(info.file_size)}, more than the "
                f"{_megabytes(MAX_FILE_BYTES)} a file may have (refused as a zip bomb)"
            )
        elif info.file_size > RATIO_FROM_BYTES and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        ):
            problems.append(
                f"{where}: would expand {info.file_size // max(info.compress_size, 1):,} times "
                f"(at most {MAX_RATIO}; refused as a zip bomb)"
            )
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL_BYTES and not problems:
        problems.append(
            f"{origin}:1: (file): would expand to {_megabytes(total)} in all, more than "
            f"{_megabytes(MAX_TOTAL_BYTES)} (refused as a zip bomb)"
        )
    if problems:
        raise CatalogueError(problems)


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, origin: str, budget: int) -> bytes:
    """A member's bytes, read in chunks and stopped at the smallest of its declared size, the
    per-file cap and what is left of the archive's budget: a header that lies gains nothing."""
    where = f"{origin}/{info.filename}:1: (file)"
    limit = min(info.file_size, MAX_FILE_BYTES, budget)
    parts: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as member:
            while chunk := member.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise CatalogueError(
                        [f"{where}: holds more than the {info.file_size:,} bytes its header says"]
                        if size > info.file_size
                        else [f"{where}: expands beyond the archive's cap (a zip bomb)"]
                    )
                parts.append(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise CatalogueError(
            [f"{where}: damaged, or its header does not match its contents ({exc})"]
        ) from None
    except (RuntimeError, NotImplementedError) as exc:  # encrypted, unknown compression
        raise CatalogueError([f"{where}: cannot be read ({exc})"]) from None
    return b"".join(parts)


def read_zip_csvs(path: Path) -> dict[str, tuple[str, bytes]]:
    """The CSV members of a zip by name (`service`): origin for messages and bytes."""
    origin = str(path)
    with open_zip(path, origin, "zip archive") as archive:
        found: dict[str, tuple[str, bytes]] = {}
        budget = MAX_TOTAL_BYTES
        for info in archive.infolist():
            name = Path(info.filename)
            if info.is_dir() or name.suffix.lower() != ".csv" or _is_hidden(info.filename):
                continue
            if name.stem in found:
                raise CatalogueError(
                    [f"{origin}/{info.filename}:1: (file): a second {name.name} in the archive"]
                )
            data = read_member(archive, info, origin, budget)
            budget -= len(data)
            found[name.stem] = (f"{origin}/{name.stem}.csv", data)
    return found


def _is_hidden(filename: str) -> bool:
    """macOS adds `__MACOSX/._service.csv` copies of the resource forks to zips it makes."""
    return any(part.startswith((".", "__MACOSX")) for part in filename.split("/"))


def decode(data: bytes, origin: str) -> str:
    """UTF-8 text (a BOM is dropped); anything else is named with the line where it breaks."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CatalogueError(
            [f'{origin}:1: (file): not UTF-8 text but UTF-16; save the sheet as "CSV UTF-8"']
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CatalogueError(
            [
                f"{origin}:{line}: (file): not UTF-8 text (byte 0x{data[exc.start]:02x}); "
                'a CSV file saved as "CSV UTF-8" is expected'
            ]
        ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise CatalogueError(
            [f"{origin}:{line}: (file): contains a NUL byte; this is not a CSV text file"]
        )
    return text


_CSV_REASONS = {
    "unexpected end of data": 'a quoted cell starting here is never closed (a " is missing)',
    "',' expected after '\"'": 'a " inside a quoted cell must be doubled ("")',
    "';' expected after '\"'": 'a " inside a quoted cell must be doubled ("")',
}


def read_csv(origin: str, text: str, delimiter: str = ",") -> tuple[list[str], list[Row]]:
    """Header and (line, row) of CSV text; each cell loses the quote a Lotse export put before a
    formula character (lotse/catalogue/formulas.py). A row's line is its last physical line."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    rows: list[Row] = []
    start = 1
    try:
        for cells in reader:
            if header is None:
                header = [cell.strip() for cell in cells]
            elif any(cells):
                if len(cells) > len(header):
                    where = f"{origin}:{reader.line_num}: (row)"
                    raise CatalogueError([f"{where}: more cells than the header has columns"])
                row = {name: restore(cell) for name, cell in zip(header, cells, strict=False)}
                _refuse_control_characters(origin, reader.line_num, row)
                rows.append((reader.line_num, {name: row.get(name, "") for name in header}))
            start = reader.line_num + 1
    except csv.Error as exc:
        reason = str(exc)
        reason = _CSV_REASONS.get(reason, reason)
        if "field larger than field limit" in reason:
            reason = f"a cell longer than {csv.field_size_limit():,} characters (a quote missing?)"
        raise CatalogueError([f"{origin}:{start}: (row): {reason}"]) from None
    return header or [], rows


_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _refuse_control_characters(origin: str, line: int, row: dict[str, str]) -> None:
    """Control characters (a vertical tab pasted from a word processor) are invisible in a sheet
    and cannot be written to an XLSX export; tabs and line breaks are fine."""
    for name, cell in row.items():
        if found := _CONTROL.search(cell):
            raise CatalogueError(
                [f"{origin}:{line}: {name}: contains the control character U+{ord(found[0]):04X}"]
            )


def read_csv_file(path: Path, delimiter: str | None = None) -> tuple[list[str], list[Row]]:
    """A CSV file from disk; delimiter None guesses `;` or `,` from the first line (Excel)."""
    text = decode(read_file(path), str(path))
    if delimiter is None:
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") > first.count(",") else ","
    return read_csv(str(path), text, delimiter)


def first_line_cells(path: Path) -> list[str]:
    """The header of a CSV file as well as it can be read (to tell a places file from a matrix;
    the import itself reports what is wrong with the file)."""
    with path.open("rb") as handle:
        head = handle.read(64 * 1024).decode("utf-8-sig", errors="replace")
    try:
        return next(csv.reader(io.StringIO(head.split("\n", 1)[0])), [])
    except csv.Error:
        return []
