"""A synthetic corpus of inspection reports for speed benchmarks.

Every sentence below was written for this project in the style of the genre (work
summaries, feedback notices, rectification reports, meeting news); slots are filled from
small lists so that the documents differ in wording, figures and formulations. The corpus
is built deterministically from a seed. A share of the documents is converted to
traditional script (OpenCC s2t) because real input arrives in both scripts.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

PLACES = ["青山区", "柳河县", "东湖市", "南岭县", "白石镇", "西江市", "北林区", "临川县",
          "云台区", "金沙县", "平阳市", "松江新区"]
UNITS = ["市住建局", "县教育局", "区卫健委", "市国资委", "县农业农村局", "区市场监管局",
         "市城投公司", "县人民医院", "区财政局", "市水务集团", "县林业局", "区商务局"]
FORMULATIONS = ["两个维护", "四个意识", "四个自信", "两个确立", "三会一课", "一岗双责",
                "三重一大", "四种形态", "中央八项规定精神", "后半篇文章", "回头看",
                "一把手", "两手抓两手硬", "三个以案", "四个落实", "六围绕一加强",
                "十严禁十不准", "五个持续", "三聚焦", "一县一策", "1+N", "四梁八柱"]
QUOTED = ["政治体检", "一办两组", "回头看", "嵌入式", "点穴式", "机动式", "对账销号",
          "三张清单", "护城河", "灯下黑", "后评估", "硬任务"]
TITLES = ["关于加强巡察整改和成果运用的实施办法", "巡察工作规划（2023—2027年）",
          "被巡察党组织整改工作指引（试行）", "关于推进村（社区）巡察的指导意见",
          "巡察干部教育培训计划"]

SENTENCES = [
    "{year}年以来，{place}委巡察机构坚持以习近平新时代中国特色社会主义思想为指导，"
    "聚焦“{f1}”根本任务，深化政治巡察，推动全面从严治党向基层延伸。",
    "今年共开展{rounds}轮常规巡察，完成对{n1}家单位的巡察，发现问题{n2}个，"
    "移交问题线索{n3}件，督促整改问题{n4}个。",
    "巡察组进驻后，通过个别谈话、调阅资料、下沉走访等方式，对被巡察党组织开展"
    "全方位“{q1}”，精准发现政治偏差。",
    "针对{unit}落实{f2}不到位的问题，巡察组向其党组反馈意见，要求立行立改。",
    "{place}创新“{q2}”工作模式，推动巡察监督与纪检监察监督、组织监督、审计监督"
    "贯通融合，形成监督合力。",
    "坚持把巡察整改作为政治任务，做深做实巡察“{q3}”，建立整改台账，实行对账销号。",
    "对{n5}个单位开展巡察整改质效评估，对整改不力的{n6}家单位进行约谈，"
    "推动{f3}落地见效。",
    "会议强调，要以“{f4}”为牵引，紧盯“一把手”和领导班子，严肃查处形式主义、"
    "官僚主义问题。",
    "各被巡察单位召开巡察整改专题民主生活会，班子成员逐一开展批评和自我批评，"
    "认领问题{n7}个。",
    "制定印发《{title}》，明确整改责任、时限和标准，压实整改主体责任和监督责任。",
    "{unit}党组织落实{f5}不严格，“三会一课”制度执行打折扣，党内政治生活不够严肃。",
    "部分干部担当作为不够，存在“{q4}”思想，推动工作遇到难题绕着走。",
    "巡察发现，{unit}在工程项目招投标、专项资金管理等方面存在廉政风险，"
    "违规发放津贴补贴{n8}万元。",
    "截至{month}月底，{n9}个巡察整改问题已完成整改{n10}个，整改完成率达到{pct}%，"
    "追缴资金{n11}万余元。",
    "{place}纪委监委坚持“{f6}”要求，运用监督执纪四种形态处理{n12}人次，"
    "其中第一种形态{n13}人次。",
    "区委书记在动员部署会上指出，巡察是政治监督，不是业务检查，要准确把握"
    "政治巡察的内涵，切实发挥巡察利剑作用。",
    "巡察组采取“{q5}”方式，对{n14}个村（社区）党组织开展延伸巡察，推动解决群众"
    "急难愁盼问题{n15}件。",
    "推动提级巡察、交叉巡察与常规巡察相结合，破解熟人社会监督难题，做到一届任期内"
    "巡察全覆盖。",
    "把学习贯彻习近平总书记关于巡视工作的重要论述作为首要任务，结合主题教育，"
    "组织巡察干部开展专题培训{n16}期，培训{n17}人次。",
    "建立巡察整改日常监督机制，纪检监察机关和组织部门定期听取整改情况汇报，"
    "对敷衍整改、虚假整改的严肃问责。",
    "针对“{q6}”问题，市委巡察办会同市纪委监委开展专项督查，督促相关单位举一反三、"
    "建章立制，修订完善制度{n18}项。",
    "坚持“{f7}”工作思路，构建上下联动的巡察工作格局，推动市县巡察一体谋划、一体部署、"
    "一体落实。",
    "巡察期间共受理来信来电来访{n19}件次，对反映集中的问题及时转交有关部门办理。",
    "严格落实中央八项规定精神，持续纠治“四风”，查处违规吃喝、违规收送礼品礼金等"
    "问题{n20}起。",
    "下一步，将坚持稳中求进，聚焦“{f8}”，持续深化政治巡察，为高质量发展提供坚强保障。",
    "有的党员干部“两个维护”意识不强，贯彻落实上级决策部署存在温差、落差、偏差。",
    "该局党组履行全面从严治党主体责任不到位，一岗双责落实不力，对下属单位监督缺位。",
    "第{rounds}轮巡察中，{n21}个巡察组分别对{n22}个县直部门党组织开展常规巡察。",
    "组织召开巡察整改推进会{n23}次，对已巡单位开展“{q7}”督查，确保问题清仓见底。",
    "市委常委会会议专题听取本轮巡察综合情况汇报，{place}委书记主持会议并讲话。",
]

FILLERS = [
    "与会人员一致认为，巡察工作成效明显，群众满意度进一步提高。",
    "会上，{unit}主要负责同志作了表态发言。",
    "会议还对近期工作进行了安排。",
    "此次巡察历时{n24}天，共个别谈话{n25}人次，调阅资料{n26}份。",
]


def _fill(template: str, rng: random.Random) -> str:
    values = {
        "year": str(rng.choice([2019, 2020, 2021, 2022, 2023, 2024])),
        "month": str(rng.randint(1, 12)),
        "rounds": rng.choice(["两", "三", "四", "五", "六", "七"]),
        "place": rng.choice(PLACES),
        "unit": rng.choice(UNITS),
        "title": rng.choice(TITLES),
        "pct": f"{rng.uniform(80, 100):.1f}",
    }
    for i in range(1, 9):
        values[f"f{i}"] = rng.choice(FORMULATIONS)
        values[f"q{i}"] = rng.choice(QUOTED)
    for i in range(1, 27):
        values[f"n{i}"] = str(rng.randint(2, 480))
    return template.format(**values)


def build_reports(n: int = 240, *, seed: int = 7, traditional_share: float = 0.2,
                  min_bytes: int = 3 * 1024, max_bytes: int = 8 * 1024) -> list[str]:
    """``n`` reports of ``min_bytes``–``max_bytes`` UTF-8 bytes."""
    import opencc

    rng = random.Random(seed)
    s2t = opencc.OpenCC("s2t")
    out: list[str] = []
    for _ in range(n):
        target = rng.randint(min_bytes, max_bytes)
        paragraphs: list[str] = []
        size = 0
        while size < target:
            count = rng.randint(2, 5)
            para = "".join(_fill(rng.choice(SENTENCES), rng) for _ in range(count))
            if rng.random() < 0.3:
                para += _fill(rng.choice(FILLERS), rng)
            size += len(para.encode("utf-8")) + 1
            paragraphs.append(para)
        text = "\n".join(paragraphs)
        while len(text.encode("utf-8")) > max_bytes:
            text = text[: len(text) - 50]
        if rng.random() < traditional_share:
            text = s2t.convert(text)
        out.append(text)
    return out


def iter_sizes(reports: list[str]) -> Iterator[int]:
    return (len(r.encode("utf-8")) for r in reports)
