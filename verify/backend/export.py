"""ONNX export of transformer models (the embedder's and the verdict model's), offline, from
local files; what an export of a sentence-transformers model depends on."""

from __future__ import annotations

import io
import os

#: Bumped when the export changes, so old exports in the cache are not reused.
EXPORT_VERSION = "1"


def model_files(path: str) -> dict[str, object]:
    """What an ONNX export depends on: the model's modules, pooling and sequence length;
    None where the model has a layout the ONNX path does not reproduce."""
    import json

    def read(name: str) -> dict:  # type: ignore[type-arg]
        full = os.path.join(path, name)
        if not os.path.exists(full):
            return {}
        with open(full, encoding="utf-8") as fh:
            data = json.load(fh)
        return data if isinstance(data, dict) else {"list": data}

    modules = read("modules.json").get("list", [])
    kinds = [m.get("type", "").rsplit(".", 1)[-1] for m in modules]
    if kinds not in (["Transformer", "Pooling", "Normalize"], ["Transformer", "Pooling"]):
        return {}
    pooling = read(os.path.join(modules[1].get("path", "1_Pooling"), "config.json"))
    mode = (
        "mean"
        if pooling.get("pooling_mode_mean_tokens")
        else "cls"
        if pooling.get("pooling_mode_cls_token")
        else None
    )
    weights = os.path.join(path, "model.safetensors")
    if (
        mode is None
        or not os.path.exists(weights)
        or not os.path.exists(os.path.join(path, "tokenizer.json"))
    ):
        return {}
    return {
        "pooling": mode,
        "max_seq_length": int(read("sentence_bert_config.json").get("max_seq_length", 256)),
        "weights": weights,
    }


def export_onnx(path: str, target: str | io.BytesIO) -> None:
    """Export a sentence-transformers model's transformer to ONNX (opset 17), offline,
    from its local files; written to a temporary name and renamed, so two runs exporting
    at once both end with a whole file (or into ``target`` when it is a buffer)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    base = AutoModel.from_pretrained(path, local_files_only=True)
    export_transformer(base, "last_hidden_state", target, [101, 7592, 2088, 102], [0, 0, 0, 0])


def export_transformer(
    model, output: str, target: str | io.BytesIO, ids: list[int], type_ids: list[int]
) -> None:  # type: ignore[no-untyped-def]
    """torch.onnx.export of a BERT-style model's ``output`` (``last_hidden_state`` or
    ``logits``): opset 17, inputs ``input_ids``, ``attention_mask``, ``token_type_ids``, batch
    and length dynamic; written to a temporary name and renamed, so two runs exporting at once
    both end with a whole file (or into ``target`` when it is a buffer). ``ids``/``type_ids``:
    one example input."""
    if isinstance(target, io.BytesIO):
        _torch_export(model, output, target, ids, type_ids)
        return
    os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
    tmp = f"{target}.{os.getpid()}.tmp"
    try:
        _torch_export(model, output, tmp, ids, type_ids)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _torch_export(
    model, output: str, into: str | io.BytesIO, ids: list[int], type_ids: list[int]
) -> None:  # type: ignore[no-untyped-def]
    import warnings

    import onnx  # noqa: F401  # torch.onnx.export writes through it; a declared dependency
    import torch

    model.eval()

    class Output(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
            return getattr(
                self.inner(
                    input_ids=input_ids,
                    attention_mask=attention_mask,
                    token_type_ids=token_type_ids,
                ),
                output,
            )

    example = torch.tensor([ids])
    axes = {0: "batch", 1: "tokens"}
    out_axes = axes if output == "last_hidden_state" else {0: "batch"}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Output(model),
            (example, torch.ones_like(example), torch.tensor([type_ids])),
            into,  # type: ignore[arg-type]  # the legacy exporter takes a buffer too
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=[output],
            opset_version=17,
            dynamo=False,
            dynamic_axes={
                "input_ids": axes,
                "attention_mask": axes,
                "token_type_ids": axes,
                output: out_axes,
            },
        )
