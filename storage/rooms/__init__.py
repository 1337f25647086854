"""The room registry: canonical room codes, lookups and CSV import."""

from storage.rooms.csv_import import ImportResult, import_rooms_csv, parse_rooms_csv
from storage.rooms.models import Room
from storage.rooms.room_number import RoomNumber, make_room_number, parse_room_code
from storage.rooms.service import add_room, count_rooms, find_room, get_room

__all__ = [
    "ImportResult",
    "Room",
    "RoomNumber",
    "add_room",
    "count_rooms",
    "find_room",
    "get_room",
    "import_rooms_csv",
    "make_room_number",
    "parse_room_code",
    "parse_rooms_csv",
]
