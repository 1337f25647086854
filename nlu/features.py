"""Features of one message for the statistical model; the same function serves training and parsing."""

from __future__ import annotations

import re
from collections.abc import Sequence

from nlu.lexicon import CueMatch

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def extract_features(
    text: str,
    words: Sequence[str],
    cues: Sequence[CueMatch],
    *,
    emojis: Sequence[str] = (),
    exclamations: int = 0,
    has_room: bool = False,
    has_phone: bool = False,
) -> set[str]:
    """Binary features: words, Chinese character bigrams (robust to typos), cues with their scope, and shape."""
    feats = {"bias"}
    for word in words:
        if word.isdigit():
            feats.add("w:<num>")
        elif len(word) > 1 or _is_cjk(word):
            feats.add("w:" + word.lower())
    for run in _CJK_RUN.findall(text):
        feats.update(["c:" + run[i : i + 2] for i in range(len(run) - 1)])
    for cue in cues:
        scope = "neg" if cue.negated else "past" if cue.past else "hyp" if cue.hypothetical else "live"
        feats.add(f"cue:{cue.group}:{scope}")
        feats.add(f"term:{cue.term}:{scope}")
    for name in emojis:
        feats.add("emoji:" + name)
    if exclamations:
        feats.add("shape:exclaim")
    if has_room:
        feats.add("shape:room")
    if has_phone:
        feats.add("shape:phone")
    stripped = text.rstrip()
    if stripped.endswith(("?", "吗", "呢")):
        feats.add("shape:question")
    length = len(text)
    feats.add("len:" + ("xs" if length <= 6 else "s" if length <= 15 else "m" if length <= 40 else "l"))
    return feats
