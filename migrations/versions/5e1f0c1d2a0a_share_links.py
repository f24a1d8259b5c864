"""share links for a doctor without an account, and each time one was opened

``share_link`` keeps only the SHA-256 of a link's secret, what it shares (one session, or the
whole series when ``session_id`` is NULL; photos or not), when it expires and when it was
revoked. ``share_link_view`` records each opening, for the patient's "who looked at your record".

Revision ID: 5e1f0c1d2a0a
Revises: 5e1f0c1d2a09
Create Date: 2026-11-26 19:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5e1f0c1d2a0a"
down_revision = "5e1f0c1d2a09"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "share_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("include_photos", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["user.id"], name=op.f("fk_share_link_patient_id_user"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["treatment_session.id"],
            name=op.f("fk_share_link_session_id_treatment_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_share_link_token_hash")),
    )
    with op.batch_alter_table("share_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_share_link_patient_id"), ["patient_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_share_link_session_id"), ["session_id"], unique=False)

    op.create_table(
        "share_link_view",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("share_link_id", sa.Integer(), nullable=False),
        sa.Column("viewed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["share_link_id"],
            ["share_link.id"],
            name=op.f("fk_share_link_view_share_link_id_share_link"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_link_view")),
    )
    with op.batch_alter_table("share_link_view", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_share_link_view_share_link_id"), ["share_link_id"], unique=False)


def downgrade():
    with op.batch_alter_table("share_link_view", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_share_link_view_share_link_id"))
    op.drop_table("share_link_view")
    with op.batch_alter_table("share_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_share_link_session_id"))
        batch_op.drop_index(batch_op.f("ix_share_link_patient_id"))
    op.drop_table("share_link")
