"""The option table (verify/options.py) drives the CLI, the configuration keys and Settings."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from verify import options
from verify.cli import app
from verify.config import Settings
from verify.configfile import KEYS, PATH_KEYS, resolve, settings


def _command(name: str):
    import typer

    group = typer.main.get_command(app)
    parts = name.split()
    cmd = group.commands[parts[0]]  # type: ignore[attr-defined]
    for part in parts[1:]:
        cmd = cmd.commands[part]
    return cmd


@pytest.mark.parametrize(
    "command", [options.CHECK, options.CONFIG, options.BASELINE, options.INDEX]
)
def test_every_option_of_a_command_is_a_flag_of_it(command):
    flags = {flag for p in _command(command).params for flag in (*p.opts, *p.secondary_opts)}
    for o in options.for_command(command):
        for spelling in o.flags:
            for flag in spelling.split("/"):
                assert flag in flags, (command, flag)
    taken = {p.name for p in _command(command).params}
    assert taken - {"articles", "folder", "version"} == {
        o.param for o in options.for_command(command)
    }


def test_configuration_keys_and_settings_come_from_the_table():
    assert list(KEYS) == [o.key for o in options.OPTIONS if o.config is not None] + ["thresholds"]
    assert set(PATH_KEYS) == {
        "against",
        "output",
        "json",
        "html",
        "sarif",
        "markdown",
        "baseline",
        "pair-model",
        "strength-model",
    }
    set_by_table = {o.setting for o in options.OPTIONS if o.setting}
    assert set_by_table == {f.name for f in dataclasses.fields(Settings)} - {"thresholds"}
    res = resolve({"fail-on": "strict", "cache": False, "claim-engine": "pairs"}, isolated=True)
    s = settings(res)
    assert s.cache is False and s.claim_engine == "pairs" and "unsupported" in s.fail_on


def test_a_new_option_is_one_table_entry(monkeypatch):
    extra = options.Option(
        "window",
        "window",
        ("--window",),
        "A dummy option.",
        commands=(options.CHECK,),
        describe="a dummy key",
        default="3",
    )
    monkeypatch.setattr(options, "OPTIONS", (*options.OPTIONS, extra))
    assert options.config_keys()["window"] == (str, "a dummy key")
    assert options.defaults()["window"] == "3"

    @options.with_options(options.CHECK)
    def fake(**params):
        return 0

    assert "window" in inspect.signature(fake).parameters
    assert options.given(options.CHECK, {"window": "5"}) == {"window": "5"}


def test_no_cache_flag_maps_to_the_cache_key():
    assert options.given(options.CHECK, {"no_cache": True})["cache"] is False
    assert options.given(options.CHECK, {"no_cache": False})["cache"] is None
