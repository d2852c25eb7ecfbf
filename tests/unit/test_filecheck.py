"""Files judged by content: PDF, JPEG and PNG accepted; anything else, broken, oversized or expanding beyond
the bounds refused with a Vietnamese reason (app/digitisation/filecheck.py)."""
import pytest

from app.digitisation.filecheck import JPEG, PDF, PNG, FileRefused, Limits, check_file
from scan_files import image_bytes, pdf_bytes, png_claiming

LIMITS = Limits(max_bytes=2 * 1024 * 1024, max_pixels=10_000_000, max_expanded_bytes=1024 * 1024, max_pages=5)


@pytest.mark.parametrize("data, media_type, pages", [
    (pdf_bytes(), PDF, 1),
    (pdf_bytes(pages=3), PDF, 3),
    (image_bytes("PNG"), PNG, 1),
    (image_bytes("JPEG"), JPEG, 1),
])
def test_pdf_jpeg_and_png_are_accepted_by_their_content(data, media_type, pages):
    accepted = check_file(data, LIMITS)
    assert (accepted.media_type, accepted.pages) == (media_type, pages)


@pytest.mark.parametrize("data, reason", [
    (b"", "rỗng"),
    (b"MZ\x90\x00 a program renamed scan.pdf", "Chỉ nhận tệp PDF, JPEG hoặc PNG"),
    (b"<html><script>alert(1)</script></html>", "Chỉ nhận tệp PDF, JPEG hoặc PNG"),
    (b"GIF89a" + b"\0" * 100, "Chỉ nhận tệp PDF, JPEG hoặc PNG"),
    (pdf_bytes()[:-300], "không đầy đủ"),
    (pdf_bytes().replace(b"/Root 1 0 R", b"/Root 9 0 R"), "PDF bị hỏng"),
    (pdf_bytes(pages=6), "vượt giới hạn 5 trang"),
    (image_bytes("PNG")[:-40], "PNG bị hỏng"),
    (image_bytes("JPEG", size=(400, 400))[:600], "JPEG bị hỏng"),
    (png_claiming(50_000, 50_000), "triệu điểm ảnh"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "PNG bị hỏng"),
])
def test_a_file_that_is_not_a_readable_scan_is_refused_with_its_reason(data, reason):
    with pytest.raises(FileRefused, match=reason):
        check_file(data, LIMITS)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    with pytest.raises(FileRefused, match="lớn hơn giới hạn 2 MB"):
        check_file(b"%PDF-" + b"\0" * (2 * 1024 * 1024), LIMITS)


def test_a_pdf_whose_streams_inflate_beyond_the_bound_is_refused():
    bomb = pdf_bytes(extra_stream=b"\0" * (3 * 1024 * 1024))  # 3 MB of zeros packs into a few KB
    assert len(bomb) < 20_000
    with pytest.raises(FileRefused, match="giải nén ra hơn 1 MB"):
        check_file(bomb, LIMITS)
    assert check_file(pdf_bytes(extra_stream=b"\0" * 500_000), LIMITS).media_type == PDF


def test_an_encrypted_pdf_is_refused():
    encrypted = pdf_bytes().replace(b"/Root 1 0 R", b"/Root 1 0 R /Encrypt << /Filter /Standard /V 1 /R 2 "
                                    b"/O (0123456789abcdef0123456789abcdef) /U (0123456789abcdef0123456789abcdef) /P -4 >>")
    with pytest.raises(FileRefused):
        check_file(encrypted, LIMITS)


def test_a_cut_image_is_refused_even_when_pillow_is_told_to_load_truncated_images():
    # WeasyPrint sets this for the whole process; the check must not depend on it.
    from PIL import ImageFile

    from scan_files import image_bytes as picture

    ImageFile.LOAD_TRUNCATED_IMAGES = True
    try:
        for kind, cut in (("PNG", 40), ("JPEG", 300)):
            data = picture(kind, size=(300, 300))
            with pytest.raises(FileRefused, match=f"{kind} bị hỏng"):
                check_file(data[:-cut], LIMITS)
            assert check_file(data, LIMITS).extension in ("png", "jpg")
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = False


def test_a_png_whose_data_inflates_beyond_its_rows_is_refused():
    import zlib

    def chunk(kind, body):
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    header = (10).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    bomb = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 5_000_000))
            + chunk(b"IEND", b""))
    with pytest.raises(FileRefused, match="giải nén ra nhiều hơn"):
        check_file(bomb, LIMITS)
