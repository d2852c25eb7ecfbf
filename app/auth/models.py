"""Users and their roles."""
import hmac
import secrets
from datetime import datetime
from enum import StrEnum

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.units.models import Unit


class Role(StrEnum):
    """What a person does (DOMAIN.md "People")."""

    CLERK = "clerk"  # cán bộ một cửa: registers and moves dossiers of one unit
    CHAIR = "chair"  # chủ tịch UBND: reviews figures, approves apologies, signs reports
    OFFICER = "officer"  # cán bộ cấp trên: sees every unit below theirs
    ADMIN = "admin"  # quản trị: users, units, catalog, calendar
    # công chức chuyên môn (tư pháp–hộ tịch, địa chính, văn hóa–xã hội…): examines the dossiers handed
    # to them and nothing else of the ward (app/auth/permissions.SPECIALIST_ENDPOINTS)
    SPECIALIST = "specialist"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.CLERK: "Cán bộ một cửa",
    Role.CHAIR: "Chủ tịch UBND",
    Role.OFFICER: "Cán bộ cấp trên",
    Role.ADMIN: "Quản trị hệ thống",
    Role.SPECIALIST: "Công chức chuyên môn",
}

MIN_PASSWORD_LENGTH = 12


def new_session_token() -> str:
    """A fresh random token: every session and "remember me" cookie of a user carries the current one."""
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __scope_column__ = "unit_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(String(20))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    # A specialist's post ("Công chức Tư pháp – Hộ tịch"): where a dossier handed to them is said to be.
    office: Mapped[str] = mapped_column(String(200), default="", server_default="")
    last_login_at: Mapped[datetime | None]
    # Flask-Login's "alternative id": sessions and remember cookies hold "<id>.<token>"; changing the
    # token (new password, deactivation, signing out) ends all of them at once.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)

    unit: Mapped[Unit] = relationship(lazy="joined")

    def set_password(self, password: str) -> None:
        """Store the new password's hash and end every session signed in with the old one."""
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def end_sessions(self) -> None:
        """Every session and "remember me" cookie of this account stops working (the user loader refuses them)."""
        self.session_token = new_session_token()

    def deactivate(self) -> None:
        self.is_active = False
        self.end_sessions()

    def get_id(self) -> str:
        return f"{self.id}.{self.session_token}"

    def holds_session_token(self, token: str) -> bool:
        return bool(self.session_token) and hmac.compare_digest(self.session_token.encode(), token.encode())

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles
