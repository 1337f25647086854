from nlu.normalize import MAX_CHARS, normalize


def test_traditional_becomes_simplified() -> None:
    result = normalize("樓上漏水滴到我家客廳了")
    assert result.text == "楼上漏水滴到我家客厅了"
    assert result.traditional


def test_full_width_and_repeated_punctuation() -> None:
    assert normalize("３号楼５０２，，，漏水！！！").text == "3号楼502,漏水!"


def test_voice_fillers_dropped_and_numerals_read() -> None:
    assert normalize("嗯 那个 就是 三号楼二单元五零二 啊 厨房水管漏水了").text == "3号楼2单元502 厨房水管漏水了"


def test_emoji_kept_apart() -> None:
    result = normalize("电梯坏了😡😡")
    assert result.text == "电梯坏了"
    assert result.emojis == ("enraged_face", "enraged_face")


def test_long_text_cut_and_flagged() -> None:
    result = normalize("漏" * (MAX_CHARS + 10))
    assert result.truncated and len(result.text) == MAX_CHARS


def test_control_characters_and_lone_surrogates_removed() -> None:
    assert normalize("\ud800漏水\x00了").text == "漏水 了"
