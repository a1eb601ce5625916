"""A corpus of inspection reports full of statistics, generated from sentences written for this
project (never from the seeds or any published report).

Each document is a yearly summary, a feedback notice or a rectification notice: a title, then
paragraphs mixing prose with statistic sentences whose numbers, rounds and units vary. Numbers
are written Arabic, Chinese, approximate, as ranges and redacted, so the extractor does its full
work; a share of the sentences carries statistics (see ``stats_documents``), many with money,
so JioNLP's money extractor has work too.
"""

from __future__ import annotations

import random
import re

_CN = "零一二三四五六七八九"


def _cn(n: int) -> str:
    """A small Chinese numeral (1..99)."""
    if n < 10:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")


def _num(rng: random.Random, lo: int, hi: int) -> str:
    n = rng.randint(lo, hi)
    style = rng.random()
    if style < 0.12 and n < 100:
        return _cn(n)
    if style < 0.2:
        return f"{n}余"
    if style < 0.24:
        return "xx"
    return str(n)


def _money(rng: random.Random) -> str:
    style = rng.random()
    if style < 0.4:
        return f"{rng.randint(10, 4000)}万余元"
    if style < 0.7:
        return f"{rng.randint(1, 900)}.{rng.randint(1, 9)}万元"
    if style < 0.85:
        return f"{rng.randint(1, 9)}.{rng.randint(1, 9)}亿元"
    return f"{rng.randint(1000, 99000)}元"


_ORG = ["县发改委", "县教体局", "县住建局", "县医保局", "县水务集团", "县城投公司", "县农业农村局",
        "县交通运输局", "县市场监管局", "县人社局", "县民政局", "县自然资源局"]
_FIELD = ["乡村振兴", "医疗卫生", "教育", "国有企业", "民生资金", "营商环境", "粮食购销",
          "生态环保"]
_TITLE = ["以巡促治彰显利剑作用——{y}年度县委巡察工作综述",
          "关于县委第{r}轮巡察情况的通报",
          "中共{o}党组关于巡察整改进展情况的通报",
          "聚焦政治监督 推动巡察工作高质量发展"]

_PROSE = [
    "县委坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻中央和省委、市委关于巡视巡察工作的部署要求。",
    "各巡察组紧扣被巡察党组织职能责任，围绕“四个落实”查找政治偏差，既看过程更看结果。",
    "坚持把整改作为巡察工作的落脚点，压实被巡察党组织整改主体责任和书记第一责任人责任。",
    "健全巡察监督与纪检监察监督、组织监督、审计监督贯通协调机制，推动成果共享共用。",
    "县委书记专题会议逐轮听取巡察综合情况汇报，对被巡察党组织“一把手”和领导班子点人点事。",
    "严格落实“三会一课”制度，依托巡察组成立临时党支部，促进党建工作与巡察业务互融互促。",
    "聚焦“两个维护”根本任务，把严的基调、严的措施、严的氛围贯穿巡察全过程。",
    "对整改进度滞后、敷衍整改的单位，县委巡察办会同有关部门跟踪督办，推动以案促改。",
    "一是压实主体责任；二是强化日常监督；三是健全长效机制。",
    "紧盯群众反映强烈的饮水安全、农村道路、养老服务等问题，督促职能部门立行立改。",
    "2023年以来，县委巡察机构深入学习贯彻党的二十大精神和二十届中央纪委三次全会精神。",
    "巡察组进驻期间，通过个别谈话、调阅资料、走访调研等方式深入了解情况。",
    "下一步，县委将坚持巡察利剑高悬不放松，把巡察整改和成果运用做深做实。",
    "推动巡察监督向基层延伸，打通全面从严治党“最后一公里”。",
    "县委常委会先后6次专题研究巡察工作，召开巡察工作领导小组会议12次。",
    "举办巡察业务培训班3期，培训巡察干部160余人次，选派年轻干部参加巡察锻炼。",
    "该局投入资金1200万元用于基层医疗机构标准化建设，项目资金支付进度为63%。",
]


# Slots: {n:a-b} a count written in one of several styles, {i:a-b} a plain integer,
# {cn:a-b} a Chinese numeral, {money}, {pct} a percentage, {org}, {field}.
_STAT_TEMPLATES = [
    "第{cn:1-16}轮巡察对{n:5-40}个党组织开展巡察，发现问题{n:50-900}个，"
    "移交问题线索{n:2-60}件。",
    "{field}专项巡察共发现问题{n:30-400}个，其中{field}领域方面问题{n:5-80}个、"
    "作风建设方面问题{n:5-60}个。",
    "县纪委监委据此立案审查调查{n:3-60}件，给予党纪政务处分{i:3-40}件{i:5-60}人，"
    "移送司法机关{n:1-9}人。",
    "督促有关单位挽回经济损失{money}，追缴违规资金{money}。",
    "截至目前，巡察反馈的{n:20-80}个问题中已完成整改{n:10-60}个，整改完成率{pct}。",
    "十届县委以来累计开展巡察{n:4-14}轮，巡察党组织{n:80-400}个，巡察覆盖率达到{pct}。",
    "推动被巡察单位建立完善制度机制{n:10-200}项，建章立制{n:5-90}项。",
    "对整改不力的{n:2-30}名责任人严肃问责，约谈{org}等单位主要负责人{n:3-25}人。",
    "对{org}、县司法局等{n:3-20}家单位开展常规巡察，梳理出问题{n:30-200}个。",
    "第{cn:1-8}、{cn:9-16}轮巡察共反馈问题{n:100-900}个，已完成整改{n:80-800}个。",
    "{org}党组已整改到位问题{n:10-60}条，清退违规发放津补贴{money}，收缴违纪违法所得{money}。",
    "前{cn:2-9}轮巡察共移交问题线索{n:20-300}件，追责问责{n:5-90}人。",
    "对{n:3-12}个乡镇的{n:20-140}个村（社区）党组织开展巡察，发现问题{i:20-99}至{i:100-199}个。",
]
_SLOT = re.compile(r"\{(\w+)(?::(\d+)-(\d+))?\}")


def _stat_sentence(rng: random.Random) -> str:
    def fill(m: re.Match[str]) -> str:
        kind = m.group(1)
        lo, hi = (int(m.group(2)), int(m.group(3))) if m.group(2) else (0, 0)
        if kind == "n":
            return _num(rng, lo, hi)
        if kind == "i":
            return str(rng.randint(lo, hi))
        if kind == "cn":
            return _cn(rng.randint(lo, hi))
        if kind == "money":
            return _money(rng)
        if kind == "pct":
            return f"{rng.randint(60, 99)}.{rng.randint(0, 9)}%"
        return rng.choice(_ORG if kind == "org" else _FIELD)

    return _SLOT.sub(fill, rng.choice(_STAT_TEMPLATES))


def stats_documents(target_bytes: int, *, seed: int = 7, stat_share: float = 0.15) -> list[str]:
    """Simplified-Chinese documents totalling at least ``target_bytes`` of UTF-8.

    ``stat_share`` is the share of sentences that carry statistics (2-4 each). The default,
    0.15, gives about 3-4 statistics per KB, the density of the most statistic-laden of the
    real seed reports (a yearly summary: 18 in 6 KB); 0.35 gives a corpus denser than any real
    report we have seen.
    """
    rng = random.Random(seed)
    docs: list[str] = []
    total = 0
    while total < target_bytes:
        title = rng.choice(_TITLE).format(y=rng.randint(2019, 2024), r=_cn(rng.randint(1, 16)),
                                          o=rng.choice(_ORG))
        paragraphs = [title]
        for _ in range(rng.randint(5, 12)):
            sentences = []
            for _ in range(rng.randint(3, 7)):
                sentences.append(_stat_sentence(rng) if rng.random() < stat_share
                                 else rng.choice(_PROSE))
            paragraphs.append("".join(sentences))
        doc = "\n".join(paragraphs) + "\n"
        docs.append(doc)
        total += len(doc.encode("utf-8"))
    return docs


def paragraphs(docs: list[str]) -> list[str]:
    """Every non-empty line of the documents: the unit both extractors are timed on."""
    return [p for d in docs for p in d.split("\n") if p.strip()]
