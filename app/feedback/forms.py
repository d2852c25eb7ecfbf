"""The feedback register's forms: receive, assign, answer, record the citizen's satisfaction."""
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from app.dossiers.forms import LocalDateTimeField
from app.feedback.rules import FeedbackChannel, FeedbackKind, Satisfaction
from app.forms_vi import Form, options
from app.vntext import nfc, nfc_lines

_NO_CONTROL = Regexp(r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$", message="Có ký tự không hợp lệ.")


class FeedbackForm(Form):
    received_at = LocalDateTimeField("Tiếp nhận lúc", validators=[InputRequired("Nhập thời điểm tiếp nhận.")])
    channel = SelectField("Kênh tiếp nhận", choices=options((c.value, c.label) for c in FeedbackChannel))
    kind = SelectField("Loại", choices=options((k.value, k.label) for k in FeedbackKind))
    citizen_name = StringField("Người phản ánh, kiến nghị", filters=[nfc],
                               validators=[DataRequired("Nhập họ tên người phản ánh."), Length(max=200), _NO_CONTROL])
    citizen_contact = StringField("Địa chỉ, điện thoại liên hệ", filters=[nfc],
                                  validators=[Length(max=200), _NO_CONTROL])
    content = TextAreaField("Nội dung", filters=[nfc_lines], render_kw={"rows": 4},
                            validators=[DataRequired("Nhập nội dung phản ánh, kiến nghị."), Length(max=4000),
                                        _NO_CONTROL])
    dossier_code = StringField("Mã hồ sơ liên quan (nếu có)", filters=[lambda v: (v or "").strip()],
                               validators=[Optional(), Length(max=60), Regexp(r"^[0-9A-Za-z.\-]+$",
                                                                               message="Mã hồ sơ không hợp lệ.")])
    procedure_code = StringField("Mã thủ tục liên quan (nếu có)", filters=[lambda v: (v or "").strip()],
                                 validators=[Optional(), Length(max=40), Regexp(r"^[0-9A-Za-z.\-]+$",
                                                                                 message="Mã thủ tục không hợp lệ.")])


class AssignForm(Form):
    assigned_to = StringField("Giao cho (bộ phận, người xử lý)", filters=[nfc],
                              validators=[DataRequired("Ghi bộ phận hoặc người được giao xử lý."), Length(max=200),
                                          _NO_CONTROL])


class AnswerForm(Form):
    answered_at = LocalDateTimeField("Trả lời lúc", validators=[InputRequired("Nhập thời điểm trả lời.")])
    answer = TextAreaField("Nội dung trả lời", filters=[nfc_lines], render_kw={"rows": 4},
                           validators=[DataRequired("Nhập nội dung trả lời."), Length(max=4000), _NO_CONTROL])


class RatingForm(Form):
    satisfaction = SelectField("Mức độ hài lòng của người dân với kết quả trả lời",
                               choices=options((s.value, s.label) for s in Satisfaction))
