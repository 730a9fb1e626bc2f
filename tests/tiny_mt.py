"""Tiny translation models for tests: real architectures, tiny sizes, tokenizers trained on corpus text.

The builders write a checkpoint with `save_pretrained` (weights, config, generation config and
tokenizer files laid out like the hub checkpoints), so the code under test loads them through the
same `from_pretrained` path as `Helsinki-NLP/opus-mt-ru-en` or `facebook/nllb-200-distilled-600M`.
Weights are random (seeded): outputs are deterministic nonsense, which is all the engine tests need.
Other test modules may reuse `build_tiny_marian` and `build_tiny_nllb`.
"""

from __future__ import annotations

import io
import json
import warnings
from pathlib import Path

import sentencepiece as spm
import torch

CORPUS = Path(__file__).resolve().parents[1] / "corpus"

# English side of the tokenizers: news-like sentences written for these tests (the corpus is
# Russian and Ukrainian only).
ENGLISH = """\
The United States said there were no firm commitments ahead of security talks with Russia.
Russian President Vladimir Putin attends a meeting on the sidelines of the climate summit in Glasgow.
Talks between Washington and Moscow took place against the background of Russian troops on the border.
A senior administration official warned Russia about disinformation ahead of the diplomatic talks.
The delegations agreed to continue consultations on strategic stability next week in Geneva.
The deputy foreign minister said sanctions would follow any new aggression against Ukraine.
Parliament approved the budget after a long debate about defence spending and energy prices.
The government announced new measures to support farmers affected by the drought.
Officials in Kyiv said the ceasefire was violated several times during the night.
The central bank raised its key interest rate to slow inflation, which reached a five-year high.
NATO allies discussed the deployment of additional forces to the eastern flank of the alliance.
The Verkhovna Rada adopted the law on indigenous peoples in the second reading.
Prime minister Denys Shmyhal met the heads of regional military administrations on Monday.
According to the ministry of health, the number of new infections fell for the third week in a row.
Gas supplies through the pipeline were reduced by half, the operator said in a statement.
Journalists were not allowed to enter the courtroom, and the hearing was postponed until March.
The mayor said the city would restore heating in all schools and hospitals before the weekend.
Protesters gathered outside the embassy demanding the release of the detained activists.
The foreign ministry summoned the ambassador to explain the statements of his government.
Exports of grain through the Black Sea ports resumed after months of negotiations.
The president signed a decree on the mobilisation of reservists and the protection of critical infrastructure.
Analysts expect the economy to grow by three percent this year despite the war.
The commission will publish its report on the causes of the accident in January.
Security guarantees for Ukraine were the main topic of the summit in Brussels.
The opposition leader was sentenced to nine years in prison on charges his supporters call political.
"""


def corpus_text(langs: tuple[str, ...] = ("ru", "uk")) -> list[str]:
    """Lines of the seed articles (both languages: the tiny models serve Russian and Ukrainian)."""
    lines: list[str] = []
    for path in sorted(CORPUS.glob("*.txt")):
        lines += [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return lines


def train_sentencepiece(lines: list[str], vocab_size: int, path: Path) -> spm.SentencePieceProcessor:
    """Train a unigram SentencePiece model on `lines` and write it to `path`."""
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=buf, vocab_size=vocab_size, model_type="unigram",
        character_coverage=1.0, hard_vocab_limit=False, minloglevel=2, num_threads=1,
    )
    path.write_bytes(buf.getvalue())
    return spm.SentencePieceProcessor(model_file=str(path))


def build_tiny_marian(out_dir: Path, *, seed: int = 0, d_model: int = 32, layers: int = 1,
                      max_positions: int = 256, src_vocab: int = 600, tgt_vocab: int = 400,
                      init_std: float = 0.5, vocab_size: int | None = None) -> Path:
    """A MarianMT checkpoint laid out like opus-mt: source.spm, target.spm, shared vocab.json.

    `vocab_size` pads the shared vocabulary with filler entries to a real checkpoint's size
    (opus-mt-ru-en: 62,518), for tests of what scales with the vocabulary.

    As in the opus-mt checkpoints, vocab.json holds </s> and <unk> first and <pad> last, and the
    model's vocab_size is the length of that vocabulary (pad = decoder start = vocab_size - 1).
    A large `init_std` makes the random model's next-token distributions peaked, so that greedy
    outputs of two implementations (transformers, CTranslate2) do not hinge on near-ties.
    """
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    src = train_sentencepiece(corpus_text(), src_vocab, out_dir / "source.spm")
    tgt = train_sentencepiece(ENGLISH.splitlines(), tgt_vocab, out_dir / "target.spm")
    vocab: dict[str, int] = {"</s>": 0, "<unk>": 1}
    for proc in (src, tgt):
        for i in range(proc.get_piece_size()):
            piece = proc.id_to_piece(i)
            if piece not in ("<unk>", "<s>", "</s>") and piece not in vocab:
                vocab[piece] = len(vocab)
    while vocab_size is not None and len(vocab) < vocab_size - 1:
        vocab[f"▁filler{len(vocab)}"] = len(vocab)
    vocab["<pad>"] = len(vocab)
    (out_dir / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*sacremoses.*")  # optional punctuation normaliser
        tok = MarianTokenizer(source_spm=str(out_dir / "source.spm"), target_spm=str(out_dir / "target.spm"),
                              vocab=str(out_dir / "vocab.json"), source_lang="ru", target_lang="en",
                              model_max_length=max_positions)
    tok.save_pretrained(out_dir)

    pad = vocab["<pad>"]
    cfg = MarianConfig(
        vocab_size=len(vocab), d_model=d_model, encoder_layers=layers, decoder_layers=layers,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=2 * d_model,
        decoder_ffn_dim=2 * d_model, max_position_embeddings=max_positions, pad_token_id=pad,
        eos_token_id=0, decoder_start_token_id=pad, forced_eos_token_id=0, init_std=init_std,
        share_encoder_decoder_embeddings=True, scale_embedding=True,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(cfg)
    model.generation_config = GenerationConfig(
        bad_words_ids=[[pad]], decoder_start_token_id=pad, eos_token_id=0, forced_eos_token_id=0,
        pad_token_id=pad, max_length=max_positions, num_beams=4,
    )
    model.save_pretrained(out_dir)
    return out_dir


def build_tiny_nllb(out_dir: Path, *, seed: int = 0, d_model: int = 32, layers: int = 1,
                    max_positions: int = 256, vocab_size: int = 500, init_std: float = 0.5) -> Path:
    """An NLLB-style M2M100 checkpoint: a BPE tokenizer (tokenizers library) trained on corpus and
    English text, wrapped in `NllbTokenizer` with its language codes (rus_Cyrl, ukr_Cyrl, eng_Latn).
    """
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import GenerationConfig, M2M100Config, M2M100ForConditionalGeneration, NllbTokenizer

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    bpe = Tokenizer(models.BPE(unk_token="<unk>"))
    bpe.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=specials, show_progress=False)
    bpe.train_from_iterator(corpus_text() + ENGLISH.splitlines(), trainer=trainer)
    state = json.loads(bpe.to_str())["model"]
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in state["merges"]]
    tok = NllbTokenizer(vocab=state["vocab"], merges=merges, src_lang="rus_Cyrl", tgt_lang="eng_Latn",
                        model_max_length=max_positions)
    tok.save_pretrained(out_dir)

    cfg = M2M100Config(
        vocab_size=len(tok), d_model=d_model, encoder_layers=layers, decoder_layers=layers,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=2 * d_model,
        decoder_ffn_dim=2 * d_model, max_position_embeddings=max_positions, pad_token_id=tok.pad_token_id,
        bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id, decoder_start_token_id=tok.eos_token_id,
        init_std=init_std, scale_embedding=True,
    )
    torch.manual_seed(seed)
    model = M2M100ForConditionalGeneration(cfg)
    model.generation_config = GenerationConfig(
        bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id,
        decoder_start_token_id=tok.eos_token_id, max_length=max_positions,
    )
    model.save_pretrained(out_dir)
    return out_dir
