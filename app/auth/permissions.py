"""Role checks for views: who may do what, refused with 403 (where a record is out of scope, 404)."""
from functools import wraps

from flask import abort, request
from flask_login import current_user, login_required

from app.auth.models import Role


def roles_required(*roles: Role):
    """Allow only signed-in users with one of `roles`; others get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


admin_required = roles_required(Role.ADMIN)


# What a specialist civil servant may open: their own first page and the dossiers handed to them
# (the scope narrows every dossier query to those: Dossier.narrowed_for), the dossier's control slip,
# their account. Every other page of the ward — figures, catalog, register, other people's dossiers —
# is refused, including pages added later, which must name the role here to open to it.
SPECIALIST_ENDPOINTS = frozenset({
    "home.index", "dossiers.search", "dossiers.detail", "dossiers.act", "reports.control",
    "auth.login", "auth.logout", "auth.password_change", "lookup.lookup", "static",
})


def keep_specialists_to_their_desk():
    """before_request: 403 for a signed-in specialist on any endpoint outside SPECIALIST_ENDPOINTS."""
    if (request.endpoint is not None and current_user.is_authenticated and current_user.role == Role.SPECIALIST
            and request.endpoint not in SPECIALIST_ENDPOINTS):
        abort(403)


def register(app) -> None:
    app.before_request(keep_specialists_to_their_desk)
