"""Initial schema: communities, rooms, residents, staff, groups, tickets and their event log, files, surveys,
inbound log, outbox and jobs; ticket_events is made append-only by triggers.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 04:05:32.901811
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.base

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "communities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("policy_toml", sa.Text(), nullable=True),
        sa.Column("created_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_communities")),
        sa.UniqueConstraint("code", name=op.f("uq_communities_code")),
    )
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("run_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("lease_until", storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
        sa.UniqueConstraint("key", name=op.f("uq_jobs_key")),
    )
    op.create_index("ix_jobs_due", "jobs", ["status", "run_at"], unique=False)
    op.create_table(
        "residents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("elderly", sa.Boolean(), nullable=False),
        sa.Column("lives_alone", sa.Boolean(), nullable=False),
        sa.Column("family_contact_name", sa.String(length=100), nullable=True),
        sa.Column("family_contact_phone", sa.String(length=20), nullable=True),
        sa.Column("created_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_residents_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_residents")),
    )
    op.create_index(op.f("ix_residents_community_id"), "residents", ["community_id"], unique=False)
    op.create_index(op.f("ix_residents_phone"), "residents", ["phone"], unique=False)
    op.create_table(
        "rooms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("building", sa.String(length=16), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("room", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=50), nullable=False),
        sa.Column("created_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_rooms_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rooms")),
        sa.UniqueConstraint("community_id", "code", name=op.f("uq_rooms_community_id_code")),
    )
    op.create_index(op.f("ix_rooms_community_id"), "rooms", ["community_id"], unique=False)
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("trade", sa.String(length=30), nullable=True),
        sa.Column("department", sa.String(length=30), nullable=False),
        sa.Column("on_duty", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_staff_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff")),
    )
    op.create_index(op.f("ix_staff_community_id"), "staff", ["community_id"], unique=False)
    op.create_table(
        "staff_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("department", sa.String(length=30), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("chat_id", sa.String(length=128), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("created_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_staff_groups_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_groups")),
        sa.UniqueConstraint("channel", "chat_id", name=op.f("uq_staff_groups_channel_chat_id")),
        sa.UniqueConstraint(
            "community_id",
            "department",
            "channel",
            name=op.f("uq_staff_groups_community_id_department_channel"),
        ),
    )
    op.create_index(op.f("ix_staff_groups_community_id"), "staff_groups", ["community_id"], unique=False)
    op.create_table(
        "ticket_counters",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("prefix", sa.String(length=8), nullable=False),
        sa.Column("day", sa.String(length=8), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_ticket_counters_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("community_id", "prefix", "day", name=op.f("pk_ticket_counters")),
    )
    op.create_table(
        "resident_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("external_id", sa.String(length=128), nullable=False),
        sa.Column("created_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["residents.id"],
            name=op.f("fk_resident_identities_resident_id_residents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resident_identities")),
        sa.UniqueConstraint("channel", "external_id", name=op.f("uq_resident_identities_channel_external_id")),
    )
    op.create_index(op.f("ix_resident_identities_resident_id"), "resident_identities", ["resident_id"], unique=False)
    op.create_table(
        "resident_rooms",
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("relation", sa.String(length=20), nullable=False),
        sa.Column("created_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["residents.id"],
            name=op.f("fk_resident_rooms_resident_id_residents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["room_id"], ["rooms.id"], name=op.f("fk_resident_rooms_room_id_rooms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("resident_id", "room_id", name=op.f("pk_resident_rooms")),
    )
    op.create_index(op.f("ix_resident_rooms_room_id"), "resident_rooms", ["room_id"], unique=False)
    op.create_table(
        "staff_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("external_id", sa.String(length=128), nullable=False),
        sa.Column("created_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_staff_identities_staff_id_staff"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_identities")),
        sa.UniqueConstraint("channel", "external_id", name=op.f("uq_staff_identities_channel_external_id")),
    )
    op.create_index(op.f("ix_staff_identities_staff_id"), "staff_identities", ["staff_id"], unique=False)
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("urgency", sa.String(length=20), nullable=False),
        sa.Column("complaint_tier", sa.Integer(), nullable=True),
        sa.Column("department", sa.String(length=30), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=True),
        sa.Column("resident_id", sa.Integer(), nullable=True),
        sa.Column("contact_name", sa.String(length=100), nullable=True),
        sa.Column("contact_phone", sa.String(length=20), nullable=True),
        sa.Column("complaint_target", sa.Text(), nullable=True),
        sa.Column("complaint_demand", sa.Text(), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("first_contact_staff_id", sa.Integer(), nullable=True),
        sa.Column("assignee_staff_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("respond_due_at", storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("arrive_due_at", storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolve_due_at", storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("reopen_count", sa.Integer(), nullable=False),
        sa.Column("created_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("assigned_at", storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("accepted_at", storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("arrived_at", storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignee_staff_id"],
            ["staff.id"],
            name=op.f("fk_tickets_assignee_staff_id_staff"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_tickets_community_id_communities"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["first_contact_staff_id"],
            ["staff.id"],
            name=op.f("fk_tickets_first_contact_staff_id_staff"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["tickets.id"], name=op.f("fk_tickets_parent_id_tickets"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["residents.id"],
            name=op.f("fk_tickets_resident_id_residents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["room_id"], ["rooms.id"], name=op.f("fk_tickets_room_id_rooms"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
        sa.UniqueConstraint("community_id", "number", name=op.f("uq_tickets_community_id_number")),
    )
    op.create_index(op.f("ix_tickets_assignee_staff_id"), "tickets", ["assignee_staff_id"], unique=False)
    op.create_index(op.f("ix_tickets_parent_id"), "tickets", ["parent_id"], unique=False)
    op.create_index(op.f("ix_tickets_resident_id"), "tickets", ["resident_id"], unique=False)
    op.create_index(op.f("ix_tickets_room_id"), "tickets", ["room_id"], unique=False)
    op.create_index("ix_tickets_status_community", "tickets", ["community_id", "status"], unique=False)
    op.create_table(
        "inbound_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("sender_id", sa.String(length=128), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("received_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("processed_at", storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["residents.id"],
            name=op.f("fk_inbound_messages_resident_id_residents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_inbound_messages_ticket_id_tickets"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_messages")),
        sa.UniqueConstraint("channel", "dedupe_key", name=op.f("uq_inbound_messages_channel_dedupe_key")),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("recipient", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("next_try_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("lease_until", storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_outbox_ticket_id_tickets"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_dedupe_key")),
    )
    op.create_index("ix_outbox_due", "outbox", ["status", "next_try_at"], unique=False)
    op.create_index(op.f("ix_outbox_ticket_id"), "outbox", ["ticket_id"], unique=False)
    op.create_table(
        "survey_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("resident_id", sa.Integer(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("satisfied", sa.Boolean(), nullable=True),
        sa.Column("score_attitude", sa.Integer(), nullable=True),
        sa.Column("score_speed", sa.Integer(), nullable=True),
        sa.Column("score_result", sa.Integer(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=True),
        sa.Column("created_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_survey_answers_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["residents.id"],
            name=op.f("fk_survey_answers_resident_id_residents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_survey_answers_staff_id_staff"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_survey_answers_ticket_id_tickets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_answers")),
    )
    op.create_index(op.f("ix_survey_answers_community_id"), "survey_answers", ["community_id"], unique=False)
    op.create_index(op.f("ix_survey_answers_ticket_id"), "survey_answers", ["ticket_id"], unique=False)
    op.create_table(
        "ticket_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("actor_kind", sa.String(length=20), nullable=False),
        sa.Column("actor_staff_id", sa.Integer(), nullable=True),
        sa.Column("actor_resident_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.Column("created_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_resident_id"],
            ["residents.id"],
            name=op.f("fk_ticket_events_actor_resident_id_residents"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["actor_staff_id"],
            ["staff.id"],
            name=op.f("fk_ticket_events_actor_staff_id_staff"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_events_ticket_id_tickets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_events")),
    )
    op.create_index(op.f("ix_ticket_events_ticket_id"), "ticket_events", ["ticket_id"], unique=False)
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("mime", sa.String(length=60), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("label", sa.String(length=30), nullable=True),
        sa.Column("uploaded_by_resident_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_by_staff_id", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["ticket_events.id"],
            name=op.f("fk_attachments_event_id_ticket_events"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_attachments_ticket_id_tickets"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_resident_id"],
            ["residents.id"],
            name=op.f("fk_attachments_uploaded_by_resident_id_residents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_staff_id"],
            ["staff.id"],
            name=op.f("fk_attachments_uploaded_by_staff_id_staff"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    op.create_index(op.f("ix_attachments_sha256"), "attachments", ["sha256"], unique=False)
    op.create_index(op.f("ix_attachments_ticket_id"), "attachments", ["ticket_id"], unique=False)
    _make_events_append_only()


def downgrade() -> None:
    _drop_append_only_triggers()
    op.drop_index(op.f("ix_attachments_ticket_id"), table_name="attachments")
    op.drop_index(op.f("ix_attachments_sha256"), table_name="attachments")
    op.drop_table("attachments")
    op.drop_index(op.f("ix_ticket_events_ticket_id"), table_name="ticket_events")
    op.drop_table("ticket_events")
    op.drop_index(op.f("ix_survey_answers_ticket_id"), table_name="survey_answers")
    op.drop_index(op.f("ix_survey_answers_community_id"), table_name="survey_answers")
    op.drop_table("survey_answers")
    op.drop_index(op.f("ix_outbox_ticket_id"), table_name="outbox")
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.drop_table("outbox")
    op.drop_table("inbound_messages")
    op.drop_index("ix_tickets_status_community", table_name="tickets")
    op.drop_index(op.f("ix_tickets_room_id"), table_name="tickets")
    op.drop_index(op.f("ix_tickets_resident_id"), table_name="tickets")
    op.drop_index(op.f("ix_tickets_parent_id"), table_name="tickets")
    op.drop_index(op.f("ix_tickets_assignee_staff_id"), table_name="tickets")
    op.drop_table("tickets")
    op.drop_index(op.f("ix_staff_identities_staff_id"), table_name="staff_identities")
    op.drop_table("staff_identities")
    op.drop_index(op.f("ix_resident_rooms_room_id"), table_name="resident_rooms")
    op.drop_table("resident_rooms")
    op.drop_index(op.f("ix_resident_identities_resident_id"), table_name="resident_identities")
    op.drop_table("resident_identities")
    op.drop_table("ticket_counters")
    op.drop_index(op.f("ix_staff_groups_community_id"), table_name="staff_groups")
    op.drop_table("staff_groups")
    op.drop_index(op.f("ix_staff_community_id"), table_name="staff")
    op.drop_table("staff")
    op.drop_index(op.f("ix_rooms_community_id"), table_name="rooms")
    op.drop_table("rooms")
    op.drop_index(op.f("ix_residents_phone"), table_name="residents")
    op.drop_index(op.f("ix_residents_community_id"), table_name="residents")
    op.drop_table("residents")
    op.drop_index("ix_jobs_due", table_name="jobs")
    op.drop_table("jobs")
    op.drop_table("communities")


def _make_events_append_only() -> None:
    """The audit log refuses UPDATE and DELETE at the database level, whoever connects."""
    if op.get_context().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER ticket_events_no_{verb.lower()} BEFORE {verb} ON ticket_events "
                "BEGIN SELECT RAISE(ABORT, 'ticket_events is append-only'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION ticket_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'ticket_events is append-only'; END $$"
    )
    op.execute(
        "CREATE TRIGGER ticket_events_append_only BEFORE UPDATE OR DELETE ON ticket_events "
        "FOR EACH ROW EXECUTE FUNCTION ticket_events_append_only()"
    )


def _drop_append_only_triggers() -> None:
    if op.get_context().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS ticket_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS ticket_events_no_delete")
        return
    op.execute("DROP TRIGGER IF EXISTS ticket_events_append_only ON ticket_events")
    op.execute("DROP FUNCTION IF EXISTS ticket_events_append_only()")
