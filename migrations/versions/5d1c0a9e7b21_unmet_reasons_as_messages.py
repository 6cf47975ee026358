"""the roster's unmet reasons as translatable messages

Revision ID: 5d1c0a9e7b21
Revises: 91b127aa4732
Create Date: 2026-11-23 02:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d1c0a9e7b21'
down_revision = '91b127aa4732'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('roster', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unmet_reasons', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('roster', schema=None) as batch_op:
        batch_op.drop_column('unmet_reasons')
