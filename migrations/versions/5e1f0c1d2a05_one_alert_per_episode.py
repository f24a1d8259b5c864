"""one alert per episode: an alert lists its flags (alert_flag), is acknowledged once, and ends

Until this revision an alert was one flag. Now an alert is one episode of a
session's red flags at one clinic, with its flags in alert_flag (each with the
moment the model stopped raising it, cleared_at) and the moment it ended
(alert.ended_at, once the model raised none of its flags).

Upgrade: the open alerts of one clinic and session become one open episode
listing all their flags. Acknowledged alerts keep their acknowledgement: those
acknowledged together (the same moment, by the same person, with the same note:
the ones a change closed automatically at once) become one episode. Such an
episode has ended, unless a practitioner acknowledged it and one of its flags
was still at that stage when upgraded (no newer alert for it): that one stays
current, so the same flag raises no new alert while the model raises it, and the
logbook ends it at the session's next change once the model no longer does
(`flask --app wsgi refresh-statuses` does it at once).

Downgrade: each flag becomes an alert of its own again, with its episode's
acknowledgement; a flag the model stopped raising while its episode was open is
closed automatically as of that moment, as the previous code did.

Severities: every old alert was "contact" (the clinic should be contacted),
which is now "today", the most urgent of the severities that raise alerts
("today", "soon"); on the way down both are "contact" again. These keys and
the old closing note are written out here, whatever the app says later.

Revision ID: 5e1f0c1d2a05
Revises: 5e1f0c1d2a04
Create Date: 2026-11-27 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5e1f0c1d2a05"
down_revision = "5e1f0c1d2a04"
branch_labels = None
depends_on = None

CLOSED_AUTOMATICALLY = "Closed automatically"
CLOSED_BY_A_CORRECTION = (
    f"{CLOSED_AUTOMATICALLY}: the recovery model no longer raises this flag for the session."  # the downgrade's note
)
FLAG_COLUMNS = ("flag_key", "severity", "reason", "action")
OLD_SEVERITY, NEW_SEVERITY = "contact", "today"

old_alert = sa.table(
    "alert",
    sa.column("id", sa.Integer),
    sa.column("clinic_id", sa.Integer),
    sa.column("patient_id", sa.Integer),
    sa.column("session_id", sa.Integer),
    sa.column("flag_key", sa.String),
    sa.column("severity", sa.String),
    sa.column("reason", sa.Text),
    sa.column("action", sa.Text),
    sa.column("created_at", sa.DateTime),
    sa.column("acknowledged_at", sa.DateTime),
    sa.column("acknowledged_by_id", sa.Integer),
    sa.column("acknowledgement_note", sa.Text),
)
episode = sa.table(
    "alert",
    sa.column("id", sa.Integer),
    sa.column("clinic_id", sa.Integer),
    sa.column("patient_id", sa.Integer),
    sa.column("session_id", sa.Integer),
    sa.column("created_at", sa.DateTime),
    sa.column("ended_at", sa.DateTime),
    sa.column("acknowledged_at", sa.DateTime),
    sa.column("acknowledged_by_id", sa.Integer),
    sa.column("acknowledgement_note", sa.Text),
)
alert_flag = sa.table(
    "alert_flag",
    sa.column("id", sa.Integer),
    sa.column("alert_id", sa.Integer),
    sa.column("flag_key", sa.String),
    sa.column("severity", sa.String),
    sa.column("reason", sa.Text),
    sa.column("action", sa.Text),
    sa.column("raised_at", sa.DateTime),
    sa.column("cleared_at", sa.DateTime),
)


def _closed_automatically(row):
    return row.acknowledged_by_id is None and (row.acknowledgement_note or "").startswith(CLOSED_AUTOMATICALLY)


def _episodes_of(rows):
    """The old alerts (one flag each, in id order) grouped into episodes: (first row, [rows], ended, cleared keys)."""
    latest = {}  # (clinic, session, flag key) -> the id of its newest alert
    for row in rows:
        latest[(row.clinic_id, row.session_id, row.flag_key)] = row.id
    groups = {}
    for row in rows:
        if row.acknowledged_at is None:
            key = ("open", row.clinic_id, row.session_id)
        else:
            key = (row.clinic_id, row.session_id, row.acknowledged_at, row.acknowledged_by_id, row.acknowledgement_note)
        groups.setdefault(key, []).append(row)
    episodes = []
    for members in groups.values():
        first = members[0]
        if first.acknowledged_at is None:
            episodes.append((first, members, False, set()))
            continue
        # Still current: the flags a practitioner acknowledged that no newer alert followed.
        current = set()
        if not _closed_automatically(first):
            current = {m.flag_key for m in members if latest[(m.clinic_id, m.session_id, m.flag_key)] == m.id}
        episodes.append((first, members, not current, {m.flag_key for m in members} - current))
    return episodes


def upgrade():
    connection = op.get_bind()
    rows = connection.execute(sa.select(old_alert).order_by(old_alert.c.id)).all()

    # On SQLite this rebuilds the table (migrations/env.py turns foreign keys off meanwhile).
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ended_at", sa.DateTime(), nullable=True))
        for column in FLAG_COLUMNS:
            batch_op.drop_column(column)

    op.create_table(
        "alert_flag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("flag_key", sa.String(length=40), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("cleared_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alert.id"], name=op.f("fk_alert_flag_alert_id_alert"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_flag")),
        sa.UniqueConstraint("alert_id", "flag_key", name=op.f("uq_alert_flag_alert_id")),
    )
    with op.batch_alter_table("alert_flag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_flag_alert_id"), ["alert_id"], unique=False)

    merged, flags = [], []
    for first, members, ended, cleared in _episodes_of(rows):
        ended_at = first.acknowledged_at if ended else None
        connection.execute(
            episode.update()
            .where(episode.c.id == first.id)
            .values(created_at=min(m.created_at for m in members), ended_at=ended_at)
        )
        merged.extend(m.id for m in members[1:])
        seen = set()
        for m in members:
            if m.flag_key in seen:  # the same flag twice in one episode: it is listed once
                continue
            seen.add(m.flag_key)
            flags.append(
                {
                    "alert_id": first.id,
                    **{column: getattr(m, column) for column in FLAG_COLUMNS},
                    "severity": NEW_SEVERITY if m.severity == OLD_SEVERITY else m.severity,
                    "raised_at": m.created_at,
                    "cleared_at": first.acknowledged_at if m.flag_key in cleared else None,
                }
            )
    if merged:
        connection.execute(episode.delete().where(episode.c.id.in_(merged)))
    if flags:
        connection.execute(alert_flag.insert(), flags)

    op.create_index(
        "uq_alert_open_episode",
        "alert",
        ["clinic_id", "session_id"],
        unique=True,
        sqlite_where=sa.text("acknowledged_at IS NULL"),
        postgresql_where=sa.text("acknowledged_at IS NULL"),
    )


def downgrade():
    connection = op.get_bind()
    episodes = {row.id: row for row in connection.execute(sa.select(episode).order_by(episode.c.id))}
    flags = connection.execute(sa.select(alert_flag).order_by(alert_flag.c.alert_id, alert_flag.c.id)).all()

    op.drop_index(
        "uq_alert_open_episode",
        table_name="alert",
        sqlite_where=sa.text("acknowledged_at IS NULL"),
        postgresql_where=sa.text("acknowledged_at IS NULL"),
    )
    with op.batch_alter_table("alert_flag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_flag_alert_id"))
    op.drop_table("alert_flag")
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.add_column(sa.Column("flag_key", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("severity", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("action", sa.Text(), nullable=True))
        batch_op.drop_column("ended_at")

    connection.execute(old_alert.delete())
    rows, kept_ids = [], set()
    next_id = max(episodes, default=0) + 1
    for flag in flags:
        parent = episodes[flag.alert_id]
        row = {
            "clinic_id": parent.clinic_id,
            "patient_id": parent.patient_id,
            "session_id": parent.session_id,
            **{column: getattr(flag, column) for column in FLAG_COLUMNS},
            "severity": OLD_SEVERITY,  # the only severity the previous code raised alerts for
            "created_at": flag.raised_at,
            "acknowledged_at": parent.acknowledged_at,
            "acknowledged_by_id": parent.acknowledged_by_id,
            "acknowledgement_note": parent.acknowledgement_note,
        }
        if flag.cleared_at is not None and (parent.acknowledged_at is None or flag.cleared_at < parent.acknowledged_at):
            # Gone before anyone acknowledged the episode: the previous code closed such a flag's alert.
            row.update(
                acknowledged_at=flag.cleared_at, acknowledged_by_id=None, acknowledgement_note=CLOSED_BY_A_CORRECTION
            )
        if parent.id not in kept_ids:  # the episode's first flag keeps its id, the others get new ones
            kept_ids.add(parent.id)
            rows.append({"id": parent.id, **row})
        else:
            rows.append({"id": next_id, **row})
            next_id += 1
    if rows:
        connection.execute(old_alert.insert(), rows)
    if connection.dialect.name == "postgresql":
        # Ids written by hand leave the sequence behind: the next alert would take one of them.
        op.execute("SELECT setval(pg_get_serial_sequence('alert', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM alert")

    with op.batch_alter_table("alert", schema=None) as batch_op:
        for column, kind in zip(FLAG_COLUMNS, (sa.String(40), sa.String(10), sa.Text(), sa.Text()), strict=True):
            batch_op.alter_column(column, existing_type=kind, nullable=False)
