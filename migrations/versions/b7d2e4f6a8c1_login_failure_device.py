"""a failed login remembers the known browser it came from, so a username lock spares the rightful user's

Revision ID: b7d2e4f6a8c1
Revises: a1c5e7f9b3d2
Create Date: 2026-12-01 19:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d2e4f6a8c1'
down_revision = 'a1c5e7f9b3d2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.add_column(sa.Column('device', sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.drop_column('device')
