"""a clinic's profile (phone, email, opening hours in its zone, advice); a message to the patient on an alert

Patients see the profile wherever they are told to contact their clinic. The
message to the patient, written when an alert is acknowledged, is shown to the
patient; the acknowledgement note stays within the clinic.

Revision ID: 5e1f0c1d2a07
Revises: 5e1f0c1d2a06
Create Date: 2026-11-26 15:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5e1f0c1d2a07"
down_revision = "5e1f0c1d2a06"
branch_labels = None
depends_on = None

# Written out, not imported: a migration keeps meaning what it meant when it was written.
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def upgrade():
    with op.batch_alter_table("clinic", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone", sa.String(length=40), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("timezone", sa.String(length=64), nullable=False, server_default="UTC"))
        for day in WEEKDAYS:
            batch_op.add_column(sa.Column(f"hours_{day}", sa.String(length=20), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("after_hours_advice", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("emergency_advice", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_to_patient", sa.Text(), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_column("message_to_patient")
    with op.batch_alter_table("clinic", schema=None) as batch_op:
        batch_op.drop_column("emergency_advice")
        batch_op.drop_column("after_hours_advice")
        for day in reversed(WEEKDAYS):
            batch_op.drop_column(f"hours_{day}")
        batch_op.drop_column("timezone")
        batch_op.drop_column("email")
        batch_op.drop_column("phone")
