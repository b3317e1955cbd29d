"""API tokens per account (stored hashed); data·inclusion's services.score_qualite and
structures.doublons

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 09:47:57.037425

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.add_column(sa.Column("score_qualite", sa.Float(), nullable=True))

    with op.batch_alter_table("structures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("doublons", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("structures", schema=None) as batch_op:
        batch_op.drop_column("doublons")

    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.drop_column("score_qualite")

    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_user_id"))

    op.drop_table("api_tokens")
