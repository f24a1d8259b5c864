"""the language of each account: the one chosen, and the browser's at the last log-in

``language`` is set on the account page (NULL: follow the browser's Accept-Language);
``browser_language`` is what the browser asked for at the last log-in, for the emails and push
messages that go out with no request to ask.

Revision ID: 5e1f0c1d2a09
Revises: 5e1f0c1d2a08
Create Date: 2026-11-26 19:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5e1f0c1d2a09"
down_revision = "5e1f0c1d2a08"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("browser_language", sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("browser_language")
        batch_op.drop_column("language")
