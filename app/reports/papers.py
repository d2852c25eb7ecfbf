"""Which form each paper is under the dossier's forms, and the register book number of a dossier.

Pure logic. The forms follow the day the dossier was received (app/dossiers/regime.py): before 15 Sep 2025
the desk's forms are those of Circular 01/2018/TT-VPCP, numbered Mẫu số 01–06 (receipt, supplement
request, refusal, apology and new appointment, control slip, register). From 15 Sep 2025 Circular
03/2025/TT-VPCP, appendix I, gives seven forms, Mẫu số 01–07: the notice of stopping is 05, so the control
slip is 06 and the register 07, and form 04 is no longer an apology with a new appointment but an apology
asking the citizen for an extension ("Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết") (DOMAIN.md
"Legal regime").
"""
from enum import StrEnum

from app.dossiers.regime import NEW_FORMS_FROM

OLD_CIRCULAR = "Thông tư số 01/2018/TT-VPCP"
NEW_CIRCULAR = "Thông tư số 03/2025/TT-VPCP"


class Paper(StrEnum):
    RECEIPT = "receipt"
    SUPPLEMENT = "supplement"
    REFUSAL = "refusal"
    APOLOGY = "apology"
    STOPPING = "stopping"
    CONTROL = "control"
    REGISTER = "register"

    @property
    def title(self) -> str:
        """The title under today's forms (Circular 03/2025/TT-VPCP)."""
        return NEW_TITLES[self]


# Circular 03/2025/TT-VPCP, appendix I: the titles of Mẫu số 01–07.
NEW_TITLES = {
    Paper.RECEIPT: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    Paper.SUPPLEMENT: "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    Paper.REFUSAL: "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    Paper.APOLOGY: "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
    Paper.STOPPING: "Thông báo dừng giải quyết hồ sơ",
    Paper.CONTROL: "Phiếu kiểm soát quá trình giải quyết hồ sơ",
    Paper.REGISTER: "Sổ theo dõi hồ sơ",
}

# Circular 01/2018/TT-VPCP, appendix: the same papers' titles where they differ; it has no notice of stopping.
OLD_TITLES = NEW_TITLES | {Paper.APOLOGY: "Phiếu xin lỗi và hẹn lại ngày trả kết quả"}
del OLD_TITLES[Paper.STOPPING]

# Circular 01/2018/TT-VPCP, appendix: the six forms and their numbers.
OLD_FORM_NUMBERS = {
    Paper.RECEIPT: "01",
    Paper.SUPPLEMENT: "02",
    Paper.REFUSAL: "03",
    Paper.APOLOGY: "04",
    Paper.CONTROL: "05",
    Paper.REGISTER: "06",
}


# Circular 03/2025/TT-VPCP, appendix I: 01 receipt, 02 supplement request, 03 refusal, 04 apology and
# extension request, 05 notice of stopping, 06 control slip, 07 register.
NEW_FORM_NUMBERS = {
    Paper.RECEIPT: "01",
    Paper.SUPPLEMENT: "02",
    Paper.REFUSAL: "03",
    Paper.APOLOGY: "04",
    Paper.STOPPING: "05",
    Paper.CONTROL: "06",
    Paper.REGISTER: "07",
}


class NoSuchForm(ValueError):
    """The paper has no form under those forms (the notice of stopping before 15 Sep 2025)."""


def has_form(paper: Paper, new_forms: bool) -> bool:
    return new_forms or paper in OLD_FORM_NUMBERS


def paper_title(paper: Paper, new_forms: bool) -> str:
    """The paper's title under Circular 03/2025/TT-VPCP (`new_forms`) or Circular 01/2018/TT-VPCP."""
    titles = NEW_TITLES if new_forms else OLD_TITLES
    if paper not in titles:
        raise NoSuchForm(f"{paper.title} không có mẫu theo {OLD_CIRCULAR}")
    return titles[paper]


def legal_basis(paper: Paper, new_forms: bool) -> str:
    """The line printed above the title: which form of which circular the paper follows."""
    if new_forms:
        return f"Mẫu số {NEW_FORM_NUMBERS[paper]} ban hành kèm theo {NEW_CIRCULAR}"
    if paper not in OLD_FORM_NUMBERS:
        raise NoSuchForm(f"{paper.title} không có mẫu theo {OLD_CIRCULAR}")
    return f"Mẫu số {OLD_FORM_NUMBERS[paper]} ban hành kèm theo {OLD_CIRCULAR}"


def register_legal_basis(starts_new: bool, ends_new: bool) -> str:
    """The register's line for a range of receipt dates that starts / ends on the new forms (15 Sep 2025).

    A range across 15 Sep 2025 holds dossiers on both sets of forms: the line names both.
    """
    if starts_new:
        return legal_basis(Paper.REGISTER, True)
    if not ends_new:
        return legal_basis(Paper.REGISTER, False)
    since = f"{NEW_FORMS_FROM:%d/%m/%Y}"
    return (f"{legal_basis(Paper.REGISTER, False)} (hồ sơ tiếp nhận trước ngày {since}); "
            f"mẫu số {NEW_FORM_NUMBERS[Paper.REGISTER]} theo {NEW_CIRCULAR} (từ ngày {since})")


def register_book_number(code: str) -> tuple[str, str]:
    """(book, number) of a dossier in the register: the year of receipt and its date-and-sequence.

    The code is `{agency code}-{YYMMDD}-{NNNN}` (Circular 01/2018/TT-VPCP art. 19) and its sequence
    restarts every day, so one book per year numbers its entries `YYMMDD-NNNN`: unique in the book,
    derived from the code, no column of its own. `000.00.06.H26-261116-0007` → ("2026", "261116-0007").
    """
    agency, day, sequence = code.rsplit("-", 2)
    if not (agency and len(day) == 6 and day.isdigit() and sequence.isdigit()):
        raise ValueError(f"Mã hồ sơ không đúng dạng mã định danh-YYMMDD-NNNN: {code}")
    return f"20{day[:2]}", f"{day}-{sequence}"


def applicable_papers(*, state: str, refused: bool, supplements: int, has_apology: bool,
                      new_forms: bool) -> list[Paper]:
    """The papers a dossier can print now, in the order the desk meets them.

    The receipt and the control slip always; the supplement request once one was made; the refusal
    slip when finished as refused; the apology once requested (a draft until the chair approves);
    the notice of stopping when stopped, on the new forms only (Circular 01/2018 has no such form).
    """
    papers = [Paper.RECEIPT]
    if supplements:
        papers.append(Paper.SUPPLEMENT)
    if refused:
        papers.append(Paper.REFUSAL)
    if has_apology:
        papers.append(Paper.APOLOGY)
    if state == "stopped" and has_form(Paper.STOPPING, new_forms):
        papers.append(Paper.STOPPING)
    papers.append(Paper.CONTROL)
    return papers


# The paper an action produces, offered at once after it (the refusal only when the outcome is refused).
PAPER_AFTER_ACTION = {
    "request_supplement": Paper.SUPPLEMENT,
    "request_apology": Paper.APOLOGY,
    "approve_apology": Paper.APOLOGY,
    "finish": Paper.REFUSAL,
    "approve_result": Paper.REFUSAL,
    "stop": Paper.STOPPING,
}
