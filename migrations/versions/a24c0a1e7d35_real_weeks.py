"""real weeks: the organisation's own calendar days, school terms, site closures, children away, attendance at
the 4:30 classroom, and on diary entries whether a visit took place and the travel time kept apart

Revision ID: a24c0a1e7d35
Revises: c4a11d26e0f1
Create Date: 2026-12-01 22:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a24c0a1e7d35'
down_revision = 'c4a11d26e0f1'
branch_labels = None
depends_on = None


def _span(name: str, parent: str, parent_column: str, reason_max: int) -> None:
    """A table of date ranges with a reason, under a parent record (a site's closures, a child's days away)."""
    op.create_table(name,
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column(parent_column, sa.Integer(), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=reason_max), nullable=False),
    sa.CheckConstraint('first_day <= last_day', name=op.f(f'ck_{name}_first_before_last')),
    sa.ForeignKeyConstraint([parent_column], [f'{parent}.id'], name=op.f(f'fk_{name}_{parent_column}_{parent}'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{name}'))
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f'ix_{name}_{parent_column}'), [parent_column], unique=False)


def upgrade():
    op.create_table('calendar_day',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('working', sa.Boolean(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('follows_day_index', sa.Integer(), nullable=True),
    sa.CheckConstraint('follows_day_index IS NULL OR (follows_day_index >= 0 AND follows_day_index <= 6)',
                       name=op.f('ck_calendar_day_follows_day_range')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'],
                            name=op.f('fk_calendar_day_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_day')),
    sa.UniqueConstraint('organisation_id', 'day', name=op.f('uq_calendar_day_organisation_id'))
    )
    with op.batch_alter_table('calendar_day', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_day_organisation_id'), ['organisation_id'], unique=False)
    op.create_table('school_term',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.CheckConstraint('first_day <= last_day', name=op.f('ck_school_term_first_before_last')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'],
                            name=op.f('fk_school_term_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_school_term'))
    )
    with op.batch_alter_table('school_term', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_school_term_organisation_id'), ['organisation_id'], unique=False)
    _span('site_closure', 'site', 'site_id', 200)
    _span('child_away', 'child', 'child_id', 200)
    op.create_table('attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_attendance_site_id_site'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_attendance_child_id_child'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_attendance_recorded_by_id_user'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance')),
    sa.UniqueConstraint('site_id', 'child_id', 'held_on', name=op.f('uq_attendance_site_id'))
    )
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_site_id'), ['site_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendance_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendance_held_on'), ['held_on'], unique=False)
    with op.batch_alter_table('diary_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('took_place', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('not_held_reason', sa.String(length=20), server_default='', nullable=False))
        batch_op.add_column(sa.Column('travel_minutes', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_check_constraint(op.f('ck_diary_entry_travel_nonneg'), 'travel_minutes >= 0')


def downgrade():
    with op.batch_alter_table('diary_entry', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_diary_entry_travel_nonneg'), type_='check')
        batch_op.drop_column('travel_minutes')
        batch_op.drop_column('not_held_reason')
        batch_op.drop_column('took_place')
    for name in ('attendance', 'child_away', 'site_closure', 'school_term', 'calendar_day'):
        op.drop_table(name)
