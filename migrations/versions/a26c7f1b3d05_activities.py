"""programmes (issue 26, part B): one-off activities with their staff and the children taking part; social
workers (a role linked to a volunteer record marked a social worker) and the children under one-on-one support;
each child's class and class teacher, and the teachers' home visits; parenting-education groups of guardians with
their sessions and a small library of handbooks

Revision ID: a26c7f1b3d05
Revises: a24c0a1e7d35
Create Date: 2026-12-01 22:00:38.446384

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a26c7f1b3d05'
down_revision = 'a24c0a1e7d35'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('start', sa.Time(), nullable=False),
    sa.Column('end', sa.Time(), nullable=False),
    sa.Column('staff_needed', sa.Integer(), nullable=False),
    sa.Column('trip', sa.Boolean(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('staff_needed >= 0 AND staff_needed <= 200', name=op.f('ck_activity_staff_needed_range')),
    sa.CheckConstraint('start < "end"', name=op.f('ck_activity_start_before_end')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_activity_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity'))
    )
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_held_on'), ['held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('activity_staff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('way', sa.Enum('signed_up', 'assigned', name='staffway', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_activity_staff_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer.id'], name=op.f('fk_activity_staff_volunteer_id_volunteer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_staff')),
    sa.UniqueConstraint('activity_id', 'volunteer_id', name=op.f('uq_activity_staff_activity_id'))
    )
    with op.batch_alter_table('activity_staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_staff_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_staff_volunteer_id'), ['volunteer_id'], unique=False)

    op.create_table('activity_child',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_activity_child_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_activity_child_child_id_child')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_child')),
    sa.UniqueConstraint('activity_id', 'child_id', name=op.f('uq_activity_child_activity_id'))
    )
    with op.batch_alter_table('activity_child', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_child_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_child_child_id'), ['child_id'], unique=False)

    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.add_column(sa.Column('social_worker_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_child_social_worker_id_volunteer'), 'volunteer',
                                    ['social_worker_id'], ['id'])
    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_social_worker', sa.Boolean(), server_default=sa.false(), nullable=False))
    _roles(ROLES + ("social_worker",), "role NOT IN ('volunteer', 'social_worker') OR volunteer_id IS NOT NULL")
    op.create_table('child_class',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('class_name', sa.String(length=50), nullable=False),
    sa.Column('teacher_name', sa.String(length=100), nullable=False),
    sa.Column('teacher_phone', sa.String(length=50), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_child_class_child_id_child'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_child_class')),
    sa.UniqueConstraint('child_id', name=op.f('uq_child_class_child_id'))
    )
    op.create_table('teacher_visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('visited_on', sa.Date(), nullable=False),
    sa.Column('teacher_name', sa.String(length=100), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_teacher_visit_child_id_child'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_teacher_visit_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teacher_visit'))
    )
    with op.batch_alter_table('teacher_visit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_teacher_visit_child_id'), ['child_id'], unique=False)
    op.create_table('handbook',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_handbook_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handbook')),
    sa.UniqueConstraint('organisation_id', 'title', name=op.f('uq_handbook_organisation_id'))
    )
    with op.batch_alter_table('handbook', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handbook_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('parenting_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_parenting_group_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parenting_group')),
    sa.UniqueConstraint('organisation_id', 'name', name=op.f('uq_parenting_group_organisation_id'))
    )
    with op.batch_alter_table('parenting_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parenting_group_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('group_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('facilitator', sa.String(length=100), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('attended', sa.JSON(), nullable=False),
    sa.Column('handbooks', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['parenting_group.id'], name=op.f('fk_group_session_group_id_parenting_group'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_session'))
    )
    with op.batch_alter_table('group_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_session_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_session_held_on'), ['held_on'], unique=False)

    op.create_table('group_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_group_member_child_id_child')),
    sa.ForeignKeyConstraint(['group_id'], ['parenting_group.id'], name=op.f('fk_group_member_group_id_parenting_group'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_member')),
    sa.UniqueConstraint('group_id', 'child_id', name=op.f('uq_group_member_group_id'))
    )
    with op.batch_alter_table('group_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_member_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_member_group_id'), ['group_id'], unique=False)


ROLES = ("admin", "manager", "coordinator", "volunteer")


def _roles(roles, linked):
    """The account table's checks: the roles it takes, and which of them must be linked to a volunteer record."""
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_user_role'), type_='check')
        batch_op.drop_constraint(op.f('ck_user_volunteer_linked'), type_='check')
        batch_op.create_check_constraint(op.f('ck_user_role'),
                                         "role IN (" + ", ".join(f"'{r}'" for r in roles) + ")")
        batch_op.create_check_constraint(op.f('ck_user_volunteer_linked'), linked)


def downgrade():
    with op.batch_alter_table('group_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_member_group_id'))
        batch_op.drop_index(batch_op.f('ix_group_member_child_id'))

    op.drop_table('group_member')
    with op.batch_alter_table('group_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_session_held_on'))
        batch_op.drop_index(batch_op.f('ix_group_session_group_id'))

    op.drop_table('group_session')
    with op.batch_alter_table('parenting_group', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parenting_group_organisation_id'))

    op.drop_table('parenting_group')
    with op.batch_alter_table('handbook', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handbook_organisation_id'))

    op.drop_table('handbook')
    with op.batch_alter_table('teacher_visit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_teacher_visit_child_id'))
    op.drop_table('teacher_visit')
    op.drop_table('child_class')
    # The older schema knows no social worker: her account (linked to her record) becomes a volunteer's.
    op.execute("UPDATE \"user\" SET role = 'volunteer' WHERE role = 'social_worker'")
    _roles(ROLES, "role <> 'volunteer' OR volunteer_id IS NOT NULL")
    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.drop_column('is_social_worker')
    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_child_social_worker_id_volunteer'), type_='foreignkey')
        batch_op.drop_column('social_worker_id')
    with op.batch_alter_table('activity_child', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_child_child_id'))
        batch_op.drop_index(batch_op.f('ix_activity_child_activity_id'))

    op.drop_table('activity_child')
    with op.batch_alter_table('activity_staff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_staff_volunteer_id'))
        batch_op.drop_index(batch_op.f('ix_activity_staff_activity_id'))

    op.drop_table('activity_staff')
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_activity_held_on'))

    op.drop_table('activity')
