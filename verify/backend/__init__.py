"""Model backends: the only code that loads a model or creates an ONNX session.

``onnx`` (one session and tokenizer loader), ``embedder`` (sentence embeddings), ``classifier``
(the verdict and strength models), ``export`` (ONNX export of the embedder), ``protocols`` (what
callers may use of each model), ``models`` (the bundle a run is given, built from Settings)."""
