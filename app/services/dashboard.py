"""The clinic dashboard: every patient with their latest session, sorted by who needs a call today.

One SQL statement fetches a row per patient of the clinic (latest session,
its latest log, how many open alerts: episodes, never flags); triage and sorting happen in Python on
those rows, so the number of statements does not grow with the patients.
"""

import math
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.core.cohort import CohortSession
from app.core.recovery import hours_between
from app.core.triage import NEED_ORDER, Triage, triage
from app.extensions import db
from app.models import Alert, CareLink, SymptomLog, TreatmentSession, User

PER_PAGE = 25


@dataclass(frozen=True)
class DashboardRow:
    patient_id: int
    name: str
    email: str
    session_id: int | None
    performed_at: datetime | None
    status: str | None
    last_logged_at: datetime | None
    redness: int | None
    swelling: int | None
    peeling: int | None
    open_alerts: int  # open alert episodes, however many flags each lists
    triage: Triage

    @property
    def display_name(self):
        return self.name or self.email


@dataclass(frozen=True)
class DashboardPage:
    rows: list[DashboardRow]
    total: int
    page: int
    pages: int
    counts: dict[str, int]  # patients per need, before the status filter
    open_alerts: int  # open alert episodes of the patients searched for, before the need filter
    patients_with_open_alerts: int


def _rows_statement(clinic_id, search):
    clinic_patients = sa.select(CareLink.patient_id).where(
        CareLink.clinic_id == clinic_id, CareLink.withdrawn_at.is_(None)
    )
    latest_session = (
        sa.select(
            TreatmentSession.id,
            TreatmentSession.patient_id,
            TreatmentSession.performed_at,
            TreatmentSession.status,
            sa.func.row_number()
            .over(partition_by=TreatmentSession.patient_id, order_by=TreatmentSession.performed_at.desc())
            .label("rank"),
        )
        .where(TreatmentSession.patient_id.in_(clinic_patients))
        .subquery()
    )
    # The newest log of each latest session, found through the (session_id, logged_at) index:
    # far cheaper than ranking every log of the clinic.
    latest_log_id = (
        sa.select(SymptomLog.id)
        .where(SymptomLog.session_id == latest_session.c.id)
        .order_by(SymptomLog.logged_at.desc(), SymptomLog.id.desc())
        .limit(1)
        .correlate(latest_session)
        .scalar_subquery()
    )
    open_alerts = (
        sa.select(Alert.patient_id, sa.func.count(Alert.id).label("count"))
        .where(Alert.clinic_id == clinic_id, Alert.acknowledged_at.is_(None))
        .group_by(Alert.patient_id)
        .subquery()
    )
    statement = (
        sa.select(  # labelled with DashboardRow's fields
            User.id.label("patient_id"),
            User.name,
            User.email,
            latest_session.c.id.label("session_id"),
            latest_session.c.performed_at,
            latest_session.c.status,
            SymptomLog.logged_at.label("last_logged_at"),
            SymptomLog.redness,
            SymptomLog.swelling,
            SymptomLog.peeling,
            sa.func.coalesce(open_alerts.c.count, 0).label("open_alerts"),
        )
        .join(
            CareLink,
            sa.and_(CareLink.patient_id == User.id, CareLink.clinic_id == clinic_id, CareLink.withdrawn_at.is_(None)),
        )
        .outerjoin(latest_session, sa.and_(latest_session.c.patient_id == User.id, latest_session.c.rank == 1))
        .outerjoin(SymptomLog, SymptomLog.id == latest_log_id)
        .outerjoin(open_alerts, open_alerts.c.patient_id == User.id)
    )
    if search:
        pattern = f"%{search.strip().lower()}%"
        statement = statement.where(
            sa.or_(sa.func.lower(User.name).like(pattern, escape="\\"), User.email.like(pattern, escape="\\"))
        )
    return statement


def _escape_like(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def clinic_dashboard(clinic_id, now, search="", need=None, page=1, per_page=PER_PAGE):
    """One page of the clinic's patients, most in need first."""
    rows = [
        DashboardRow(
            **row, triage=triage(row["open_alerts"], row["status"], row["performed_at"], row["last_logged_at"], now)
        )
        for row in db.session.execute(_rows_statement(clinic_id, _escape_like(search or ""))).mappings()
    ]
    counts = dict.fromkeys(NEED_ORDER, 0)
    for row in rows:
        counts[row.triage.need] += 1
    open_alerts = sum(row.open_alerts for row in rows)
    patients_with_open_alerts = sum(1 for row in rows if row.open_alerts)
    if need in NEED_ORDER:
        rows = [row for row in rows if row.triage.need == need]
    rows.sort(key=lambda row: (row.triage.sort_key, row.display_name.lower()))
    pages = max(1, math.ceil(len(rows) / per_page))
    page = min(max(page, 1), pages)
    return DashboardPage(
        rows[(page - 1) * per_page : page * per_page],
        len(rows),
        page,
        pages,
        counts,
        open_alerts,
        patients_with_open_alerts,
    )


def cohort_sessions(clinic_id):
    """Every session of the clinic's sharing patients with its device and redness logs, for the cohort view."""
    clinic_patients = sa.select(CareLink.patient_id).where(
        CareLink.clinic_id == clinic_id, CareLink.withdrawn_at.is_(None)
    )
    rows = db.session.execute(
        sa.select(
            TreatmentSession.id,
            TreatmentSession.performed_at,
            TreatmentSession.needle_depth_mm,
            TreatmentSession.areas,
            TreatmentSession.device,
            SymptomLog.logged_at,
            SymptomLog.redness,
        )
        .outerjoin(SymptomLog, SymptomLog.session_id == TreatmentSession.id)
        .where(TreatmentSession.patient_id.in_(clinic_patients))
        .order_by(TreatmentSession.id)
    )
    sessions = {}
    for session_id, performed_at, depth, areas, device, logged_at, redness in rows:
        entry = sessions.setdefault(session_id, (depth, tuple(areas or ()), device, []))
        if logged_at is not None:
            entry[3].append((hours_between(performed_at, logged_at), redness))
    return [CohortSession(depth, areas, tuple(logs), device=device) for depth, areas, device, logs in sessions.values()]
