"""End to end on the seed pair with the real packaged model: the verdicts of
corpora/seed/expected.md, the JSON contract, determinism, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import SEED
from verify.cli import main

pytestmark = pytest.mark.model

ARTICLE = str(SEED / "article.txt")
OFFICIAL = str(SEED / "official.txt")

# expected.md: the first words of each unit and the verdicts a careful fact-checker accepts
EXPECTED_QUOTES = [
    ("Two leaders discussed", {"altered"}),
    ("President Biden made clear", {"altered"}),
    ("The two presidents agreed", {"verbatim"}),
    ("his [Biden’s] intention", {"altered", "not_found"}),
    ("Putin’s puppet", {"not_found"}),
    ("I find that we can both", {"not_found"}),
    ("have asked the agencies", {"not_found"}),
]
EXPECTED_CLAIMS = [
    ("US President Joe Biden on January 26", {"supported", "partial"}),
    (
        "Biden confronted his Russian counterpart",
        {"partial", "unsupported"},
    ),  # see test_seed_c2_is_partial
    ("Furthermore, the US president held talks", {"supported"}),
    ("Meanwhile, among other issues", {"supported"}),
    ("The call occurred Tuesday midday.", {"unsupported"}),
    ("Biden's white house press secretary", {"unsupported", "partial"}),
    ("The call was a diplomatic step", {"unsupported"}),
    ("In his Presidential debate", {"unsupported"}),
    ("Speaking to the US reporters", {"unsupported"}),
]


def test_seed_quotes_match_expected(seed_report) -> None:
    quotes = [u for u in seed_report.units if u.kind == "quote"]
    assert [u.id for u in quotes] == [f"Q{i}" for i in range(1, 8)]
    for unit, (begin, allowed) in zip(quotes, EXPECTED_QUOTES, strict=True):
        assert unit.text.startswith(begin)
        assert unit.verdict in allowed, (unit.id, unit.verdict, unit.reason)
    q1, q2, q3 = quotes[:3]
    assert [(e.source, e.article) for e in q1.edits if e.meaningful] == [("They", "Two leaders")]
    assert q1.evidence[0].section == "With Russia"
    assert [(e.source, e.article) for e in q2.edits if e.meaningful] == [
        ("USA", "us"),
        ("its", "our"),
    ]
    assert q3.evidence[0].section == "With Russia"
    assert q3.evidence[0].text.startswith("The two presidents agreed to maintain")


def test_seed_claims_match_expected(seed_report) -> None:
    claims = [u for u in seed_report.units if u.kind == "claim"]
    assert len(claims) == len(EXPECTED_CLAIMS)  # heading, dateline and "He added," are not claims
    for unit, (begin, allowed) in zip(claims, EXPECTED_CLAIMS, strict=True):
        assert unit.text.startswith(begin), unit.text
        assert unit.verdict in allowed, (unit.text[:40], unit.verdict, unit.reason)
    c3 = claims[2]
    texts = " ".join(e.text for e in c3.evidence)
    assert "arms control" in texts and "Ukraine" in texts  # draws on two source sentences


@pytest.mark.xfail(
    strict=False,
    reason=(
        "known gap: with the calibrated support_min (0.65) MiniLM scores 'the election meddling' "
        "against "
        "'interference in the 2020 United States election' at 0.56, so no part of C2 counts as "
        "supported"
    ),
)
def test_seed_c2_is_partial(seed_report) -> None:
    c2 = [u for u in seed_report.units if u.kind == "claim"][1]
    assert c2.verdict == "partial"
    assert any("Navalny protests" in s.text for s in c2.unsupported_spans)


def test_seed_other_readouts_are_omitted_not_findings(seed_report) -> None:
    sections = {o.section for o in seed_report.omitted}
    assert {"With Japan", "With India", "With NATO"} <= sections
    for unit in seed_report.units:
        if unit.verdict in ("verbatim", "altered", "supported", "copied"):
            assert all(e.section == "With Russia" for e in unit.evidence), unit.id


def test_json_contract_offsets_and_text(seed_report) -> None:
    data = seed_report.to_dict()
    assert data["schema"] == "verify-report/1"
    article = (SEED / "article.txt").read_text("utf-8")
    source = (SEED / "official.txt").read_text("utf-8")
    for unit in data["units"]:
        assert article[unit["start"] : unit["end"]] == unit["text"]
        assert unit["line"] == article.count("\n", 0, unit["start"]) + 1
        for ev in unit["evidence"]:
            assert source[ev["start"] : ev["end"]] == ev["text"]
        for span in unit.get("unsupported_spans", []):
            assert article[span["start"] : span["end"]] == span["text"]
    assert data["sources"][0]["sections"][0] == "With Russia"
    assert data["summary"]["units"] == len(data["units"])
    assert data["summary"]["exit_code"] == 1


def test_cli_json_is_byte_identical_across_runs(tmp_path, capsys) -> None:
    outputs = []
    for i in range(2):
        path = tmp_path / f"r{i}.json"
        with pytest.raises(SystemExit) as info:
            main([ARTICLE, "--against", OFFICIAL, "--format", "json", "--output", str(path)])
        assert info.value.code == 1
        outputs.append(path.read_bytes())
    assert outputs[0] == outputs[1]
    assert "Wrote JSON report to" in capsys.readouterr().err
    data = json.loads(outputs[0])
    assert {u["id"]: u["verdict"] for u in data["units"]}["Q3"] == "verbatim"


def test_cli_text_output_and_exit_codes(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main([ARTICLE, "--against", OFFICIAL, "--no-color"])
    assert info.value.code == 1
    out = capsys.readouterr().out
    assert "Q2  altered" in out
    assert "source USA → article us (pronoun)" in out
    assert "source its → article our (pronoun)" in out
    with pytest.raises(SystemExit) as info:
        main([ARTICLE, "--against", OFFICIAL, "--fail-on", "contradicted", "--format", "json"])
    assert info.value.code == 0
    with pytest.raises(SystemExit) as info:
        main([ARTICLE, "--against", OFFICIAL, "--exit-zero", "--format", "json"])
    assert info.value.code == 0


def test_console_script_runs_in_a_fresh_process() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "verify", ARTICLE, "--against", OFFICIAL, "--format", "json"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["summary"]["verdicts"]["verbatim"] == 1
    assert "Traceback" not in proc.stderr


def test_first_run_says_it_prepares_the_model_and_later_runs_do_not(tmp_path):
    """A new user is told why the first run takes a few seconds; nothing after that."""
    import os

    env = {**os.environ, "VERIFY_CACHE_DIR": str(tmp_path / "fresh-cache")}
    cmd = [
        sys.executable,
        "-m",
        "verify",
        ARTICLE,
        "--against",
        OFFICIAL,
        "--format",
        "json",
        "--exit-zero",
    ]
    first = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    second = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == second.returncode == 0, first.stderr
    assert first.stderr.count("Preparing the embedded model for first use") == 1
    assert "Preparing" not in second.stderr and second.stderr == ""
    assert first.stdout == second.stdout  # the message never reaches the report


def test_a_changed_number_in_copied_speech_sentences_is_contradicted() -> None:
    """With the packaged models: sentences of presidential speeches copied with one number
    changed are contradicted (never "copied": the verdict model cannot read values), and the
    same sentences unchanged are not."""
    import re

    from tests.conftest import DEV, need
    from verify import Settings, verify_texts
    from verify.backend.embedder import load_embedder

    files = sorted(need(DEV / "presidential_speeches" / "data").glob("*.txt"))[::40]
    picked = []
    for f in files:
        text = f.read_text(encoding="utf-8")
        for s in re.split(r"(?<=[.!?])\s+", text):
            m = re.search(
                r"(?<![\d,.])\b([1-9]\d{1,3}) (?:percent|men|ships|dollars|millions|years)\b", s
            )
            if (
                m
                and 12 <= len(s.split()) <= 40
                and not re.search(
                    r"(?:more|less|than|about|over|under|some|nearly)\s+\S*$", s[: m.start(1)]
                )
                and not re.search('[\n"\u201c\u201d]', s)
            ):
                picked.append((text, s, m))
                break
    assert len(picked) >= 5
    emb = load_embedder(None)
    for text, sentence, m in picked:
        changed = sentence[: m.start(1)] + str(int(m.group(1)) * 3 + 1) + sentence[m.end(1) :]
        for claim, contradicted in ((changed, True), (sentence, False)):
            report = verify_texts(claim + "\n", [text], Settings(), embedder=emb)
            verdicts = [u.verdict for u in report.units if u.kind == "claim"]
            assert verdicts and ("contradicted" in verdicts) == contradicted, (claim, verdicts)


def test_a_near_copy_with_another_name_is_contradicted_with_the_packaged_models() -> None:
    """Sentences of the seed's official text repeated with one name changed are contradicted
    (never "copied"); repeated as they stand they are not."""
    from verify import Settings, verify_texts
    from verify.backend.embedder import load_embedder

    official = (SEED / "official.txt").read_text(encoding="utf-8")
    cases = [
        (
            "He also raised other matters of concern, including the SolarWinds hack, reports of "
            "Russia placing bounties on United States soldiers in Afghanistan.",
            "Afghanistan",
            "Syria",
        ),
        (
            "The leaders also discussed the United States’ unwavering commitment to the defense "
            "of Japan under Article 5 of our security treaty, which includes the Senkaku Islands.",
            "Senkaku",
            "Kuril",
        ),
    ]
    emb = load_embedder(None)
    for sentence, name, other in cases:
        assert name in official
        for claim, contradicted in ((sentence.replace(name, other), True), (sentence, False)):
            report = verify_texts(claim + "\n", [official], Settings(), embedder=emb)
            units = [u for u in report.units if u.kind == "claim"]
            assert [u.verdict == "contradicted" for u in units] == [contradicted], (
                claim,
                [(u.verdict, u.reason) for u in units],
            )
            if contradicted:
                assert (other, name, "name") in [
                    (e.article, e.source, e.kind) for e in units[0].edits
                ]


def test_a_claim_carrying_a_speech_quotation_is_partial_with_the_packaged_models() -> None:
    """A report's framing around a sentence quoted word for word from a presidential speech:
    the quotation is verbatim and the claim partial (the framing highlighted), not
    "unsupported"; around two words of it (found anywhere by chance) it stays unsupported."""
    import re

    from tests.conftest import DEV, need
    from verify import Settings, verify_texts
    from verify.backend.embedder import load_embedder
    from verify.stores import MemoStore, SourceEmbedder

    frame = "At a ceremony that drew protesters from three counties, the orchestra fell silent as"
    files = sorted(need(DEV / "presidential_speeches" / "data").glob("*.txt"))[::150]
    emb = SourceEmbedder(load_embedder(None), [MemoStore()])  # each speech encoded once
    checked = 0
    for f in files:
        text = f.read_text(encoding="utf-8")
        sentence = next(
            (
                s
                for s in re.split(r"(?<=[.!?])\s+", text)
                if 8 <= len(s.split()) <= 16 and not re.search('[\n"\u201c\u201d\u2018\u2019]', s)
            ),
            None,
        )
        if sentence is None:
            continue
        short = " ".join(sentence.split()[:2])
        for quoted, partial in ((sentence, True), (short, False)):
            article = f"{frame} the president said “{quoted}”\n"
            report = verify_texts(article, [text], Settings(), embedder=emb)
            [quote] = [u for u in report.units if u.kind == "quote"]
            [claim] = [u for u in report.units if u.kind == "claim"]
            assert quote.verdict == "verbatim", (quoted, quote.reason)
            assert (claim.verdict == "partial") == partial, (quoted, claim.verdict, claim.reason)
            if partial:  # the framing, and only the framing, is highlighted
                spans = [s.text for s in claim.unsupported_spans]
                assert spans and all(s in frame for s in spans), spans
                assert "drew protesters from three counties" in " ".join(spans)
        checked += 1
    assert checked >= 5


@pytest.mark.parametrize(
    ("speech", "sentence"),
    [
        ("1961-03-01-establishment-peace-corps", "Life in the Peace Corps will not be easy."),
        (
            "2003-03-17-address-nation-iraq",
            "This regime has already used weapons of mass destruction against Iraq's neighbors "
            "and against Iraq's people.",
        ),
        (
            "2013-02-13-2013-state-union-address",
            "We buy more American cars than we have in five years, and less foreign oil than we "
            "have in 20.",
        ),
    ],
)
def test_a_speech_sentence_is_not_contradicted_by_the_rest_of_its_speech(speech, sentence):
    """With the packaged models: a negation or a number the checks find against another part of
    the same speech is no contradiction unless the verdict model is sure of one (these came out
    `contradicted` with P 0.42-0.52 before pair_conflict_min was calibrated on real text:
    benchmarks/self_check.py --grid)."""
    from tests.conftest import DEV, need
    from verify import Settings, verify_texts
    from verify.backend.embedder import load_embedder

    text = (need(DEV / "presidential_speeches" / "data") / f"{speech}.txt").read_text(
        encoding="utf-8"
    )
    assert sentence in text
    report = verify_texts(
        sentence + "\n", [text.replace(sentence, " ")], Settings(), embedder=load_embedder(None)
    )
    [claim] = [u for u in report.units if u.kind == "claim"]
    assert claim.verdict != "contradicted", claim.reason


def test_a_changed_year_in_copied_speech_sentences_is_contradicted() -> None:
    """With the packaged models: speech sentences copied with a year changed (a number with no
    unit to compare by) are contradicted, never "copied"; unchanged they are not."""
    import re

    from tests.conftest import DEV, need
    from verify import Settings, verify_texts
    from verify.backend.embedder import load_embedder
    from verify.stores import MemoStore, SourceEmbedder

    files = sorted(need(DEV / "presidential_speeches" / "data").glob("*.txt"))[::60]
    picked = []
    for f in files:
        text = f.read_text(encoding="utf-8")
        for s in re.split(r"(?<=[.!?])\s+", text):
            m = re.search(r"\b(1[89]\d\d|20[01]\d)\b", s)
            if m and 10 <= len(s.split()) <= 40 and not re.search('[\n"\u201c\u201d]', s):
                picked.append((text, s, m))
                break
    assert len(picked) >= 5
    emb = SourceEmbedder(load_embedder(None), [MemoStore()])
    for text, sentence, m in picked:
        changed = sentence[: m.start(1)] + str(int(m.group(1)) + 3) + sentence[m.end(1) :]
        for claim, contradicted in ((changed, True), (sentence, False)):
            report = verify_texts(claim + "\n", [text], Settings(), embedder=emb)
            verdicts = [u.verdict for u in report.units if u.kind == "claim"]
            assert verdicts and ("contradicted" in verdicts) == contradicted, (claim, verdicts)


def test_a_speech_sentence_with_one_word_changed_is_never_copied() -> None:
    """With the packaged models: sentences of presidential speeches with one content word
    replaced by another word of the same speech are neither copied nor supported; the same
    sentences with an attribution added stay copied."""
    import re

    from tests.conftest import DEV, need
    from verify import Settings, verify_texts
    from verify.backend.embedder import load_embedder
    from verify.tokens import STOPWORDS

    files = sorted(need(DEV / "presidential_speeches" / "data").glob("*.txt"))[::150]
    emb = load_embedder(None)
    checked = 0
    for f in files:
        text = f.read_text(encoding="utf-8")
        sentence = next(
            s
            for s in re.split(r"(?<=[.])\s+", text)
            if 15 <= len(s.split()) <= 35 and not re.search('[\n"\u201c\u201d;:]', s)
        )
        words = [w for w in re.findall(r"\b[a-z]{6,}\b", sentence) if w not in STOPWORDS]
        other = next(
            w
            for w in sorted(set(re.findall(r"\b[a-z]{6,}\b", text)) - set(words) - STOPWORDS)
            if w[-1] == words[0][-1]
        )
        changed = re.sub(rf"\b{words[0]}\b", other, sentence, count=1)
        said = sentence.rstrip(".") + ", he said."
        for claim, wanted in ((changed, {"partial", "contradicted"}), (said, {"copied"})):
            report = verify_texts(claim + "\n", [text], Settings(), embedder=emb)
            [unit] = [u for u in report.units if u.kind == "claim"]
            assert unit.verdict in wanted, (claim, unit.verdict, unit.reason)
        checked += 1
    assert checked >= 5
