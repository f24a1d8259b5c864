"""a session's status is stored as a key (on_track, slower, contact), not as English

The words now live only in app/core/vocabulary.py, so rewording needs no
migration. The words below are the ones stored until this revision: they stay
written out here, whatever the vocabulary says later.

Revision ID: 5e1f0c1d2a04
Revises: 5e1f0c1d2a03
Create Date: 2026-11-26 13:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5e1f0c1d2a04"
down_revision = "5e1f0c1d2a03"
branch_labels = None
depends_on = None

KEYS_FOR_WORDS = {
    "On track": "on_track",
    "Slower than typical": "slower",
    "Contact your clinic": "contact",
}

treatment_session = sa.table("treatment_session", sa.column("status", sa.String()))


def _rename(mapping):
    for old, new in mapping.items():
        op.execute(treatment_session.update().where(treatment_session.c.status == old).values(status=new))


def upgrade():
    _rename(KEYS_FOR_WORDS)
    # On SQLite this rebuilds the table: migrations/env.py turns foreign keys off meanwhile,
    # or dropping the old table would cascade to every log, photo and alert of the session.
    with op.batch_alter_table("treatment_session", schema=None) as batch_op:
        batch_op.alter_column(
            "status", existing_type=sa.String(length=24), existing_nullable=False, server_default="on_track"
        )


def downgrade():
    with op.batch_alter_table("treatment_session", schema=None) as batch_op:
        batch_op.alter_column(
            "status", existing_type=sa.String(length=24), existing_nullable=False, server_default="On track"
        )
    _rename({key: words for words, key in KEYS_FOR_WORDS.items()})
