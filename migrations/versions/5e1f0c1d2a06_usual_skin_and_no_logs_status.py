"""the patient's usual skin on each session; a session with no logs has the status no_logs

The usual skin ("my usual skin", logged as it was before the session) is three
levels and the moment it was logged, all or none. A session nothing has been
logged for now says "No logs yet" instead of claiming to be on track.

Revision ID: 5e1f0c1d2a06
Revises: 5e1f0c1d2a05
Create Date: 2026-11-26 14:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5e1f0c1d2a06"
down_revision = "5e1f0c1d2a05"
branch_labels = None
depends_on = None

# Written out, not imported: a migration keeps meaning what it meant when it was written.
USUAL_SKIN_CHECK = (
    "(usual_skin_logged_at IS NULL AND usual_redness IS NULL AND usual_swelling IS NULL AND usual_peeling IS NULL)"
    " OR (usual_skin_logged_at IS NOT NULL"
    " AND usual_redness BETWEEN 0 AND 4 AND usual_swelling BETWEEN 0 AND 4 AND usual_peeling BETWEEN 0 AND 4)"
)

treatment_session = sa.table("treatment_session", sa.column("id", sa.Integer()), sa.column("status", sa.String()))
symptom_log = sa.table("symptom_log", sa.column("session_id", sa.Integer()))
without_logs = ~sa.exists().where(symptom_log.c.session_id == treatment_session.c.id)


def upgrade():
    # On SQLite this rebuilds the table: migrations/env.py turns foreign keys off meanwhile.
    with op.batch_alter_table("treatment_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("usual_redness", sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column("usual_swelling", sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column("usual_peeling", sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column("usual_skin_logged_at", sa.DateTime(), nullable=True))
        batch_op.create_check_constraint("usual_skin", USUAL_SKIN_CHECK)
        batch_op.alter_column(
            "status", existing_type=sa.String(length=24), existing_nullable=False, server_default="no_logs"
        )
    op.execute(treatment_session.update().where(without_logs).values(status="no_logs"))


def downgrade():
    op.execute(treatment_session.update().where(treatment_session.c.status == "no_logs").values(status="on_track"))
    with op.batch_alter_table("treatment_session", schema=None) as batch_op:
        batch_op.alter_column(
            "status", existing_type=sa.String(length=24), existing_nullable=False, server_default="on_track"
        )
        batch_op.drop_constraint("usual_skin", type_="check")
        batch_op.drop_column("usual_skin_logged_at")
        batch_op.drop_column("usual_peeling")
        batch_op.drop_column("usual_swelling")
        batch_op.drop_column("usual_redness")
