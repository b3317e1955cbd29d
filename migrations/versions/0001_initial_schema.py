"""The schema as db.create_all() made it before the migrations (application tables only).

Revision ID: 0001
Revises:
Create Date: 2026-12-02 03:06:10.542261

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_attempts_address"), ["address"], unique=False)
        batch_op.create_index(batch_op.f("ix_login_attempts_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_login_attempts_email"), ["email"], unique=False)

    op.create_table(
        "search_outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("service_id", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("search_outbox", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_search_outbox_service_id"), ["service_id"], unique=False
        )

    op.create_table(
        "structures",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("siret", sa.String(length=14), nullable=True),
        sa.Column("site_web", sa.String(length=500), nullable=True),
        sa.Column("accessibilite_lieu", sa.String(length=500), nullable=True),
        sa.Column("reseaux_porteurs", sa.JSON(), nullable=True),
        sa.Column("signataire", sa.Boolean(), nullable=False),
        sa.Column("approuvee", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("nom", sa.String(length=150), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("lien_source", sa.String(length=500), nullable=True),
        sa.Column("date_maj", sa.Date(), nullable=False),
        sa.Column("commune", sa.String(length=100), nullable=True),
        sa.Column("code_postal", sa.String(length=5), nullable=True),
        sa.Column("code_insee", sa.String(length=5), nullable=True),
        sa.Column("adresse", sa.String(length=500), nullable=True),
        sa.Column("complement_adresse", sa.String(length=500), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("telephone", sa.String(length=30), nullable=True),
        sa.Column("courriel", sa.String(length=320), nullable=True),
        sa.Column("horaires_accueil", sa.String(length=500), nullable=True),
        sa.Column("statut_publication", sa.String(length=20), nullable=False),
        sa.Column("verifie_le", sa.Date(), nullable=True),
        sa.Column("frequence_maj", sa.String(length=20), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("nom", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=320), nullable=False),
        sa.Column("entity_type", sa.String(length=20), nullable=False),
        sa.Column("entity_id", sa.String(length=200), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=100), nullable=False),
        sa.Column("old_value", sa.JSON(), nullable=True),
        sa.Column("new_value", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.create_index(
            "audit_entity", ["entity_type", "entity_id", "revision"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_audit_entries_at"), ["at"], unique=False)

    op.create_table(
        "memberships",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("structure_id", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["structure_id"],
            ["structures.id"],
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("user_id", "structure_id"),
    )
    op.create_table(
        "password_reset_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_table(
        "services",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("structure_id", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=50), nullable=True),
        sa.Column("thematiques", sa.JSON(), nullable=True),
        sa.Column("frais", sa.String(length=20), nullable=True),
        sa.Column("frais_precisions", sa.Text(), nullable=True),
        sa.Column("publics", sa.JSON(), nullable=True),
        sa.Column("publics_precisions", sa.Text(), nullable=True),
        sa.Column("conditions_acces", sa.Text(), nullable=True),
        sa.Column("modes_accueil", sa.JSON(), nullable=True),
        sa.Column("zone_eligibilite", sa.JSON(), nullable=True),
        sa.Column("contact_nom_prenom", sa.String(length=200), nullable=True),
        sa.Column("lien_mobilisation", sa.String(length=500), nullable=True),
        sa.Column("modes_mobilisation", sa.JSON(), nullable=True),
        sa.Column("mobilisable_par", sa.JSON(), nullable=True),
        sa.Column("mobilisation_precisions", sa.Text(), nullable=True),
        sa.Column("volume_horaire_hebdomadaire", sa.Float(), nullable=True),
        sa.Column("nombre_semaines", sa.Integer(), nullable=True),
        sa.Column("niveau_francais_min", sa.String(length=5), nullable=True),
        sa.Column("niveau_francais_max", sa.String(length=5), nullable=True),
        sa.Column("statuts_sejour", sa.JSON(), nullable=False),
        sa.Column("age_min", sa.Integer(), nullable=True),
        sa.Column("age_max", sa.Integer(), nullable=True),
        sa.Column("rqth_requise", sa.Boolean(), nullable=False),
        sa.Column("langues_parlees", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("nom", sa.String(length=150), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("lien_source", sa.String(length=500), nullable=True),
        sa.Column("date_maj", sa.Date(), nullable=False),
        sa.Column("commune", sa.String(length=100), nullable=True),
        sa.Column("code_postal", sa.String(length=5), nullable=True),
        sa.Column("code_insee", sa.String(length=5), nullable=True),
        sa.Column("adresse", sa.String(length=500), nullable=True),
        sa.Column("complement_adresse", sa.String(length=500), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("telephone", sa.String(length=30), nullable=True),
        sa.Column("courriel", sa.String(length=320), nullable=True),
        sa.Column("horaires_accueil", sa.String(length=500), nullable=True),
        sa.Column("statut_publication", sa.String(length=20), nullable=False),
        sa.Column("verifie_le", sa.Date(), nullable=True),
        sa.Column("frequence_maj", sa.String(length=20), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["structure_id"],
            ["structures.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_services_structure_id"), ["structure_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_services_structure_id"))

    op.drop_table("services")
    op.drop_table("password_reset_tokens")
    op.drop_table("memberships")
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entries_at"))
        batch_op.drop_index("audit_entity")

    op.drop_table("audit_entries")
    op.drop_table("users")
    op.drop_table("structures")
    with op.batch_alter_table("search_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_search_outbox_service_id"))

    op.drop_table("search_outbox")
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_attempts_email"))
        batch_op.drop_index(batch_op.f("ix_login_attempts_at"))
        batch_op.drop_index(batch_op.f("ix_login_attempts_address"))

    op.drop_table("login_attempts")
