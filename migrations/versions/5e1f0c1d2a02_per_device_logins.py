"""per-device log-ins replace the per-user login token

Each log-in is a row (a hash of its random token, an expiry, a device label,
revoked at log-out), so logging out or "Log out everywhere" ends it at once.
Dropping user.login_token logs everyone out once: they log in again.

Revision ID: 5e1f0c1d2a02
Revises: 5e1f0c1d2a01
Create Date: 2026-11-26 11:30:00

"""

import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5e1f0c1d2a02"
down_revision = "5e1f0c1d2a01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "user_login",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("device", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_user_login_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_login")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_login_token_hash")),
    )
    with op.batch_alter_table("user_login", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_login_user_id"), ["user_id"], unique=False)

    # On SQLite this rebuilds the user table: migrations/env.py turns foreign keys off meanwhile,
    # or dropping the old table would cascade to every session, log and photo.
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_user_login_token"), type_="unique")
        batch_op.drop_column("login_token")


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("login_token", sa.String(length=64), nullable=True))
    # Every user needs a token of their own before the column can be unique and required.
    user = sa.table("user", sa.column("id", sa.Integer()), sa.column("login_token", sa.String()))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(user.c.id)).all():
        connection.execute(user.update().where(user.c.id == user_id).values(login_token=secrets.token_hex(32)))
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.alter_column("login_token", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_user_login_token"), ["login_token"])

    with op.batch_alter_table("user_login", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_login_user_id"))

    op.drop_table("user_login")
