"""Measure the readers: encoding detection accuracy, PDF extractors, read_text speed.

    python benchmarks/bench_readers.py                 # all three parts
    python benchmarks/bench_readers.py --part encoding --encoding-module path/to/encoding.py
    python benchmarks/bench_readers.py --part pdf --pages 60

1. encoding: texts of our own (and ../shared/seeds when present) written in every
   supported encoding at lengths from 4 to 3,000 characters, plus random and compressed
   binary data; a decoding counts only if it reproduces the text exactly, binary data
   only if it is refused. xuncha_nlp.encoding.decode_bytes (or the module given with
   --encoding-module, e.g. a proposed replacement) is compared with charset-normalizer.
2. pdf: a generated PDF (reportlab, STSong-Light) read by pypdf, pdfminer.six and, when
   installed, pypdfium2: characters recovered in order after xuncha_nlp.pdf.join_lines,
   paragraphs recovered whole, and seconds as a ratio to pypdf.
3. speed: read_text over generated .txt (GB18030), .docx, .pdf and .html files, in MB/s
   of extracted text and as a ratio to jieba.lcut over the same text in the same run.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import sys
import tempfile
import time
import zlib
from collections import Counter
from collections.abc import Callable
from difflib import SequenceMatcher
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

SENTENCES = (
    "市委第三巡察组对县林业局党组开展了常规巡察，发现问题线索五件。",
    "巡察组指出，该单位落实全面从严治党主体责任不够到位，“一岗双责”履行有差距。",
    "截至目前，已整改问题42个，建章立制16项，追回资金300余万元。",
    "被巡察党组织要坚持边巡边改、立行立改，确保整改工作取得实效。",
    "反馈会上，巡察组组长通报了巡察发现的主要问题，并提出整改意见建议。",
    "本轮巡察共受理群众来信来访213件次，个别谈话180人次。",
    "部分干部担当作为意识不强，对群众反映强烈的问题推诿扯皮。",
    "专项资金管理使用不规范，存在超范围列支、虚列支出等情况。",
    "选人用人把关不严，干部档案管理混乱，个别干部“带病提拔”。",
    "基层党组织建设薄弱，“三会一课”制度落实流于形式。\n",
    "2023年第2轮巡察对12个乡镇党委进行了“机动式”巡察。\r\n",
    "一、巡察工作基本情况\n",
    "（二）关于落实意识形态工作责任制的问题。\n",
    "对巡察移交的问题线索，县纪委监委已立案审查调查3人，给予党纪政务处分5人。",
    "巡察整改不是“一阵风”，要建立长效机制，防止问题反弹回潮。",
)
LENGTHS = (4, 8, 12, 20, 40, 80, 300, 3000)
PER_CELL = 25
SEEDS = ROOT.parent / "shared" / "seeds"


def _load_decoder(path: str | None) -> Callable[[bytes], str]:
    if path is None:
        from xuncha_nlp.encoding import decode_bytes
    else:
        import xuncha_nlp

        spec = importlib.util.spec_from_file_location("xuncha_nlp._candidate_encoding", path)
        if spec is None or spec.loader is None:
            raise SystemExit(f"cannot load {path}")
        module: ModuleType = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        assert xuncha_nlp  # the package must exist for the module's relative imports
        spec.loader.exec_module(module)
        decode_bytes = module.decode_bytes
    return lambda data: decode_bytes(data).text


def _charset_normalizer() -> Callable[[bytes], str] | None:
    try:
        import charset_normalizer
    except ImportError:
        return None

    def decode(data: bytes) -> str:
        best = charset_normalizer.from_bytes(data).best()
        if best is None:
            raise ValueError("no encoding")
        return str(best)

    return decode


def _encoding_cases() -> tuple[list[tuple[str, str, str, bytes]], list[tuple[str, bytes]]]:
    import opencc

    rng = random.Random(2023)
    traditional = [opencc.OpenCC("s2tw").convert(s) for s in SENTENCES]
    texts: list[tuple[str, str]] = []  # (kind, text)
    for kind, pool in (("simp", SENTENCES), ("trad", traditional)):
        for length in LENGTHS:
            for _ in range(PER_CELL):
                text = "".join(rng.choice(pool) for _ in range(length // 10 + 2))[:length]
                texts.append((f"{kind}/{length}", text))
    if SEEDS.is_dir():
        texts += [("seed", p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    codecs_by_kind = {
        "simp": ("utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be"),
        "trad": ("utf-8", "gb18030", "big5", "cp950", "utf-16", "utf-16-le", "utf-16-be"),
        "seed": ("utf-8", "gb18030", "big5hkscs", "utf-16-le", "utf-16-be"),
    }
    cases = []
    for label, text in texts:
        for codec in codecs_by_kind[label.split("/")[0]]:
            try:
                cases.append((codec, label, text, text.encode(codec)))
            except UnicodeEncodeError:
                continue
    binaries = []
    for size in (16, 64, 512, 4096, 65536):
        for _ in range(10):
            noise = os.urandom(size)
            binaries.append((f"random/{size}", noise))
            binaries.append((f"random-no-NUL/{size}", bytes(b or 1 for b in noise)))
            packed = zlib.compress(os.urandom(size // 2) + "巡察".encode() * (size // 4))
            binaries.append((f"zlib/{size}", packed[:size]))
    return cases, binaries


def bench_encoding(module_path: str | None) -> None:
    cases, binaries = _encoding_cases()
    decoders: dict[str, Callable[[bytes], str]] = {
        "decode_bytes" if module_path is None else f"decode_bytes ({module_path})":
            _load_decoder(module_path)}
    other = _charset_normalizer()
    if other is not None:
        decoders["charset-normalizer"] = other
    print(f"== encoding detection: {len(cases)} texts (exact text required), "
          f"{len(binaries)} binary blobs (refusal required)")
    for name, decode in decoders.items():
        right: Counter[str] = Counter()
        total: Counter[str] = Counter()
        fails: Counter[str] = Counter()
        start = time.perf_counter()
        for codec, label, text, data in cases:
            length = label.split("/")[-1]
            band = "seed" if label == "seed" else ("<=20 chars" if int(length) <= 20
                                                   else ">20 chars")
            total[band] += 1
            try:
                ok = decode(data).lstrip("\ufeff") == text
            except Exception:
                ok = False
            right[band] += ok
            if not ok:
                fails[f"{codec} {label}"] += 1
        refused = 0
        accepted: Counter[str] = Counter()
        for label, data in binaries:
            try:
                decode(data)
                accepted[label] += 1
            except Exception:
                refused += 1
        seconds = time.perf_counter() - start
        all_right, all_total = sum(right.values()), sum(total.values())
        print(f"  {name}: {all_right}/{all_total} = {100 * all_right / all_total:.1f}% exact; "
              + ", ".join(f"{band} {right[band]}/{total[band]}" for band in sorted(total))
              + f"; binary refused {refused}/{len(binaries)}; {seconds:.2f} s")
        if fails:
            print("    worst cells:", ", ".join(f"{k} x{v}" for k, v in fails.most_common(6)))
        if accepted:
            print("    binary accepted:", ", ".join(f"{k} x{v}" for k, v in
                                                     accepted.most_common(6)))


def bench_pdf(pages: int) -> None:
    import pypdf
    from io_fixtures import write_pdf
    from pdfminer.high_level import extract_text

    from xuncha_nlp.pdf import join_lines

    rng = random.Random(7)
    paragraphs = tuple("".join(rng.choice(SENTENCES).strip() for _ in range(rng.randint(1, 4)))
                       for _ in range(pages * 5))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.pdf"
        # write_pdf skips through pytest.importorskip, harmless outside pytest.
        n_pages = write_pdf(path, paragraphs=paragraphs, page_height=842)
        truth = "".join("".join(paragraphs).split())

        def run_pypdf() -> list[str]:
            return [p.extract_text() or "" for p in pypdf.PdfReader(path).pages]

        def run_pdfminer() -> list[str]:
            return extract_text(str(path)).split("\f")

        runs: dict[str, Callable[[], list[str]]] = {"pypdf": run_pypdf,
                                                    "pdfminer.six": run_pdfminer}
        try:  # not a dependency: measured when installed, as a candidate
            import pypdfium2

            def run_pdfium() -> list[str]:
                document = pypdfium2.PdfDocument(str(path))
                try:
                    return [document[i].get_textpage().get_text_range()
                            for i in range(len(document))]
                finally:
                    document.close()

            runs["pypdfium2"] = run_pdfium
        except ImportError:
            pass
        print(f"== PDF text layer: {n_pages} pages, {len(truth)} characters of text")
        timings = {}
        for name, run in runs.items():
            best, out = float("inf"), []
            for _ in range(3):
                start = time.perf_counter()
                out = run()
                best = min(best, time.perf_counter() - start)
            timings[name] = best
            got = "".join("".join(out).split())
            got_body = "".join("".join(join_lines(out).split("\n")).split())
            matcher = SequenceMatcher(None, truth, got_body, autojunk=False)
            recovered = sum(b.size for b in matcher.get_matching_blocks()) / len(truth)
            lines = set(join_lines(out).split("\n"))
            whole = sum(p in lines for p in paragraphs) / len(paragraphs)
            print(f"  {name}: {best:.3f} s (best of 3); raw text {len(got)} chars; "
                  f"after join_lines {100 * recovered:.2f}% of the characters in order, "
                  f"{100 * whole:.1f}% of paragraphs exactly one line each")
        for name, seconds in timings.items():
            if name != "pypdf":
                print(f"  {name} / pypdf time ratio: {seconds / timings['pypdf']:.2f}x")


def bench_speed() -> None:
    import docx
    import jieba
    from io_fixtures import GOV_PAGE, write_pdf

    from xuncha_nlp.io import read_text

    jieba.setLogLevel(60)
    jieba.initialize()
    rng = random.Random(11)
    paragraphs = ["".join(rng.choice(SENTENCES).strip() for _ in range(5)) for _ in range(60)]
    body = "\n".join(paragraphs)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = {
            "txt (UTF-8)": folder / "u.txt",
            "txt (GB18030)": folder / "g.txt",
            "docx": folder / "r.docx",
            "pdf": folder / "r.pdf",
            "html (GBK)": folder / "r.html",
        }
        files["txt (UTF-8)"].write_bytes(body.encode())
        files["txt (GB18030)"].write_bytes(body.encode("gb18030"))
        document = docx.Document()
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
        document.save(str(files["docx"]))
        write_pdf(files["pdf"], paragraphs=tuple(paragraphs), page_height=842)
        article = "".join(f"<p>{p}</p>" for p in paragraphs)
        editor = '<div class="TRS_Editor">'
        page = GOV_PAGE.replace(editor, editor + article)
        files["html (GBK)"].write_bytes(page.encode("gbk"))
        print(f"== read_text speed on one report of {len(body)} characters in each format "
              "(ratio to jieba.lcut over the same text, same run)")
        for name, path in files.items():
            text = read_text(path).text
            megabytes = len(text.encode()) / 1e6
            repeat = 10
            start = time.perf_counter()
            for _ in range(repeat):
                read_text(path)
            read_seconds = (time.perf_counter() - start) / repeat
            start = time.perf_counter()
            for _ in range(repeat):
                jieba.lcut(text)
            jieba_seconds = (time.perf_counter() - start) / repeat
            print(f"  {name}: {1000 * read_seconds:.1f} ms per file, "
                  f"{megabytes / read_seconds:.2f} MB/s of text; "
                  f"{jieba_seconds / read_seconds:.2f}x the speed of jieba.lcut "
                  f"({1000 * jieba_seconds:.1f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=["encoding", "pdf", "speed", "all"], default="all")
    parser.add_argument("--encoding-module", help="an alternative encoding.py to measure")
    parser.add_argument("--pages", type=int, default=40, help="pages of the PDF (part pdf)")
    args = parser.parse_args()
    if args.part in ("encoding", "all"):
        bench_encoding(args.encoding_module)
    if args.part in ("pdf", "all"):
        bench_pdf(args.pages)
    if args.part in ("speed", "all"):
        bench_speed()


if __name__ == "__main__":
    main()
