"""Every storage model, imported once so `metadata` knows all tables (Alembic's target)."""

from storage.attachments.models import Attachment
from storage.base import Base
from storage.communities.models import Community
from storage.conversations.models import Conversation
from storage.groups.models import StaffGroup
from storage.inbound.models import InboundMessage
from storage.jobs.models import Job
from storage.outbox.models import CardCode, OutboxMessage
from storage.residents.models import Resident, ResidentIdentity, ResidentRoom
from storage.rooms.models import Room
from storage.staff.models import LoginAttempt, Staff, StaffIdentity, StaffSession
from storage.surveys.models import SurveyAnswer
from storage.tickets.models import Ticket, TicketCounter, TicketEvent

metadata = Base.metadata

__all__ = [
    "Attachment",
    "CardCode",
    "Community",
    "Conversation",
    "InboundMessage",
    "Job",
    "LoginAttempt",
    "OutboxMessage",
    "Resident",
    "ResidentIdentity",
    "ResidentRoom",
    "Room",
    "Staff",
    "StaffGroup",
    "StaffIdentity",
    "StaffSession",
    "SurveyAnswer",
    "Ticket",
    "TicketCounter",
    "TicketEvent",
    "metadata",
]
