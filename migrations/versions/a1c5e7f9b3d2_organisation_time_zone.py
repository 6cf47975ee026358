"""the organisation's time zone, in which every stored time is shown

Revision ID: a1c5e7f9b3d2
Revises: f3a8c1d2e4b6
Create Date: 2026-12-01 16:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a1c5e7f9b3d2'
down_revision = 'f3a8c1d2e4b6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), server_default='Asia/Shanghai',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('time_zone')
