"""The form to add or change one of a unit's offerings."""
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, ValidationError

from app.catalog.models import TIME_UNIT_LABELS, OnlineKind, SupplementRule
from app.forms_vi import BoundedDecimalField, Form, VietnameseDateField, options
from app.vntext import nfc


class OfferingForm(Form):
    procedure_code = StringField(
        "Mã thủ tục", validators=[DataRequired("Nhập mã thủ tục, ví dụ 1.001193.")],
        filters=[lambda v: (v or "").strip()],
        description="Gõ tên hoặc mã để tìm trong danh mục.",
    )
    committed_value = BoundedDecimalField(
        "Thời gian thực hiện", places=None,
        validators=[InputRequired("Nhập thời gian."), NumberRange(min=0.01, max=1000, message="Thời gian phải lớn hơn 0.")],
    )
    committed_unit = SelectField("Đơn vị thời gian", choices=options((u.value, label) for u, label in TIME_UNIT_LABELS.items()))
    at_desk = BooleanField("Tiếp nhận tại Bộ phận Một cửa", default=True)
    accepts_for_others = BooleanField(
        "Tiếp nhận cả hồ sơ của phường/xã khác trong tỉnh (không phụ thuộc địa giới hành chính)",
        description="Ở cấp tỉnh/thành phố: công bố danh mục một lần cho mọi phường/xã trực thuộc.")
    online_kind = SelectField("Dịch vụ công trực tuyến", choices=options((k.value, k.label) for k in OnlineKind))
    supplement_rule = SelectField(
        "Khi yêu cầu bổ sung hồ sơ",
        choices=options([("", "Theo cài đặt chung"), (SupplementRule.PAUSE.value, "Tạm dừng tính thời gian"),
                         (SupplementRule.RESTART.value, "Tính lại từ đầu khi nhận đủ")]),
    )
    active_from = VietnameseDateField("Áp dụng từ ngày", validators=[DataRequired("Nhập ngày áp dụng.")])
    # The internal procedure's split of the time (app/dossiers/steps.py); the specialist has the rest.
    desk_percent = IntegerField("Bộ phận Một cửa (% thời gian)", validators=[
        Optional(), NumberRange(min=0, max=90, message="Từ 0 đến 90%.")])
    approval_percent = IntegerField("Lãnh đạo duyệt (% thời gian)", validators=[
        Optional(), NumberRange(min=0, max=90, message="Từ 0 đến 90%.")])

    def validate_approval_percent(self, field) -> None:
        if (self.desk_percent.data or 0) + (field.data or 0) >= 100:
            raise ValidationError("Bộ phận Một cửa và lãnh đạo cộng lại phải dưới 100%: công chức chuyên môn cần thời gian.")


class ProcedureReviewForm(Form):
    """An administrator states the statutory time the portal text did not give in a readable form."""

    statutory_value = BoundedDecimalField(
        "Thời hạn luật định", places=None,
        validators=[InputRequired("Nhập thời hạn."), NumberRange(min=0.01, max=1000, message="Thời hạn phải lớn hơn 0.")],
    )
    statutory_unit = SelectField("Đơn vị thời gian", choices=options((u.value, label) for u, label in TIME_UNIT_LABELS.items()))
    note = StringField("Căn cứ", validators=[DataRequired("Ghi căn cứ, ví dụ điều khoản của văn bản.")],
                       filters=[nfc], description="Ví dụ: Điều 16 Luật Hộ tịch 2014 — trong ngày làm việc.")
