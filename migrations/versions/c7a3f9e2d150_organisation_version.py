"""organisation settings are edited in the app: a version to detect two admins saving at once; a solve run
split into parts for the queue's workers records how many

Revision ID: c7a3f9e2d150
Revises: b4e8d2f61a37
Create Date: 2026-11-28 06:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c7a3f9e2d150'
down_revision = 'b4e8d2f61a37'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version_id', sa.Integer(), server_default='1', nullable=False))
    with op.batch_alter_table('solve_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parts', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('solve_run', schema=None) as batch_op:
        batch_op.drop_column('parts')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('version_id')
