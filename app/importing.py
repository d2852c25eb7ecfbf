"""Reading import files: UTF-8 CSV with a header row, problems named by line and field, all or nothing."""
import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from app.spreadsheet_text import restore
from app.vntext import nfc


@dataclass(frozen=True)
class ImportProblem:
    line: int  # 1-based line of the file; the header is line 1
    field: str
    message: str

    def __str__(self) -> str:
        where = f"dòng {self.line}" + (f", cột {self.field}" if self.field else "")
        return f"{where}: {self.message}"


# A ward's register of a year is a few MB; a file far larger is a mistake or an attack, refused before
# it is read into memory.
MAX_IMPORT_BYTES = 50 * 1024 * 1024
# An XLSX is a zip: what its members expand to is bounded before any XML is parsed (a 400 KB file can
# expand to 400 MB of one repeated cell). Real workbooks expand 5-20 times; text of one letter
# repeated compresses about 1000 times.
MAX_XLSX_EXPANDED_BYTES = 200 * 1024 * 1024
MAX_XLSX_RATIO = 200
RATIO_CHECKED_FROM_BYTES = 1024 * 1024  # small members (styles, a tiny sheet) may compress as they like


class ImportFileError(Exception):
    """The file cannot be imported; nothing of it was written."""

    def __init__(self, problems: list[ImportProblem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


def read_csv_rows(path: str | Path, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    """(line, row) for every non-empty row, each value NFC-normalised and stripped.

    The header must hold every column of `columns` (order free, extra columns refused so that a typo
    in a header is not silently ignored). Raises ImportFileError for a file that is not UTF-8, a
    wrong header, or a row with the wrong number of cells.
    """
    check_file_size(path)
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ImportFileError([ImportProblem(line, "", "tệp không phải UTF-8 (hãy lưu lại với mã hóa UTF-8)")]) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [nfc(cell).lower() for cell in next(reader)]
    except StopIteration:
        raise ImportFileError([ImportProblem(1, "", "tệp rỗng")]) from None
    repeated = sorted({column for column in header if header.count(column) > 1})
    if repeated:
        raise ImportFileError([ImportProblem(1, column, "cột lặp lại") for column in repeated])
    missing = [column for column in columns if column not in header]
    unknown = [column for column in header if column not in columns]
    if missing or unknown:
        problems = [ImportProblem(1, column, "thiếu cột") for column in missing]
        problems += [ImportProblem(1, column, "cột không được hỗ trợ") for column in unknown]
        raise ImportFileError(problems)
    rows, problems = [], []
    while True:
        first_line = reader.line_num + 1  # a quoted cell may span lines: report where the row starts
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            # An unclosed quote swallows the rest of the file: name the row where it opened.
            problems.append(ImportProblem(first_line, "", f"không đọc được dòng CSV ({error}); kiểm tra dấu ngoặc kép"))
            break
        _take_row(first_line, cells, header, rows, problems)
    if problems:
        raise ImportFileError(problems)
    return rows


def _take_row(line: int, cells: list[str], header: list[str], rows: list, problems: list) -> None:
    if not any(cell.strip() for cell in cells):
        return
    if len(cells) != len(header):
        problems.append(ImportProblem(line, "", f"có {len(cells)} ô, cần {len(header)}"))
        return
    rows.append((line, {column: restore(nfc(cell)) for column, cell in zip(header, cells, strict=True)}))


def check_file_size(path: str | Path) -> None:
    """ImportFileError for a file over MAX_IMPORT_BYTES, read from the file system before any of it."""
    size = Path(path).stat().st_size
    if size > MAX_IMPORT_BYTES:
        raise ImportFileError([ImportProblem(1, "", (
            f"tệp quá lớn ({size / 1024 / 1024:.1f} MB, tối đa {MAX_IMPORT_BYTES // 1024 // 1024} MB); "
            "hãy chia thành nhiều tệp"))])


def check_xlsx_expansion(path: str | Path) -> None:
    """ImportFileError for an XLSX too large, or whose members expand beyond MAX_XLSX_EXPANDED_BYTES in
    total or more than MAX_XLSX_RATIO times, judged from the zip's central directory alone.

    The sizes there are what the archive declares; Python's zip reader never inflates a member
    past its declared size (it fails the CRC check instead), so the bound holds for a lying file too.
    A file that is no zip passes here and is refused by the workbook reader.
    """
    check_file_size(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    expanded = sum(member.file_size for member in members)
    too_compressed = [member for member in members if member.file_size > RATIO_CHECKED_FROM_BYTES
                      and member.file_size > MAX_XLSX_RATIO * max(member.compress_size, 1)]
    if expanded > MAX_XLSX_EXPANDED_BYTES or too_compressed:
        raise ImportFileError([ImportProblem(1, "", (
            f"tệp Excel giải nén ra {expanded / 1024 / 1024:.0f} MB (tối đa "
            f"{MAX_XLSX_EXPANDED_BYTES // 1024 // 1024} MB, nén không quá {MAX_XLSX_RATIO} lần): "
            "không đọc tệp này; hãy lưu lại bảng tính hoặc dùng CSV"))])
