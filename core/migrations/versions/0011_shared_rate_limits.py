"""shared rate limits: one bucket per limited key, taken atomically by rate_limit_take()

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# GCRA over several keys at once: every key's bucket takes the hit, or none does.
#   keys      the bucket keys, sorted and distinct (rows are locked in this order)
#   costs     per key: the hits times the emission interval (window / limit), in seconds
#   windows   per key: the window, in seconds (how far ahead a bucket may run)
# Returns NULL when taken; otherwise the seconds until it would fit, and nothing changes.
TAKE = """
CREATE FUNCTION rate_limit_take(keys bytea[], costs float8[], windows float8[])
RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
    moment timestamptz := clock_timestamp();
    was timestamptz;
    due timestamptz[] := '{}';
    longest float8 := 0;
BEGIN
    IF random() < 0.01 THEN  -- now and then, forget buckets that have long been empty
        DELETE FROM rate_limit_buckets WHERE key IN (
            SELECT key FROM rate_limit_buckets WHERE tat < moment - interval '1 hour'
            LIMIT 1000 FOR UPDATE SKIP LOCKED);
    END IF;
    INSERT INTO rate_limit_buckets (key, tat)
        SELECT k, '-infinity' FROM unnest(keys) AS k ORDER BY k ON CONFLICT (key) DO NOTHING;
    FOR i IN 1 .. coalesce(array_length(keys, 1), 0) LOOP
        SELECT tat INTO was FROM rate_limit_buckets WHERE key = keys[i] FOR UPDATE;
        due[i] := greatest(was, moment) + make_interval(secs => costs[i]);
        longest := greatest(longest, extract(epoch FROM due[i] - moment) - windows[i]);
    END LOOP;
    IF longest > 0 THEN
        RETURN longest;
    END IF;
    FOR i IN 1 .. coalesce(array_length(keys, 1), 0) LOOP
        UPDATE rate_limit_buckets SET tat = due[i] WHERE key = keys[i];
    END LOOP;
    RETURN NULL;
END $$
"""


def upgrade() -> None:
    op.create_table('rate_limit_buckets',
    sa.Column('key', sa.LargeBinary(), nullable=False),
    sa.Column('tat', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key'),
    prefixes=['UNLOGGED'],
    )
    op.execute(TAKE)


def downgrade() -> None:
    op.execute('DROP FUNCTION rate_limit_take(bytea[], float8[], float8[])')
    op.drop_table('rate_limit_buckets')
