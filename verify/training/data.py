"""The verdict model's training data: the labelled pairs of the training folder and of the dev
sets' training parts, pairs built from real speeches, context padding, the held-out split."""

from __future__ import annotations

import gzip
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from verify.errors import InputError

LABELS = ("entailment", "neutral", "contradiction")
#: How the training files' labels map onto the three classes. A PAWS non-paraphrase shares
#: its words with the source but not its meaning: neutral, not a contradiction.
LABEL_MAP = {
    "entailment": "entailment",
    "neutral": "neutral",
    "contradiction": "contradiction",
    "paraphrase": "entailment",
    "not_paraphrase": "neutral",
}


@dataclass(frozen=True)
class PairExample:
    premise: str
    hypothesis: str
    label: int
    set: str


@dataclass(frozen=True)
class TrainSettings:
    seed: int = 20261124
    max_pairs: int = 0  # 0: every pair; else a seeded sample of this many
    holdout: int = 2000  # pairs of the training folder kept out, to calibrate on
    epochs: float = 1.0
    batch_size: int = 32
    lr: float = 5e-5
    warmup: float = 0.06
    weight_decay: float = 0.01
    max_tokens: int = 128
    bucket_batches: int = 50  # batches sorted by length together (dynamic padding)
    bf16: bool = True  # autocast on CPUs with bf16 support
    threads: int = 0  # 0: os.cpu_count()
    context: float = 0.0  # share of pairs whose premise gets another pair's premise beside it
    speech_sentences: int = 12  # with --speeches: claim sentences drawn from each speech used
    speech_entailment: bool = True  # with --speeches: also the entailment pairs, not only neutral


def _jsonl(path: Path) -> Iterator[dict]:  # type: ignore[type-arg]
    """The rows of a JSON-lines file (gzipped or not); a damaged file is an InputError naming
    it and the line."""
    opener = gzip.open if path.suffix == ".gz" else open
    number = 0
    try:
        with opener(path, "rt", encoding="utf-8") as fh:  # type: ignore[operator]
            for number, line in enumerate(fh, 1):  # noqa: B007 (named in the error)
                if line.strip():
                    row = json.loads(line)
                    if not isinstance(row, dict):
                        raise ValueError("not a JSON object")
                    yield row
    except (OSError, EOFError, UnicodeDecodeError, ValueError) as exc:
        where = f" line {number}" if number else ""
        raise InputError(f"{path}:{where} cannot be read as JSON lines ({exc})") from None


def load_train_dir(folder: Path) -> list[PairExample]:
    """Every ``*.jsonl.gz`` of the training folder (premise = source, hypothesis = claim)."""
    out = []
    for path in sorted(folder.glob("*.jsonl.gz")):
        for row in _jsonl(path):
            label = LABEL_MAP.get(str(row.get("label")))
            if label is None:
                continue
            if not isinstance(row.get("premise"), str) or not isinstance(
                row.get("hypothesis"), str
            ):
                raise InputError(f"{path}: a row without a premise and a hypothesis: {row!r:.80}")
            out.append(
                PairExample(
                    row["premise"],
                    row["hypothesis"],
                    LABELS.index(label),
                    row.get("set", path.stem),
                )
            )
    return out


def load_dev_training_parts(dev: Path) -> list[PairExample]:
    """The training parts of the dev sets: MRPC train (a) (the first half of the file),
    SICK train, STS-B train (>= 4 same meaning, <= 2 not)."""
    out: list[PairExample] = []
    mrpc = dev / "mrpc" / "msr_paraphrase_train.txt"
    if mrpc.exists():
        rows = []
        for line in mrpc.read_text(encoding="utf-8-sig").splitlines():
            cols = line.split("\t")
            if len(cols) == 5 and cols[0] in ("0", "1"):
                rows.append(cols)
        for cols in rows[: len(rows) // 2]:
            out.append(PairExample(cols[3], cols[4], 0 if cols[0] == "1" else 1, "mrpc-train-a"))
    sick = dev / "sick" / "SICK_train.txt"
    if sick.exists():
        for line in sick.read_text(encoding="utf-8").splitlines():
            cols = line.split("\t")
            if len(cols) == 5 and cols[0].isdigit() and cols[4].lower() in LABELS:
                out.append(
                    PairExample(cols[1], cols[2], LABELS.index(cols[4].lower()), "sick-train")
                )
    stsb = dev / "stsb" / "sts-train.csv"
    if stsb.exists():
        for line in stsb.read_text(encoding="utf-8").splitlines():
            cols = line.split("\t")
            if len(cols) >= 7:
                score = float(cols[4])
                if score >= 4.0 or score <= 2.0:
                    out.append(
                        PairExample(cols[5], cols[6], 0 if score >= 4.0 else 1, "stsb-train")
                    )
    return out


def load_nli_fit(dev: Path) -> list[PairExample]:
    """The MNLI and RTE fit samples (``train_[012].jsonl``): kept out of training, used to
    calibrate the verdict thresholds (the report files ``train_[34]`` are never read)."""
    out = []
    for name in ("mnli", "rte"):
        for path in sorted((dev / "nli" / name).glob("train_[012].jsonl")):
            for row in _jsonl(path):
                raw = str(row["label"])
                label = {"entailment": 0, "True": 0, "contradiction": 2}.get(raw, 1)
                out.append(PairExample(row["premise"], row["hypothesis"], label, f"{name}-fit"))
    return out


#: The speeches ``--speeches`` reads: those whose index (sorted by file name) ends in 3 or 7.
#: Never every 10th (benchmarks/self_check.py measures on those) nor every 34th (RESULTS.md).
SPEECH_RESIDUES = (3, 7)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
#: A neighbour this close (cosine) or this alike in words may restate the claim: not a negative.
_NEAR_MAX = 0.85
_WORDS_ALIKE_MAX = 80
#: Below this cosine a neighbour is no harder a negative than the NLI sets already give.
_NEAR_MIN = 0.35


def speech_sentences(text: str) -> list[str]:
    """Sentences of a speech: 8 to 40 words, on one line, without quotation marks."""
    return [
        s
        for s in _SENTENCE_END.split(text)
        if 8 <= len(s.split()) <= 40 and "\n" not in s and not re.search('["\u201c\u201d]', s)
    ]


def load_speech_pairs(  # type: ignore[no-untyped-def]
    folder: Path, per_speech: int, seed: int, encode, entailment: bool = True
) -> list[PairExample]:
    """Pairs from real text (public-domain presidential speeches): a sentence against the
    sentence of the same speech nearest it in meaning but not beside it is ``neutral`` (about
    the same thing, not saying it: the false contradictions and false supports of real copy);
    a sentence, or its longest comma-separated part, against the two or three sentences around
    it is ``entailment`` (a passage longer than the claim still says it; left out without
    ``entailment``, the neutral pairs unchanged). ``encode`` embeds texts (unit-length rows)."""
    from rapidfuzz import fuzz

    rng = random.Random(seed + 2)
    out: list[PairExample] = []
    for path in speech_files(folder):
        sents = speech_sentences(path.read_text(encoding="utf-8"))
        if len(sents) < 8:
            continue
        vecs = encode(sents)
        for i in sorted(rng.sample(range(len(sents)), min(per_speech, len(sents)))):
            sims = vecs @ vecs[i]
            order = [int(j) for j in sims.argsort()[::-1] if abs(int(j) - i) > 1]
            near = next(
                (
                    j
                    for j in order
                    if _NEAR_MIN <= sims[j] < _NEAR_MAX
                    and fuzz.token_set_ratio(sents[i], sents[j]) < _WORDS_ALIKE_MAX
                ),
                None,
            )
            if near is not None:
                lo = near - (rng.random() < 0.5)
                premise = " ".join(sents[max(0, lo) : near + 1])
                if abs(max(0, lo) - i) > 1 and sents[i] not in premise:  # a refrain repeats
                    out.append(PairExample(premise, sents[i], 1, "speech-neutral"))
            if rng.random() < 0.5:
                parts = [p.strip() for p in sents[i].split(",") if len(p.split()) >= 6]
                claim = max(parts, key=len) if parts and rng.random() < 0.5 else sents[i]
                lo = max(0, i - rng.randint(0, 1))
                premise = " ".join(sents[lo : min(len(sents), lo + rng.randint(2, 3))])
                if claim in premise and entailment:
                    out.append(PairExample(premise, claim, 0, "speech-entailment"))
    return out


def with_context(examples: list[PairExample], share: float, seed: int) -> list[PairExample]:
    """A seeded ``share`` of the pairs get another pair's premise before or after their own:
    the engine gives the model windows of adjacent sentences, and unrelated words beside a
    premise change nothing of what it says."""
    if share <= 0 or len(examples) < 2:
        return examples
    rng = random.Random(seed + 3)
    out = []
    for e in examples:
        if rng.random() < share:
            other = examples[rng.randrange(len(examples))].premise
            premise = f"{other} {e.premise}" if rng.random() < 0.5 else f"{e.premise} {other}"
            e = PairExample(premise, e.hypothesis, e.label, e.set)
        out.append(e)
    return out


def holdout_split(
    examples: list[PairExample], n: int, seed: int
) -> tuple[list[PairExample], list[PairExample]]:
    """(kept for training, held out for calibration): a seeded sample of ``n`` pairs of the
    training folder; the same data and seed always hold out the same pairs."""
    if not n:
        return examples, []
    if n >= len(examples):
        raise InputError(
            f"{len(examples)} training pairs cannot spare {n} for calibration: give more pairs "
            "or a smaller --holdout"
        )
    picked = set(random.Random(seed + 1).sample(range(len(examples)), n))
    return (
        [e for i, e in enumerate(examples) if i not in picked],
        [e for i, e in enumerate(examples) if i in picked],
    )


def speech_files(folder: Path) -> list[Path]:
    """The speeches ``load_speech_pairs`` reads (see ``SPEECH_RESIDUES``)."""
    return [p for n, p in enumerate(sorted(folder.glob("*.txt"))) if n % 10 in SPEECH_RESIDUES]


def input_files(data: Path, dev: Path | None, speeches: Path | None = None) -> list[Path]:
    files = sorted(data.glob("*.jsonl.gz"))
    if dev is not None:
        files += [
            p
            for p in (
                dev / "mrpc" / "msr_paraphrase_train.txt",
                dev / "sick" / "SICK_train.txt",
                dev / "stsb" / "sts-train.csv",
            )
            if p.exists()
        ]
    if speeches is not None:
        files += speech_files(speeches)
    return files
