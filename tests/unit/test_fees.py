"""The portal's fee cell read into đồng: free, amounts, thousands dropped by the portal, rates set by the
province, USD and missing information (app/catalog/fees.py)."""
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from app.catalog.fees import MAX_FEE, format_vnd, read_fee
from app.catalog.portal_format import parse_portal_record

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "tthc-cap-xa.jsonl"


@pytest.mark.parametrize("text, amount", [
    ("Miễn phí", 0),
    ("Miễn phí (Không quy định.)", 0),
    ("70,000 VNĐ (70.000 đồng/Giấy chứng nhận)", 70000),
    ("20,000 Việt Nam Đồng", 20000),
    ("100,000 VNĐ (Phí Thẩm tra, thẩm định: 100.000 đồng/lần.)", 100000),
    # The portal wrote thousands; the note states the full amount, so it is read.
    ("20 VNĐ (20.000 vnđ /tờ khai)", 20000),
    ("20 VNĐ (20.000Đ/tờ khai)", 20000),
    ("700 VNĐ (Phí thẩm định … do cơ quan kiểm tra địa phương thực hiện: 700.000 đồng/cơ sở.)", 700000),
    # Rows of one channel that agree.
    ("Miễn phí; Miễn phí (Không có)", 0),
])
def test_a_readable_fee_cell_gives_its_amount_in_dong(text, amount):
    assert read_fee(text).amount == Decimal(amount)


@pytest.mark.parametrize("text, why", [
    ("", "không có thông tin"),
    ("Không có thông tin", "Không có thông tin"),
    ("20 VNĐ", "thiếu hàng nghìn"),
    ("20 VNĐ (đối với 1 tờ khai)", "thiếu hàng nghìn"),
    ("50 VNĐ (Phí hải quan 50USD/chuyến bay)", "thiếu hàng nghìn"),
    ("Miễn phí (Mức lệ phí cụ thể do Hội đồng nhân dân tỉnh, thành phố trực thuộc Trung ương quyết định.)",
     "Hội đồng nhân dân"),
    ("Miễn phí; Không có thông tin", "nhiều mức"),
    ("50 USD", "đô la"),
    ("9,999,999,999 VNĐ", "quá lớn"),
])
def test_a_cell_that_states_no_amount_is_not_guessed(text, why):
    reading = read_fee(text)
    assert reading.amount is None and why in reading.why


def test_no_amount_read_exceeds_the_bound():
    assert read_fee("1,000,000,000 VNĐ").amount == MAX_FEE


def test_amounts_are_written_the_vietnamese_way():
    assert format_vnd(Decimal(70000)) == "70.000 đồng"
    assert format_vnd(0) == "Miễn phí"
    assert format_vnd(None) == ""


def test_the_real_catalog_reads_three_channel_fees_in_four():
    if not SHARED.exists():
        pytest.skip("shared/data is not beside the checkout")
    readings = Counter()
    for line in SHARED.read_text(encoding="utf-8").splitlines():
        for terms in parse_portal_record(json.loads(line)).channels:
            reading = read_fee(terms.fee_text)
            readings["free" if reading.amount == 0 else "amount" if reading.is_read else "unread"] += 1
    # Measured on the 588 records' 1,435 channel terms (README "Importing data").
    assert readings == {"free": 945, "amount": 133, "unread": 357}
