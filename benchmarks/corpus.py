"""Build benchmark corpora from the project's own texts (never from the seeds).

Sources: tests/data/passages.txt and examples/reports/*.txt, all written for this project.
"""

from __future__ import annotations

import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The real published pages beside the repository (CI and developers have them).
SEEDS = ROOT.parent / "shared" / "seeds"
_FURNITURE_HEAD = ["來源：縣紀委監委網站  發布時間：2024-05-06", "【字體：大 中 小】"]
_FURNITURE_TAIL = ["責編：王某", "掃一掃在手機打開當前頁", "【打印本頁】【關閉窗口】"]


def own_paragraphs() -> list[str]:
    """Every paragraph of our own passages and example reports, simplified."""
    from xuncha_nlp.encoding import decode_bytes
    from xuncha_nlp.normalize import normalize

    texts = [(ROOT / "tests" / "data" / "passages.txt").read_text(encoding="utf-8")]
    for path in sorted((ROOT / "examples" / "reports").glob("*.txt")):
        texts.append(decode_bytes(path.read_bytes()).text)
    paragraphs: list[str] = []
    for text in texts:
        for para in normalize(text).text.split("\n"):
            para = para.strip()
            if len(para) >= 20 and not para.startswith("#"):
                paragraphs.append(para)
    return paragraphs


def corrupt(text: str, rng: random.Random, *, pinyin_rate: float = 0.08,
            comma_rate: float = 1.0) -> str:
    """Traditional script with scrape artefacts: pinyin annotations (neutral tones too) and
    doubled or clashing commas, periods and enumeration commas."""
    from tests.scraped import corrupt_variant

    return corrupt_variant(text, seed=rng, pinyin_rate=pinyin_rate, comma_rate=0.5 * comma_rate,
                           period_rate=0.3 * comma_rate, dunhao_rate=0.3 * comma_rate,
                           neutral_tones=True)


def documents(n_bytes: int, *, traditional: bool, seed: int = 7, artefact_share: float = 1.0,
              min_chars: int = 1000, max_chars: int = 2700) -> list[str]:
    """Documents of 3–8 KB (UTF-8) shuffled from our paragraphs until ``n_bytes`` is reached.

    With ``traditional``, every document is converted to traditional script and the share
    ``artefact_share`` of them also gets scrape artefacts (pinyin, messy commas, furniture).
    """
    rng = random.Random(seed)
    paragraphs = own_paragraphs()
    docs: list[str] = []
    total = 0
    while total < n_bytes:
        target = rng.randint(min_chars, max_chars)
        body: list[str] = []
        size = 0
        while size < target:
            para = rng.choice(paragraphs)
            body.append(para)
            size += len(para)
        text = "\n".join(body)
        if traditional and rng.random() < artefact_share:
            text = "\n".join([rng.choice(_FURNITURE_HEAD), corrupt(text, rng),
                              rng.choice(_FURNITURE_TAIL)])
        elif traditional:
            text = corrupt(text, rng, pinyin_rate=0.0, comma_rate=0.0)
        docs.append(text)
        total += len(text.encode("utf-8"))
    return docs
