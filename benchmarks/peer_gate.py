"""The gate's peers on the benchmark's text (run in the peers' environment by bench_gate.py).

    python benchmarks/peer_gate.py TEXT.json OUT.json WORKDIR

TEXT.json holds the labelled sentences and the chunks of the dense and sparse corpora, cut
by bench_gate.py exactly as spilldesk reads them. Two peers:
- Presidio: presidio-analyzer with a blank spaCy pipeline (pattern recognizers only),
  `entities=` restricted to the types both tools find, the same score threshold as
  spilldesk's line between a finding and a hint;
- DataFog: its regex annotator (the engine it uses when no model is installed).
Each reports spans on the sentences and CPU seconds per corpus (process time: per core).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import spacy
from datafog.processing.text_processing.regex_annotator.regex_annotator import RegexAnnotator
from presidio_analyzer import AnalyzerEngine
from presidio_analyzer.nlp_engine import NlpEngineProvider

PRESIDIO_ENTITIES = ["PHONE_NUMBER", "EMAIL_ADDRESS", "US_SSN"]
DATAFOG_LABELS = ["EMAIL", "PHONE", "SSN", "DOB"]


def presidio(workdir: Path, threshold: float):  # type: ignore[no-untyped-def]
    blank = workdir / "blank_en"
    spacy.blank("en").to_disk(blank)
    config = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": str(blank)}]}
    engine = AnalyzerEngine(nlp_engine=NlpEngineProvider(nlp_configuration=config).create_engine(),
                            supported_languages=["en"])

    def find(text: str) -> list[list[object]]:
        found = engine.analyze(text, language="en", entities=PRESIDIO_ENTITIES,
                               score_threshold=threshold)
        return [[r.entity_type, r.start, r.end] for r in found]

    return find


def datafog():  # type: ignore[no-untyped-def]
    annotator = RegexAnnotator(enabled_labels=DATAFOG_LABELS)

    def find(text: str) -> list[list[object]]:
        _, result = annotator.annotate_with_spans(text)
        return [[s.label, s.start, s.end] for s in result.spans]

    return find


def measure(find, chunks: list[str]) -> dict[str, float]:  # type: ignore[no-untyped-def]
    find("warm up 212-555-0188 jane@example.org")
    started = time.process_time()
    for chunk in chunks:
        find(chunk)
    return {"bytes": sum(len(c.encode()) for c in chunks), "seconds": time.process_time() - started}


def main() -> None:
    source, out, workdir = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    text = json.loads(source.read_text(encoding="utf-8"))
    peers = {"presidio": presidio(workdir, text["threshold"]), "datafog": datafog()}
    answer = {}
    for name, find in peers.items():
        answer[name] = {
            "spans": [find(sentence) for sentence in text["sentences"]],
            "dense": measure(find, text["dense"]),
            "sparse": measure(find, text["sparse"]),
        }
    out.write_text(json.dumps(answer), encoding="utf-8")


if __name__ == "__main__":
    main()
