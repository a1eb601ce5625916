"""Builders for the reader tests: report texts of our own and files made from them.

Every file is generated at test time (docx with python-docx, PDF with reportlab, HTML and
text by hand), so the tests need nothing on disk but the package.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

REPORT = (
    "根据县委统一部署，2023年3月至5月，县委第二巡察组对县自然资源局党组开展了常规巡察。",
    "巡察组坚持问题导向，共开展个别谈话86人次，受理来信来访23件，发现问题41个，"
    "向县纪委监委移交问题线索3件。",
    "巡察发现，局党组落实全面从严治党主体责任不够有力，“一岗双责”履行存在差距；"
    "部分项目审批把关不严，专项资金使用不规范，个别干部违规收受礼金。",
    "下一步，局党组将对照问题清单逐项整改，建立整改台账，确保件件有着落、事事有回音。",
)
REPORT_TEXT = "\n".join(REPORT) + "\n"
# Traditional script, every character in Big5.
REPORT_TRAD = (
    "按照市委部署，市委第四巡察組於2022年秋季對市交通運輸局黨委進行了巡察。\n"
    "巡察組通過聽取彙報、查閱資料、個別談話等方式，共發現問題二十八個，提出整改建議十條。\n"
    "被巡察黨組織要把整改作為重要政治任務，建立工作臺帳，逐項銷號，按期完成。\n"
)
SHORT_GBK = "巡察发现问题线索五件已移交纪委监委处理。"  # 20 characters
SHORT_BIG5 = "巡察發現問題線索五件已移交紀委監委處理。"  # 20 characters
ONE_LINE = "巡察组指出该单位主体责任落实不到位"  # no ASCII at all: no NUL byte in UTF-16

TITLE = "关于县自然资源局党组巡察整改进展情况的通报"
TABLE = (
    ("问题类别", "问题数量", "已整改"),
    ("落实主体责任", "12", "9"),
    ("选人用人", "7", "7"),
)
# Lines of a PDF, one paragraph per entry; long ones wrap over several printed lines.
PDF_PARAGRAPHS = (
    "根据市委统一部署，2023年4月10日至5月31日，市委第二巡察组对市住房和城乡建设局"
    "党组开展了常规巡察，并于7月向局党组反馈了巡察意见。",
    "一、整改工作总体情况",
    "局党组把巡察整改作为重大政治任务，成立由党组书记任组长的整改工作领导小组，召开"
    "专题会议6次，逐条制定整改措施92条，明确责任领导、责任部门和完成时限，实行清单化"
    "管理、销号式推进。",
    "二、巡察反馈问题的整改情况",
    "关于贯彻落实上级决策部署有差距的问题。局党组重新梳理老旧小区改造任务清单，"
    "对进度滞后的14个项目逐一约谈施工单位，目前已完工11个，其余3个预计年底前完成。",
    "关于落实全面从严治党责任不到位的问题。局党组修订完善“一岗双责”责任清单，"
    "开展廉政谈话48人次，对巡察移交的4件问题线索全部办结，给予党纪政务处分3人。",
    "三、下一步工作打算",
    "局党组将持续压紧压实整改责任，对已完成的整改事项开展回头看，防止问题反弹回潮，"
    "切实把巡察整改成果转化为推动住建事业高质量发展的实际成效。",
)
PDF_RUNNING_HEAD = "市住房和城乡建设局党组文件"


def write_docx(path: Path, *, core_title: str | None = None, heading: bool = True) -> None:
    """A report with a heading, paragraphs, a table with a merged cell, a tracked
    insertion and deletion, and a paragraph inside a content control."""
    docx = pytest.importorskip("docx")
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    if core_title is not None:
        document.core_properties.title = core_title
    if heading:
        document.add_heading(TITLE, level=1)
    document.add_paragraph(REPORT[0])
    table = document.add_table(rows=len(TABLE) + 1, cols=3)
    for r, row in enumerate(TABLE):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    merged = table.cell(len(TABLE), 0).merge(table.cell(len(TABLE), 1))
    merged.text = "合计"
    table.cell(len(TABLE), 2).text = "16"
    tracked = document.add_paragraph(REPORT[1][:10])
    tracked._p.append(parse_xml(
        f'<w:ins {nsdecls("w")} w:id="1" w:author="巡察办" w:date="2023-06-01T00:00:00Z">'
        f"<w:r><w:t>{REPORT[1][10:]}</w:t></w:r></w:ins>"))
    tracked._p.append(parse_xml(
        f'<w:del {nsdecls("w")} w:id="2" w:author="巡察办" w:date="2023-06-01T00:00:00Z">'
        "<w:r><w:delText>（此句已删除）</w:delText></w:r></w:del>"))
    control = parse_xml(
        f'<w:sdt {nsdecls("w")}><w:sdtContent><w:p><w:r><w:t>{REPORT[2]}</w:t></w:r></w:p>'
        "</w:sdtContent></w:sdt>")
    document.element.body.insert(len(document.element.body) - 1, control)
    document.add_paragraph("")  # spacing paragraphs are left out
    document.add_paragraph(REPORT[3])
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))


def docx_expected_lines() -> list[str]:
    rows = ["\t".join(row) for row in TABLE]
    return [TITLE, REPORT[0], *rows, "合计\t16", REPORT[1], REPORT[2], REPORT[3]]


def write_pdf(path: Path, *, paragraphs: tuple[str, ...] = PDF_PARAGRAPHS, title: str | None
              = TITLE, running_head: bool = True, page_height: float = 300,
              encrypt: object = None) -> int:
    """A text PDF (reportlab's built-in STSong-Light) laid out like an official document:
    indented first lines, a centred title, a running head and "— n —" page numbers, pages
    short enough that paragraphs run over page breaks. Returns the number of pages."""
    pytest.importorskip("reportlab")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    font, size, left, right, top, bottom = "STSong-Light", 12, 60, 360, page_height - 50, 60
    c = canvas.Canvas(str(path), pagesize=(420, page_height), encrypt=encrypt)
    if title:
        c.setTitle(title)
    pages = 1

    def furniture() -> None:
        c.setFont(font, 9)
        if running_head:
            c.drawCentredString(210, page_height - 30, PDF_RUNNING_HEAD)
        c.drawCentredString(210, 30, f"— {pages} —")

    y = top
    furniture()
    for text in paragraphs:
        heading = len(text) < 16
        indent = 0 if heading else 2 * size
        lines, line = [], ""
        for ch in text:
            width = right - left - (indent if not lines else 0)
            if pdfmetrics.stringWidth(line + ch, font, size) > width:
                lines.append(line)
                line = ch
            else:
                line += ch
        lines.append(line)
        for i, printed in enumerate(lines):
            if y < bottom:
                c.showPage()
                pages += 1
                furniture()
                y = top
            c.setFont(font, size)
            c.drawString(left + (indent if i == 0 else 0), y, printed)
            y -= 20
    c.showPage()
    c.save()
    return pages


def write_blank_pdf(path: Path, *, image: bool) -> None:
    """A PDF without text: an image per page (a scan) or only a drawn frame."""
    pytest.importorskip("reportlab")
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=(420, 400))
    for _ in range(2):
        if image:
            pil = pytest.importorskip("PIL.Image")
            from reportlab.lib.utils import ImageReader

            picture = pil.new("L", (120, 90), color=200)
            c.drawImage(ImageReader(picture), 40, 40, width=340, height=320)
        else:
            c.rect(40, 40, 340, 320)
        c.showPage()
    c.save()


def write_encrypted_pdf(path: Path, *, user_password: str) -> None:
    pytest.importorskip("reportlab")
    from reportlab.lib.pdfencrypt import StandardEncryption

    write_pdf(path, paragraphs=PDF_PARAGRAPHS[:1], running_head=False,
              encrypt=StandardEncryption(user_password, ownerPassword="owner"))


GOV_PAGE = """<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>县委第二巡察组向县自然资源局党组反馈巡察情况_工作动态_某某县纪委监委网站</title>
<meta name="keywords" content="巡察,反馈">
<script type="text/javascript">var _hmt = _hmt || []; document.write("统计代码");</script>
<style>.nav li { float: left; } .footer { color: #666; }</style>
</head><body>
<div class="header"><div class="logo">某某县纪委监委网站</div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/gzdt/">工作动态</a></li>
<li><a href="/xcgz/">巡视巡察</a></li><li><a href="/jdbg/">监督曝光</a></li>
<li><a href="/djfg/">党纪法规</a></li></ul></div></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/gzdt/">工作动态</a></div>
<div class="main-wrap">
 <div class="article">
  <h1>县委第二巡察组向县自然资源局党组反馈巡察情况</h1>
  <div class="info">来源：县委巡察办&nbsp;&nbsp;发布时间：2023-06-12</div>
  <div id="zoom"><div class="TRS_Editor">
   <p>　　6月9日，县委第二巡察组向县自然资源局党组反馈巡察情况。</p>
   <p>　　巡察组指出，局党组落实全面从严治党主体责任不够有力；<br>
   部分项目审批把关不严，专项资金使用不规范。</p>
   <div>　　巡察组要求，局党组要认真对照反馈意见，逐条制定整改措施，
   在规定时限内报送整改情况。</div>
   <table><tr><td>问题类别</td><td>问题数量</td></tr>
   <tr><td>落实主体责任</td><td>12</td></tr></table>
  </div></div>
  <div class="share">分享到：<a href="#">微信</a><a href="#">微博</a></div>
  <div class="print"><a href="javascript:window.print()">【打印本页】</a>
  <a href="javascript:window.close()">【关闭窗口】</a></div>
 </div>
 <div class="sidebar"><h3>相关新闻</h3><ul>
  <li><a href="/1.html">县委第一巡察组召开巡察工作动员会</a></li>
  <li><a href="/2.html">县委巡察办召开巡察整改督导会</a></li></ul></div>
</div>
<div class="footer"><p>主办：某某县纪委监委　ICP备案号：某ICP备12345678号</p>
<script>document.write('<span>访问量</span>')</script></div>
</body></html>
"""
GOV_PAGE_LINES = [
    "　　6月9日，县委第二巡察组向县自然资源局党组反馈巡察情况。",
    "　　巡察组指出，局党组落实全面从严治党主体责任不够有力；",
    "部分项目审批把关不严，专项资金使用不规范。",
    "　　巡察组要求，局党组要认真对照反馈意见，逐条制定整改措施， 在规定时限内报送整改情况。",
    "问题类别\t问题数量",
    "落实主体责任\t12",
]
GOV_PAGE_TITLE = "县委第二巡察组向县自然资源局党组反馈巡察情况"
GOV_PAGE_NOT = ("首页", "当前位置", "分享到", "打印本页", "相关新闻", "主办", "统计代码",
                "_hmt", "访问量", "float", "纪委监委网站")


def truncated(data: bytes, keep: float = 0.5) -> bytes:
    return data[: int(len(data) * keep)]


def zip_bytes(members: dict[str, bytes]) -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return buffer.getvalue()
