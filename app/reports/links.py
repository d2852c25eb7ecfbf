"""The "In" (print) links of a dossier's page: one per paper it can print now, each opening a PDF in a new tab."""
from dataclasses import dataclass

from flask import url_for

from app.dossiers.models import Dossier, Outcome
from app.reports.papers import Paper, applicable_papers

ENDPOINTS = {
    Paper.RECEIPT: "reports.receipt",
    Paper.SUPPLEMENT: "reports.supplement",
    Paper.REFUSAL: "reports.refusal",
    Paper.APOLOGY: "reports.apology",
    Paper.STOPPING: "reports.stopping",
    Paper.CONTROL: "reports.control",
}
SHORT_LABELS = {
    Paper.RECEIPT: "Giấy tiếp nhận",
    Paper.SUPPLEMENT: "Phiếu yêu cầu bổ sung",
    Paper.REFUSAL: "Phiếu từ chối",
    Paper.APOLOGY: "Văn bản xin lỗi, đề nghị gia hạn",
    Paper.STOPPING: "Thông báo dừng giải quyết",
    Paper.CONTROL: "Phiếu kiểm soát",
}
# Circular 01/2018/TT-VPCP's form 04 made a new appointment instead of asking for an extension.
OLD_APOLOGY_LABEL = "Phiếu xin lỗi, hẹn lại"


@dataclass(frozen=True)
class PrintLink:
    paper: Paper
    label: str
    url: str


def print_links(dossier: Dossier) -> list[PrintLink]:
    """The dossier's papers; a supplement request per period (the latest first), the apology marked as a draft."""
    papers = applicable_papers(state=dossier.state, refused=dossier.outcome == Outcome.REFUSED,
                               supplements=len(dossier.supplements), has_apology=dossier.apology is not None,
                               new_forms=dossier.has_new_forms)
    links = []
    for paper in papers:
        endpoint = ENDPOINTS[paper]
        if paper == Paper.SUPPLEMENT and len(dossier.supplements) > 1:
            for number, period in reversed(list(enumerate(dossier.supplements, start=1))):
                links.append(PrintLink(paper, f"{SHORT_LABELS[paper]} (lần {number})",
                                       url_for(endpoint, dossier_id=dossier.id, period=period.id)))
            continue
        label = SHORT_LABELS[paper]
        if paper == Paper.APOLOGY and not dossier.has_new_forms:
            label = OLD_APOLOGY_LABEL
        if paper == Paper.APOLOGY and dossier.apology.approved_at is None:
            label += " (dự thảo, chờ duyệt)"
        links.append(PrintLink(paper, label, url_for(endpoint, dossier_id=dossier.id)))
    return links
