"""Intake and action forms of the desk."""
import secrets
import unicodedata

from wtforms import (BooleanField, DateTimeField, FieldList, FormField, HiddenField, IntegerField, SelectField,
                     StringField, TextAreaField)
from wtforms.validators import DataRequired, ValidationError, InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import TextInput

from app.catalog.models import ChannelKind, OnlineKind
from app.catalog.fees import MAX_FEE
from app.dossiers.models import CopyKind, Outcome, PaymentMethod
from app.forms_vi import Form, bound_date_field, options, record_id
from app.vntext import nfc, nfc_lines

DATETIME_FORMATS = ["%d/%m/%Y %H:%M", "%H:%M %d/%m/%Y", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def _digits(value: str | None) -> str:
    """The digits typed, as ASCII (a full-width "１２" from some input methods is "12"), and any "+".

    Only decimal digits count: "²" passes str.isdigit but is no digit of a number.
    """
    kept = []
    for ch in value or "":
        digit = unicodedata.decimal(ch, None)
        if digit is not None:
            kept.append(str(digit))
        elif ch == "+":
            kept.append(ch)
    return "".join(kept)


# One "@", a dot in the domain, and none of the characters that only markup or a mistyped paste put there.
EMAIL_PATTERN = r"^[^@\s<>\"'(),;:\\\[\]]+@[^@\s<>\"'(),;:\\\[\]]+\.[^@\s<>\"'(),;:\\\[\]]+$"


class LocalDateTimeField(DateTimeField):
    """A time typed as "dd/mm/yyyy hh:mm" (24 h), as Vietnamese offices write it."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", DATETIME_FORMATS)
        render_kw = {"placeholder": "dd/mm/yyyy hh:mm", "autocomplete": "off"}
        render_kw.update(kwargs.pop("render_kw", None) or {})
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        bound_date_field(self)


class DocumentRow(Form):
    """One line of the checklist of documents received."""

    class Meta:
        csrf = False  # part of the intake form, which carries the token

    received = BooleanField("Đã nhận", default=True)
    name = HiddenField(filters=[nfc], validators=[Length(max=1000)])
    copy_kind = SelectField("Loại", choices=options((kind.value, kind.label) for kind in CopyKind))
    count = IntegerField("Số lượng", default=1, validators=[Optional(), NumberRange(min=1, max=99, message="Từ 1 đến 99.")])


class IntakeForm(Form):
    # Cut, not refused: the view filters the list with it before validating (as the htmx list does), and
    # a pasted page of text would otherwise become a LIKE pattern SQLite refuses as too complex.
    procedure_filter = StringField("Tìm thủ tục (tên hoặc mã, không cần dấu)",
                                   filters=[lambda v: (v or "")[:200]],
                                   render_kw={"autocomplete": "off", "type": "search"})
    # Another ward of the province the dossier is received for (Decree 118/2025); 0: the desk's own unit.
    unit_filter = StringField("Tìm phường/xã (không cần dấu)", filters=[lambda v: (v or "")[:100]],
                              render_kw={"autocomplete": "off", "type": "search"})
    resolving_unit_id = SelectField("Đơn vị giải quyết", coerce=record_id, default=0)
    # A select, not a box: htmx sends its value whatever it is (an unticked box is simply absent).
    result_at_receiving = SelectField("Nơi trả kết quả", default="here",
                                      choices=options([("here", "Tại nơi tiếp nhận (nơi công dân nộp)"),
                                                       ("there", "Tại đơn vị giải quyết")]))
    offering_id = SelectField("Thủ tục hành chính", coerce=record_id,
                              validators=[DataRequired("Chọn thủ tục hành chính.")])
    applicant_name = StringField("Họ và tên người nộp", filters=[nfc],
                                 validators=[DataRequired("Nhập họ và tên."), Length(max=200)])
    applicant_id_number = StringField(
        "Số CCCD (12 chữ số)", filters=[_digits],
        validators=[DataRequired("Nhập số căn cước công dân."),
                    Regexp(r"^\d{12}$", message="Số CCCD gồm đúng 12 chữ số.")],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    applicant_phone = StringField(
        "Số điện thoại", filters=[_digits],
        validators=[Optional(), Regexp(r"^(0\d{9}|\+84\d{9})$", message="Số điện thoại gồm 10 chữ số, bắt đầu bằng 0.")],
        render_kw={"inputmode": "tel"},
    )
    applicant_address = StringField("Địa chỉ", filters=[nfc], validators=[Length(max=300)])
    applicant_email = StringField(
        "Thư điện tử (không bắt buộc)", filters=[nfc],
        validators=[Optional(), Length(max=200), Regexp(EMAIL_PATTERN, message="Địa chỉ thư điện tử không hợp lệ.")],
    )
    channel = SelectField("Hình thức nộp", choices=options((kind.value, kind.label) for kind in ChannelKind))
    online_kind = SelectField(
        "Mức độ trực tuyến",
        choices=options([("", "Không trực tuyến"), (OnlineKind.END_TO_END.value, OnlineKind.END_TO_END.label),
                         (OnlineKind.PARTIAL.value, OnlineKind.PARTIAL.label)]),
    )
    documents = FieldList(FormField(DocumentRow), min_entries=0, max_entries=200)

    def validate_online_kind(self, field):
        # Decision 766/QĐ-TTg counts online dossiers end to end and partly apart: an online dossier says which.
        if self.channel.data == ChannelKind.ONLINE and not field.data:
            raise ValidationError("Hồ sơ nộp trực tuyến: chọn toàn trình hay một phần.")
    extra_documents = TextAreaField("Giấy tờ khác (mỗi dòng một giấy tờ)", filters=[lambda v: (v or "").strip()],
                                    validators=[Length(max=2000)], render_kw={"rows": 2})
    sets_count = IntegerField("Số bộ hồ sơ", default=1,
                              validators=[InputRequired("Nhập số bộ."), NumberRange(min=1, max=50, message="Từ 1 đến 50 bộ.")])
    received_at = LocalDateTimeField("Thời điểm tiếp nhận", validators=[InputRequired("Nhập thời điểm tiếp nhận.")])
    # Made when the form is shown (`new_intake_token`), sent back with it; see Dossier.intake_token.
    intake_token = HiddenField(validators=[Optional(), Regexp(r"^[A-Za-z0-9_-]{16,64}$",
                                                              message="Biểu mẫu không hợp lệ: hãy tải lại trang.")])


def new_intake_token() -> str:
    return secrets.token_urlsafe(24)


class ActionForm(Form):
    """The inputs of every lifecycle action; each action uses the ones it needs."""

    action = HiddenField()
    version = IntegerField(widget=TextInput(input_type="hidden"))
    note = TextAreaField("Ghi chú", filters=[nfc_lines], validators=[Length(max=2000)], render_kw={"rows": 2})
    reason = TextAreaField("Lý do", filters=[nfc_lines], validators=[Length(max=2000)], render_kw={"rows": 2})
    to_office = StringField("Chuyển đến", filters=[nfc], validators=[Length(max=200)])
    # The specialist a hand-over gives the dossier to (0: none, to the office typed above); the
    # operation checks that they are a specialist of the dossier's unit.
    assignee_id = SelectField("Giao cho công chức chuyên môn", coerce=int, choices=options([(0, "— Không giao cho ai —")]),
                              validate_choice=False)
    # Checked by the finish operation, the only one that uses it.
    outcome = SelectField("Kết quả", choices=options((o.value, o.label) for o in Outcome), validate_choice=False)
    new_due_at = LocalDateTimeField("Ngày hẹn trả mới", validators=[Optional()])
    applicant_name = StringField("Họ và tên", filters=[nfc], validators=[Length(max=200)])
    applicant_id_number = StringField("Số CCCD", filters=[_digits],
                                      validators=[Optional(), Regexp(r"^\d{12}$", message="Số CCCD gồm đúng 12 chữ số.")])
    applicant_phone = StringField("Số điện thoại", filters=[_digits],
                                  validators=[Optional(), Regexp(r"^(0\d{9}|\+84\d{9})$", message="Số điện thoại không hợp lệ.")])
    applicant_address = StringField("Địa chỉ", filters=[nfc], validators=[Length(max=300)])
    applicant_email = StringField("Thư điện tử", filters=[nfc],
                                  validators=[Optional(), Length(max=200),
                                              Regexp(EMAIL_PATTERN, message="Địa chỉ thư điện tử không hợp lệ.")])


class VndField(StringField):
    """An amount in đồng as a clerk types it: "70000", "70.000", "70,000 đ" (the separators are
    thousands: the desk takes no fractions of a đồng), between 0 and `MAX_FEE`."""

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "") or ""
        cleaned = text.strip().lower().removesuffix("đồng").removesuffix("đ").removesuffix("vnđ").strip()
        cleaned = cleaned.replace(".", "").replace(",", "").replace(" ", "")
        self.raw_text = text[:40]
        if not cleaned:
            self.data = None
            return
        if len(cleaned) > 12 or not cleaned.isascii() or not cleaned.isdigit():
            self.data = None
            raise ValueError("Số tiền ghi bằng chữ số, ví dụ 70.000.")
        amount = int(cleaned)
        if amount > MAX_FEE:
            self.data = None
            raise ValueError("Số tiền không được quá 1.000.000.000 đồng.")
        self.data = amount

    def _value(self):
        if self.data is None:
            return getattr(self, "raw_text", "") or ""
        return f"{int(self.data):,}".replace(",", ".")


class PaymentForm(Form):
    """The fee and charge of a dossier: what is owed, what was paid, how, when, the receipt's number."""

    version = IntegerField(widget=TextInput(input_type="hidden"))
    fee_due = VndField("Phí, lệ phí phải nộp (đồng)", render_kw={"inputmode": "numeric", "autocomplete": "off"})
    fee_paid = VndField("Số tiền đã nộp (đồng)", render_kw={"inputmode": "numeric", "autocomplete": "off"})
    payment_method = SelectField(
        "Hình thức nộp", choices=options([("", "— Chọn —")] + [(m.value, m.label) for m in PaymentMethod]))
    paid_at = LocalDateTimeField("Nộp lúc", validators=[Optional()])
    receipt_number = StringField("Số biên lai", filters=[nfc, lambda v: (v or "").strip()],
                                 validators=[Length(max=40), Regexp(r"^[^\x00-\x1f<>]*$",
                                                                    message="Số biên lai có ký tự không hợp lệ.")])
