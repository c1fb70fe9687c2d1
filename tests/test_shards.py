"""Sharded archives (verify/archive/shards.py) and the Ray engine (verify/rayengine.py): the
same verdicts as one archive, per-shard re-index, broken or foreign shards refused, backlogs
on Ray equal to the in-process run byte for byte, and a clear error without Ray."""

from __future__ import annotations

import json
import random
import re
import shutil
import sqlite3
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import DEV, SEED, FakeEmbedder, need, run_cli
from verify import Settings, verify_many
from verify.tokens import is_content

SPEECHES = DEV / "presidential_speeches" / "data"


def twenty_speeches(folder: Path) -> Path:
    """The 20 shortest presidential speeches (public domain), copied to ``folder``."""
    files = sorted(need(SPEECHES).glob("*.txt"), key=lambda p: (p.stat().st_size, p.name))[:20]
    folder.mkdir()
    for f in files:
        shutil.copy(f, folder / f.name)
    return folder


def speech_article(folder: Path) -> Path:
    """Copy that quotes and restates sentences of two of the speeches."""
    gettysburg = (folder / "1863-11-19-gettysburg-address.txt").read_text(encoding="utf-8")
    first = next(s for s in gettysburg.split(". ") if "Four score" in s)
    text = (
        f"The President opened with a line that is still taught: \u201c{first}.\u201d\n\n"
        "He said the world would little note what was said at the cemetery.\n"
    )
    path = folder.parent / "article.txt"
    path.write_text(text, encoding="utf-8")
    return path


def one_and_three_shards(tmp_path: Path):  # type: ignore[no-untyped-def]
    """The twenty speeches as one archive (``one.verify``) and as three shards (``sharded/``),
    built in process with the fake embedder: (documents folder, embedder, shard build stats)."""
    from verify.archive import build_index, build_sharded
    from verify.archive.shards import build_in_process

    docs = twenty_speeches(tmp_path / "docs")
    fake = FakeEmbedder()
    build_index(str(docs), str(tmp_path / "one.verify"), Settings(), fake)
    stats = build_sharded(
        str(docs),
        str(tmp_path / "sharded"),
        3,
        Settings(),
        fake.key,
        build_in_process(str(docs), Settings(), fake),
    )
    return docs, fake, stats


def verdicts(report) -> list[tuple]:  # type: ignore[no-untyped-def]
    return [
        (
            u.id,
            u.verdict,
            round(u.score, 3),
            tuple((e.text, round(e.similarity, 3)) for e in u.evidence),
        )
        for u in report.units
    ]


def test_shards_give_the_verdicts_of_one_archive(tmp_path: Path) -> None:
    from verify.archive import build_sharded
    from verify.archive.shards import build_in_process, read_manifest

    docs, fake, stats = one_and_three_shards(tmp_path)
    manifest = read_manifest(str(tmp_path / "sharded"))
    assert stats.documents == sum(manifest.documents) == 20 and len(manifest.shards) == 3
    article = speech_article(docs)
    settings = replace(Settings(), pair_model="none", strength_model="none")
    for art in (article, SEED / "article.txt"):
        one = verify_many([art], [str(tmp_path / "one.verify")], settings, fake)[0]
        many = verify_many([art], [str(tmp_path / "sharded")], settings, fake)[0]
        assert verdicts(one) == verdicts(many)
        assert [d.path.split(":")[-1] for d in one.sources] == [
            d.path.split(":")[-1] for d in many.sources
        ]
    # a changed document re-indexes its own shard only
    (docs / "1863-11-19-gettysburg-address.txt").write_text("Changed.\n", encoding="utf-8")
    again = build_sharded(
        str(docs),
        str(tmp_path / "sharded"),
        3,
        Settings(),
        fake.key,
        build_in_process(str(docs), Settings(), fake),
    )
    assert (again.updated, again.unchanged, again.added) == (1, 19, 0)


def test_full_text_hits_of_shards_are_those_of_one_archive(tmp_path: Path) -> None:
    """Every quotation's full-text hits over three shards are those over one archive of the
    same documents (bm25 weighs words by their rarity in each shard: it must not rank)."""
    from verify.archive import open_archive
    from verify.archive.select import _full_text_hits

    docs, _, _ = one_and_three_shards(tmp_path)
    one = open_archive(str(tmp_path / "one.verify"))
    many = open_archive(str(tmp_path / "sharded"))
    # quotations of the speeches' commonest content words: hundreds of sentences match each,
    # far more than any shard proposes
    counts = Counter(
        w
        for f in docs.iterdir()
        for w in re.findall(r"\w+", f.read_text(encoding="utf-8").casefold())
        if len(w) > 2 and is_content(w)
    )
    common = [w for w, _ in counts.most_common(60)]
    rnd = random.Random(1)
    quotes = [" ".join(rnd.sample(common, 8)) for _ in range(40)]

    def paths(shards, quote: str) -> list[str]:  # type: ignore[no-untyped-def]
        return [
            shards[n].paths([d])[d].rsplit("/", 1)[-1] for n, d in _full_text_hits(shards, quote)
        ]

    for q in quotes:
        assert paths(one, q) == paths(many, q), q


def test_a_missing_or_foreign_shard_is_an_error_naming_it(tmp_path: Path, capsys) -> None:
    from verify.archive import build_sharded
    from verify.archive.shards import build_in_process

    docs = twenty_speeches(tmp_path / "docs")
    fake = FakeEmbedder()
    out = tmp_path / "sharded"
    build_sharded(
        str(docs), str(out), 2, Settings(), fake.key, build_in_process(str(docs), Settings(), fake)
    )
    article = str(SEED / "article.txt")
    broken = tmp_path / "broken"
    shutil.copytree(out, broken)
    (broken / "shard-0001.verify").unlink()
    code, _, err = run_cli([article, "--against", str(broken), "--isolated"], capsys)
    assert code == 2 and "shard shard-0001.verify is missing" in err
    shutil.rmtree(broken)
    shutil.copytree(out, broken)
    (broken / "shard-0000.verify").write_text("not an archive\n", encoding="utf-8")
    code, _, err = run_cli([article, "--against", str(broken), "--isolated"], capsys)
    assert code == 2 and "shard shard-0000.verify is not a verify-archive/2 archive" in err
    shutil.rmtree(broken)
    shutil.copytree(out, broken)
    db = sqlite3.connect(broken / "shard-0001.verify")
    db.execute("UPDATE meta SET value = 'another-model' WHERE key = 'model'")
    db.commit()
    db.close()
    code, _, err = run_cli([article, "--against", str(broken), "--isolated"], capsys)
    assert code == 2 and "shard shard-0001.verify was built with another model" in err
    manifest = json.loads((out / "verify-shards.json").read_text(encoding="utf-8"))
    manifest["shards"][0]["file"] = "../elsewhere.verify"
    (broken / "verify-shards.json").write_text(json.dumps(manifest), encoding="utf-8")
    code, _, err = run_cli([article, "--against", str(broken), "--isolated"], capsys)
    assert code == 2 and "is not a file name inside the folder" in err


def test_engine_ray_without_ray_says_how_to_install_it(monkeypatch, capsys) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray raises ImportError
    code, _, err = run_cli(
        [
            str(SEED / "article.txt"),
            "--against",
            str(SEED / "official.txt"),
            "--engine",
            "ray",
            "--isolated",
        ],
        capsys,
    )
    assert code == 2 and err == (
        "Error: --engine ray needs Ray: pip install 'verify[ray]' (or pip install ray)\n"
    )
    code, _, err = run_cli(
        [
            str(SEED / "article.txt"),
            "--against",
            str(SEED / "official.txt"),
            "--engine",
            "spark",
            "--isolated",
        ],
        capsys,
    )
    assert code == 2 and "unknown engine 'spark'" in err


@pytest.fixture(scope="module")
def ray_local():
    """Ray started in this process with 2 CPUs, shut down after the module."""
    ray = pytest.importorskip("ray")
    from verify.rayengine import start

    start(2, None)
    yield ray
    ray.shutdown()


@pytest.mark.ray
@pytest.mark.model
def test_ray_shards_give_the_verdicts_of_one_archive(ray_local, tmp_path: Path, capsys) -> None:
    docs = twenty_speeches(tmp_path / "docs")
    one, sharded = tmp_path / "one.verify", tmp_path / "sharded"
    assert run_cli(["index", str(docs), "--out", str(one), "--isolated"], capsys)[0] == 0
    code, _, err = run_cli(
        [
            "index",
            str(docs),
            "--out",
            str(sharded),
            "--engine",
            "ray",
            "--workers",
            "2",
            "--isolated",
        ],
        capsys,
    )
    assert code == 0 and "in 2 shards" in err, err
    article = speech_article(docs)
    for art in (article, SEED / "article.txt"):
        a = run_cli([str(art), "--against", str(one), "-f", "json", "--isolated"], capsys)[1]
        b = run_cli([str(art), "--against", str(sharded), "-f", "json", "--isolated"], capsys)[1]
        key = [(u["id"], u["verdict"], round(u["score"], 3)) for u in json.loads(a)["units"]]
        assert key == [
            (u["id"], u["verdict"], round(u["score"], 3)) for u in json.loads(b)["units"]
        ]


@pytest.mark.ray
@pytest.mark.model
def test_a_backlog_on_ray_equals_the_in_process_run(ray_local, tmp_path: Path, capsys) -> None:
    arts = tmp_path / "arts"
    arts.mkdir()
    shutil.copy(SEED / "article.txt", arts / "seed.txt")
    realworld = DEV.parent / "realworld-dev"
    for d in sorted(need(realworld).glob("0[13]_*")):
        shutil.copy(d / "article.txt", arts / f"{d.name}.txt")
    source = str(SEED / "official.txt")
    local = run_cli([str(arts), "--against", source, "-f", "json", "--isolated"], capsys)
    on_ray = run_cli(
        [
            str(arts),
            "--against",
            source,
            "-f",
            "json",
            "--isolated",
            "--engine",
            "ray",
            "--workers",
            "2",
        ],
        capsys,
    )
    assert local[0] == on_ray[0] and local[1] == on_ray[1]
    assert json.loads(local[1])["schema"] == "verify-run/1"
