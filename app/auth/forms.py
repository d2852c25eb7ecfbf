"""Sign-in and user administration forms."""
from app.forms_vi import Form, options, record_id
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp, ValidationError

from app.auth.models import ROLE_LABELS
from app.auth.passwords import MAX_LENGTH, password_problem
from app.vntext import nfc


class LoginForm(Form):
    username = StringField("Tên đăng nhập", validators=[DataRequired("Nhập tên đăng nhập."), Length(max=64)],
                           filters=[lambda v: (v or "").strip().lower()])
    password = PasswordField("Mật khẩu", validators=[DataRequired("Nhập mật khẩu."), Length(max=200)])
    remember = BooleanField("Ghi nhớ trên máy này")


class UserForm(Form):
    username = StringField(
        "Tên đăng nhập",
        validators=[
            DataRequired("Nhập tên đăng nhập."),
            Length(max=64),
            Regexp(r"^[a-z0-9._-]+$", message="Chỉ dùng chữ thường không dấu, số, dấu chấm, gạch."),
        ],
        filters=[lambda v: (v or "").strip().lower()],
    )
    full_name = StringField("Họ và tên", validators=[DataRequired("Nhập họ và tên."), Length(max=200)],
                            filters=[nfc])
    role = SelectField("Vai trò", choices=options((role.value, label) for role, label in ROLE_LABELS.items()))
    unit_id = SelectField("Đơn vị", coerce=record_id)
    office = StringField("Chức danh, lĩnh vực (công chức chuyên môn)", validators=[Length(max=200)], filters=[nfc],
                         description="Ví dụ: Công chức Tư pháp – Hộ tịch. Hồ sơ giao cho người này được ghi là đang ở đây.")
    # Not Optional(): a password of spaces only must be refused, not taken for "unchanged".
    password = PasswordField(
        "Mật khẩu",
        description="Ít nhất 12 ký tự, không chứa tên đăng nhập, không phải mật khẩu phổ biến. "
                    "Để trống nếu không đổi mật khẩu.",
    )
    is_active = BooleanField("Đang hoạt động", default=True)

    def validate_password(self, field) -> None:
        if not field.data:
            return  # unchanged (the view asks for one when creating an account)
        problem = password_problem(field.data, self.username.data)
        if problem:
            raise ValidationError(problem)


class PasswordChangeForm(Form):
    current_password = PasswordField("Mật khẩu hiện tại",
                                     validators=[DataRequired("Nhập mật khẩu hiện tại."), Length(max=MAX_LENGTH)])
    new_password = PasswordField("Mật khẩu mới",
                                 description="Ít nhất 12 ký tự, không chứa tên đăng nhập, không phải mật khẩu phổ biến.")
    confirm = PasswordField("Nhập lại mật khẩu mới",
                            validators=[EqualTo("new_password", message="Hai lần nhập mật khẩu mới không khớp.")])

    def __init__(self, username: str, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.account_username = username

    def validate_new_password(self, field) -> None:
        problem = password_problem(field.data or "", self.account_username)
        if problem:
            raise ValidationError(problem)
