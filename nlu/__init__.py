"""Understanding what a resident writes: text → typed request. Pure and fast, no I/O; imports nothing of ours."""

from nlu.analysis import split_problems
from nlu.labels import CATEGORIES, TIERS, TYPES, URGENCIES
from nlu.parser import parse, parse_strict
from nlu.phone import mask_phone, mask_phones_in
from nlu.request import Cue, ParsedRequest, Place, TimeRange

__all__ = [
    "CATEGORIES",
    "TIERS",
    "TYPES",
    "URGENCIES",
    "Cue",
    "ParsedRequest",
    "Place",
    "TimeRange",
    "mask_phone",
    "mask_phones_in",
    "parse",
    "parse_strict",
    "split_problems",
]
