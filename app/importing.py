"""Reading import files: UTF-8 CSV with a header row, problems named by line and field, all or nothing."""
import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from app.vntext import nfc


@dataclass(frozen=True)
class ImportProblem:
    line: int  # 1-based line of the file; the header is line 1
    field: str
    message: str

    def __str__(self) -> str:
        where = f"dòng {self.line}" + (f", cột {self.field}" if self.field else "")
        return f"{where}: {self.message}"


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
    rows.append((line, {column: nfc(cell) for column, cell in zip(header, cells, strict=True)}))


def parse_day(text: str) -> date:
    """YYYY-MM-DD or dd/mm/yyyy."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"«{text}» không phải ngày (YYYY-MM-DD hoặc dd/mm/yyyy)")
