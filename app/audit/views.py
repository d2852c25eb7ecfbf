"""The audit page: a chair sees their unit's log, an officer or administrator their subtree's."""
from flask import Blueprint, current_app, render_template, request

from app.audit.forms import AuditFilterForm
from app.audit.queries import AuditFilters, Cursor, audit_page
from app.auth.models import Role
from app.auth.permissions import roles_required

bp = Blueprint("audit", __name__)


@bp.get("/audit")
@roles_required(Role.CHAIR, Role.OFFICER, Role.ADMIN)
def entry_list():
    form = AuditFilterForm(formdata=request.args)
    valid = form.validate()

    def value(field):
        # A mistyped filter is shown next to its field and left out; the others still apply.
        return None if field.errors else field.data

    filters = AuditFilters(kind=value(form.kind) or "", username=value(form.user) or "",
                           from_on=value(form.date_from), to_on=value(form.date_to))
    page = audit_page(filters, Cursor.decode(request.args.get("after")), current_app.config["ITEMS_PER_PAGE"])
    args = {key: value for key, value in request.args.items() if key != "after" and value}
    return render_template("audit/entries.html", form=form, page=page, args=args,
                           has_newer="after" in request.args), 200 if valid else 422
