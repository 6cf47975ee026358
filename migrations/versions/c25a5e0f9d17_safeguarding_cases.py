"""safeguarding cases: a child's case with its concerns, actions, referrals, case plans and alerts to staff

Revision ID: c25a5e0f9d17
Revises: b8e3f1a9c472
Create Date: 2026-12-01 22:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c25a5e0f9d17'
down_revision = 'b8e3f1a9c472'
branch_labels = None
depends_on = None


def _severity(name: str = 'severity') -> sa.Enum:
    return sa.Enum('urgent', 'high', 'routine', name=name, native_enum=False, create_constraint=True, length=20)


def upgrade():
    op.create_table('safeguarding_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('open', 'referred', 'monitoring', 'closed', name='casestatus', native_enum=False,
                                create_constraint=True, length=20), nullable=False),
    sa.Column('severity', _severity(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('urgent_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reported_to', sa.String(length=200), server_default='', nullable=False),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('report_warned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.Text(), server_default='', nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('safeguarding_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_safeguarding_case_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_safeguarding_case_organisation_id'), ['organisation_id'], unique=False)
        # One case not closed per child, kept by the database (two concerns at once would open two).
        batch_op.create_index('uq_safeguarding_case_one_open_per_child', ['child_id'], unique=True,
                              sqlite_where=sa.text("status != 'closed'"), postgresql_where=sa.text("status != 'closed'"))

    op.create_table('case_concern',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('severity', _severity(), nullable=False),
    sa.Column('what', sa.Text(), nullable=False),
    sa.Column('raised_by_id', sa.Integer(), nullable=True),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('diary_entry_id', sa.Integer(), nullable=True),
    sa.Column('warning_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("source IN ('diary', 'warning', 'volunteer', 'staff')", name='concern_source'),
    sa.ForeignKeyConstraint(['case_id'], ['safeguarding_case.id'], ),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], ),
    sa.ForeignKeyConstraint(['diary_entry_id'], ['diary_entry.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['raised_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['warning_id'], ['early_warning.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('diary_entry_id')
    )
    with op.batch_alter_table('case_concern', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_concern_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_concern_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_concern_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('case_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('what', sa.Text(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('owner_warned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('managers_warned_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['safeguarding_case.id'], ),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('case_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_action_case_id'), ['case_id'], unique=False)

    op.create_table('referral',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('to_role', sa.String(length=30), nullable=False),
    sa.Column('contact', sa.String(length=200), nullable=False),
    sa.Column('referred_on', sa.Date(), nullable=False),
    sa.Column('shared', sa.Text(), nullable=False),
    sa.Column('basis', sa.String(length=30), nullable=False),
    sa.Column('basis_note', sa.String(length=500), server_default='', nullable=False),
    sa.Column('answer', sa.Text(), server_default='', nullable=False),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['safeguarding_case.id'], ),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_case_id'), ['case_id'], unique=False)

    op.create_table('case_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('goals', sa.Text(), nullable=False),
    sa.Column('visits_per_week', sa.Integer(), nullable=True),
    sa.Column('needs_trained', sa.Boolean(), nullable=False),
    sa.Column('regular_visitor_id', sa.Integer(), nullable=True),
    sa.Column('subjects', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('first_day <= last_day', name='plan_period'),
    sa.CheckConstraint('visits_per_week IS NULL OR (visits_per_week >= 0 AND visits_per_week <= 7)',
                       name='plan_visits_range'),
    sa.ForeignKeyConstraint(['case_id'], ['safeguarding_case.id'], ),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], ),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['regular_visitor_id'], ['volunteer.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('case_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_plan_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_plan_child_id'), ['child_id'], unique=False)

    op.create_table('case_alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('event_key', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['safeguarding_case.id'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_key', 'user_id')
    )
    with op.batch_alter_table('case_alert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_alert_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_alert_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_alert_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('safeguarding_case', schema=None) as batch_op:
        batch_op.drop_index('uq_safeguarding_case_one_open_per_child')
    for table, indexes in (('case_alert', ('user_id', 'organisation_id', 'case_id')),
                           ('case_plan', ('child_id', 'case_id')), ('referral', ('case_id',)),
                           ('case_action', ('case_id',)),
                           ('case_concern', ('organisation_id', 'child_id', 'case_id')),
                           ('safeguarding_case', ('organisation_id', 'child_id'))):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in indexes:
                batch_op.drop_index(batch_op.f(f'ix_{table}_{column}'))
        op.drop_table(table)
