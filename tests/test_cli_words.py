"""The command line's own words (usage, help, argparse's errors) are Vietnamese."""

import pytest

from lcapp.cli import build_parser, main

ENGLISH = ("usage:", "positional arguments", "options:", "show this help", "the following arguments",
           "invalid choice", "unrecognized arguments", "expected one argument", "error:")


def _commands():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return sorted(sub.choices)


def test_main_help_is_vietnamese(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("cách dùng: lcapp")
    assert "tùy chọn:" in out and "hiện trợ giúp này rồi thoát" in out
    assert "hiện số phiên bản" in out
    assert not [word for word in ENGLISH if word in out]


@pytest.mark.parametrize("command", _commands())
def test_every_commands_help_is_vietnamese(command, capsys):
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"cách dùng: lcapp {command}")
    assert not [word for word in ENGLISH if word in out]


@pytest.mark.parametrize("argv, expected", [
    (["enter"], "lỗi: thiếu tham số: unit, period, indicator, value (xem “lcapp enter --help”)"),
    (["bogus"], "lựa chọn 'bogus' không hợp lệ"),
    (["export", "--format", "x"], "tham số --format: lựa chọn 'x' không hợp lệ"),
    (["units", "--what"], "tham số không nhận ra: --what"),
    (["enter", "u", "p", "i", "1", "--ytd", "--term"], "không dùng cùng với tham số --ytd"),
])
def test_argparse_errors_are_one_vietnamese_line(argv, expected, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert err.count("\n") == 1
    assert not [word for word in ENGLISH if word in err]


def test_the_top_level_hint_names_the_program_once(capsys):
    main(["bogus"])
    assert "(xem “lcapp --help”)" in capsys.readouterr().err
