"""the phone's outbox: receipts of the items the server took (a resend changes nothing); sessions kept on a
phone ("keep me signed in"), with the browser and when last seen, to list and end them

Revision ID: d4f1a7c3b925
Revises: c7a3f9e2d150
Create Date: 2026-12-01 13:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4f1a7c3b925'
down_revision = 'c7a3f9e2d150'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbox_receipt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_outbox_receipt_user_id_user'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_receipt')),
    sa.UniqueConstraint('user_id', 'key', name=op.f('uq_outbox_receipt_user_id'))
    )
    with op.batch_alter_table('outbox_receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_receipt_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_receipt_received_at'), ['received_at'], unique=False)
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('persistent', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('user_agent', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('seen_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.drop_column('seen_at')
        batch_op.drop_column('user_agent')
        batch_op.drop_column('persistent')
    with op.batch_alter_table('outbox_receipt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_receipt_received_at'))
        batch_op.drop_index(batch_op.f('ix_outbox_receipt_user_id'))
    op.drop_table('outbox_receipt')
