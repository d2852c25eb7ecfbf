"""The rubrics `flask index load-defaults` loads: simplified defaults for an administrator to adjust.

Sources, simplified (the methods change almost every year; see DOMAIN.md "The index"):
- "cchc-tthc": the administrative-procedure reform area (lĩnh vực cải cách TTHC) of the PAR index,
  after the Ministry of Home Affairs' Decision 876/QĐ-BNV (2022) and its successors (892/QĐ-BNV 2024,
  1187/QĐ-BNV 2025), and Hanoi's methods for its communes and wards (4190/QĐ-UBND 2023,
  3199/QĐ-UBND 2024, 5666/QĐ-UBND 2025): publicity of procedures, on-time resolution, apology letters
  for late dossiers, online services, shortened processing times, handling of citizens' feedback.
  The points and bands below are ours, chosen to be plausible, not copied from any of them.
- "qd766-tiendo": the progress group "Tiến độ, kết quả giải quyết" (20 of 100 points) of the index
  of Decision 766/QĐ-TTg (23 Jun 2022), whose indicator is the share of dossiers resolved early or
  on time. The decision also lists the average resolution time per procedure; it is not scored here.

- "qd766": Decision 766/QĐ-TTg's whole monthly index in its five groups (publicity 18, progress 20,
  digitisation 22, online service and payment 22, satisfaction 18), scored per month on the unit's
  page `/units/<id>/766`; every figure dossier, fee and feedback data can answer is automatic
  (app/stats/qd766.py says how each is counted), publicity is manual. The split of points inside each
  group is ours, marked as a default.

- "par-xa": the whole PAR index of a ward or commune, in the eight areas of Hanoi's Decision
  5666/QĐ-UBND of 17 Nov 2025 (directing the reform; institutions; administrative procedures and the
  one-stop mechanism; the apparatus; the civil service; public finance; e-government and digital
  government; the reform's impact), weighted 10, 10, 14.5, 11, 16, 7, 16 and 15.5 points as the Ministry
  of Home Affairs' Decision 2948/QĐ-BNV weighted its eight areas (DOMAIN.md "The index": a usable default,
  marked as one). The administrative-procedure area is scored from the figures like "cchc-tthc", scaled
  to its 14.5 points; every other criterion is entered by the unit with evidence and confirmed by the
  higher unit. The criteria inside each area and their points are ours, after the kinds of criteria
  these decisions list; bonus and penalty points and the sociological survey are not modelled.

Each rubric is a list of areas (lĩnh vực), each with its criteria.
Bands: {"min": fraction of the figure, "share": fraction of the criterion's points}, highest first.
"""

DEFAULT_LABEL = "Mặc định — cần điều chỉnh theo hướng dẫn hiện hành"

def _manual(code: str, max_points: str, name: str, source: str = "") -> dict:
    return {"code": code, "method": "manual", "max_points": max_points, "name": name,
            "source": source or "Đơn vị tự chấm, kèm tài liệu kiểm chứng; cấp trên thẩm định."}


PAR_XA = {
    "code": "par-xa",
    "name": f"Chỉ số CCHC của UBND phường, xã: 8 lĩnh vực ({DEFAULT_LABEL})",
    "description": (
        f"{DEFAULT_LABEL}. Tám lĩnh vực đánh giá theo Quyết định 5666/QĐ-UBND ngày 17/11/2025 của UBND thành "
        "phố Hà Nội; điểm tối đa của các lĩnh vực (10; 10; 14,5; 11; 16; 7; 16; 15,5 — tổng 100) theo cách "
        "phân bổ của Quyết định 2948/QĐ-BNV của Bộ Nội vụ. Lĩnh vực cải cách thủ tục hành chính tính tự động "
        "từ số liệu hồ sơ; các lĩnh vực khác do đơn vị tự chấm có tài liệu kiểm chứng, cấp trên xác nhận. "
        "Các tiêu chí trong từng lĩnh vực và điểm của chúng là gợi ý; chưa tính điểm thưởng, điểm trừ và "
        "điểm điều tra xã hội học. Quản trị hệ thống cần đối chiếu với văn bản hướng dẫn đang áp dụng."
    ),
    "areas": [
        {"code": "LV1", "name": "Công tác chỉ đạo, điều hành cải cách hành chính", "criteria": [
            _manual("1.1", "2", "Kế hoạch cải cách hành chính năm: ban hành đúng hạn, đầy đủ nhiệm vụ"),
            _manual("1.2", "1.5", "Báo cáo cải cách hành chính định kỳ đầy đủ, đúng hạn"),
            _manual("1.3", "2", "Kiểm tra, tự kiểm tra công tác cải cách hành chính và xử lý sau kiểm tra"),
            _manual("1.4", "1.5", "Thông tin, tuyên truyền về cải cách hành chính"),
            _manual("1.5", "3", "Sự năng động trong chỉ đạo, điều hành: sáng kiến, mô hình mới"),
        ]},
        {"code": "LV2", "name": "Xây dựng và tổ chức thực hiện thể chế", "criteria": [
            _manual("2.1", "3", "Ban hành văn bản quy phạm pháp luật, văn bản hành chính đúng thẩm quyền, trình tự"),
            _manual("2.2", "2.5", "Theo dõi thi hành pháp luật trên địa bàn"),
            _manual("2.3", "2.5", "Tự kiểm tra, rà soát văn bản và xử lý văn bản trái pháp luật"),
            _manual("2.4", "2", "Phổ biến, giáo dục pháp luật"),
        ]},
        {"code": "LV3", "name": "Cải cách thủ tục hành chính và thực hiện cơ chế một cửa, một cửa liên thông",
         "criteria": [
            _manual("3.1", "2", "Công khai đầy đủ, đúng quy định thủ tục hành chính tại Bộ phận Một cửa và trên "
                                "Cổng Dịch vụ công", "Nghị định 118/2025/NĐ-CP."),
            {"code": "3.2", "method": "auto", "max_points": "4", "figure": "on_time_rate", "rule": "bands",
             "bands": [{"min": 1.0, "share": 1.0}, {"min": 0.95, "share": 0.5}],
             "name": "Tỷ lệ hồ sơ thủ tục hành chính giải quyết trước hạn, đúng hạn",
             "source": "100% đạt điểm tối đa; từ 95% đạt một nửa (mức gợi ý)."},
            {"code": "3.3", "method": "auto", "max_points": "1", "figure": "apology_coverage", "rule": "bands",
             "bands": [{"min": 1.0, "share": 1.0}], "share_without_data": "1",
             "name": "Xin lỗi người dân, tổ chức khi giải quyết hồ sơ quá hạn",
             "source": "Không có hồ sơ quá hạn thì đạt điểm tối đa."},
            {"code": "3.4", "method": "auto", "max_points": "2", "figure": "online_share", "rule": "bands",
             "bands": [{"min": 0.5, "share": 1.0}, {"min": 0.3, "share": 0.5}],
             "name": "Tỷ lệ hồ sơ tiếp nhận trực tuyến", "source": "Mức điểm gợi ý."},
            {"code": "3.5", "method": "auto", "max_points": "2", "figure": "end_to_end_share",
             "rule": "proportional",
             "name": "Tỷ lệ thủ tục hành chính cung cấp dịch vụ công trực tuyến toàn trình",
             "source": "Điểm tỷ lệ thuận với tỷ lệ đạt."},
            {"code": "3.6", "method": "auto", "max_points": "1.5", "figure": "shortened_share",
             "rule": "proportional", "name": "Tỷ lệ thủ tục hành chính được rút ngắn thời gian giải quyết",
             "source": "Điểm tỷ lệ thuận với tỷ lệ đạt."},
            _manual("3.7", "2", "Tiếp nhận, xử lý phản ánh, kiến nghị của cá nhân, tổ chức về quy định hành chính"),
        ]},
        {"code": "LV4", "name": "Cải cách tổ chức bộ máy hành chính nhà nước", "criteria": [
            _manual("4.1", "4", "Sắp xếp, kiện toàn tổ chức bộ máy theo quy định"),
            _manual("4.2", "3.5", "Thực hiện quy định về số lượng cán bộ, công chức, người hoạt động không chuyên trách"),
            _manual("4.3", "3.5", "Thực hiện phân cấp, ủy quyền và kiểm tra việc thực hiện"),
        ]},
        {"code": "LV5", "name": "Cải cách chế độ công vụ", "criteria": [
            _manual("5.1", "4", "Vị trí việc làm và cơ cấu ngạch công chức"),
            _manual("5.2", "4", "Tuyển dụng, bố trí, sử dụng cán bộ, công chức đúng quy định"),
            _manual("5.3", "3", "Đánh giá, xếp loại chất lượng cán bộ, công chức"),
            _manual("5.4", "2.5", "Đào tạo, bồi dưỡng cán bộ, công chức"),
            _manual("5.5", "2.5", "Chấp hành kỷ luật, kỷ cương hành chính"),
        ]},
        {"code": "LV6", "name": "Cải cách tài chính công", "criteria": [
            _manual("6.1", "3", "Lập, chấp hành, quyết toán ngân sách đúng quy định"),
            _manual("6.2", "2", "Quản lý, sử dụng tài sản công"),
            _manual("6.3", "2", "Thực hành tiết kiệm, chống lãng phí; công khai tài chính"),
        ]},
        {"code": "LV7", "name": "Xây dựng và phát triển chính quyền điện tử, chính quyền số", "criteria": [
            _manual("7.1", "4", "Sử dụng hệ thống quản lý văn bản và điều hành, chữ ký số"),
            _manual("7.2", "4", "Gửi, nhận văn bản điện tử"),
            _manual("7.3", "3", "Báo cáo qua Hệ thống thông tin báo cáo"),
            _manual("7.4", "3", "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính"),
            _manual("7.5", "2", "Bảo đảm an toàn thông tin"),
        ]},
        {"code": "LV8", "name": "Tác động của cải cách hành chính đến người dân, tổ chức và phát triển kinh tế - "
                                "xã hội", "criteria": [
            _manual("8.1", "3", "Tác động đến chất lượng văn bản và tổ chức thi hành pháp luật"),
            _manual("8.2", "5", "Mức độ hài lòng của người dân, tổ chức với việc giải quyết thủ tục hành chính",
                    "Theo kết quả khảo sát; đơn vị ghi kết quả, cấp trên xác nhận."),
            _manual("8.3", "3", "Tác động đến tổ chức bộ máy và đội ngũ cán bộ, công chức"),
            _manual("8.4", "4.5", "Tác động đến thực hiện các chỉ tiêu phát triển kinh tế - xã hội của địa phương"),
        ]},
    ],
}



def _auto(code: str, max_points: str, figure: str, name: str, source: str, **extra) -> dict:
    return {"code": code, "method": "auto", "max_points": max_points, "figure": figure, "rule": "proportional",
            "name": name, "source": source, **extra}


_766 = "Quyết định 766/QĐ-TTg ngày 23/6/2022; cách tính chi tiết: Thông tư 01/2023/TT-VPCP"
# Decision 766's five groups as DOMAIN.md "The index" states them (18, 20, 22, 22, 18 = 100). Which figure each
# criterion reads is in app/stats/qd766.py; the split of each group's points among its criteria, proportional
# scoring, and full points for a month with no feedback are our defaults, to be checked against Circular
# 01/2023/TT-VPCP and adjusted on the rubric's page.
QD766 = {
    "code": "qd766",
    "name": f"Quyết định 766/QĐ-TTg: chỉ số chất lượng phục vụ người dân, doanh nghiệp theo tháng ({DEFAULT_LABEL})",
    "description": (
        f"{DEFAULT_LABEL}. Năm nhóm chỉ số của Bộ chỉ số ban hành kèm Quyết định 766/QĐ-TTg ngày 23/6/2022: công "
        "khai, minh bạch (18 điểm); tiến độ, kết quả giải quyết (20); số hóa hồ sơ (22); dịch vụ công trực tuyến "
        "và thanh toán trực tuyến (22); mức độ hài lòng (18). Chấm theo từng tháng: các chỉ số có trong dữ liệu "
        "hồ sơ, phí, lệ phí và phản ánh, kiến nghị được tính tự động (điểm tỷ lệ thuận với tỷ lệ đạt); nhóm công "
        "khai, minh bạch do đơn vị tự chấm có tài liệu kiểm chứng, cấp trên xác nhận (điểm của năm, dùng cho mọi "
        "tháng). Cách chia điểm trong từng nhóm là gợi ý: đối chiếu với Thông tư 01/2023/TT-VPCP."
    ),
    "areas": [
        {"code": "N1", "name": "Công khai, minh bạch", "criteria": [
            _manual("CK-1", "6", "Công khai đầy đủ, đúng hạn thủ tục hành chính trên Cơ sở dữ liệu quốc gia và "
                                 "tại Bộ phận Một cửa", _766 + "; đơn vị tự chấm, cấp trên xác nhận."),
            _manual("CK-2", "6", "Hồ sơ được cập nhật, đồng bộ trạng thái lên Cổng Dịch vụ công quốc gia",
                    _766 + "; số liệu nằm ở Cổng Dịch vụ công, đơn vị tự chấm."),
            _manual("CK-3", "6", "Công khai tiến độ, kết quả giải quyết cho người dân tra cứu",
                    _766 + "; đơn vị tự chấm, cấp trên xác nhận."),
        ]},
        {"code": "N2", "name": "Tiến độ, kết quả giải quyết", "criteria": [
            _auto("TD-1", "20", "on_time_rate", "Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn",
                  _766 + "; số đã giải quyết trước và đúng hạn ÷ số đã giải quyết trong tháng."),
        ]},
        {"code": "N3", "name": "Số hóa hồ sơ", "criteria": [
            _auto("SH-1", "8", "digitised_share", "Tỷ lệ hồ sơ được số hóa thành phần khi tiếp nhận",
                  _766 + "; hồ sơ tiếp nhận trong tháng có mọi giấy tờ đã số hóa (hoặc tái sử dụng) ÷ hồ sơ "
                         "tiếp nhận có giấy tờ."),
            _auto("SH-2", "8", "digital_result_share", "Tỷ lệ hồ sơ có kết quả được số hóa hoặc cấp bản điện tử",
                  _766 + "; hồ sơ giải quyết (chấp thuận) trong tháng có kết quả số hóa hoặc điện tử ÷ hồ sơ "
                         "giải quyết (chấp thuận)."),
            _auto("SH-3", "6", "reuse_share", "Tỷ lệ khai thác, sử dụng lại dữ liệu đã số hóa",
                  _766 + "; giấy tờ tái sử dụng ÷ giấy tờ đã số hóa hoặc tái sử dụng, tiếp nhận trong tháng."),
        ]},
        {"code": "N4", "name": "Dịch vụ công trực tuyến và thanh toán trực tuyến", "criteria": [
            _auto("TT-1", "6", "online_share", "Tỷ lệ hồ sơ tiếp nhận trực tuyến",
                  _766 + "; hồ sơ trực tuyến ÷ hồ sơ tiếp nhận mới trong tháng."),
            _auto("TT-2", "6", "online_end_to_end_share", "Tỷ lệ hồ sơ trực tuyến toàn trình",
                  _766 + "; hồ sơ trực tuyến toàn trình ÷ hồ sơ trực tuyến tiếp nhận trong tháng."),
            _auto("TT-3", "10", "online_payment_share", "Tỷ lệ thanh toán phí, lệ phí trực tuyến",
                  _766 + "; hồ sơ nộp phí, lệ phí qua Cổng Dịch vụ công ÷ hồ sơ có nộp phí, lệ phí (lớn hơn 0) "
                         "trong tháng."),
        ]},
        {"code": "N5", "name": "Mức độ hài lòng", "criteria": [
            _auto("HL-1", "6", "feedback_on_time_share", "Tỷ lệ phản ánh, kiến nghị được trả lời đúng hạn",
                  _766 + "; trả lời trước và đúng hạn ÷ số đã trả lời trong tháng; tháng không có phản ánh, kiến "
                         "nghị nào được trả lời: đạt đủ điểm (mặc định).", share_without_data="1"),
            _auto("HL-2", "6", "feedback_satisfaction_share",
                  "Mức độ hài lòng của người dân với kết quả xử lý phản ánh, kiến nghị",
                  _766 + "; hài lòng và rất hài lòng ÷ số đã ghi nhận mức độ hài lòng trong tháng; không có: đạt "
                         "đủ điểm (mặc định).", share_without_data="1"),
            _auto("HL-3", "6", "satisfaction_rate", "Mức độ hài lòng trong tiếp nhận, giải quyết hồ sơ",
                  _766 + "; người dân đánh giá hài lòng ÷ số đánh giá trong tháng (trang Tra cứu hồ sơ)."),
        ]},
    ],
}

BUILTIN_RUBRICS = [
    {
        "code": "cchc-tthc",
        "name": f"Chỉ số CCHC cấp xã: lĩnh vực cải cách thủ tục hành chính ({DEFAULT_LABEL})",
        "description": (
            f"{DEFAULT_LABEL}. Bộ tiêu chí rút gọn, dựa trên Quyết định 876/QĐ-BNV năm 2022 của Bộ Nội vụ "
            "và các quyết định thay thế (892/QĐ-BNV năm 2024, 1187/QĐ-BNV năm 2025), Quyết định "
            "3199/QĐ-UBND năm 2024 của UBND thành phố Hà Nội. Điểm tối đa và các mức điểm là giá trị "
            "gợi ý: quản trị hệ thống cần đối chiếu với văn bản hướng dẫn đang áp dụng tại địa phương."
        ),
        "areas": [{"code": "LV1", "name": "Cải cách thủ tục hành chính", "criteria": [
            {
                "code": "TTHC-1", "method": "manual", "max_points": "1.5",
                "name": "Công khai đầy đủ, đúng quy định thủ tục hành chính tại Bộ phận Một cửa và trên "
                        "Cổng Dịch vụ công",
                "source": "Nghị định 61/2018/NĐ-CP (nay là Nghị định 118/2025/NĐ-CP); tiêu chí công khai "
                          "TTHC của Quyết định 876/QĐ-BNV.",
            },
            {
                "code": "TTHC-2", "method": "auto", "max_points": "3", "figure": "on_time_rate",
                "rule": "bands", "bands": [{"min": 1.0, "share": 1.0}, {"min": 0.95, "share": 0.5}],
                "name": "Tỷ lệ hồ sơ thủ tục hành chính giải quyết trước hạn, đúng hạn",
                "source": "Quyết định 876/QĐ-BNV: 100% đạt điểm tối đa; mức dưới do địa phương quy định.",
            },
            {
                "code": "TTHC-3", "method": "auto", "max_points": "1", "figure": "apology_coverage",
                "rule": "bands", "bands": [{"min": 1.0, "share": 1.0}], "share_without_data": "1",
                "name": "Xin lỗi người dân, tổ chức khi giải quyết hồ sơ quá hạn",
                "source": "Nghị định 61/2018/NĐ-CP (phiếu xin lỗi và hẹn lại ngày trả kết quả); không có hồ sơ "
                          "quá hạn thì đạt điểm tối đa.",
            },
            {
                "code": "TTHC-4", "method": "auto", "max_points": "2", "figure": "online_share",
                "rule": "bands", "bands": [{"min": 0.5, "share": 1.0}, {"min": 0.3, "share": 0.5}],
                "name": "Tỷ lệ hồ sơ tiếp nhận trực tuyến",
                "source": "Nghị quyết 76/NQ-CP năm 2021 (mục tiêu hồ sơ trực tuyến); mức điểm gợi ý.",
            },
            {
                "code": "TTHC-5", "method": "auto", "max_points": "1.5", "figure": "end_to_end_share",
                "rule": "proportional",
                "name": "Tỷ lệ thủ tục hành chính cung cấp dịch vụ công trực tuyến toàn trình",
                "source": "Nghị định 42/2022/NĐ-CP; điểm tỷ lệ thuận với tỷ lệ đạt.",
            },
            {
                "code": "TTHC-6", "method": "auto", "max_points": "1.5", "figure": "shortened_share",
                "rule": "proportional",
                "name": "Tỷ lệ thủ tục hành chính được rút ngắn thời gian giải quyết",
                "source": "Chỉ tiêu cắt giảm thời gian giải quyết TTHC của địa phương; điểm tỷ lệ thuận.",
            },
            {
                "code": "TTHC-7", "method": "manual", "max_points": "1.5",
                "name": "Tiếp nhận, xử lý phản ánh, kiến nghị của cá nhân, tổ chức về quy định hành chính",
                "source": "Nghị định 20/2008/NĐ-CP; tiêu chí xử lý phản ánh, kiến nghị của Quyết định 876/QĐ-BNV.",
            },
        ]}],
    },
    {
        "code": "qd766-tiendo",
        "name": f"Quyết định 766/QĐ-TTg: nhóm chỉ số tiến độ, kết quả giải quyết ({DEFAULT_LABEL})",
        "description": (
            f"{DEFAULT_LABEL}. Nhóm chỉ số \"Tiến độ, kết quả giải quyết\" (20/100 điểm) của Bộ chỉ số "
            "phục vụ người dân, doanh nghiệp ban hành kèm Quyết định 766/QĐ-TTg ngày 23/6/2022: điểm tỷ lệ "
            "thuận với tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn. Chỉ số thời gian giải quyết trung bình "
            "của quyết định chưa được tính ở đây."
        ),
        "areas": [{"code": "LV1", "name": "Tiến độ, kết quả giải quyết", "criteria": [
            {
                "code": "TD-1", "method": "auto", "max_points": "20", "figure": "on_time_rate",
                "rule": "proportional",
                "name": "Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn",
                "source": "Quyết định 766/QĐ-TTg năm 2022, nhóm chỉ số 2 (tiến độ, kết quả giải quyết).",
            },
        ]}],
    },
    PAR_XA,
    QD766,
]
