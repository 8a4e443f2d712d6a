"""webhook secret rotation overlap: the previous secret, sealed, and when it stops signing

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('webhook_endpoints', sa.Column('previous_sealed_secret', sa.LargeBinary(), nullable=True))
    op.add_column('webhook_endpoints', sa.Column('previous_key_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    op.add_column('webhook_endpoints', sa.Column('previous_secret_expires_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column('webhook_endpoints', 'previous_secret_expires_at')
    op.drop_column('webhook_endpoints', 'previous_key_id')
    op.drop_column('webhook_endpoints', 'previous_sealed_secret')
