"""dates away may be a stretch of each day (start and end times), as a decline "not at that time" records

Revision ID: f3a8c1d2e4b6
Revises: e9b2c4d6f813
Create Date: 2026-12-01 16:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f3a8c1d2e4b6'
down_revision = 'e9b2c4d6f813'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('date_away', schema=None) as batch_op:
        batch_op.add_column(sa.Column('start', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('end', sa.Time(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_date_away_stretch_start_before_end'),
            '(start IS NULL AND "end" IS NULL) OR (start IS NOT NULL AND "end" IS NOT NULL AND start < "end")')


def downgrade():
    with op.batch_alter_table('date_away', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_date_away_stretch_start_before_end'), type_='check')
        batch_op.drop_column('end')
        batch_op.drop_column('start')
