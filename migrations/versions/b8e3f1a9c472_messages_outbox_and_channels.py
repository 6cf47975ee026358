"""messages that reach people: the organisation's channels (SMTP, Apprise), the outbox of messages (one per event,
recipient and channel), each person's address, channels and quiet hours, and the reminder and digest times

Revision ID: b8e3f1a9c472
Revises: c3e5a7b9d1f2
Create Date: 2026-12-01 19:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b8e3f1a9c472'
down_revision = 'c3e5a7b9d1f2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminder_at', sa.Time(), server_default='19:00:00', nullable=False))
        batch_op.add_column(sa.Column('digest_at', sa.Time(), server_default='08:00:00', nullable=False))
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), server_default='', nullable=False))
        batch_op.add_column(sa.Column('message_channels', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('quiet_from', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('quiet_until', sa.Time(), nullable=True))
    op.create_table('message_channel',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('email', 'apprise', name='channelkind', native_enum=False, create_constraint=True,
                              length=20), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('smtp_host', sa.String(length=200), nullable=False),
    sa.Column('smtp_port', sa.Integer(), nullable=False),
    sa.Column('smtp_security', sa.String(length=10), nullable=False),
    sa.Column('smtp_username', sa.String(length=200), nullable=False),
    sa.Column('sender', sa.String(length=254), nullable=False),
    sa.Column('secret_sealed', sa.Text(), nullable=False),
    sa.Column('secret_env', sa.String(length=64), nullable=False),
    sa.Column('secret_tail', sa.String(length=4), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("smtp_security IN ('starttls', 'ssl', 'none')",
                       name=op.f('ck_message_channel_smtp_security_kind')),
    sa.CheckConstraint('smtp_port > 0 AND smtp_port < 65536', name=op.f('ck_message_channel_smtp_port_range')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'],
                            name=op.f('fk_message_channel_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_channel'))
    )
    with op.batch_alter_table('message_channel', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_channel_organisation_id'), ['organisation_id'], unique=False)
    op.create_table('message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('event_key', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('state', sa.Enum('queued', 'sent', 'failed', name='messagestate', native_enum=False,
                               create_constraint=True, length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claim', sa.String(length=32), nullable=True),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_message_attempts_nonneg')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'],
                            name=op.f('fk_message_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_message_user_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['channel_id'], ['message_channel.id'],
                            name=op.f('fk_message_channel_id_message_channel'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message')),
    sa.UniqueConstraint('event_key', 'user_id', 'channel_id', name=op.f('uq_message_event_key'))
    )
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_channel_id'), ['channel_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_message_state_due_at', ['state', 'due_at'], unique=False)


def downgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_index('ix_message_state_due_at')
        batch_op.drop_index(batch_op.f('ix_message_created_at'))
        batch_op.drop_index(batch_op.f('ix_message_channel_id'))
        batch_op.drop_index(batch_op.f('ix_message_user_id'))
        batch_op.drop_index(batch_op.f('ix_message_organisation_id'))
    op.drop_table('message')
    with op.batch_alter_table('message_channel', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_channel_organisation_id'))
    op.drop_table('message_channel')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('quiet_until')
        batch_op.drop_column('quiet_from')
        batch_op.drop_column('message_channels')
        batch_op.drop_column('email')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('digest_at')
        batch_op.drop_column('reminder_at')
