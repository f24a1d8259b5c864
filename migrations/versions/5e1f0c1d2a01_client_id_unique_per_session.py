"""client_id unique per session, not across every patient

A resend is the same form sent again to the same session; another patient
(or another session) using the same id is a different log and is stored.

Revision ID: 5e1f0c1d2a01
Revises: 14db22b25893
Create Date: 2026-11-26 10:40:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "5e1f0c1d2a01"
down_revision = "14db22b25893"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("symptom_log", schema=None) as batch_op:
        batch_op.drop_constraint("uq_symptom_log_client_id", type_="unique")
        batch_op.create_unique_constraint("uq_symptom_log_session_client_id", ["session_id", "client_id"])


def downgrade():
    # Ids repeated across sessions would break the old, global constraint: keep the first of each.
    op.execute(
        "UPDATE symptom_log SET client_id = NULL WHERE client_id IS NOT NULL AND id NOT IN "
        "(SELECT min(id) FROM symptom_log WHERE client_id IS NOT NULL GROUP BY client_id)"
    )
    with op.batch_alter_table("symptom_log", schema=None) as batch_op:
        batch_op.drop_constraint("uq_symptom_log_session_client_id", type_="unique")
        batch_op.create_unique_constraint("uq_symptom_log_client_id", ["client_id"])
