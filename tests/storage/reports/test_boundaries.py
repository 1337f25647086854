"""Month edges in the community's own time zone, and reading the records as of a moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.reports import monthly_report
from storage.tickets import accept_ticket, confirm_ticket, resolve_ticket
from tests.factories import make_community, make_resident, make_room, make_staff, make_ticket

BERLIN = 'timezone = "Europe/Berlin"\n'


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def test_month_edges_follow_the_policy_time_zone_across_dst(session) -> None:
    # Berlin: 1 Oct 00:00 CEST = 30 Sep 22:00 UTC; 1 Nov 00:00 CET (after the 25 Oct change) = 31 Oct 23:00 UTC.
    community = await make_community(session, utc(2026, 9, 1), policy_toml=BERLIN)
    for when in (utc(2026, 9, 30, 21, 59), utc(2026, 9, 30, 22, 0), utc(2026, 10, 31, 22, 59), utc(2026, 10, 31, 23)):
        await make_ticket(session, community, when, room_code=None)
    await session.commit()
    report = await monthly_report(session, community_id=community.id, month="2026-10", now=utc(2026, 11, 2))
    assert (report.start, report.end) == (utc(2026, 9, 30, 22), utc(2026, 10, 31, 23))
    assert report.counts.created == 2
    assert (report.daily[0].created, report.daily[-1].created) == (1, 1)
    assert sum(d.created for d in report.daily) == 2


async def test_the_report_reads_the_records_as_of_now(session) -> None:
    start = utc(2026, 10, 5, 1)
    community = await make_community(session, start)
    room = await make_room(session, community, start)
    resident = await make_resident(session, community, start, room_code=room.code)
    plumber = await make_staff(session, community, start)
    ticket = await make_ticket(session, community, start, resident=resident, urgency="urgent")
    await accept_ticket(session, ticket_id=ticket.id, staff_id=plumber.id, now=start + timedelta(minutes=10))
    await resolve_ticket(session, ticket_id=ticket.id, staff_id=plumber.id, now=start + timedelta(minutes=90))
    await confirm_ticket(session, ticket_id=ticket.id, resident_id=resident.id, now=start + timedelta(days=1))
    await make_ticket(session, community, utc(2026, 10, 20), resident=resident)  # after the early `now`
    await session.commit()

    early = await monthly_report(session, community_id=community.id, month="2026-10", now=start + timedelta(hours=1))
    assert early.counts.created == 1 and early.counts.completed == 0 and early.days == 5
    urgent = next(u for u in early.deadlines if u.urgency == "urgent")
    assert (urgent.respond.met, urgent.arrive.missed, urgent.resolve.pending) == (1, 1, 1)  # 30 min to arrive passed
    assert early.completion_rate == 0.0 and early.confirmation_rate is None

    late = await monthly_report(session, community_id=community.id, month="2026-10", now=utc(2026, 11, 1))
    assert late.counts.created == 2 and late.counts.completed == 1 and late.confirmation_rate == 1.0
    urgent = next(u for u in late.deadlines if u.urgency == "urgent")
    # Resolved after 90 minutes without an on-site visit: arrival (30 min) missed, resolution (120 min) met.
    assert (urgent.respond.rate, urgent.arrive.rate, urgent.resolve.rate) == (1.0, 0.0, 1.0)
    assert late.avg_response_minutes == 10 and late.avg_resolution_minutes == 90
    assert [(t.staff_id, t.completed, t.flagged) for t in late.technicians] == [(plumber.id, 1, False)]
