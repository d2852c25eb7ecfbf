"""The period's report as an editable Word file (.docx): the same content as the PDF — the Decree 30/2020
header, the figures of `app.reports.quarterly` (live, or as submitted), the index with its provisional
note, the chair's sections, "Nơi nhận" and the signature block — because ward offices edit in Word before
signing. python-docx writes it; every number passes through the same formatting as the PDF's."""
import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from app.jinja_filters import format_date, format_number, format_percent
from app.reports.letterhead import document_date
from app.reports.quarterly import QuarterlyReport, index_percent_text
from app.stats.table06 import CSV_HEADER

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Decree 30/2020/NĐ-CP, appendix I: Times New Roman, 13–14 pt body, A4 with margins 20–25 / 15–20 / 30–35 / 15–20 mm.
FONT = "Times New Roman"
BODY_SIZE = Pt(13)


def _font(run, size=None, bold=None, italic=None):
    run.font.name = FONT
    run._element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    if size is not None:
        run.font.size = size
    if bold is not None:
        run.bold = bold
    if italic is not None:
        run.italic = italic
    return run


def _paragraph(container, text="", *, bold=False, italic=False, size=None, align=None, space_after=Pt(3)):
    paragraph = container.add_paragraph()
    if text:
        _font(paragraph.add_run(text), size=size, bold=bold, italic=italic)
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = space_after
    paragraph.paragraph_format.space_before = Pt(0)
    return paragraph


def _cell_text(cell, text, *, bold=False, italic=False, size=Pt(9), align=None):
    cell.text = ""
    paragraph = cell.paragraphs[0]
    _font(paragraph.add_run(text), size=size, bold=bold, italic=italic)
    if align is not None:
        paragraph.alignment = align
    return paragraph


def _no_borders(table):
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _grid(document, header: list[str], rows: list[list[str]], total_rows: int = 0, size=Pt(9)):
    """A bordered table: header row in bold, numbers right-aligned, the last `total_rows` rows in bold."""
    table = document.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for column, label in enumerate(header):
        _cell_text(table.cell(0, column), label, bold=True, size=size, align=WD_ALIGN_PARAGRAPH.CENTER)
    for offset, row in enumerate(rows, start=1):
        bold = offset > len(rows) - total_rows
        for column, value in enumerate(row):
            _cell_text(table.cell(offset, column), value, bold=bold, size=size,
                       align=WD_ALIGN_PARAGRAPH.RIGHT if column and _is_number(value) else None)
    _paragraph(document, space_after=Pt(2))
    return table


def _is_number(text: str) -> bool:
    return bool(text) and (text[0].isdigit() or text == "không có dữ liệu")


def _header(document, r: QuarterlyReport):
    """Decree 30/2020 header: the committee's lines and the number on the left; motto, place and date right."""
    letterhead = r.unit.committee_letterhead
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.cell(0, 0), table.cell(0, 1)
    left.width, right.width = Cm(6.5), Cm(9.5)
    # The governing body (not bold) above the issuer (bold), as the PDF's macro prints them.
    lines = ([(line, False) for line in letterhead.governing_lines]
             + [(line, True) for line in letterhead.issuer_lines] + [("———", False), (f"Số: {r.number_text}", False)])
    _cell_text(left, lines[0][0], bold=lines[0][1], size=Pt(12), align=WD_ALIGN_PARAGRAPH.CENTER)
    for text, bold in lines[1:]:
        paragraph = left.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(paragraph.add_run(text), size=Pt(12), bold=bold)
    _cell_text(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=Pt(12), align=WD_ALIGN_PARAGRAPH.CENTER)
    for text, bold, italic, size in (("Độc lập - Tự do - Hạnh phúc", True, False, Pt(13)), ("———", False, False, Pt(10)),
                                     (f"{letterhead.place}, {document_date(r.issued_on)}", False, True, Pt(13))):
        paragraph = right.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(paragraph.add_run(text), size=size, bold=bold, italic=italic)


def _report06_rows(r: QuarterlyReport) -> list[list[str]]:
    return [[cells[0], *(format_number(value) for value in cells[1:]),
             format_percent(counts.early + counts.on_time, counts.resolved)] for cells, counts in r.table]


def _figures(document, r: QuarterlyReport):
    c, offerings = r.report.total, r.report.offerings
    n = format_number
    _paragraph(document, "I. KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", bold=True)
    _paragraph(document, f"1. Số hồ sơ nhận giải quyết: {n(c.received)} hồ sơ, trong đó kỳ trước chuyển qua "
                         f"{n(c.carried_over)}; tiếp nhận mới trực tuyến {n(c.online)}; tiếp nhận mới trực tiếp, qua "
                         f"dịch vụ bưu chính {n(c.direct_or_post)}.")
    _paragraph(document, f"2. Số hồ sơ đã giải quyết: {n(c.resolved)} hồ sơ, trong đó trước hạn {n(c.early)}, đúng hạn "
                         f"{n(c.on_time)}, quá hạn {n(c.late)} (có phiếu xin lỗi và hẹn lại ngày trả kết quả: "
                         f"{n(c.late_with_apology)}).")
    _paragraph(document, f"3. Số hồ sơ đang giải quyết: {n(c.pending)} hồ sơ, trong đó trong hạn {n(c.within_time)}, "
                         f"quá hạn {n(c.overdue)}.")
    _paragraph(document, "Biểu số liệu theo lĩnh vực", bold=True, italic=True)
    _grid(document, CSV_HEADER + ["Tỷ lệ trước và đúng hạn"], _report06_rows(r), total_rows=1, size=Pt(8))
    if len(r.table) == 1:
        _paragraph(document, "Không có hồ sơ nào trong kỳ báo cáo.", italic=True)
    if r.months:
        _paragraph(document, "Diễn biến theo tháng của quý", bold=True, italic=True)
        _grid(document, ["Tháng báo cáo", "Tiếp nhận mới trực tuyến", "Trực tiếp, bưu chính", "Tổng tiếp nhận mới",
                         "Tỷ lệ trước và đúng hạn"],
              [[month.long_label, n(month.online), n(month.direct_or_post), n(month.new), month.rate_label]
               for month in r.months])
    _paragraph(document, "II. MỘT SỐ CHỈ TIÊU", bold=True)
    s = r.satisfaction
    _grid(document, ["Chỉ tiêu", "Số liệu", "Tỷ lệ"], [
        ["Hồ sơ giải quyết trước hạn và đúng hạn", f"{n(c.early + c.on_time)}/{n(c.resolved)} hồ sơ",
         format_percent(c.early + c.on_time, c.resolved)],
        ["Hồ sơ tiếp nhận trực tuyến trên hồ sơ tiếp nhận mới", f"{n(c.online)}/{n(c.new)} hồ sơ",
         format_percent(c.online, c.new)],
        ["Hồ sơ quá hạn có phiếu xin lỗi", f"{n(c.late_with_apology)}/{n(c.late)} hồ sơ",
         format_percent(c.late_with_apology, c.late)],
        [f"Thủ tục được rút ngắn thời gian giải quyết trên thủ tục tiếp nhận tại Bộ phận Một cửa (ngày {format_date(r.end)})",
         f"{n(offerings.get('shortened', 0))}/{n(offerings.get('at_desk', 0))} thủ tục",
         format_percent(offerings.get("shortened", 0), offerings.get("at_desk", 0))],
        ["Thủ tục cung cấp dịch vụ công trực tuyến toàn trình",
         f"{n(offerings.get('end_to_end', 0))}/{n(offerings.get('offered', 0))} thủ tục",
         format_percent(offerings.get("end_to_end", 0), offerings.get("offered", 0))],
        ['Mức độ hài lòng của người dân (đánh giá "Hài lòng" trên số lượt đánh giá trong kỳ)',
         f"{n(s['satisfied'])}/{n(s['rated'])} lượt", format_percent(s["satisfied"], s["rated"])],
    ])
    _paragraph(document, "III. CHỈ SỐ CẢI CÁCH HÀNH CHÍNH (LĨNH VỰC CẢI CÁCH THỦ TỤC HÀNH CHÍNH)", bold=True)
    index = r.index
    if index is None:
        _paragraph(document, f"Năm {r.year} chưa có bộ tiêu chí chấm điểm chỉ số cải cách hành chính (lĩnh vực thủ tục "
                             "hành chính): báo cáo không có điểm chỉ số.", italic=True)
    else:
        provisional = " (tạm tính)" if index.is_provisional else ""
        _paragraph(document, f"Bộ tiêu chí: {index.rubric_name} ({index.rubric_code}, năm {index.rubric_year}). Số liệu "
                             f"tính từ ngày {format_date(index.start)} đến ngày {format_date(index.end)}. Tổng điểm"
                             f"{provisional}: {n(index.points)}/{n(index.max_points)} điểm, đạt "
                             f"{index_percent_text(index.percent)}.")
        if index.is_provisional:
            _paragraph(document, index.provisional_note, bold=True, italic=True)
        _grid(document, ["Mã", "Tiêu chí", "Cách chấm", "Số liệu", "Điểm / tối đa", "Trạng thái"],
              [[line.code, line.name, line.method_label, line.value_text, f"{n(line.points)}/{n(line.max_points)}",
                line.status_label] for line in index.lines]
              + [["", f"Tổng cộng{provisional}", "", "", f"{n(index.points)}/{n(index.max_points)}",
                  index_percent_text(index.percent)]], total_rows=1)
    if r.qd766 is not None:
        par = f"; chỉ số cải cách hành chính (lĩnh vực thủ tục hành chính): {index_percent_text(index.percent)}" \
            if index is not None else ""
        _paragraph(document, f"Chỉ số phục vụ người dân, doanh nghiệp theo Quyết định 766/QĐ-TTg ({r.qd766.rubric_code}, "
                             f"số liệu từ ngày {format_date(r.qd766.start)} đến ngày {format_date(r.qd766.end)}): "
                             f"{n(r.qd766.points)}/{n(r.qd766.max_points)} điểm, đạt {index_percent_text(r.qd766.percent)}"
                             f"{' (tạm tính)' if r.qd766.is_provisional else ''}{par}.")
    if r.has_children:
        _paragraph(document, "IV. KẾT QUẢ CỦA CÁC ĐƠN VỊ TRỰC THUỘC", bold=True)
        _grid(document, ["Xếp hạng", "Đơn vị", "Tiếp nhận", "Đã giải quyết", "Trước và đúng hạn", "Quá hạn",
                         "Đang giải quyết", "Đang quá hạn", "Tỷ lệ trước và đúng hạn"],
              [[row.rank_label, row.unit.name, n(row.counts.received), n(row.counts.resolved),
                n(row.counts.early + row.counts.on_time), n(row.counts.late), n(row.counts.pending),
                n(row.counts.overdue), format_percent(row.counts.early + row.counts.on_time, row.counts.resolved)]
               for row in r.children])


def _closing(document, r: QuarterlyReport):
    _paragraph(document, f"Trên đây là báo cáo tình hình, kết quả giải quyết thủ tục hành chính {r.period_name} của "
                         f"Ủy ban nhân dân {r.unit.name}.")
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.cell(0, 0), table.cell(0, 1)
    _cell_text(left, "Nơi nhận:", bold=True, italic=True, size=Pt(12))
    lines = r.recipient_lines
    for index, line in enumerate(lines):
        _font(left.add_paragraph().add_run(f"- {line}{'.' if index == len(lines) - 1 else ';'}"), size=Pt(11))
    signer = r.signer
    _cell_text(right, signer.lines[0], bold=True, size=Pt(13), align=WD_ALIGN_PARAGRAPH.CENTER)
    for text, bold, italic in [(line, True, False) for line in signer.lines[1:]] + [(signer.hint, False, True)]:
        paragraph = right.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(paragraph.add_run(text), size=Pt(13), bold=bold, italic=italic)
    for _ in range(4):
        right.add_paragraph()
    name = right.add_paragraph()
    name.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(name.add_run(signer.name), size=Pt(13), bold=True)


def report_document(r: QuarterlyReport) -> Document:
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, BODY_SIZE
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    document.core_properties.title = f"Báo cáo tình hình, kết quả giải quyết TTHC {r.period_name}: {r.unit.name}"
    _header(document, r)
    _paragraph(document, "BÁO CÁO", bold=True, size=Pt(14), align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, f"Tình hình, kết quả giải quyết thủ tục hành chính {r.period_name}", bold=True,
               align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, f"(Kỳ báo cáo từ ngày {format_date(r.period.start)} đến ngày {format_date(r.period.end)})",
               italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    if r.is_running:
        _paragraph(document, f"{'Quý' if r.is_quarterly else 'Tháng'} chưa kết thúc: số liệu tính đến hết ngày "
                             f"{format_date(r.end)}.", italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    if r.submission is not None:
        _paragraph(document, f"Số liệu đã chốt, gửi cấp trên ngày {format_date(r.submission.submitted_at)}.",
                   italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    if r.missing_sections and r.submission is None:
        _paragraph(document, f"DỰ THẢO: Chủ tịch chưa viết phần {', '.join(r.missing_sections)}.", bold=True,
                   align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "Thực hiện chế độ báo cáo định kỳ về tình hình, kết quả giải quyết thủ tục hành chính (mẫu "
                         "số 06, Thông tư số 01/2020/TT-VPCP của Văn phòng Chính phủ), Ủy ban nhân dân "
                         f"{r.unit.name} báo cáo tình hình, kết quả giải quyết thủ tục hành chính {r.period_name}"
                         f"{' của đơn vị và các đơn vị trực thuộc' if r.has_children else ''} như sau:")
    _figures(document, r)
    for numeral, heading, text in r.written_chapters:
        _paragraph(document, f"{numeral}. {heading}", bold=True)
        paragraphs = [line for line in text.split("\n") if line.strip()]
        for line in paragraphs or ["(Chưa viết.)"]:
            paragraph = _paragraph(document, line, italic=not paragraphs)
            paragraph.paragraph_format.first_line_indent = Cm(1)
    _closing(document, r)
    return document


def render_report_docx(r: QuarterlyReport) -> bytes:
    buffer = io.BytesIO()
    report_document(r).save(buffer)
    return buffer.getvalue()
