"""a solve run's outcome in columns: how it ended (ending) and why, as a translatable message (reason), in place
of the tab-joined text in message

Revision ID: c3e5a7b9d1f2
Revises: b7d2e4f6a8c1
Create Date: 2026-12-01 19:30:00

"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3e5a7b9d1f2'
down_revision = 'b7d2e4f6a8c1'
branch_labels = None
depends_on = None

ENDINGS = ('abandoned', 'unclaimed', 'overran', 'stopped', 'solver', 'error')
# The reasons' English texts as this revision found them (scheduler_app.rosters.outcome), so old rows read the same.
TEMPLATES = {
    'abandoned': "The solve stopped without finishing (the server was restarted or the solver was killed). "
                 "The roster was not changed; generate again.",
    'unclaimed': "No solve worker took the solve in time; the roster was not changed. Ask the administrator to "
                 "start the workers, then generate again.",
    'overran': "The solver overran its time limit and was stopped; the roster was not changed.",
    'stopped': "The solver was stopped before it finished; the roster was not changed.",
    'solver': "The solver could not make a roster: %(detail)s",
    'error': "The solve failed (%(detail)s); the roster was not changed.",
}


def _reason(message):
    """The old "key<TAB>detail[<TAB>message JSON]" text as (ending, reason JSON)."""
    key, _tab, rest = (message or '').partition('\t')
    if key not in TEMPLATES:
        return (None, None) if not message else ('error', {'t': TEMPLATES['error'], 'p': {'detail': message}})
    detail, _tab, stored = rest.partition('\t')
    try:
        detail = json.loads(stored) if stored else detail
    except ValueError:
        pass
    template = TEMPLATES[key]
    return key, {'t': template, 'p': {'detail': detail} if '%(detail)s' in template else {}}


def upgrade():
    with op.batch_alter_table('solve_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ending', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('reason', sa.JSON(), nullable=True))
        batch_op.create_check_constraint(op.f('ck_solve_run_ending'), sa.column('ending').in_(ENDINGS))
    runs = sa.table('solve_run', sa.column('id', sa.Integer), sa.column('message', sa.Text),
                    sa.column('ending', sa.String), sa.column('reason', sa.JSON))
    connection = op.get_bind()
    for run_id, message in connection.execute(sa.select(runs.c.id, runs.c.message).where(runs.c.message != '')):
        ending, reason = _reason(message)
        connection.execute(runs.update().where(runs.c.id == run_id).values(ending=ending, reason=reason))
    with op.batch_alter_table('solve_run', schema=None) as batch_op:
        batch_op.drop_column('message')


def downgrade():
    with op.batch_alter_table('solve_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message', sa.Text(), nullable=False, server_default=''))
    runs = sa.table('solve_run', sa.column('id', sa.Integer), sa.column('message', sa.Text),
                    sa.column('ending', sa.String), sa.column('reason', sa.JSON))
    connection = op.get_bind()
    for run_id, ending, reason in connection.execute(sa.select(runs.c.id, runs.c.ending, runs.c.reason)
                                                     .where(runs.c.ending.is_not(None))):
        detail = (reason or {}).get('p', {}).get('detail', '')
        text = ending if not detail else f"{ending}\t{detail}" if isinstance(detail, str) else \
            f"{ending}\t{detail.get('t', '')}\t{json.dumps(detail, ensure_ascii=False)}"
        connection.execute(runs.update().where(runs.c.id == run_id).values(message=text))
    with op.batch_alter_table('solve_run', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_solve_run_ending'), type_='check')
        batch_op.drop_column('reason')
        batch_op.drop_column('ending')
