"""solve runs, notifications, calendar links; the instance a roster was made for

Revision ID: 8b163c60a5d7
Revises: 140ff4539b79
Create Date: 2026-11-22 22:00:49.849910

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8b163c60a5d7'
down_revision = '140ff4539b79'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('week_start', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('week_published', 'week_changed')", name=op.f('ck_notification_notification_kind')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_notification_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer.id'], name=op.f('fk_notification_volunteer_id_volunteer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_volunteer_id'), ['volunteer_id'], unique=False)

    op.create_table('solve_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('week_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.Enum('queued', 'running', 'succeeded', 'failed', 'abandoned', name='runstate', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('time_limit_s', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('best_shortfall', sa.Float(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('roster_id', sa.Integer(), nullable=True),
    sa.Column('replan_of_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_solve_run_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_solve_run_requested_by_id_user')),
    sa.ForeignKeyConstraint(['roster_id'], ['roster.id'], name=op.f('fk_solve_run_roster_id_roster')),
    sa.ForeignKeyConstraint(['replan_of_id'], ['roster.id'], name=op.f('fk_solve_run_replan_of_id_roster')),
    sa.ForeignKeyConstraint(['week_id'], ['week.id'], name=op.f('fk_solve_run_week_id_week')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_solve_run'))
    )
    with op.batch_alter_table('solve_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_solve_run_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_solve_run_week_id'), ['week_id'], unique=False)

    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_volunteer_calendar_token'), ['calendar_token'])

    with op.batch_alter_table('roster', schema=None) as batch_op:
        # Rosters made before this migration get an empty instance.
        batch_op.add_column(sa.Column('instance', sa.JSON(), nullable=False, server_default=sa.text("'{}'")))



def downgrade():
    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_volunteer_calendar_token'), type_='unique')
        batch_op.drop_column('calendar_token')

    with op.batch_alter_table('roster', schema=None) as batch_op:
        batch_op.drop_column('instance')

    with op.batch_alter_table('solve_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_solve_run_week_id'))
        batch_op.drop_index(batch_op.f('ix_solve_run_organisation_id'))

    op.drop_table('solve_run')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_volunteer_id'))
        batch_op.drop_index(batch_op.f('ix_notification_organisation_id'))
    op.drop_table('notification')
