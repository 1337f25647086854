"""Tickets: the lifecycle state machine, numbering, SLA deadlines and one service function per action."""

from storage.tickets._transitions import permitted_actions
from storage.tickets.actor import Actor
from storage.tickets.lifecycle import TRANSITIONS, Action, ActorKind, Status, allowed_actions, check_transition
from storage.tickets.models import Ticket, TicketCounter, TicketEvent
from storage.tickets.numbering import next_ticket_number
from storage.tickets.queries import get_ticket, get_ticket_by_number, list_tickets, ticket_events
from storage.tickets.service import (
    accept_ticket,
    add_note,
    amend_ticket,
    assign_ticket,
    cancel_ticket,
    confirm_ticket,
    create_ticket,
    mark_on_site,
    merge_ticket,
    override_ticket,
    reopen_ticket,
    resolve_ticket,
    return_ticket,
)
from storage.tickets.sla import Deadlines, compute_deadlines, missed_deadlines

__all__ = [
    "TRANSITIONS",
    "Action",
    "Actor",
    "ActorKind",
    "Deadlines",
    "Status",
    "Ticket",
    "TicketCounter",
    "TicketEvent",
    "accept_ticket",
    "add_note",
    "allowed_actions",
    "amend_ticket",
    "assign_ticket",
    "cancel_ticket",
    "check_transition",
    "compute_deadlines",
    "confirm_ticket",
    "create_ticket",
    "get_ticket",
    "get_ticket_by_number",
    "list_tickets",
    "mark_on_site",
    "merge_ticket",
    "missed_deadlines",
    "next_ticket_number",
    "override_ticket",
    "permitted_actions",
    "reopen_ticket",
    "resolve_ticket",
    "return_ticket",
    "ticket_events",
]
