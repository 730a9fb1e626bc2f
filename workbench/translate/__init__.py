"""Machine translation of Russian and Ukrainian segments into English.

Public API (what the CLI, the app and the other stages call):
- `translate_documents(store, config, doc_refs, story=..., all_docs=..., ...)` -> `TranslateReport`
- `load_engine(config, lang, engine_name=None)` -> an engine with `.translate(texts, required_terms)`
  and `.model_id`, loaded once per process
- `ModelUnavailable`: the one-line error when a model cannot be had
- `engine.score(texts, english)` -> [(tokens, log-probs)]: forced decoding of any English
- `external.import_mt(store, config, doc, path, engine, actor)`: another system's MT stored as MT;
  `external.score_document(store, config, doc)`: token scores for edited or imported English
"""

from .engines import ENGINES, Engine, EngineSpec, Hypothesis, engine_spec, load_engine, split_to_fit
from .models import ModelRef, ModelUnavailable, resolve_model
from .pipeline import TranslateReport, required_terms, select_documents, translate_documents

__all__ = [
    "ENGINES", "Engine", "EngineSpec", "Hypothesis", "ModelRef", "ModelUnavailable", "TranslateReport",
    "engine_spec", "load_engine", "required_terms", "resolve_model", "select_documents", "split_to_fit",
    "translate_documents",
]
