"""A small catalog of common ward procedures, written by the project for the demo.

Codes are those of the national catalog, so that a later import of the real catalog updates these
records in place; names, times, fees and documents here are our own summary, not a copy of it.
"""
from decimal import Decimal

from app.worktime.deadlines import TimeUnit

WD, WH, D = TimeUnit.WORKING_DAYS, TimeUnit.WORKING_HOURS, TimeUnit.DAYS

# (code, name, field, statutory value, unit, fee, [(document, originals, copies)], result)
DEMO_PROCEDURES = [
    ("1.001193", "Đăng ký khai sinh", "Hộ tịch", 1, WD, "Miễn phí",
     [("Tờ khai đăng ký khai sinh", 1, 0), ("Giấy chứng sinh", 1, 0)], "Giấy khai sinh"),
    ("1.000894", "Đăng ký kết hôn", "Hộ tịch", 5, WD, "Miễn phí",
     [("Tờ khai đăng ký kết hôn", 1, 0), ("Giấy xác nhận tình trạng hôn nhân (nếu cư trú nơi khác)", 1, 0)],
     "Giấy chứng nhận kết hôn"),
    ("1.000656", "Đăng ký khai tử", "Hộ tịch", 1, WD, "Miễn phí",
     [("Tờ khai đăng ký khai tử", 1, 0), ("Giấy báo tử hoặc giấy tờ thay thế", 1, 0)], "Trích lục khai tử"),
    ("1.004873", "Cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch", 3, WD, "Miễn phí",
     [("Tờ khai cấp Giấy xác nhận tình trạng hôn nhân", 1, 0)], "Giấy xác nhận tình trạng hôn nhân"),
    ("1.001022", "Đăng ký nhận cha, mẹ, con", "Hộ tịch", 3, WD, "Miễn phí",
     [("Tờ khai đăng ký nhận cha, mẹ, con", 1, 0), ("Chứng cứ chứng minh quan hệ cha, mẹ, con", 0, 1)],
     "Trích lục đăng ký nhận cha, mẹ, con"),
    ("1.004884", "Đăng ký lại khai sinh", "Hộ tịch", 5, WD, "Miễn phí",
     [("Tờ khai đăng ký lại khai sinh", 1, 0), ("Bản sao giấy tờ có thông tin khai sinh", 0, 1)],
     "Giấy khai sinh (đăng ký lại)"),
    ("1.004859", "Thay đổi, cải chính, bổ sung thông tin hộ tịch", "Hộ tịch", 3, WD, "Miễn phí",
     [("Tờ khai thay đổi, cải chính, bổ sung thông tin hộ tịch", 1, 0), ("Giấy tờ làm căn cứ", 0, 1)],
     "Trích lục thay đổi, cải chính hộ tịch"),
    ("2.000635", "Cấp bản sao trích lục hộ tịch, bản sao Giấy khai sinh", "Hộ tịch", 1, WD, "8.000 đồng/bản",
     [("Tờ khai cấp bản sao trích lục hộ tịch", 1, 0)], "Bản sao trích lục hộ tịch"),
    ("2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản", "Chứng thực", 4, WH, "2.000 đồng/trang",
     [("Bản chính giấy tờ, văn bản cần chứng thực", 1, 0), ("Bản sao cần chứng thực", 0, 1)], "Bản sao được chứng thực"),
    ("2.000884", "Chứng thực chữ ký trong giấy tờ, văn bản", "Chứng thực", Decimal("0.5"), WD, "10.000 đồng/trường hợp",
     [("Giấy tờ tùy thân còn hạn", 0, 1), ("Giấy tờ, văn bản sẽ ký", 1, 0)], "Giấy tờ được chứng thực chữ ký"),
    ("2.001035", "Chứng thực giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất, nhà ở", "Chứng thực",
     2, WD, "50.000 đồng/hợp đồng",
     [("Dự thảo hợp đồng, giao dịch", 1, 0), ("Giấy tờ tùy thân của các bên", 0, 1),
      ("Giấy chứng nhận quyền sử dụng đất hoặc giấy tờ về tài sản", 0, 1)], "Hợp đồng được chứng thực"),
    ("1.001612", "Đăng ký thành lập hộ kinh doanh", "Hộ kinh doanh", 3, WD, "100.000 đồng",
     [("Giấy đề nghị đăng ký hộ kinh doanh", 1, 0), ("Bản sao giấy tờ pháp lý của chủ hộ", 0, 1)],
     "Giấy chứng nhận đăng ký hộ kinh doanh"),
    ("2.000720", "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", "Hộ kinh doanh", 3, WD, "100.000 đồng",
     [("Thông báo thay đổi nội dung đăng ký hộ kinh doanh", 1, 0)], "Giấy chứng nhận đăng ký hộ kinh doanh"),
    ("1.001266", "Chấm dứt hoạt động hộ kinh doanh", "Hộ kinh doanh", 3, WD, "Miễn phí",
     [("Thông báo chấm dứt hoạt động hộ kinh doanh", 1, 0)], "Thông báo chấm dứt hoạt động"),
    ("1.012812", "Hòa giải tranh chấp đất đai", "Đất đai", 30, D, "Miễn phí",
     [("Đơn đề nghị hòa giải tranh chấp đất đai", 1, 0)], "Biên bản hòa giải"),
    ("1.011607", "Công nhận hộ nghèo, hộ cận nghèo thường xuyên hằng năm", "Giảm nghèo", 15, WD, "Miễn phí",
     [("Giấy đề nghị xét duyệt hộ nghèo, hộ cận nghèo", 1, 0)], "Quyết định công nhận"),
    ("1.004837", "Đăng ký giám hộ", "Hộ tịch", 3, WD, "Miễn phí",
     [("Tờ khai đăng ký giám hộ", 1, 0), ("Văn bản cử người giám hộ", 1, 0)], "Trích lục đăng ký giám hộ"),
    ("1.005461", "Đăng ký lại khai tử", "Hộ tịch", 5, WD, "Miễn phí",
     [("Tờ khai đăng ký lại khai tử", 1, 0), ("Bản sao giấy tờ liên quan đến việc khai tử", 0, 1)],
     "Trích lục khai tử (đăng ký lại)"),
    ("1.001570", "Tạm ngừng, tiếp tục kinh doanh của hộ kinh doanh", "Hộ kinh doanh", 3, WD, "Miễn phí",
     [("Thông báo tạm ngừng hoặc tiếp tục kinh doanh", 1, 0)], "Giấy xác nhận tạm ngừng kinh doanh"),
    ("2.000575", "Cấp lại Giấy chứng nhận đăng ký hộ kinh doanh", "Hộ kinh doanh", 3, WD, "50.000 đồng",
     [("Giấy đề nghị cấp lại", 1, 0)], "Giấy chứng nhận đăng ký hộ kinh doanh"),
]
