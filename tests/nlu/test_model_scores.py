"""The parser's scoring by feature kind gives what scoring the features by name gives (training's view)."""

import pytest

from nlu.analysis import analyse
from nlu.model import models


@pytest.mark.parametrize(
    "text",
    [
        "",
        "在吗",
        "3栋2单元502 卫生间漏水了 13800138000",
        "电梯坏了!! 人还在电梯里",
        "Hello 物业费怎么交？",
        "空调清洗 😀 abc",
    ],
)
def test_scores_by_kind_equal_scores_by_name(text: str) -> None:
    analysis = analyse(text)
    assert models().message_scores(analysis.feature_kinds) == models().scores(analysis.features)
