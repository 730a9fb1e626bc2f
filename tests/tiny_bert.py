"""A tiny BERT with random weights and a WordPiece vocabulary trained on the seed corpus.

It goes through the same loading path as bert-base-multilingual-cased (a directory written with
save_pretrained), so the word-alignment tests run the real simalign code without a download.
"""

from __future__ import annotations

from pathlib import Path

# Short English lines so that the vocabulary covers the English side too.
ENGLISH = [
    "The United States said there were no firm commitments ahead of the security talks with Russia.",
    "Russia and NATO will hold a separate meeting on January 12, officials confirmed to CNN.",
    "The White House still believes diplomacy is the most responsible way forward.",
    "Talks between the United States and Russia on security ended in Geneva after almost eight hours.",
]


def corpus_lines(corpus: Path) -> list[str]:
    return [line for p in sorted(corpus.glob("*.txt")) for line in p.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def build_tiny_bert(directory: Path, texts: list[str], *, layers: int = 2, seed: int = 0) -> Path:
    """Train a cased WordPiece tokenizer on `texts`, save it and a random tiny BERT to `directory`."""
    import torch
    from tokenizers import BertWordPieceTokenizer
    from transformers import BertConfig, BertModel, BertTokenizerFast

    directory.mkdir(parents=True, exist_ok=True)
    wordpiece = BertWordPieceTokenizer(lowercase=False, strip_accents=False, clean_text=True)
    wordpiece.train_from_iterator(texts + ENGLISH, vocab_size=1000, min_frequency=1)
    wordpiece.save_model(str(directory))
    tokenizer = BertTokenizerFast(vocab_file=str(directory / "vocab.txt"), do_lower_case=False,
                                  strip_accents=False)
    tokenizer.save_pretrained(directory)
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=layers,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=256)
    torch.manual_seed(seed)
    BertModel(config).save_pretrained(directory)
    return directory
