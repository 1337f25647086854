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


def test_word_spaced_speech_to_text_is_joined() -> None:
    # Speech to text writes a space between every word; the danger words must still be one word.
    assert normalize("我 闻到 楼道 里 有 点 焦 味").text == "我闻到楼道里有点焦味"
    assert normalize("十 号 楼 三 单 元 四 零 二 排 风 扇 响").text == "10号楼3单元402排风扇响"


def test_spaces_between_numbers_and_phrases_stay() -> None:
    # Two numbers stay apart (an amount, then a building), and so do phone digit groups.
    assert " 4号楼102我算了" in normalize("她 收 我 两千四 四号楼幺零二 我 算 了").text
    assert normalize("电话 幺三七 二幺九五 幺零七二 我 的 狗 丢 了").text.startswith("电话137 2195 1072")
    # A pause between phrases is not word spacing.
    assert normalize("救命 电梯停了 快来人").text == "救命 电梯停了 快来人"
