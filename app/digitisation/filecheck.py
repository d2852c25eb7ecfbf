"""What a scanned or result file is, judged by its content (never by its name): PDF, JPEG or PNG, within
the size, pixel and expanded-size bounds, readable to its end — else a Vietnamese reason to refuse it.

Pure: bytes in, a verdict out (Pillow decodes the images; zlib measures what a PDF's streams expand to).
"""
import io
import re
import warnings
import zlib
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
LABELS = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG"}

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_JPEG_MAGIC = b"\xff\xd8\xff"
_PDF_MAGIC = b"%PDF-"
# A PDF's streams: "stream" + EOL, the data, then "endstream" (ISO 32000-1 §7.3.8). Lazy: the first
# "endstream" closes it, which can cut a stream whose data contains that word; then the cut part
# fails to inflate and counts as not compressed, the safe side for a bound on expansion.
_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.DOTALL)
_INFLATE_STEP = 1 << 20


@dataclass(frozen=True)
class Limits:
    max_bytes: int  # the file itself
    max_pixels: int  # width × height of an image (A4 at 600 dpi is 35 million)
    max_expanded_bytes: int  # what a PDF's compressed streams may inflate to, all together
    max_pages: int = 500


@dataclass(frozen=True)
class Accepted:
    media_type: str
    extension: str
    pages: int  # 1 for an image


class FileRefused(ValueError):
    """The file is not one the desk keeps; the message says why, in Vietnamese."""


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",").removesuffix(",0") + " MB"


def check_file(data: bytes, limits: Limits) -> Accepted:
    """Accept `data` as a PDF, JPEG or PNG within `limits`, or raise FileRefused."""
    if not data:
        raise FileRefused("Tệp rỗng (0 byte). Hãy chọn lại tệp đã quét.")
    if len(data) > limits.max_bytes:
        raise FileRefused(f"Tệp {_megabytes(len(data))} lớn hơn giới hạn {_megabytes(limits.max_bytes)}. "
                          "Hãy quét ở độ phân giải thấp hơn (200–300 dpi) hoặc tách thành nhiều tệp.")
    if data.startswith(_PDF_MAGIC):
        return Accepted(PDF, "pdf", _check_pdf(data, limits))
    if data.startswith(_JPEG_MAGIC):
        _check_image(data, "JPEG", limits)
        return Accepted(JPEG, "jpg", 1)
    if data.startswith(_PNG_MAGIC):
        _check_image(data, "PNG", limits)
        return Accepted(PNG, "png", 1)
    raise FileRefused("Chỉ nhận tệp PDF, JPEG hoặc PNG (xét theo nội dung tệp, không theo tên). "
                      "Tệp này không phải một trong ba loại đó.")


def _check_image(data: bytes, kind: str, limits: Limits) -> None:
    # Our own structural checks first: WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES for the whole
    # process, after which Pillow decodes a cut file without complaint.
    if kind == "PNG":
        _check_png_structure(data, limits)
    elif not data.rstrip(b"\x00\r\n ").endswith(b"\xff\xd9"):
        raise FileRefused("Tệp JPEG bị hỏng hoặc không đầy đủ (thiếu dấu kết thúc ảnh). Hãy quét hoặc lưu lại tệp.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != kind:
                    raise FileRefused(f"Tệp bắt đầu như {kind} nhưng không đọc được là {kind}.")
                width, height = image.size
                if width < 1 or height < 1 or width * height > limits.max_pixels:
                    raise FileRefused(
                        f"Ảnh {width}×{height} điểm ảnh vượt giới hạn {limits.max_pixels // 1_000_000} triệu điểm "
                        "ảnh. Hãy quét ở 200–300 dpi.")
                if kind == "JPEG":
                    # Decoding at 1/8 scale still reads every entropy-coded byte, so a truncated file
                    # fails here, at a fraction of the memory of the full picture.
                    image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
                image.load()
    except FileRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise FileRefused(f"Ảnh vượt giới hạn {limits.max_pixels // 1_000_000} triệu điểm ảnh "
                          "(nghi là tệp nén bất thường). Hãy quét ở 200–300 dpi.") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        raise FileRefused(f"Tệp {kind} bị hỏng hoặc không đầy đủ ({type(error).__name__}). "
                          "Hãy quét hoặc lưu lại tệp.") from None


_PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # colour type → samples per pixel (PNG spec §11.2.2)


def _check_png_structure(data: bytes, limits: Limits) -> None:
    """Every chunk whole with its CRC, IHDR first and IEND last, and the image data inflating to no more
    than its rows need (a PNG "zip bomb" is refused without being decoded)."""
    broken = FileRefused("Tệp PNG bị hỏng hoặc không đầy đủ. Hãy quét hoặc lưu lại tệp.")
    position, kinds, compressed = 8, [], []
    width = height = bits = colour = 0
    while position < len(data):
        if position + 12 > len(data):
            raise broken
        length = int.from_bytes(data[position:position + 4], "big")
        kind = data[position + 4:position + 8]
        body = data[position + 8:position + 8 + length]
        crc = data[position + 8 + length:position + 12 + length]
        if len(body) != length or len(crc) != 4 or zlib.crc32(kind + body).to_bytes(4, "big") != crc:
            raise broken
        if kind == b"IHDR" and length == 13:
            width, height = int.from_bytes(body[:4], "big"), int.from_bytes(body[4:8], "big")
            bits, colour = body[8], body[9]
        elif kind == b"IDAT":
            compressed.append(body)
        kinds.append(kind)
        position += 12 + length
        if kind == b"IEND":
            break
    if not kinds or kinds[0] != b"IHDR" or kinds[-1] != b"IEND" or not compressed or colour not in _PNG_CHANNELS:
        raise broken
    if width < 1 or height < 1 or width * height > limits.max_pixels:
        raise FileRefused(f"Ảnh {width}×{height} điểm ảnh vượt giới hạn {limits.max_pixels // 1_000_000} triệu "
                          "điểm ảnh. Hãy quét ở 200–300 dpi.")
    row = -(-width * bits * _PNG_CHANNELS[colour] // 8)
    needed = height * (1 + row) + 7 * height  # interlaced images add a filter byte per row of each pass
    total, complete, valid = _inflate_counting(b"".join(compressed), needed)
    if not valid:
        raise broken
    if total > needed:
        raise FileRefused("Tệp PNG giải nén ra nhiều hơn kích thước ảnh: không nhận (nghi là tệp nén bất thường).")
    if not complete:
        raise broken


def _inflated_size(stream: bytes, budget: int) -> int:
    """How many bytes `stream` inflates to if it is zlib data, counting at most `budget + 1` of them
    (0 for data that is not zlib: JPEG images inside scanned PDFs, other filters)."""
    return _inflate_counting(stream, budget)[0]


def _inflate_counting(stream: bytes, budget: int) -> tuple[int, bool, bool]:
    """Inflate `stream` a step at a time, never holding more than one step, and stop once more than
    `budget` bytes came out: (bytes counted, whether the zlib stream ended, whether it was valid zlib up
    to where it stopped). Bytes inflated before an error still count, so a stream cannot hide its size
    behind a broken tail."""
    inflater = zlib.decompressobj()
    total, pending = 0, stream
    try:
        while pending and total <= budget:
            chunk = inflater.decompress(pending, _INFLATE_STEP)
            total += len(chunk)
            pending = inflater.unconsumed_tail
            if not chunk and not pending:
                break
    except zlib.error:
        return total, False, False
    return total, inflater.eof, True


def _check_pdf(data: bytes, limits: Limits) -> int:
    if b"%%EOF" not in data[-2048:]:
        raise FileRefused("Tệp PDF không đầy đủ (thiếu phần kết thúc %%EOF): có thể tải lên bị ngắt. "
                          "Hãy lưu lại tệp rồi gửi lại.")
    # Before any parser inflates a stream: everything compressed in the file together stays bounded,
    # so a small file cannot expand into gigabytes (a "zip bomb" made of PDF streams).
    budget = limits.max_expanded_bytes
    for match in _STREAM.finditer(data):
        budget -= _inflated_size(match.group(1), budget)
        if budget < 0:
            raise FileRefused(f"Tệp PDF giải nén ra hơn {_megabytes(limits.max_expanded_bytes)}: "
                              "không nhận (nghi là tệp nén bất thường).")
    return _pdf_pages(data, limits)


def _pdf_pages(data: bytes, limits: Limits) -> int:
    # pyHanko's reader (the library that signs the results) opens the cross-reference table and the
    # page tree, as a PDF reader would; anything it cannot read is a broken file.
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            raise FileRefused("Tệp PDF có mật khẩu hoặc bị mã hóa: hãy lưu bản không đặt mật khẩu.")
        pages = int(reader.root["/Pages"]["/Count"])
    except FileRefused:
        raise
    except Exception as error:  # noqa: BLE001 - any parser failure means the same to the clerk
        raise FileRefused(f"Tệp PDF bị hỏng, không đọc được ({type(error).__name__}). "
                          "Hãy quét hoặc xuất lại tệp PDF.") from None
    if pages < 1:
        raise FileRefused("Tệp PDF không có trang nào.")
    if pages > limits.max_pages:
        raise FileRefused(f"Tệp PDF có {pages} trang, vượt giới hạn {limits.max_pages} trang.")
    return pages
