"""Configuration files: ``[tool.verify]`` in ``pyproject.toml`` or a ``verify.toml``, found
by walking up from the working directory; flags override them. Every resolved value
remembers where it came from, for ``verify config``.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from verify.config import Settings, Thresholds, parse_fail_on
from verify.errors import ConfigError
from verify.options import config_keys, config_options, path_keys
from verify.options import defaults as option_defaults

CONFIG_NAMES = ("verify.toml", "pyproject.toml")

#: key → (accepted TOML type, description), from the option table. Paths are relative to the
#: file that sets them.
KEYS = config_keys()
PATH_KEYS = path_keys()


@dataclass
class Value:
    value: Any
    origin: str  # "default", "command line", or the config file's path


@dataclass
class Resolved:
    """The configuration of a run: every option, its value and where it came from."""

    file: Path | None
    values: dict[str, Value] = field(default_factory=dict)
    thresholds: dict[str, Value] = field(default_factory=dict)

    def get(self, key: str) -> Any:
        return self.values[key].value

    def from_file(self, key: str) -> bool:
        """Whether the configuration file set this value (not a flag, not the default)."""
        return self.file is not None and self.values[key].origin == _display(self.file)

    def thresholds_obj(self) -> Thresholds:
        try:
            return Thresholds(**{k: v.value for k, v in self.thresholds.items()})
        except ConfigError as exc:  # name the file that set the bad value
            origin = next(
                (v.origin for k, v in self.thresholds.items() if f"'{k}'" in str(exc)), "default"
            )
            if origin == "default":
                raise
            raise ConfigError(f"{origin}: {exc}") from None


def settings(res: Resolved) -> Settings:
    """The Settings of a run: every option the table maps to a field, checked by its
    converter, and the thresholds."""
    values: dict[str, Any] = {"thresholds": res.thresholds_obj()}
    for o in config_options():
        if o.setting is not None:
            value = res.get(o.key)
            values[o.setting] = o.to_setting(value) if o.to_setting is not None else value
    return Settings(**values)


def find_config(start: Path | None = None) -> tuple[Path, dict[str, Any]] | None:
    """The nearest verify.toml, or pyproject.toml with a [tool.verify] table, at or above
    ``start`` and no higher than the project root (the first folder with .git, a
    pyproject.toml or a verify.toml, as ruff stops); its settings table. A file owned by
    another user is refused, naming it (it could be planted above the user's work)."""
    try:
        here = (start or Path.cwd()).resolve()
    except OSError as exc:
        raise ConfigError(
            f"the working directory cannot be read ({exc.strerror or exc}); "
            "pass --config FILE or --isolated"
        ) from None
    for folder in _walk_up(here):
        for name in CONFIG_NAMES:
            path = folder / name
            if not path.is_file():
                continue
            _refuse_foreign(path)
            data = _load(path)
            tool = data.get("tool")
            if tool is not None and not isinstance(tool, dict):
                raise ConfigError(
                    f"{_display(path)}: 'tool' must be a table, not {type(tool).__name__}"
                )
            if name == "verify.toml":
                table = tool.get("verify", data) if tool is not None else data
            else:
                table = (tool or {}).get("verify")
                if table is None:
                    return None  # a project's pyproject.toml without [tool.verify]: its root
            if not isinstance(table, dict):
                raise ConfigError(
                    f"{_display(path)}: [tool.verify] must be a table, not {type(table).__name__}"
                )
            return path, table
    return None


def _refuse_foreign(path: Path) -> None:
    """A configuration file, or its folder, owned by another user is not read: the error says
    how to use it on purpose."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:  # no owners to compare (Windows)
        return
    me = getuid()
    for p in (path, path.parent):
        owner = p.stat().st_uid
        if owner != me:
            raise ConfigError(
                f"{_display(path)}: {'its folder is' if p != path else 'is'} owned by another "
                f"user (uid {owner}), so it is not read; pass --config {_display(path)} to use "
                "it, or --isolated"
            )


def _walk_up(here: Path) -> list[Path]:
    """``here`` and its parents, up to the repository root (a folder holding .git) or the
    user's home folder, as ruff does; never a shared folder: the file-system root, the
    system temp folder, the folder that holds the home folders. A verify.toml planted there
    is never read."""
    import tempfile

    try:
        home: Path | None = Path.home().resolve()
    except (OSError, RuntimeError):
        home = None
    shared = {Path(here.anchor), Path(tempfile.gettempdir()).resolve()}
    if home is not None:
        shared.add(home.parent)
    out = []
    for folder in (here, *here.parents):
        if folder in shared:
            break
        out.append(folder)
        if (folder / ".git").exists() or folder == home:
            break
    return out


def _load(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{_display(path)}: not valid TOML ({exc})") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{_display(path)}: not valid TOML (not UTF-8 at byte {exc.start})"
        ) from None
    except OSError as exc:
        raise ConfigError(f"{_display(path)}: cannot read ({exc.strerror or exc})") from None


def load_table(path: Path) -> dict[str, Any]:
    """The settings table of an explicit --config file."""
    if not path.is_file():
        raise ConfigError(f"{path}: no such config file")
    data = _load(path)
    if path.name == "pyproject.toml" or "tool" in data:
        table = data.get("tool", {}).get("verify")
        if table is None:
            raise ConfigError(f"{path}: no [tool.verify] table")
        return table
    return data


def resolve(
    cli: dict[str, Any], config_path: str | None = None, isolated: bool = False
) -> Resolved:
    """Defaults, then the config file, then the flags the user gave (``cli``: key → value,
    None where not given)."""
    found: tuple[Path, dict[str, Any]] | None = None
    if config_path:
        p = Path(config_path)
        found = (p.resolve(), load_table(p))
    elif not isolated:
        found = find_config()
    res = Resolved(file=found[0] if found else None)
    for key, value in option_defaults().items():
        res.values[key] = Value(value, "default")
    from verify.backend.embedder import DEFAULT_RUNTIME, RUNTIMES

    env_runtime = os.environ.get("VERIFY_RUNTIME")
    res.values["runtime"] = (
        Value(env_runtime, "environment VERIFY_RUNTIME")
        if env_runtime
        else Value(DEFAULT_RUNTIME, "default")
    )
    for f in fields(Thresholds):
        res.thresholds[f.name] = Value(f.default, "default")
    if found:
        path, table = found
        origin = _display(path)
        for key, value in table.items():
            if key not in KEYS:
                raise ConfigError(
                    f"{origin}: unknown setting {key!r}; expected one of {', '.join(KEYS)}"
                )
            kind = KEYS[key][0]
            if not isinstance(value, kind):
                raise ConfigError(
                    f"{origin}: setting {key!r} has the wrong type ({type(value).__name__})"
                )
            if isinstance(value, list) and not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{origin}: setting {key!r} must be a list of strings")
            if key == "thresholds":
                assert isinstance(value, dict)
                for name, v in value.items():
                    name_ = name.replace("-", "_")
                    if name_ not in res.thresholds:
                        raise ConfigError(f"{origin}: unknown threshold {name!r}")
                    default = res.thresholds[name_].value
                    accepted = (int, float) if isinstance(default, float) else (int,)
                    if isinstance(v, bool) or not isinstance(v, accepted):
                        raise ConfigError(
                            f"{origin}: threshold {name!r} must be a {type(default).__name__}"
                        )
                    res.thresholds[name_] = Value(type(default)(v), origin)
                continue
            if key in PATH_KEYS and value not in PATH_KEYS[key]:
                value = _relative(path.parent, value)
            if key == "fail-on" and isinstance(value, list):
                value = ",".join(value)
            if key == "against" and isinstance(value, str):
                value = [value]
            res.values[key] = Value(value, origin)
    for key, value in cli.items():
        if value is None or (key == "against" and not value):
            continue
        res.values[key] = Value(value, "command line")
    parse_fail_on(res.get("fail-on"))  # fail early on a bad value, wherever it came from
    if res.get("runtime") not in RUNTIMES:
        raise ConfigError(
            f"unknown runtime {res.get('runtime')!r}; expected one of {', '.join(RUNTIMES)}"
        )
    return res


def _relative(base: Path, value: Any) -> Any:
    """Config paths are relative to the config file's folder; shown relative to the cwd."""
    if isinstance(value, list):
        return [_relative(base, v) for v in value]
    if not isinstance(value, str) or value == "-" or os.path.isabs(value):
        return value
    full = base / value
    try:
        rel = os.path.relpath(full)
    except ValueError:
        return str(full)
    return rel + (os.sep if value.endswith(("/", os.sep)) and not rel.endswith(os.sep) else "")


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def describe(res: Resolved) -> str:
    """The resolved configuration, one line per value, with its origin."""
    found = _display(res.file) if res.file else "none found (defaults and flags only)"
    lines = [f"# config file: {found}"]
    rows: list[tuple[str, str, str]] = []
    for key, v in res.values.items():
        rows.append((key, _toml(v.value), v.origin))
    for name, v in res.thresholds.items():
        rows.append((f"thresholds.{name}", _toml(v.value), v.origin))
    width = max(len(k) + len(val) + 3 for k, val, _ in rows)
    for key, val, origin in rows:
        lines.append(f"{key} = {val}".ljust(width) + f"  # {origin}")
    return "\n".join(lines) + "\n"


def _toml(value: Any) -> str:
    import json

    if value is None:
        return '""  (unset)'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)
