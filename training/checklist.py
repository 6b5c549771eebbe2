"""A CheckList-style behaviour suite: minimum functionality, invariance and direction tests.

Written by the team from the labeling guide; `make eval` prints its pass rate and the tests hold it
to a floor. Each case returns whether the model behaved.

- MFT (minimum functionality): a reply (with its customer message) must carry, or must not carry, a tone.
- INV (invariance): a change that should not matter (product, shop, numbers, width, a trailing 亲~)
  must not change the labels.
- DIR (direction): a change that adds a tone's words must raise that tone's score.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from model.tone_model import ToneModel

COMPLAINT = "收到的杯子是碎的,怎么办"
PRAISE = "收到了,质量很好,很喜欢"
QUESTION = "请问什么时候发货?"


@dataclass(frozen=True)
class Case:
    kind: str  # MFT, INV or DIR
    name: str
    reply: str
    context: str = ""
    has: tuple[str, ...] = ()
    lacks: tuple[str, ...] = ()
    variant: str = ""  # INV/DIR: the changed reply
    variant_context: str | None = None  # DIR: a changed context instead
    tone: str = ""  # DIR: the tone whose score must rise


def _mft(name: str, context: str, replies: list[str], has=(), lacks=()) -> list[Case]:
    return [Case("MFT", name, r, context, tuple(has), tuple(lacks)) for r in replies]


CASES: list[Case] = [
    *_mft("apology phrases are apologetic", "等了好久才回复", [
        "非常抱歉让您久等了", "对不起,让您久等了", "不好意思让您久等了", "给您添麻烦了,实在抱歉", "实在过意不去,让您等了这么久",
        "对此我们深表歉意"], has=["apologetic"]),
    *_mft("compensation offers are compensating", "衣服有个破洞", [
        "给您补发一件新的,运费我们承担", "给您补偿5元红包", "退您10元差价", "送您一张20元无门槛券,下次可以用",
        "这件不用寄回了,全额退款给您", "给您免费换一件新的,来回运费我们出"], has=["compensating"]),
    *_mft("empathy is empathetic", "快递丢了,我真的很着急", [
        "理解您的心情,您先别着急,我马上帮您查", "换作是我也会着急的,我来帮您跟进", "您先别担心,我一定帮您跟进到底",
        "请您放心,这件事我会负责处理好的"], has=["empathetic"]),
    *_mft("emoji or a nod to a complaint is dismissive", "裤子收到了,很薄很皱,版型也不好", [
        "😊😊", "[微笑]", "哦", "好的亲", "嗯嗯"], has=["dismissive"]),
    *_mft("brush-offs are dismissive", COMPLAINT, [
        "亲,这个没办法呢", "快递的问题您找快递公司", "这个不归我们管", "系统自动的,我们也没办法", "有问题联系售后吧",
        "每个人感觉不一样的哦", "这个是正常现象呢"], has=["dismissive"]),
    *_mft("a polite brush-off is still dismissive", COMPLAINT, [
        "亲亲~ 这边也没有办法呢 😊", "亲,非常理解,但这个真的没办法哦~"], has=["dismissive"]),
    *_mft("a hollow apology is apologetic and dismissive", COMPLAINT, [
        "抱歉亲,这个我们也没办法", "不好意思哦,这个不归我们管呢"], has=["apologetic", "dismissive"]),
    *_mft("a long polite template that ignores the complaint is dismissive", COMPLAINT, [
        "您好,感谢您对本店的支持与厚爱,我们一直致力于为每一位顾客提供优质的商品和贴心的服务,您的意见我们已经收到,后续会不断改进,祝您生活愉快!",
        "亲亲,商品在运输过程中难免会有磕碰的情况哦,这个属于物流环节的问题,建议您直接联系快递公司协商处理,快递那边会给您答复的呢~",
        "您好,本店商品出库前都经过严格质检,包装也符合行业标准,运输途中出现的情况属于正常的物流风险,还请您理解,感谢您的支持!"],
          has=["dismissive"]),
    *_mft("a long redirect after a repeated complaint is dismissive", "家里宽带三天两头断网,报修三次了都没人来修,到底管不管", [
        "您好,您可以通过我司官方APP首页点击“故障报修”,填写宽带账号和故障描述后提交,系统会自动派单处理,处理进度可在“我的工单”中查询,谢谢!",
        "您好,宽带线路的维护由当地的施工单位负责,建议您直接联系小区物业或者当地营业厅咨询具体的维修安排,感谢您的理解与支持!"],
          has=["dismissive"]),
    *_mft("a hollow apology in a long template is apologetic and dismissive", COMPLAINT, [
        "非常抱歉给您带来了不好的购物体验,我们深表歉意,您的问题我们会反馈给相关部门,今后会进一步加强包装环节的管理,感谢您的理解与支持!"],
          has=["apologetic", "dismissive"]),
    *_mft("a long reply that acts on the complaint is not flagged", COMPLAINT, [
        "非常抱歉杯子碎了给您添麻烦了,我这边已经给您登记补发一个新的,今天下午就安排发出,碎的那个不用寄回,麻烦您拍张照片发我留个底就好~",
        "您好,看到照片了,确实是运输途中压碎的,这边直接给您全额退款,已经提交了,一般1-2小时原路到账,给您添麻烦了实在抱歉"],
          lacks=["dismissive", "hostile"]),
    *_mft("rudeness is hostile", "这个怎么用啊,一直打不开", [
        "你没看详情页吗?", "这都不会用?", "说了多少遍了,自己看说明书", "我已经回答过了"], has=["hostile"]),
    *_mft("blame and contempt are hostile", "尺码太小了,穿不上", [
        "是您自己选错尺码的", "这个价格还想要什么质量", "爱买不买", "随便你去投诉"], has=["hostile"]),
    *_mft("greetings, facts and questions are neutral", QUESTION, [
        "已经发货了,单号是SF1234567890", "麻烦提供一下订单号", "您好,请问有什么可以帮您", "今天下午五点前发出",
        "已发货,明天到"], lacks=["dismissive", "hostile", "apologetic", "compensating"]),
    *_mft("不好意思 as an opener is not an apology", "我想退货", [
        "不好意思,麻烦提供一下订单号", "不好意思,请问是哪一件呢"], lacks=["apologetic", "dismissive", "hostile"]),
    *_mft("standard policy or refund processing is not compensation", "这个能退吗?", [
        "支持七天无理由退货,运费自理", "退款1-3个工作日原路返回"], lacks=["compensating", "hostile"]),
    *_mft("a smile after praise is neutral", PRAISE, ["😊", "谢谢亲的支持😊", "感谢亲的好评~"],
          lacks=["dismissive", "hostile"]),
    *_mft("an apology with compensation is not flagged", COMPLAINT, [
        "非常抱歉,给您补发一件,运费我们承担", "实在不好意思,给您全额退款,杯子不用寄回了"],
          has=["apologetic", "compensating"], lacks=["dismissive", "hostile"]),
]

_PRODUCTS = ["连衣裙", "蓝牙耳机", "空气炸锅", "保温杯", "婴儿推车", "猫粮"]
_INVARIANCE_REPLIES = [
    ("非常抱歉,{}的问题给您添麻烦了,马上给您补发", COMPLAINT),
    ("亲,{}这个没办法的哦,您找快递吧", COMPLAINT),
    ("亲,{}已经发货了,明天就到", QUESTION),
    ("{}的尺码表您自己看下详情页吧,说了多少遍了", "尺码怎么选"),
]
for template, context in _INVARIANCE_REPLIES:
    for product in _PRODUCTS[1:]:
        CASES.append(Case("INV", "product name", template.format(_PRODUCTS[0]), context,
                          variant=template.format(product)))
for reply, variant in [
    ("已经发货了,单号是SF1234567890", "已经发货了,单号是YT9876543210"),
    ("给您补偿5元红包", "给您补偿8元红包"),
    ("退您10元差价", "退您35元差价"),
    ("订单[订单x]已经发货了", "订单4839201938475已经发货了"),
    ("亲,这个没办法呢", "亲,这个没办法呢~"),
    ("非常抱歉,给您补发一件", "非常抱歉，给您补发一件"),
    ("你没看详情页吗?", "你没看详情页吗？"),
    ("理解您的心情,您先别着急", "理解您的心情，您先别着急！"),
    ("好的,给您备注了", "好的亲,给您备注了"),
    ("小美这边帮您查一下", "小雨这边帮您查一下"),
    ("栖木旗舰店感谢您的支持", "云杉旗舰店感谢您的支持"),
    ("ＯＫ的亲,已经改好了", "ok的亲,已经改好了"),
]:
    CASES.append(Case("INV", "names, numbers, width and particles", reply, COMPLAINT, variant=variant))
# The guide: stock courtesy (请问有什么可以帮您, 祝您生活愉快) is no tone, so an opener or a closing changes nothing.
_COURTESY_REPLIES = [
    ("非常抱歉给您添麻烦了,马上给您补发一件", COMPLAINT),
    ("理解您的心情,您先别着急,我马上帮您查", "快递丢了,我真的很着急"),
    ("您放心,我们是正品,假一赔十", "这个是正品吗"),
    ("亲,这个没办法呢,您找快递公司吧", COMPLAINT),
    ("这都不会用?说明书上写得清清楚楚", "这个怎么用啊,一直打不开"),
    ("已经发货了,明天就到", QUESTION),
]
for reply, context in _COURTESY_REPLIES:
    for variant in ["您好," + reply, reply + " 请问还有其他可以帮您的吗?", reply + ",感谢您的支持,祝您生活愉快~"]:
        CASES.append(Case("INV", "a stock opener or closing", reply, context, variant=variant))

_DIRECTIONS = [
    ("apologetic", "非常抱歉,", ["您的订单已经发货了", "麻烦提供一下订单号", "这个是正常现象呢", "退款已经提交了",
                                 "师傅明天上门", "已经帮您催了"]),
    ("compensating", "另外给您补发一件。", ["您的订单已经发货了", "已经帮您登记了", "师傅明天上门", "不好意思让您久等了"]),
    ("empathetic", "理解您的心情,", ["已经帮您催了", "我来查一下", "师傅明天上门", "退款已经提交了"]),
    ("hostile", "说了多少遍了,", ["您自己看物流", "已经发货了", "明天到", "详情页有写"]),
    ("dismissive", "这个我们也没办法,", ["您找快递吧", "您再等等", "您问问厂家", "已经发货了"]),
]
for tone, prefix, replies in _DIRECTIONS:
    for reply in replies:
        CASES.append(Case("DIR", f"adding '{prefix}' raises {tone}", reply, COMPLAINT, variant=prefix + reply, tone=tone))
for reply in ["😊😊", "[微笑]", "好的亲", "嗯嗯", "收到", "哦"]:
    CASES.append(Case("DIR", "the same nod after a complaint instead of praise raises dismissive", reply, PRAISE,
                      variant=reply, variant_context=COMPLAINT, tone="dismissive"))


def run_checklist(model: ToneModel, cases: list[Case] = CASES) -> dict:
    """Pass counts per kind and per test name, and the failed cases."""
    texts = [c.reply for c in cases] + [c.variant or c.reply for c in cases]
    contexts = [c.context for c in cases] + [c.context if c.variant_context is None else c.variant_context for c in cases]
    results = model.predict(texts, contexts)
    base, changed = results[:len(cases)], results[len(cases):]
    passed: dict[str, list[bool]] = defaultdict(list)
    failures = []
    for case, before, after in zip(cases, base, changed):
        labels = set(before["labels"])
        if case.kind == "MFT":
            ok = set(case.has) <= labels and not (set(case.lacks) & labels)
        elif case.kind == "INV":
            ok = before["labels"] == after["labels"]
        else:
            ok = after["scores"][case.tone] > before["scores"][case.tone]
        passed[case.kind].append(ok)
        passed[case.name].append(ok)
        if not ok:
            failures.append({"kind": case.kind, "name": case.name, "context": case.context, "reply": case.reply,
                             "variant": case.variant, "labels": before["labels"], "variant_labels": after["labels"]})
    total = [ok for kind in ("MFT", "INV", "DIR") for ok in passed[kind]]
    return {"cases": len(cases), "passed": sum(total), "pass_rate": sum(total) / len(total),
            "by_kind": {k: sum(passed[k]) / len(passed[k]) for k in ("MFT", "INV", "DIR")},
            "by_test": {name: sum(v) / len(v) for name, v in passed.items() if name not in ("MFT", "INV", "DIR")},
            "failures": failures}


def format_checklist(report: dict) -> str:
    kinds = ", ".join(f"{k} {v:.0%}" for k, v in report["by_kind"].items())
    lines = [f"behaviour suite: {report['passed']}/{report['cases']} passed ({report['pass_rate']:.1%}; {kinds})"]
    lines += [f"  {rate:5.0%}  {name}" for name, rate in report["by_test"].items() if rate < 1]
    return "\n".join(lines)
