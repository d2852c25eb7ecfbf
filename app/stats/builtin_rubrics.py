"""The two rubrics `flask index load-defaults` loads: simplified defaults for an administrator to adjust.

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

Bands: {"min": fraction of the figure, "share": fraction of the criterion's points}, highest first.
"""

DEFAULT_LABEL = "Mặc định — cần điều chỉnh theo hướng dẫn hiện hành"

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
        "criteria": [
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
        ],
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
        "criteria": [
            {
                "code": "TD-1", "method": "auto", "max_points": "20", "figure": "on_time_rate",
                "rule": "proportional",
                "name": "Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn",
                "source": "Quyết định 766/QĐ-TTg năm 2022, nhóm chỉ số 2 (tiến độ, kết quả giải quyết).",
            },
        ],
    },
]
