"""`report.html`: one self-contained page (inline SVG, no scripts, no network) for a shop manager."""

from __future__ import annotations

import html
import re
from pathlib import Path

from model.labels import TONES

TONE_NAMES = {"dismissive": "敷衍/推诿 dismissive", "hostile": "不耐烦/指责 hostile", "apologetic": "道歉 apologetic",
              "empathetic": "共情/安抚 empathetic", "compensating": "补偿 compensating", "neutral": "中性 neutral"}
COLOURS = {"dismissive": "#d9822b", "hostile": "#c23030", "apologetic": "#2b95d6", "empathetic": "#29a634",
           "compensating": "#8f398f", "neutral": "#8a9ba8"}
STYLE = """
body{font-family:system-ui,"Noto Sans CJK SC","PingFang SC",sans-serif;margin:2rem auto;max-width:1100px;color:#182026}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
.figures{display:flex;gap:1rem;flex-wrap:wrap}.figure{background:#f5f8fa;padding:.8rem 1.2rem;border-radius:6px}
.figure b{display:block;font-size:1.5rem}table{border-collapse:collapse;width:100%;font-size:.9rem}
td,th{border-bottom:1px solid #e1e8ed;padding:.4rem;text-align:left;vertical-align:top}
mark{background:#ffd18c;padding:0 2px}.small{color:#5c7080;font-size:.85rem}svg text{font-size:12px}
"""


def render_report(summary: dict, path: Path) -> None:
    path.write_text(report_html(summary), encoding="utf-8")


def report_html(s: dict) -> str:
    acc = s["accounting"]
    figures = [("agent replies", f"{s['agent_replies']:,}"), ("flagged", f"{s['flagged']:,}"),
               ("flag rate", f"{s['flag_rate']:.1%}"),
               ("complaints mishandled", f"{s['complaints']['mishandled']:,} / {s['complaints']['total']:,}"),
               ("rows rejected", f"{acc['rejected']:,}")]
    tone_counts = {**{t: s["tones"][t] for t in TONES}, "neutral": s["neutral"]}
    agents = sorted(s["per_agent"].items(), key=lambda kv: (-kv[1]["flag_rate"], kv[0]))[:30]
    days = [(d, v) for d, v in s["per_day"].items()]
    parts = [
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>",
        "<title>客服语气审计 Tone audit</title>", f"<style>{STYLE}</style></head><body>",
        "<h1>客服语气审计 · Tone audit</h1>",
        f"<p class='small'>{_e(s['source'])} · model {_e(s['model_version'])} · {_e(acc['line'])}</p>",
        "<div class='figures'>" + "".join(f"<div class='figure'>{_e(k)}<b>{_e(v)}</b></div>" for k, v in figures) + "</div>",
        "<h2 id='tone-mix'>Tone mix · 语气分布</h2>",
        _bars("chart-tone-mix", [(TONE_NAMES[t], n, COLOURS[t], f"{n:,}") for t, n in tone_counts.items()]),
        "<h2 id='flag-rate-per-agent'>Flag rate per agent · 客服被拦截率</h2>",
        _bars("chart-flag-rate-per-agent", [(a, v["flag_rate"], COLOURS["hostile"],
                                             f"{v['flag_rate']:.1%} of {v['replies']:,}") for a, v in agents]),
        "<h2 id='flags-over-time'>Flags over time · 每日拦截</h2>",
        _columns("chart-flags-over-time", [(d, v["flagged"], v["flag_rate"]) for d, v in days]),
        "<h2 id='worst-replies'>Worst replies · 最需要改进的回复</h2>",
        _worst_table(s["worst_replies"]),
        "<h2 id='per-agent'>Per agent · 客服明细</h2>", _agent_table(s["per_agent"]),
        _save_rate(s.get("save_rate")),
        "<h2>Definitions · 口径</h2><ul>" + "".join(f"<li><b>{_e(k)}</b>: {_e(v)}</li>" for k, v in s["definitions"].items()) + "</ul>",
        "</body></html>",
    ]
    return "\n".join(parts)


def _bars(chart_id: str, rows: list[tuple[str, float, str, str]]) -> str:
    """A horizontal bar chart as inline SVG."""
    if not rows:
        return f"<svg id='{chart_id}' class='chart' width='600' height='30'><text x='0' y='20'>no data</text></svg>"
    top = max((value for _, value, _, _ in rows), default=0) or 1
    height, label_width, width = 24, 220, 420
    bars = []
    for i, (label, value, colour, caption) in enumerate(rows):
        y = i * height
        bars.append(f"<text x='{label_width - 6}' y='{y + 16}' text-anchor='end'>{_e(label)}</text>"
                    f"<rect x='{label_width}' y='{y + 4}' width='{value / top * width:.1f}' height='{height - 8}' fill='{colour}'/>"
                    f"<text x='{label_width + value / top * width + 6:.1f}' y='{y + 16}'>{_e(caption)}</text>")
    return (f"<svg id='{chart_id}' class='chart' role='img' width='{label_width + width + 160}' "
            f"height='{len(rows) * height}'>{''.join(bars)}</svg>")


def _columns(chart_id: str, rows: list[tuple[str, int, float]]) -> str:
    """Flagged replies per day as columns, with the day's flag rate above each."""
    if not rows:
        return f"<svg id='{chart_id}' class='chart' width='600' height='30'><text x='0' y='20'>no data</text></svg>"
    top = max(n for _, n, _ in rows) or 1
    step = max(min(60, 900 // len(rows)), 8)
    plot = 160
    cols = []
    for i, (day, flagged, rate) in enumerate(rows):
        h = flagged / top * plot
        x = 40 + i * step
        cols.append(f"<rect x='{x}' y='{20 + plot - h:.1f}' width='{step * 0.7:.1f}' height='{h:.1f}' fill='{COLOURS['hostile']}'>"
                    f"<title>{_e(day)}: {flagged} flagged ({rate:.1%})</title></rect>")
        if len(rows) <= 31:
            cols.append(f"<text x='{x}' y='{plot + 36}' transform='rotate(30 {x} {plot + 36})'>{_e(day[5:])}</text>"
                        f"<text x='{x}' y='{14 + plot - h:.1f}'>{flagged}</text>")
    return (f"<svg id='{chart_id}' class='chart' role='img' width='{60 + len(rows) * step}' height='{plot + 70}'>"
            f"<line x1='38' y1='{20 + plot}' x2='{40 + len(rows) * step}' y2='{20 + plot}' stroke='#888'/>{''.join(cols)}</svg>")


def highlight(text: str, words: list[str]) -> str:
    """`text` escaped for HTML, with each evidence word wrapped in ``<mark>``."""
    words = sorted({w for w in words if w}, key=len, reverse=True)
    if not words:
        return _e(text)
    pattern = re.compile("|".join(map(re.escape, words)), re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(_e(text[last:match.start()]) + f"<mark>{_e(match.group(0))}</mark>")
        last = match.end()
    return "".join(out) + _e(text[last:])


def _worst_table(worst: list[dict]) -> str:
    if not worst:
        return "<p>No flagged replies.</p>"
    rows = []
    for w in worst:
        words = [word for tone_words in w["evidence"].values() for word in tone_words]
        score = max(w["scores"]["dismissive"], w["scores"]["hostile"])
        rows.append(f"<tr><td>{_e(w['time'])}<br><span class='small'>{_e(w['agent_id'])} · chat {_e(w['chat_id'])} · "
                    f"line {w['line']}</span></td><td>{_e(w['context'])}</td><td>{highlight(w['text'], words)}</td>"
                    f"<td>{_e(', '.join(w['labels']))}<br><span class='small'>{score:.2f}</span></td></tr>")
    return ("<table id='table-worst-replies'><tr><th>when / who</th><th>customer said</th><th>agent replied "
            "(evidence <mark>marked</mark>)</th><th>tones</th></tr>" + "".join(rows) + "</table>")


def _agent_table(per_agent: dict) -> str:
    head = "".join(f"<th>{_e(t)}</th>" for t in TONES)
    rows = "".join(
        f"<tr><td>{_e(agent)}</td><td>{v['replies']:,}</td><td>{v['flagged']:,}</td><td>{v['flag_rate']:.1%}</td>"
        + "".join(f"<td>{v['tones'][t]:,}</td>" for t in TONES) + "</tr>"
        for agent, v in sorted(per_agent.items()))
    return (f"<table id='table-per-agent'><tr><th>agent</th><th>replies</th><th>flagged</th><th>flag rate</th>{head}</tr>"
            f"{rows}</table>")


def _save_rate(saves: dict | None) -> str:
    if not saves:
        return ""
    rows = [("all", saves["overall"])] + [(f"agent {a}", v) for a, v in saves["per_agent"].items()] + [
        (f"tone {t}", v) for t, v in saves["per_tone"].items()]
    body = "".join(f"<tr><td>{_e(k)}</td><td>{v['revised']:,}</td><td>{v['sent_anyway']:,}</td><td>{v['rate']:.1%}</td></tr>"
                   for k, v in rows)
    return ("<h2 id='save-rate'>Save rate · 拦截后修改率</h2>"
            f"<p class='small'>{_e(saves['definition'])}</p><table id='table-save-rate'><tr><th></th><th>revised</th>"
            f"<th>sent anyway</th><th>save rate</th></tr>{body}</table>")


def _e(value) -> str:
    return html.escape(str(value), quote=True)
