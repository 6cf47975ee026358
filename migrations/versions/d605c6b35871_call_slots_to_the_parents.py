"""call slots to the parents (issue 26): a message's recipient is an account or a child's parents (their contact),
and the parents' contact says whether they agreed to get their call times by message, on which channel, at what
address, in which language and outside which quiet hours

Revision ID: d605c6b35871
Revises: a26c7f1b3d05
Create Date: 2026-12-02 01:58:47.217676

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd605c6b35871'
down_revision = 'a26c7f1b3d05'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('parent_contact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('messages_agreed', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('channel_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('address', sa.String(length=254), server_default='', nullable=False))
        batch_op.add_column(sa.Column('locale', sa.String(length=10), server_default='zh_CN', nullable=False))
        batch_op.add_column(sa.Column('quiet_from', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('quiet_until', sa.Time(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_parent_contact_channel_id_message_channel'), 'message_channel',
                                    ['channel_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_id', sa.Integer(), nullable=True))
        batch_op.alter_column('user_id', existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index(batch_op.f('ix_message_contact_id'), ['contact_id'], unique=False)
        batch_op.create_unique_constraint('uq_message_event_key_contact', ['event_key', 'contact_id', 'channel_id'])
        batch_op.create_foreign_key(batch_op.f('fk_message_contact_id_parent_contact'), 'parent_contact',
                                    ['contact_id'], ['id'], ondelete='CASCADE')
        batch_op.create_check_constraint('one_recipient', '(user_id IS NULL) <> (contact_id IS NULL)')


def downgrade():
    # The parents' messages have no account to belong to once user_id is required again.
    op.execute("DELETE FROM message WHERE user_id IS NULL")
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_message_one_recipient'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_message_contact_id_parent_contact'), type_='foreignkey')
        batch_op.drop_constraint('uq_message_event_key_contact', type_='unique')
        batch_op.drop_index(batch_op.f('ix_message_contact_id'))
        batch_op.alter_column('user_id', existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column('contact_id')

    with op.batch_alter_table('parent_contact', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_parent_contact_channel_id_message_channel'), type_='foreignkey')
        batch_op.drop_column('quiet_until')
        batch_op.drop_column('quiet_from')
        batch_op.drop_column('locale')
        batch_op.drop_column('address')
        batch_op.drop_column('channel_id')
        batch_op.drop_column('messages_agreed')
