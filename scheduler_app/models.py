"""The data model in the NGO's words: organisation, villages, sites, children, volunteers, weeks, rosters."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING, Any

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scheduler_app.extensions import Model, db
from scheduler_app.permissions import defaults_for
from scheduler_app.roles import Role
from solver.timeutil import DAYS as SOLVER_DAYS

DAYS = SOLVER_DAYS  # the contract's day names, index 0 = Monday (one definition, the solver's)
DEFAULT_TIME_ZONE = "Asia/Shanghai"  # an organisation's until its admin chooses another


def utcnow() -> dt.datetime:
    """The current time in UTC, timezone-aware."""
    return dt.datetime.now(dt.UTC)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """A stored time as timezone-aware UTC: SQLite hands back naive datetimes, which were written in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def age_on(birth: dt.date, day: dt.date) -> int:
    """Age in whole years on a day of someone born on ``birth``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


class LeftBehindType(enum.StrEnum):
    """Which parents work away from home."""

    BOTH = "both"
    FATHER = "father"
    MOTHER = "mother"
    SINGLE_PARENT = "single_parent"
    OTHER = "other"


class RosterStatus(enum.StrEnum):
    """A roster is a draft until a coordinator publishes it."""

    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"


class AssignmentKind(enum.StrEnum):
    """A tutoring session at a site, or a home visit to a child."""

    TUTORING = "tutoring"
    VISIT = "visit"


class AssignmentStatus(enum.StrEnum):
    """The volunteer's answer to an assignment."""

    PLANNED = "planned"
    CONFIRMED = "confirmed"
    DECLINED = "declined"


class RunState(enum.StrEnum):
    """Where a background solve is: waiting, running, done with a roster, failed, or lost with its worker."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    ABANDONED = "abandoned"


class Ending(enum.StrEnum):
    """Why a solve run did not succeed (its reason's text is in ``rosters.outcome``)."""

    ABANDONED = "abandoned"  # its heartbeat stopped, or its web process exited mid-solve
    UNCLAIMED = "unclaimed"  # no queue worker took it in time
    OVERRAN = "overran"      # past its limit and the grace, so it was stopped
    STOPPED = "stopped"      # killed before it finished (an operator, a test)
    SOLVER = "solver"        # the solver refused the week (its own message is the detail)
    ERROR = "error"          # anything else going wrong (the detail says what)


class WarningState(enum.StrEnum):
    """A warning is open until someone acknowledges it, and stays until it is resolved with a note."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class DiaryStatus(enum.StrEnum):
    """A diary entry's way through review."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"


def _enum(cls: type[enum.Enum]) -> Enum:
    """Store an enum by its value as a short string with a check constraint."""
    return Enum(cls, values_callable=lambda e: [m.value for m in e], native_enum=False, length=20,
                create_constraint=True, name=cls.__name__.lower())


class WeeklyInterval:
    """A time interval on a day of the week: a session, a visit window, an availability, an assignment."""

    day_index: Mapped[int] = mapped_column(Integer)  # 0 = Monday
    start: Mapped[dt.time] = mapped_column(Time)
    end: Mapped[dt.time] = mapped_column(Time)

    @property
    def day(self) -> str:
        """The contract's day name."""
        return DAYS[self.day_index]


class Timestamped:
    """Created/updated times in UTC."""

    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class HomePoint:
    """A precise home point that falls back to the village's point."""

    home_lat: Mapped[float | None] = mapped_column(Float)
    home_lon: Mapped[float | None] = mapped_column(Float)
    if TYPE_CHECKING:
        # Each model maps its own ``village`` relationship (beside its village_id column); declared here for the
        # type checker only, so the mixin maps no second one.
        village: Mapped[Village | None]

    @property
    def home_point(self) -> tuple[float, float] | None:
        """The precise home point, else the village's point, else None."""
        if self.home_lat is not None and self.home_lon is not None:
            return (self.home_lat, self.home_lon)
        if self.village is not None:
            return (self.village.lat, self.village.lon)
        return None


class Organisation(Model):
    """The NGO, with the settings that shape every week's roster."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    road_factor: Mapped[float] = mapped_column(Float, default=1.35)
    speed_kmh: Mapped[float] = mapped_column(Float, default=20.0)
    visit_minutes: Mapped[int] = mapped_column(Integer, default=60)
    session_start: Mapped[dt.time] = mapped_column(Time, default=dt.time(16, 30))
    session_end: Mapped[dt.time] = mapped_column(Time, default=dt.time(18, 0))
    # A child with home visits not visited for longer than this is a warning.
    warn_after_days: Mapped[int] = mapped_column(Integer, default=14, server_default="14")
    # A child who left (inactive) and has not been served for this many years is anonymised by
    # `flask purge-expired`: records about minors are kept no longer than the work needs them.
    retention_years: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    # Roster times are wall-clock times here; every time the app stores (UTC) is shown in this zone.
    time_zone: Mapped[str] = mapped_column(String(64), default=DEFAULT_TIME_ZONE, server_default=DEFAULT_TIME_ZONE)
    # Messages: the evening-before reminder and the managers' daily warnings digest go out at these clock times
    # (in ``time_zone``).
    reminder_at: Mapped[dt.time] = mapped_column(Time, default=dt.time(19, 0), server_default="19:00:00")
    digest_at: Mapped[dt.time] = mapped_column(Time, default=dt.time(8, 0), server_default="08:00:00")
    # Two admins saving the settings at once: the second is told, not silently overwritten.
    version_id: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")

    __mapper_args__ = {"version_id_col": version_id}
    __table_args__ = (
        CheckConstraint("road_factor >= 1 AND road_factor <= 5", name="road_factor_range"),
        CheckConstraint("speed_kmh > 0 AND speed_kmh <= 120", name="speed_range"),
        CheckConstraint("visit_minutes >= 10 AND visit_minutes <= 240", name="visit_minutes_range"),
        CheckConstraint("retention_years >= 1 AND retention_years <= 30", name="retention_range"),
    )


class Village(Timestamped, Model):
    """A village (or neighbourhood) with a reference point, where homes without a precise point sit."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    township: Mapped[str] = mapped_column(String(100), default="")
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")

    __mapper_args__ = {"version_id_col": version_id}
    __table_args__ = (UniqueConstraint("organisation_id", "township", "name"),)

    @property
    def label(self) -> str:
        """Township and village, as people name where a child lives (never the home point)."""
        return f"{self.township} {self.name}".strip()


class Site(Timestamped, Model):
    """A place for the 4:30 classroom: a village school or a children's home."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id"))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    children_per_tutor: Mapped[int] = mapped_column(Integer, default=6)
    min_tutors: Mapped[int] = mapped_column(Integer, default=1)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")

    village: Mapped[Village | None] = relationship()
    sessions: Mapped[list[SiteSession]] = relationship(back_populates="site", cascade="all, delete-orphan",
                                                       order_by="SiteSession.day_index")

    __mapper_args__ = {"version_id_col": version_id}
    __table_args__ = (
        UniqueConstraint("organisation_id", "code"),
        CheckConstraint("children_per_tutor >= 1", name="ratio_positive"),
        CheckConstraint("min_tutors >= 0", name="min_tutors_nonneg"),
    )


class SiteSession(WeeklyInterval, Model):
    """A weekly session a site holds, e.g. every Monday 16:30–18:00."""

    __tablename__ = "site_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)

    site: Mapped[Site] = relationship(back_populates="sessions")

    __table_args__ = (
        UniqueConstraint("site_id", "day_index"),
        CheckConstraint("day_index >= 0 AND day_index <= 6", name="day_range"),
        CheckConstraint("start < \"end\"", name="start_before_end"),
    )



class Child(HomePoint, Timestamped, Model):
    """A left-behind child: profile, home, guardian, tutoring needs and home-visit needs."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100))
    gender: Mapped[str] = mapped_column(String(10), default="")
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    grade: Mapped[int | None] = mapped_column(Integer)
    school: Mapped[str] = mapped_column(String(200), default="")
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id"))
    guardian_name: Mapped[str] = mapped_column(String(100), default="")
    guardian_relationship: Mapped[str] = mapped_column(String(50), default="")
    guardian_phone: Mapped[str] = mapped_column(String(50), default="")
    left_behind_type: Mapped[LeftBehindType] = mapped_column(_enum(LeftBehindType), default=LeftBehindType.BOTH)
    parents_work_place: Mapped[str] = mapped_column(String(200), default="")
    background: Mapped[str] = mapped_column(Text, default="", server_default="")  # family situation, history
    academic_notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"))
    attends: Mapped[list[str]] = mapped_column(JSON, default=list)  # day names
    subjects: Mapped[list[str]] = mapped_column(JSON, default=list)  # subjects needing help
    visits_per_week: Mapped[int] = mapped_column(Integer, default=1)
    risk_level: Mapped[int] = mapped_column(Integer, default=1)
    needs_trained: Mapped[bool] = mapped_column(Boolean, default=False)
    primary_volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer.id"))
    # One-on-one support (issue 26): a social worker holds the case and interviews the family once a week.
    social_worker_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    village: Mapped[Village | None] = relationship()
    site: Mapped[Site | None] = relationship()
    primary_volunteer: Mapped[Volunteer | None] = relationship(foreign_keys=[primary_volunteer_id])
    social_worker: Mapped[Volunteer | None] = relationship(foreign_keys=[social_worker_id])
    visit_windows: Mapped[list[VisitWindow]] = relationship(back_populates="child", cascade="all, delete-orphan",
                                                            order_by="(VisitWindow.day_index, VisitWindow.start)")

    __mapper_args__ = {"version_id_col": version_id}
    __table_args__ = (
        UniqueConstraint("organisation_id", "code"),
        CheckConstraint("risk_level >= 1 AND risk_level <= 5", name="risk_range"),
        CheckConstraint("visits_per_week >= 0 AND visits_per_week <= 7", name="visits_range"),
    )

    def age_on(self, day: dt.date) -> int | None:
        """Age in whole years on a date."""
        return None if self.birth_date is None else age_on(self.birth_date, day)


class VisitWindow(WeeklyInterval, Model):
    """When a child's family can receive a home visit, e.g. Saturday 09:00–12:00."""

    __tablename__ = "visit_window"
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)

    child: Mapped[Child] = relationship(back_populates="visit_windows")

    __table_args__ = (
        CheckConstraint("day_index >= 0 AND day_index <= 6", name="day_range"),
        CheckConstraint("start < \"end\"", name="start_before_end"),
    )



class Volunteer(HomePoint, Timestamped, Model):
    """A tutor (college student or local teacher) and/or a volunteer mother making home visits."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100))
    gender: Mapped[str] = mapped_column(String(10), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    is_tutor: Mapped[bool] = mapped_column(Boolean, default=False)
    is_visitor: Mapped[bool] = mapped_column(Boolean, default=False)
    affiliation: Mapped[str] = mapped_column(String(200), default="")  # e.g. a teachers' college
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id"))
    # home_lat/home_lon (from HomePoint): home, or the campus for a student tutor
    subjects: Mapped[list[str]] = mapped_column(JSON, default=list)
    trained: Mapped[bool] = mapped_column(Boolean, default=False)
    trained_since: Mapped[dt.date | None] = mapped_column(Date)
    max_km: Mapped[float] = mapped_column(Float, default=10.0)
    max_sessions_per_week: Mapped[int] = mapped_column(Integer, default=0)
    max_visits_per_week: Mapped[int] = mapped_column(Integer, default=0)
    max_visits_per_day: Mapped[int] = mapped_column(Integer, default=0)
    # A professional social worker of the organisation (issue 26): her visits are the family interviews of the
    # children under one-on-one support, and she makes no other home visits.
    is_social_worker: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The secret in the volunteer's private calendar (.ics) link; a new one revokes the old link.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    village: Mapped[Village | None] = relationship()
    availability: Mapped[list[Availability]] = relationship(
        back_populates="volunteer", cascade="all, delete-orphan",
        order_by="(Availability.day_index, Availability.start)")
    dates_away: Mapped[list[DateAway]] = relationship(back_populates="volunteer", cascade="all, delete-orphan",
                                                      order_by="DateAway.first_day")

    __mapper_args__ = {"version_id_col": version_id}
    __table_args__ = (
        UniqueConstraint("organisation_id", "code"),
        CheckConstraint("max_km >= 0", name="max_km_nonneg"),
        CheckConstraint("max_sessions_per_week >= 0 AND max_visits_per_week >= 0 AND max_visits_per_day >= 0",
                        name="limits_nonneg"),
    )

    @property
    def roles(self) -> list[str]:
        """The contract's roles list."""
        return [r for r, held in (("tutor", self.is_tutor), ("visitor", self.is_visitor)) if held]

    def away_on(self, day: dt.date) -> bool:
        """True when one of the volunteer's dates away covers the whole of that day."""
        return any(a.whole_days and a.covers(day) for a in self.dates_away)

    def free_during(self, day: dt.date, start: dt.time, end: dt.time) -> list[tuple[dt.time, dt.time]]:
        """What is left of ``start``–``end`` on that date once her dates away are taken out: the whole
        interval, nothing on a day away, or the pieces around stretches away."""
        pieces = [(start, end)]
        for away in self.dates_away:
            if not away.covers(day):
                continue
            stretch = away.stretch
            if stretch is None:
                return []
            away_start, away_end = stretch
            pieces = [part for s, e in pieces
                      for part in ((s, min(e, away_start)), (max(s, away_end), e)) if part[0] < part[1]]
        return pieces


class Availability(WeeklyInterval, Model):
    """A weekly interval when a volunteer can serve, e.g. Tuesday 15:30–19:00."""

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id", ondelete="CASCADE"), index=True)

    volunteer: Mapped[Volunteer] = relationship(back_populates="availability")

    __table_args__ = (
        CheckConstraint("day_index >= 0 AND day_index <= 6", name="day_range"),
        CheckConstraint("start < \"end\"", name="start_before_end"),
    )



class DateAway(Model):
    """Days a volunteer cannot serve (exams, holidays, illness); they remove that week's availability.

    Without times the whole of each day is away; with ``start`` and ``end`` only that stretch of each day
    is (a mid-term exam on a Wednesday afternoon, recorded when she declines an activity then)."""

    __tablename__ = "date_away"
    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id", ondelete="CASCADE"), index=True)
    first_day: Mapped[dt.date] = mapped_column(Date)
    last_day: Mapped[dt.date] = mapped_column(Date)
    start: Mapped[dt.time | None] = mapped_column(Time)
    end: Mapped[dt.time | None] = mapped_column(Time)
    REASON_MAX = 200
    reason: Mapped[str] = mapped_column(String(REASON_MAX), default="")

    volunteer: Mapped[Volunteer] = relationship(back_populates="dates_away")

    __table_args__ = (CheckConstraint("first_day <= last_day", name="first_before_last"),
                      CheckConstraint("(start IS NULL AND \"end\" IS NULL) OR "
                                      "(start IS NOT NULL AND \"end\" IS NOT NULL AND start < \"end\")",
                                      name="stretch_start_before_end"))

    @property
    def whole_days(self) -> bool:
        """True when the whole of each day is away (no stretch of times)."""
        return self.start is None

    @property
    def stretch(self) -> tuple[dt.time, dt.time] | None:
        """The times away on each day, or None when the whole of each day is away."""
        if self.start is None or self.end is None:
            return None
        return (self.start, self.end)

    def covers(self, day: dt.date) -> bool:
        """True when the dates away include that day (whole or a stretch of it)."""
        return self.first_day <= day <= self.last_day

    def overlaps(self, other: DateAway) -> bool:
        """True when the two share a moment: a common day, and, when both are stretches, common times."""
        if other.last_day < self.first_day or self.last_day < other.first_day:
            return False
        mine, theirs = self.stretch, other.stretch
        return mine is None or theirs is None or (mine[0] < theirs[1] and theirs[0] < mine[1])


class LoginFailure(Model):
    """One failed login for a username as typed (whether or not such an account exists); counted across
    processes to lock a username out for a while after repeated failures. ``device`` is the known browser it
    came from (one the account logged in on before), counted apart so strangers cannot lock that browser out."""

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    device: Mapped[str | None] = mapped_column(String(32))
    failed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class LoginSession(Model):
    """One logged-in browser, kept on the server: logging out ends it, so a copy of its cookie stops working."""

    __tablename__ = "login_session"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # random; the cookie carries it
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    remote_addr: Mapped[str] = mapped_column(String(64), default="")
    # "Keep me signed in on this phone": the session outlives the idle and day limits, up to
    # PEIBAN_KEEP_SIGNED_IN_DAYS; listed under the account, where its owner or an admin can end it.
    persistent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    user_agent: Mapped[str] = mapped_column(String(200), default="", server_default="")
    seen_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class RecoveryCode(Model):
    """One of the ten single-use codes that stand in for the authenticator app when the phone is lost (kept as a
    SHA-256 hash: each code is random, 50 bits, so no slow hash is needed)."""

    __tablename__ = "recovery_code"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class OutboxReceipt(Model):
    """A phone's outbox item the server has taken: its id, made on the phone, is the idempotency key, so a resend
    gets the first answer back and changes nothing."""

    __tablename__ = "outbox_receipt"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))  # confirm, decline or diary
    outcome: Mapped[str] = mapped_column(String(20))  # see scheduler_app.outbox.Outcome
    message: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)

    __table_args__ = (UniqueConstraint("user_id", "key"),)


def _role_defaults(context: Any) -> list[str]:
    """A new account's permissions: its role's defaults."""
    return defaults_for(Role(context.get_current_parameters()["role"]))


class User(UserMixin, Timestamped, Model):
    """A person who logs in: admin, manager, coordinator, or a volunteer linked to a volunteer record."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(_enum(Role))
    volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer.id"), unique=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    # Changes whenever the password changes or the account is disabled; sessions carry it,
    # so an old session cookie stops working (see auth.services.load_user).
    session_token: Mapped[str] = mapped_column(String(64))
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # What this account may do beyond its role's pages (see scheduler_app.permissions).
    permissions: Mapped[list[str]] = mapped_column(JSON, default=_role_defaults)
    # Base32 secret of the account's authenticator app; None while two-step login is off.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # Messages outside the app: her e-mail address, the organisation's channels she chose (ids; none: the app's
    # notices only) and her quiet hours (a message due then waits till they end; from after until wraps midnight).
    email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    message_channels: Mapped[list[int] | None] = mapped_column(JSON, default=list)
    quiet_from: Mapped[dt.time | None] = mapped_column(Time)
    quiet_until: Mapped[dt.time | None] = mapped_column(Time)

    organisation: Mapped[Organisation] = relationship()
    volunteer: Mapped[Volunteer | None] = relationship()

    __table_args__ = (
        CheckConstraint("role NOT IN ('volunteer', 'social_worker') OR volunteer_id IS NOT NULL",
                        name="volunteer_linked"),
    )

    def get_id(self) -> str:
        """Flask-Login's session id: user id and the current session token."""
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:  # a property over UserMixin's, from the account's flag
        """Disabled accounts cannot log in or keep a session."""
        return self.active


class Week(Model):
    """A roster week, Monday to Sunday, with its pins and forbidden pairs."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    start_date: Mapped[dt.date] = mapped_column(Date)  # a Monday

    rules: Mapped[list[WeekRule]] = relationship(back_populates="week", cascade="all, delete-orphan")
    rosters: Mapped[list[Roster]] = relationship(back_populates="week", order_by="Roster.id")

    __table_args__ = (UniqueConstraint("organisation_id", "start_date"),)


class WeekRule(Model):
    """A coordinator's pin (must happen) or forbid (must not happen) for one week."""

    __tablename__ = "week_rule"
    id: Mapped[int] = mapped_column(primary_key=True)
    week_id: Mapped[int] = mapped_column(ForeignKey("week.id", ondelete="CASCADE"), index=True)
    rule: Mapped[str] = mapped_column(String(10))  # "pinned" | "forbidden"
    kind: Mapped[AssignmentKind] = mapped_column(_enum(AssignmentKind))
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"))
    child_id: Mapped[int | None] = mapped_column(ForeignKey("child.id"))
    day_index: Mapped[int] = mapped_column(Integer)

    week: Mapped[Week] = relationship(back_populates="rules")
    volunteer: Mapped[Volunteer] = relationship()
    site: Mapped[Site | None] = relationship()
    child: Mapped[Child | None] = relationship()

    __table_args__ = (
        CheckConstraint("rule IN ('pinned', 'forbidden')", name="rule_kind"),
        CheckConstraint("(kind = 'tutoring' AND site_id IS NOT NULL AND child_id IS NULL) OR "
                        "(kind = 'visit' AND child_id IS NOT NULL AND site_id IS NULL)", name="target"),
    )


class Roster(Timestamped, Model):
    """One version of a week's roster: a draft, or published to volunteers; with the solver's figures."""

    id: Mapped[int] = mapped_column(primary_key=True)
    week_id: Mapped[int] = mapped_column(ForeignKey("week.id"), index=True)
    status: Mapped[RosterStatus] = mapped_column(_enum(RosterStatus), default=RosterStatus.DRAFT)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    solver_status: Mapped[str] = mapped_column(String(30), default="")
    stats: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    unmet: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The unmet reasons as translatable messages (solver.messages), parallel to ``unmet``'s lists; None for
    # rosters stored before they were kept. The page shows them in the reader's language.
    unmet_reasons: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The roster-instance/1 it was made for: the review and later checks read sessions and needs from it.
    instance: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    week: Mapped[Week] = relationship(back_populates="rosters")
    assignments: Mapped[list[Assignment]] = relationship(back_populates="roster", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version_id}


class Notification(Model):
    """A message to a volunteer in the app: their week was published, or changed after publication."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # "week_published" | "week_changed"
    week_start: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (CheckConstraint("kind IN ('week_published', 'week_changed')", name="notification_kind"),)


class SolveRun(Model):
    """One background solve of a week: its state, heartbeat, progress and outcome (a draft roster or a reason)."""

    __tablename__ = "solve_run"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    week_id: Mapped[int] = mapped_column(ForeignKey("week.id"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    state: Mapped[RunState] = mapped_column(_enum(RunState), default=RunState.QUEUED)
    time_limit_s: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    best_shortfall: Mapped[float | None] = mapped_column(Float)
    # How it ended when it did not succeed, and why: a solver message's JSON (``Message.to_json``), shown translated.
    ending: Mapped[Ending | None] = mapped_column(_enum(Ending))
    reason: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    roster_id: Mapped[int | None] = mapped_column(ForeignKey("roster.id"))
    # A re-plan starts from this roster: everything not freed is pinned, and it is the "previous".
    replan_of_id: Mapped[int | None] = mapped_column(ForeignKey("roster.id"))
    # A big week on the job queue is split into parts that share nothing, each a job; None when solved whole.
    parts: Mapped[int | None] = mapped_column(Integer)

    week: Mapped[Week] = relationship()
    roster: Mapped[Roster | None] = relationship(foreign_keys=[roster_id])
    replan_of: Mapped[Roster | None] = relationship(foreign_keys=[replan_of_id])


class Assignment(WeeklyInterval, Model):
    """A volunteer's activity in a roster: a tutoring session or a home visit, with times."""

    id: Mapped[int] = mapped_column(primary_key=True)
    roster_id: Mapped[int] = mapped_column(ForeignKey("roster.id", ondelete="CASCADE"), index=True)
    kind: Mapped[AssignmentKind] = mapped_column(_enum(AssignmentKind))
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"))
    child_id: Mapped[int | None] = mapped_column(ForeignKey("child.id"), index=True)
    status: Mapped[AssignmentStatus] = mapped_column(_enum(AssignmentStatus), default=AssignmentStatus.PLANNED)
    decline_reason: Mapped[str] = mapped_column(String(500), default="")

    roster: Mapped[Roster] = relationship(back_populates="assignments")
    volunteer: Mapped[Volunteer] = relationship()
    site: Mapped[Site | None] = relationship()
    child: Mapped[Child | None] = relationship()

    __table_args__ = (
        CheckConstraint("(kind = 'tutoring' AND site_id IS NOT NULL AND child_id IS NULL) OR "
                        "(kind = 'visit' AND child_id IS NOT NULL AND site_id IS NULL)", name="target"),
        CheckConstraint("start < \"end\"", name="start_before_end"),
    )

    @property
    def date(self) -> dt.date:
        """The calendar day of the assignment in its roster's week."""
        return self.roster.week.start_date + dt.timedelta(days=self.day_index)

    @property
    def tutoring_site(self) -> Site:
        """A tutoring assignment's site (the table's check constraint says it has one)."""
        if self.site is None:
            raise ValueError(f"tutoring assignment {self.id} has no site")
        return self.site

    @property
    def visited_child(self) -> Child:
        """A visit's child (the table's check constraint says it has one)."""
        if self.child is None:
            raise ValueError(f"visit {self.id} has no child")
        return self.child

    @property
    def place(self) -> Site | Child:
        """Where the activity is: a tutoring assignment's site, a visit's child."""
        return self.tutoring_site if self.kind == AssignmentKind.TUTORING else self.visited_child



class DiaryEntry(Timestamped, Model):
    """A volunteer's service diary after an activity: hours, what was done, observations, what they gained."""

    __tablename__ = "diary_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignment.id", ondelete="SET NULL"))
    child_id: Mapped[int | None] = mapped_column(ForeignKey("child.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"))
    served_on: Mapped[dt.date] = mapped_column(Date)
    started_at: Mapped[dt.time] = mapped_column(Time)
    ended_at: Mapped[dt.time] = mapped_column(Time)
    minutes: Mapped[int] = mapped_column(Integer)
    activities: Mapped[list[str]] = mapped_column(JSON, default=list)
    what_was_done: Mapped[str] = mapped_column(Text, default="")
    # The child's state in five dimensions (psychological, emotional, behavioural, health, social).
    observations: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    concern: Mapped[bool] = mapped_column(Boolean, default=False)
    gained: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[DiaryStatus] = mapped_column(_enum(DiaryStatus), default=DiaryStatus.DRAFT)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    review_comment: Mapped[str] = mapped_column(Text, default="")
    # A home visit that did not take place (the child not at home, the guardian refused, the weather) is
    # recorded too, with why: reports count only visits that took place (issue 24).
    took_place: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    not_held_reason: Mapped[str] = mapped_column(String(20), default="", server_default="")
    # Travel is kept apart from service time: the certificate and the national export count service only.
    travel_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    volunteer: Mapped[Volunteer] = relationship()
    # The activity written up (for the reviewer to tell a social worker's family interview from a home visit).
    assignment: Mapped[Assignment | None] = relationship()
    child: Mapped[Child | None] = relationship()
    site: Mapped[Site | None] = relationship()

    __mapper_args__ = {"version_id_col": version_id}
    __table_args__ = (CheckConstraint("minutes > 0", name="minutes_positive"),
                      CheckConstraint("travel_minutes >= 0", name="travel_nonneg"))


class EarlyWarning(Model):
    """A sign that a child may be slipping through or a volunteer struggling, found by the warning scan."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # see scheduler_app.warnings.services.KINDS
    child_id: Mapped[int | None] = mapped_column(ForeignKey("child.id"), index=True)
    volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer.id"), index=True)
    state: Mapped[WarningState] = mapped_column(_enum(WarningState), default=WarningState.OPEN)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the figures that raised it
    raised_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    child: Mapped[Child | None] = relationship()
    volunteer: Mapped[Volunteer | None] = relationship()

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def last_day(self) -> dt.date | None:
        """The day of the last visit or worry its figures name (kept as ISO text in ``detail``), if any."""
        last = (self.detail or {}).get("last")
        return dt.date.fromisoformat(last) if last else None


class AuditEvent(Model):
    """Who did what, when (UTC) and from where: every view and change of a child record, every login."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    username: Mapped[str] = mapped_column(String(80), default="")  # kept even if the account goes
    action: Mapped[str] = mapped_column(String(40), index=True)
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_id: Mapped[int | None] = mapped_column(Integer)
    remote_addr: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ConsentCategory(enum.StrEnum):
    """What a guardian agrees the organisation may hold and use about a child."""

    HOME = "home"  # the exact home point and the guardian's phone, for home visits
    OBSERVATIONS = "observations"  # background and well-being observations from diaries
    CALLS = "calls"  # the parents' work place, call hours and how to reach them, for the family call window
    TRIP = "trip"  # taking part in an activity away from the site (a museum visit, a competition in town)


class GuardianConsent(Timestamped, Model):
    """A guardian's consent for a child: who gave it, how, for what, and when it was withdrawn."""

    __tablename__ = "guardian_consent"
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    given_by: Mapped[str] = mapped_column(String(100))
    relationship_to_child: Mapped[str] = mapped_column(String(50))
    given_on: Mapped[dt.date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(20))  # see privacy.services.METHODS
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    note: Mapped[str] = mapped_column(Text, default="", server_default="")

    child: Mapped[Child] = relationship()


class ErasureStatus(enum.StrEnum):
    """An anonymisation request waits for a second person's decision."""

    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class ErasureRequest(Model):
    """A request to anonymise a child's record; a second person approves it before anything changes."""

    __tablename__ = "erasure_request"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    requested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[ErasureStatus] = mapped_column(_enum(ErasureStatus), default=ErasureStatus.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    child: Mapped[Child] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class ChannelKind(enum.StrEnum):
    """How an organisation's messages leave the app: its SMTP server, or an Apprise URL (a WeCom or DingTalk
    group robot, a JSON webhook, an SMS gateway)."""

    EMAIL = "email"
    APPRISE = "apprise"


class MessageState(enum.StrEnum):
    """A message waits in the outbox until it is sent, or until it has failed too often to try again."""

    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class MessageChannel(Timestamped, Model):
    """One of an organisation's ways to send messages. Its secret (the SMTP password, or the Apprise URL, which
    holds the robot's key) is stored sealed with a key derived from the app's secret key, or named as an
    environment variable; only its last characters are shown back."""

    __tablename__ = "message_channel"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    kind: Mapped[ChannelKind] = mapped_column(_enum(ChannelKind))
    label: Mapped[str] = mapped_column(String(100))
    smtp_host: Mapped[str] = mapped_column(String(200), default="")
    smtp_port: Mapped[int] = mapped_column(Integer, default=587)
    smtp_security: Mapped[str] = mapped_column(String(10), default="starttls")  # starttls | ssl | none
    smtp_username: Mapped[str] = mapped_column(String(200), default="")
    sender: Mapped[str] = mapped_column(String(254), default="")  # the From: address
    secret_sealed: Mapped[str] = mapped_column(Text, default="")
    secret_env: Mapped[str] = mapped_column(String(64), default="")
    secret_tail: Mapped[str] = mapped_column(String(4), default="")  # what the settings page shows of it
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (
        CheckConstraint("smtp_security IN ('starttls', 'ssl', 'none')", name="smtp_security_kind"),
        CheckConstraint("smtp_port > 0 AND smtp_port < 65536", name="smtp_port_range"),
    )


class Message(Model):
    """One message in the outbox: an event for one recipient on one channel, sent at most once (the key), tried
    again later with a growing delay when the channel fails, and given up after a limit with the reason."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    # Its recipient: an account, or a child's parents (who have none) reached at the contact's own address.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("parent_contact.id", ondelete="CASCADE"), index=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("message_channel.id", ondelete="CASCADE"), index=True)
    event_key: Mapped[str] = mapped_column(String(120))  # e.g. "reminder:assignment:12"
    kind: Mapped[str] = mapped_column(String(30))  # see scheduler_app.messages.events.KINDS
    # Her e-mail address (or the parents' address or phone number); empty for a group.
    address: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[MessageState] = mapped_column(_enum(MessageState), default=MessageState.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # A sender's claim: while claimed_until is ahead, no other sender takes the message; a sender killed
    # mid-batch leaves its claims to run out, and the messages are taken again.
    claim: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User | None] = relationship()
    contact: Mapped[ParentContact | None] = relationship()
    channel: Mapped[MessageChannel] = relationship()

    __table_args__ = (
        UniqueConstraint("event_key", "user_id", "channel_id"),
        # A NULL user never collides above: the parents' messages are at most once by their own key.
        UniqueConstraint("event_key", "contact_id", "channel_id", name="uq_message_event_key_contact"),
        CheckConstraint("(user_id IS NULL) <> (contact_id IS NULL)", name="one_recipient"),
        CheckConstraint("attempts >= 0", name="attempts_nonneg"),
        db.Index("ix_message_state_due_at", "state", "due_at"),
    )


# --- Safeguarding cases (issue 25): a child's case, its concerns, actions, referrals, plans and staff alerts ---

class CaseStatus(enum.StrEnum):
    """Where a child's safeguarding case stands."""

    OPEN = "open"
    REFERRED = "referred"      # handed to the children's director, the school, civil affairs, the police...
    MONITORING = "monitoring"  # the danger is past; visits watch over the child
    CLOSED = "closed"          # with an outcome


class Severity(enum.StrEnum):
    """How fast a concern must be acted on: urgent the same day (and the mandatory report), high within days."""

    URGENT = "urgent"
    HIGH = "high"
    ROUTINE = "routine"


class SafeguardingCase(Model):
    """A child's safeguarding case: the concerns that opened or joined it, who owns it, by when it must be acted
    on, and how it ended. A child has at most one case not closed at a time."""

    __tablename__ = "safeguarding_case"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    status: Mapped[CaseStatus] = mapped_column(_enum(CaseStatus), default=CaseStatus.OPEN)
    severity: Mapped[Severity] = mapped_column(_enum(Severity), default=Severity.HIGH)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    due_on: Mapped[dt.date] = mapped_column(Date)
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The mandatory report (强制报告) an urgent case calls for: to whom and when; the scan warns 24 h after
    # the case became urgent (urgent_since) while it is missing.
    urgent_since: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    reported_to: Mapped[str] = mapped_column(String(200), default="", server_default="")
    reported_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    report_warned_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str] = mapped_column(Text, default="", server_default="")
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    child: Mapped[Child] = relationship()
    owner: Mapped[User | None] = relationship()
    concerns: Mapped[list[CaseConcern]] = relationship(back_populates="case", order_by="CaseConcern.raised_at")
    actions: Mapped[list[CaseAction]] = relationship(back_populates="case", order_by="CaseAction.id")
    referrals: Mapped[list[Referral]] = relationship(back_populates="case", order_by="Referral.id")
    plans: Mapped[list[CasePlan]] = relationship(back_populates="case", order_by="CasePlan.first_day")

    ONE_OPEN_PER_CHILD = "uq_safeguarding_case_one_open_per_child"
    # At most one case not closed per child, kept by the database: two concerns about her arriving at the same
    # moment on PostgreSQL would otherwise both find no case and open two.
    __table_args__ = (db.Index(ONE_OPEN_PER_CHILD, "child_id", unique=True, sqlite_where=text("status != 'closed'"),
                               postgresql_where=text("status != 'closed'")),)
    __mapper_args__ = {"version_id_col": version_id}


class CaseConcern(Model):
    """One worry about a child: from a diary's concern flag, a warning, a volunteer's own report, or entered by
    a coordinator or manager; it opened or joined the child's case."""

    __tablename__ = "case_concern"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("safeguarding_case.id"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    source: Mapped[str] = mapped_column(String(20))  # diary | warning | volunteer | staff
    severity: Mapped[Severity] = mapped_column(_enum(Severity))
    what: Mapped[str] = mapped_column(Text, default="")
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    raised_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    diary_entry_id: Mapped[int | None] = mapped_column(ForeignKey("diary_entry.id", ondelete="SET NULL"),
                                                       unique=True)
    warning_id: Mapped[int | None] = mapped_column(ForeignKey("early_warning.id", ondelete="SET NULL"))

    case: Mapped[SafeguardingCase] = relationship(back_populates="concerns")
    child: Mapped[Child] = relationship()
    raised_by: Mapped[User | None] = relationship()

    __table_args__ = (CheckConstraint("source IN ('diary', 'warning', 'volunteer', 'staff')",
                                      name="concern_source"),)


class CaseAction(Model):
    """Something to do on a case, with its owner and due date; done on a date. Past its due date it warns its
    owner, then (a day later) the managers."""

    __tablename__ = "case_action"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("safeguarding_case.id"), index=True)
    what: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    due_on: Mapped[dt.date] = mapped_column(Date)
    done_on: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    owner_warned_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    managers_warned_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    case: Mapped[SafeguardingCase] = relationship(back_populates="actions")
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])


class Referral(Model):
    """A case handed to someone around the child (the children's director, the school, the police...): the
    contact, the date, what was shared and on what consent or legal basis, and the answer received."""

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("safeguarding_case.id"), index=True)
    to_role: Mapped[str] = mapped_column(String(30))  # see cases.services.REFERRAL_ROLES
    contact: Mapped[str] = mapped_column(String(200))
    referred_on: Mapped[dt.date] = mapped_column(Date)
    shared: Mapped[str] = mapped_column(Text)
    basis: Mapped[str] = mapped_column(String(30))  # see cases.services.BASES
    basis_note: Mapped[str] = mapped_column(String(500), default="", server_default="")
    answer: Mapped[str] = mapped_column(Text, default="", server_default="")
    answered_on: Mapped[dt.date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    case: Mapped[SafeguardingCase] = relationship(back_populates="referrals")


class CasePlan(Model):
    """A case plan: goals and the services the child gets from the first to the last day. In the weeks it
    covers it changes the child's needs in the roster instance (more visits a week, a trained visitor, a
    regular visitor, tutoring in subjects); after its last day it no longer does."""

    __tablename__ = "case_plan"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("safeguarding_case.id"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    first_day: Mapped[dt.date] = mapped_column(Date)
    last_day: Mapped[dt.date] = mapped_column(Date)
    goals: Mapped[str] = mapped_column(Text)
    visits_per_week: Mapped[int | None] = mapped_column(Integer)  # at least this many, None: as the child's
    needs_trained: Mapped[bool] = mapped_column(Boolean, default=False)
    regular_visitor_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer.id"))
    subjects: Mapped[list[str]] = mapped_column(JSON, default=list)  # tutoring in these, besides the child's
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    case: Mapped[SafeguardingCase] = relationship(back_populates="plans")
    regular_visitor: Mapped[Volunteer | None] = relationship()

    __table_args__ = (
        CheckConstraint("first_day <= last_day", name="plan_period"),
        CheckConstraint("visits_per_week IS NULL OR (visits_per_week >= 0 AND visits_per_week <= 7)",
                        name="plan_visits_range"),
    )


class CaseAlert(Model):
    """A notice in the app to a coordinator or manager about a case: an urgent concern, an action past its due
    date, a mandatory report still missing; read when she opens the case."""

    __tablename__ = "case_alert"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("safeguarding_case.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # see cases.alerts.KINDS
    event_key: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    case: Mapped[SafeguardingCase] = relationship()

    __table_args__ = (UniqueConstraint("event_key", "user_id"),)


# ---------------------------------------------------------------- the family call window (issue 26)

class CallRoom(Model):
    """A site's call equipment: how many calls it carries at once (lines), and when the room is open."""

    __tablename__ = "call_room"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), unique=True)
    lines: Mapped[int] = mapped_column(Integer, default=1)

    site: Mapped[Site] = relationship()
    hours: Mapped[list[CallRoomHours]] = relationship(back_populates="room", cascade="all, delete-orphan",
                                                      order_by="(CallRoomHours.day_index, CallRoomHours.start)")

    __table_args__ = (CheckConstraint("lines >= 1 AND lines <= 20", name="call_lines_range"),)


class CallRoomHours(WeeklyInterval, Model):
    """When a site's call room is open, e.g. every Wednesday 18:30–20:30."""

    __tablename__ = "call_room_hours"
    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("call_room.id", ondelete="CASCADE"), index=True)

    room: Mapped[CallRoom] = relationship(back_populates="hours")

    __table_args__ = (
        CheckConstraint("day_index >= 0 AND day_index <= 6", name="day_range"),
        CheckConstraint("start < \"end\"", name="start_before_end"),
    )


class ParentContact(Timestamped, Model):
    """A child's parents for the call window: where they work, how to reach them, how many calls a week.
    Sensitive: read and used only with the guardian's consent for calls. Siblings share ``family`` (one call)."""

    __tablename__ = "parent_contact"
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), unique=True)
    family: Mapped[str] = mapped_column(String(64))  # the same text for siblings, e.g. the elder child's code
    parent_name: Mapped[str] = mapped_column(String(100), default="")
    works_at: Mapped[str] = mapped_column(String(200), default="")
    reach: Mapped[str] = mapped_column(String(200), default="")  # phone or WeChat id
    calls_per_week: Mapped[int] = mapped_column(Integer, default=1)
    # The call times reach them by message only when they agreed to it, on one of the organisation's channels
    # that goes to one person (e-mail, an SMS gateway), at their address there, in their language, outside
    # their quiet hours (a shift worker asleep by day).
    messages_agreed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("message_channel.id", ondelete="SET NULL"))
    address: Mapped[str] = mapped_column(String(254), default="", server_default="")
    locale: Mapped[str] = mapped_column(String(10), default="zh_CN", server_default="zh_CN")
    quiet_from: Mapped[dt.time | None] = mapped_column(Time)
    quiet_until: Mapped[dt.time | None] = mapped_column(Time)

    child: Mapped[Child] = relationship()
    channel: Mapped[MessageChannel | None] = relationship()
    hours: Mapped[list[ParentCallHours]] = relationship(back_populates="contact", cascade="all, delete-orphan",
                                                        order_by="(ParentCallHours.day_index, ParentCallHours.start)")

    __table_args__ = (CheckConstraint("calls_per_week >= 1 AND calls_per_week <= 7", name="calls_per_week_range"),)


class ParentCallHours(WeeklyInterval, Model):
    """When the parents can take a call, e.g. Wednesday 20:00–22:00 after their shift."""

    __tablename__ = "parent_call_hours"
    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("parent_contact.id", ondelete="CASCADE"), index=True)

    contact: Mapped[ParentContact] = relationship(back_populates="hours")

    __table_args__ = (
        CheckConstraint("day_index >= 0 AND day_index <= 6", name="day_range"),
        CheckConstraint("start < \"end\"", name="start_before_end"),
    )


class CallPlan(Model):
    """A week's planned calls for an organisation: when it was planned, and the children left short (with the
    solver's reasons as messages, ``[{"child": id, "missing": n, "reason": {...}}]``)."""

    __tablename__ = "call_plan"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    week_start: Mapped[dt.date] = mapped_column(Date)
    planned_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default="")
    unmet: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    calls: Mapped[list[FamilyCall]] = relationship(back_populates="plan", cascade="all, delete-orphan",
                                                   order_by="(FamilyCall.site_id, FamilyCall.day_index, "
                                                            "FamilyCall.start)")

    __table_args__ = (UniqueConstraint("organisation_id", "week_start"),)


class FamilyCall(WeeklyInterval, Model):
    """One planned family call and its record: it took place, how long, notes, a child-parent conflict flagged
    for the social worker."""

    __tablename__ = "family_call"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("call_plan.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"))
    family: Mapped[str] = mapped_column(String(64))
    child_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    line: Mapped[int] = mapped_column(Integer, default=1)
    took_place: Mapped[bool | None] = mapped_column(Boolean)
    minutes: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    conflict: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    plan: Mapped[CallPlan] = relationship(back_populates="calls")
    site: Mapped[Site] = relationship()
    supervisor: Mapped[Volunteer] = relationship()

    __table_args__ = (
        CheckConstraint("day_index >= 0 AND day_index <= 6", name="day_range"),
        CheckConstraint("start < \"end\"", name="start_before_end"),
        CheckConstraint("minutes IS NULL OR (minutes >= 0 AND minutes <= 240)", name="call_minutes_range"),
    )


# --- Real weeks (issue 24): the school calendar, closures, children away, attendance -------------------------


class CalendarDay(Model):
    """An admin's own entry for one date, over the public-holiday calendar: a day off (a holiday the package
    does not know yet, a local festival) or a working day (a make-up day, 调休) following a weekday's timetable."""

    __tablename__ = "calendar_day"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    day: Mapped[dt.date] = mapped_column(Date)
    working: Mapped[bool] = mapped_column(Boolean)
    NAME_MAX = 100
    name: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    # On a working day, the weekday whose sessions it holds (0 = Monday); None: the weekday it falls on.
    follows_day_index: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (UniqueConstraint("organisation_id", "day"),
                      CheckConstraint("follows_day_index IS NULL OR (follows_day_index >= 0 AND "
                                      "follows_day_index <= 6)", name="follows_day_range"))


class SchoolTerm(Model):
    """A school term of the organisation's schools (e.g. autumn term 1 September – 16 January)."""

    __tablename__ = "school_term"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    NAME_MAX = 100
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    first_day: Mapped[dt.date] = mapped_column(Date)
    last_day: Mapped[dt.date] = mapped_column(Date)

    __table_args__ = (CheckConstraint("first_day <= last_day", name="first_before_last"),)


class SiteClosure(Model):
    """Days a site holds no session (the school closed for an exam, repairs, a flood), with the reason."""

    __tablename__ = "site_closure"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    first_day: Mapped[dt.date] = mapped_column(Date)
    last_day: Mapped[dt.date] = mapped_column(Date)
    REASON_MAX = 200
    reason: Mapped[str] = mapped_column(String(REASON_MAX))

    site: Mapped[Site] = relationship()

    __table_args__ = (CheckConstraint("first_day <= last_day", name="first_before_last"),)


class ChildAway(Model):
    """Days a child is not at home (the summer with her parents in the city): no session, no visit."""

    __tablename__ = "child_away"
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    first_day: Mapped[dt.date] = mapped_column(Date)
    last_day: Mapped[dt.date] = mapped_column(Date)
    REASON_MAX = 200
    reason: Mapped[str] = mapped_column(String(REASON_MAX))

    child: Mapped[Child] = relationship()

    __table_args__ = (CheckConstraint("first_day <= last_day", name="first_before_last"),)


class Attendance(Model):
    """Whether a child came to a session of the 4:30 classroom that took place (one row per child and day)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    present: Mapped[bool] = mapped_column(Boolean)
    REASON_MAX = 200
    reason: Mapped[str] = mapped_column(String(REASON_MAX), default="")  # why she was absent
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    child: Mapped[Child] = relationship()

    __table_args__ = (UniqueConstraint("site_id", "child_id", "held_on"),)


# --- Programmes (issue 26, part B): activities -------------------------------------------------------------------


class StaffWay(enum.StrEnum):
    """How a volunteer came to staff an activity: she signed up, or a coordinator assigned her."""

    SIGNED_UP = "signed_up"
    ASSIGNED = "assigned"


class Activity(Timestamped, Model):
    """A one-off event (a museum visit, a recitation or calligraphy competition): where, when, how many staff it
    needs, the children taking part and what came of it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    start: Mapped[dt.time] = mapped_column(Time)
    end: Mapped[dt.time] = mapped_column(Time)
    staff_needed: Mapped[int] = mapped_column(Integer, default=1)
    # Away from the site: each child taking part needs a guardian's consent to trips in force on the day.
    trip: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(Text, default="")  # what came of it, written afterwards
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    staff: Mapped[list[ActivityStaff]] = relationship(back_populates="activity", cascade="all, delete-orphan",
                                                      order_by="ActivityStaff.id")
    participants: Mapped[list[ActivityChild]] = relationship(back_populates="activity",
                                                             cascade="all, delete-orphan",
                                                             order_by="ActivityChild.id")

    __mapper_args__ = {"version_id_col": version_id}
    __table_args__ = (
        CheckConstraint("start < \"end\"", name="start_before_end"),
        CheckConstraint("staff_needed >= 0 AND staff_needed <= 200", name="staff_needed_range"),
    )

    @property
    def staffed(self) -> int:
        """How many volunteers staff it."""
        return len(self.staff)


class ActivityStaff(Model):
    """A volunteer staffing an activity."""

    __tablename__ = "activity_staff"
    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    way: Mapped[StaffWay] = mapped_column(_enum(StaffWay))

    activity: Mapped[Activity] = relationship(back_populates="staff")
    volunteer: Mapped[Volunteer] = relationship()

    __table_args__ = (UniqueConstraint("activity_id", "volunteer_id"),)


class ActivityChild(Model):
    """A child taking part in an activity."""

    __tablename__ = "activity_child"
    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)

    activity: Mapped[Activity] = relationship(back_populates="participants")
    child: Mapped[Child] = relationship()

    __table_args__ = (UniqueConstraint("activity_id", "child_id"),)


# --- Programmes (issue 26, part B): class teachers -----------------------------------------------------------------


class ChildClass(Timestamped, Model):
    """A child's class at her school and its class teacher (the school itself is on the child's record)."""

    __tablename__ = "child_class"
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), unique=True)
    class_name: Mapped[str] = mapped_column(String(50), default="")  # e.g. 三年级二班
    teacher_name: Mapped[str] = mapped_column(String(100), default="")
    teacher_phone: Mapped[str] = mapped_column(String(50), default="")

    child: Mapped[Child] = relationship()


class TeacherVisit(Timestamped, Model):
    """A class teacher's home visit to a child (the school asks for one each semester)."""

    __tablename__ = "teacher_visit"
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    visited_on: Mapped[dt.date] = mapped_column(Date)
    teacher_name: Mapped[str] = mapped_column(String(100))
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    child: Mapped[Child] = relationship()


# --- Programmes (issue 26, part B): parenting-education groups ------------------------------------------------


class Handbook(Timestamped, Model):
    """A handbook of the organisation's small library for guardians (e.g. on the grandparents raising children)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("organisation_id", "title"),)


class ParentingGroup(Timestamped, Model):
    """A small parenting-education group of guardians, each member named by a child she or he raises."""

    __tablename__ = "parenting_group"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")

    members: Mapped[list[GroupMember]] = relationship(back_populates="group", cascade="all, delete-orphan",
                                                      order_by="GroupMember.id")
    sessions: Mapped[list[GroupSession]] = relationship(back_populates="group", cascade="all, delete-orphan",
                                                        order_by="GroupSession.held_on")

    __table_args__ = (UniqueConstraint("organisation_id", "name"),)


class GroupMember(Model):
    """A guardian in a parenting group: the guardian of this child (the child's record names her or him)."""

    __tablename__ = "group_member"
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("parenting_group.id", ondelete="CASCADE"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)

    group: Mapped[ParentingGroup] = relationship(back_populates="members")
    child: Mapped[Child] = relationship()

    __table_args__ = (UniqueConstraint("group_id", "child_id"),)


class GroupSession(Timestamped, Model):
    """One meeting of a parenting group: when, where, who led it, who came, the handbooks given, notes."""

    __tablename__ = "group_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("parenting_group.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    place: Mapped[str] = mapped_column(String(200))
    facilitator: Mapped[str] = mapped_column(String(100))
    notes: Mapped[str] = mapped_column(Text, default="")
    # Members who came (ids of GroupMember's child: the guardian of that child) and handbook ids given.
    attended: Mapped[list[int]] = mapped_column(JSON, default=list)
    handbooks: Mapped[list[int]] = mapped_column(JSON, default=list)

    group: Mapped[ParentingGroup] = relationship(back_populates="sessions")
