"""child background and academic notes; site and village versions

Revision ID: 140ff4539b79
Revises: e212ba4e12ee
Create Date: 2026-11-22 21:38:07.925289

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '140ff4539b79'
down_revision = 'e212ba4e12ee'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.add_column(sa.Column('background', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('academic_notes', sa.Text(), server_default='', nullable=False))

    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version_id', sa.Integer(), server_default='1', nullable=False))
        # Existing rows get the migration's time; new rows get the model's Python default.
        batch_op.add_column(sa.Column('created_at', sa.DateTime(timezone=True), nullable=False,
                                      server_default=sa.text('CURRENT_TIMESTAMP')))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False,
                                      server_default=sa.text('CURRENT_TIMESTAMP')))

    with op.batch_alter_table('village', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version_id', sa.Integer(), server_default='1', nullable=False))
        # Existing rows get the migration's time; new rows get the model's Python default.
        batch_op.add_column(sa.Column('created_at', sa.DateTime(timezone=True), nullable=False,
                                      server_default=sa.text('CURRENT_TIMESTAMP')))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False,
                                      server_default=sa.text('CURRENT_TIMESTAMP')))



def downgrade():
    with op.batch_alter_table('village', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
        batch_op.drop_column('created_at')
        batch_op.drop_column('version_id')

    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
        batch_op.drop_column('created_at')
        batch_op.drop_column('version_id')

    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.drop_column('academic_notes')
        batch_op.drop_column('background')

