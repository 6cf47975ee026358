"""guardian consent, erasure requests, per-account permissions, TOTP secret, retention setting, server-side
login sessions

Revision ID: b4e8d2f61a37
Revises: 7a3e5c2d9f10
Create Date: 2026-11-28 04:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b4e8d2f61a37'
down_revision = '7a3e5c2d9f10'
branch_labels = None
depends_on = None

# The role defaults of scheduler_app.permissions as they were when this migration was written.
ROLE_DEFAULTS = {
    'admin': ['audit'],
    'manager': ['audit', 'child_sensitive', 'erasure', 'export'],
    'coordinator': ['child_sensitive', 'export'],
    'volunteer': [],
}


def upgrade():
    op.create_table('login_session',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('remote_addr', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_login_session_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_session'))
    )
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_session_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_session_started_at'), ['started_at'], unique=False)
    op.create_table('guardian_consent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('given_by', sa.String(length=100), nullable=False),
    sa.Column('relationship_to_child', sa.String(length=50), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_guardian_consent_child_id_child'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_guardian_consent_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guardian_consent'))
    )
    with op.batch_alter_table('guardian_consent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guardian_consent_child_id'), ['child_id'], unique=False)
    op.create_table('erasure_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'refused', name='erasurestatus', native_enum=False,
                                length=20, create_constraint=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_erasure_request_child_id_child')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_erasure_request_decided_by_id_user')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'],
                            name=op.f('fk_erasure_request_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_erasure_request_requested_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure_request'))
    )
    with op.batch_alter_table('erasure_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_erasure_request_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_erasure_request_organisation_id'), ['organisation_id'], unique=False)
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retention_years', sa.Integer(), server_default='3', nullable=False))
        batch_op.create_check_constraint(op.f('ck_organisation_retention_range'), 'retention_years >= 1 AND retention_years <= 30')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('permissions', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
    user = sa.table('user', sa.column('role', sa.String), sa.column('permissions', sa.JSON))
    for role, granted in ROLE_DEFAULTS.items():
        op.execute(user.update().where(user.c.role == role).values(permissions=granted))
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('permissions', existing_type=sa.JSON(), nullable=False)


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('totp_secret')
        batch_op.drop_column('permissions')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_organisation_retention_range'), type_='check')
        batch_op.drop_column('retention_years')
    with op.batch_alter_table('erasure_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_erasure_request_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_erasure_request_child_id'))
    op.drop_table('erasure_request')
    with op.batch_alter_table('guardian_consent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guardian_consent_child_id'))
    op.drop_table('guardian_consent')
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_session_started_at'))
        batch_op.drop_index(batch_op.f('ix_login_session_user_id'))
    op.drop_table('login_session')
