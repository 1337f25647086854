import io
import json

from bot.cli import main
from bot.commands.nlu_console import console


def test_parse_subcommand(capsys) -> None:
    assert main(["parse", "3号楼502 马桶堵了"]) == 0
    assert json.loads(capsys.readouterr().out)["room"] == "3-502"


def test_console_reads_until_exit() -> None:
    out = io.StringIO()
    assert console(io.StringIO("电梯坏了\n\nexit\n"), out) == 0
    assert '"type"' in out.getvalue()


def test_no_command_prints_help(capsys) -> None:
    assert main([]) == 2
    assert "wuye" in capsys.readouterr().out
