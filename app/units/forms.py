"""The administrator's unit form."""
from app.forms_vi import Form, options, record_id
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from app.units.importer import CODE_MAX_LENGTH, NAME_MAX_LENGTH
from app.units.models import UnitKind
from app.vntext import nfc


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
