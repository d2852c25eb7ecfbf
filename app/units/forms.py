"""The administrator's unit form."""
from app.forms_vi import Form, options, record_id
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from app.units.importer import CODE_MAX_LENGTH, NAME_MAX_LENGTH
from app.units.models import UnitKind
from app.vntext import nfc, nfc_lines

OFFICIAL_NAME_MAX_LENGTH, OFFICIAL_NAME_MAX_LINES = 300, 3
CENTRE_NAME_MAX_LENGTH = 200


class UnitForm(Form):
    code = StringField(
        "Mã định danh",
        validators=[DataRequired("Nhập mã định danh."), Length(max=CODE_MAX_LENGTH),
                    Regexp(r"^[A-Za-z0-9.]+$", message="Mã gồm chữ, số và dấu chấm, ví dụ 000.00.06.H26.")],
        filters=[lambda v: (v or "").strip()],
    )
    name = StringField("Tên đơn vị", validators=[DataRequired("Nhập tên đơn vị."), Length(max=NAME_MAX_LENGTH)], filters=[nfc])
    kind = SelectField("Cấp", choices=options((kind.value, kind.label) for kind in UnitKind))
    parent_id = SelectField("Đơn vị cấp trên", coerce=record_id)
    official_name = TextAreaField(
        "Tên cơ quan in trên văn bản",
        description="Mỗi dòng một dòng in ở góc trái, ví dụ: ỦY BAN NHÂN DÂN / PHƯỜNG HOÀN KIẾM (hai dòng). "
                    "Để trống: lấy theo tên đơn vị.",
        validators=[Length(max=OFFICIAL_NAME_MAX_LENGTH)], filters=[lambda v: "\n".join(line for line in nfc_lines(v).splitlines() if line)],
        render_kw={"rows": 2})
    centre_name = StringField(
        "Tên Trung tâm Phục vụ hành chính công",
        description="Tên đầy đủ, ví dụ: Trung tâm Phục vụ hành chính công phường Hoàn Kiếm. "
                    "Để trống: lấy theo tên đơn vị. In trên giấy tờ của hồ sơ từ ngày 01/07/2025.",
        validators=[Length(max=CENTRE_NAME_MAX_LENGTH)], filters=[lambda v: nfc(v or "").strip()])

    address = StringField("Địa chỉ nơi tiếp nhận, trả kết quả", validators=[Length(max=300)],
                          filters=[lambda v: nfc(v or "").strip()],
                          description="Hiện cho công dân trên trang Tra cứu hồ sơ.")
    phone = StringField("Điện thoại của Bộ phận Một cửa", validators=[
        Length(max=40), Regexp(r"^[0-9 .()+-]*$", message="Chỉ gồm chữ số, khoảng trắng và các dấu . ( ) + -.")],
        filters=[lambda v: (v or "").strip()])
    return_wait_days = IntegerField(
        "Kết quả chờ trả quá (ngày) thì cảnh báo", default=10,
        validators=[Optional(), NumberRange(min=1, max=365, message="Từ 1 đến 365 ngày.")],
        description="Kết quả đã có mà công dân chưa nhận quá số ngày này được đánh dấu trong danh sách "
                    "“Có kết quả, chờ trả”. Để trống: giữ như cũ (mặc định 10 ngày).")
    # Decree 118/2025 (receiving regardless of administrative boundary): the province sets it on the higher unit.
    handover_days = IntegerField(
        "Thời gian chuyển hồ sơ giữa các phường/xã (ngày làm việc mỗi chiều)",
        description="Cho hồ sơ tiếp nhận ở phường/xã này mà do phường/xã khác giải quyết. Đặt ở cấp tỉnh/thành phố "
                    "cho mọi đơn vị trực thuộc; để trống: theo đơn vị cấp trên (mặc định 1 ngày).",
        validators=[Optional(), NumberRange(min=0, max=10, message="Từ 0 đến 10 ngày làm việc.")])

    def validate_official_name(self, field):
        if len(field.data.splitlines()) > OFFICIAL_NAME_MAX_LINES:
            raise ValidationError(f"Tên cơ quan in trên văn bản có nhiều nhất {OFFICIAL_NAME_MAX_LINES} dòng.")
