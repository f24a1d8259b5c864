"""rate-limit counters every worker shares; a heartbeat row for the readiness check

rate_limit holds Flask-Limiter's fixed windows when no Redis is configured
(app/rate_limits.py), so a limit counts every worker and survives a reload.
heartbeat is the one row GET /readyz rewrites to prove the database can be
written.

Revision ID: 5e1f0c1d2a03
Revises: 5e1f0c1d2a02
Create Date: 2026-11-26 12:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5e1f0c1d2a03"
down_revision = "5e1f0c1d2a02"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "rate_limit",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_limit")),
    )
    with op.batch_alter_table("rate_limit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rate_limit_expires_at"), ["expires_at"], unique=False)

    heartbeat = op.create_table(
        "heartbeat",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("beat_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_heartbeat")),
    )
    op.bulk_insert(heartbeat, [{"id": 1, "beat_at": 0.0}])


def downgrade():
    op.drop_table("heartbeat")
    with op.batch_alter_table("rate_limit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rate_limit_expires_at"))

    op.drop_table("rate_limit")
