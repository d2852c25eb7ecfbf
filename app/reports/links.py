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
    Paper.APOLOGY: "Phiếu xin lỗi, hẹn lại",
    Paper.STOPPING: "Thông báo dừng xử lý",
    Paper.CONTROL: "Phiếu kiểm soát",
}


@dataclass(frozen=True)
class PrintLink:
    paper: Paper
    label: str
    url: str


def print_links(dossier: Dossier) -> list[PrintLink]:
    """The dossier's papers; a supplement request per period (the latest first), the apology marked as a draft."""
    papers = applicable_papers(state=dossier.state, refused=dossier.outcome == Outcome.REFUSED,
                               supplements=len(dossier.supplements), has_apology=dossier.apology is not None,
                               new_regime=dossier.is_new_regime)
    links = []
    for paper in papers:
        endpoint = ENDPOINTS[paper]
        if paper == Paper.SUPPLEMENT and len(dossier.supplements) > 1:
            for number, period in reversed(list(enumerate(dossier.supplements, start=1))):
                links.append(PrintLink(paper, f"{SHORT_LABELS[paper]} (lần {number})",
                                       url_for(endpoint, dossier_id=dossier.id, period=period.id)))
            continue
        label = SHORT_LABELS[paper]
        if paper == Paper.APOLOGY and dossier.apology.approved_at is None:
            label += " (dự thảo, chờ duyệt)"
        links.append(PrintLink(paper, label, url_for(endpoint, dossier_id=dossier.id)))
    return links
