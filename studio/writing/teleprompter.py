"""Teleprompter model: which segment of a script is on now, and how long it has left.

``teleprompter_html`` renders a self-contained HTML/JS view (large text, adjustable scroll
speed, the current segment and its timer) that a page embeds as a component.
"""

from __future__ import annotations

import html
import json
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime

from studio.errors import StudioError


@dataclass(frozen=True)
class Segment:
    title: str
    start_s: int
    duration_s: int
    lines: tuple[str, ...]

    @property
    def end_s(self) -> int:
        return self.start_s + self.duration_s


@dataclass(frozen=True)
class Position:
    index: int
    segment: Segment
    elapsed_in_segment: float
    remaining_s: float
    finished: bool


class Teleprompter:
    """The segments of one script, in order, with their start times."""

    def __init__(self, segments: list[Segment]) -> None:
        if not segments:
            raise StudioError("the script has no segments; write a script first")
        for seg in segments:
            if seg.duration_s <= 0:
                raise StudioError(f"segment {seg.title!r} has no duration; fix the script")
        self.segments = segments
        self._starts = [s.start_s for s in segments]

    @classmethod
    def from_script(cls, script: dict) -> Teleprompter:
        return cls([Segment(s["title"], int(s["start_s"]), int(s["duration_s"]),
                            tuple(s["lines"])) for s in script.get("segments", [])])

    @property
    def total_s(self) -> int:
        return self.segments[-1].end_s

    def at(self, elapsed_s: float) -> Position:
        """The segment on air ``elapsed_s`` seconds after the start (the last one once over)."""
        elapsed_s = max(0.0, elapsed_s)
        index = max(0, bisect_right(self._starts, elapsed_s) - 1)
        seg = self.segments[index]
        into = min(elapsed_s - seg.start_s, seg.duration_s)
        return Position(index, seg, into, max(0.0, seg.end_s - elapsed_s),
                        elapsed_s >= self.total_s)


def teleprompter_html(script: dict, *, font_px: int = 40, speed_px_s: float = 30.0) -> str:
    """A standalone teleprompter: scrolls at ``speed_px_s``, shows segment and timer."""
    prompter = Teleprompter.from_script(script)
    segs = [{"title": s.title, "start": s.start_s, "end": s.end_s} for s in prompter.segments]
    body = "".join(
        f'<section id="seg{i}"><h2>{html.escape(s.title)}</h2>'
        + "".join(f'<p class="{"cue" if line.startswith("[") else ""}">{html.escape(line)}</p>'
                  for line in s.lines) + "</section>"
        for i, s in enumerate(prompter.segments))
    data = json.dumps(segs).replace("<", "\\u003c")  # no "</script>" inside the script
    return _TEMPLATE.replace("__SEGMENTS__", data).replace("__BODY__", body) \
        .replace("__FONT__", str(int(font_px))).replace("__SPEED__", str(float(speed_px_s)))


_TEMPLATE = """<!doctype html><html><head><meta charset="utf-8"><style>
body{margin:0;background:#111;color:#f5f5f5;font-family:sans-serif}
#bar{position:sticky;top:0;background:#222;padding:8px 12px;display:flex;gap:12px;
align-items:center;font-size:18px;z-index:2}
#timer{font-weight:bold;color:#ffd54f}#view{height:520px;overflow-y:scroll;padding:0 24px}
#text{font-size:__FONT__px;line-height:1.4;padding-bottom:600px}
h2{color:#90caf9;font-size:0.7em}.cue{color:#ffab91;font-size:0.6em}.on h2{color:#ffd54f}
</style></head><body>
<div id="bar"><button id="go">▶ / ❚❚</button><button id="reset">⟲</button>
<label>px/s <input id="speed" type="range" min="0" max="200" value="__SPEED__"></label>
<span id="seg"></span><span id="timer">00:00</span></div>
<div id="view"><div id="text">__BODY__</div></div>
<script>
const segs=__SEGMENTS__;let run=false,t0=null,acc=0,last=null;
const view=document.getElementById('view'),speed=document.getElementById('speed');
function fmt(s){s=Math.max(0,Math.floor(s));return String(Math.floor(s/60)).padStart(2,'0')+':'+
String(s%60).padStart(2,'0')}
function tick(ts){if(run){if(last!==null){const dt=(ts-last)/1000;acc+=dt;
view.scrollTop+=dt*Number(speed.value);}last=ts;}else{last=null;}
let i=0;for(let k=0;k<segs.length;k++){if(acc>=segs[k].start)i=k;}
document.querySelectorAll('section').forEach((e,k)=>e.classList.toggle('on',k===i));
document.getElementById('seg').textContent=segs[i].title;
document.getElementById('timer').textContent=fmt(acc-segs[i].start)+' / '+
fmt(segs[i].end-segs[i].start)+' ('+fmt(segs[i].end-acc)+' left)';
requestAnimationFrame(tick);}
document.getElementById('go').onclick=()=>{run=!run};
document.getElementById('reset').onclick=()=>{run=false;acc=0;view.scrollTop=0};
requestAnimationFrame(tick);
</script></body></html>"""


#: A rehearsal shorter than this is a try-out, not a rehearsal (workshop exercise 3).
MIN_REHEARSAL_S = 180


def record_rehearsal(ws, seconds: float, script_minutes: int, lang: str,
                     now: datetime | None = None) -> dict:
    """Keep one timed teleprompter run in the workspace's settings (the exercise reads it)."""
    if seconds < 0 or script_minutes <= 0:
        raise StudioError("a rehearsal needs a positive length; start the teleprompter again")
    entry = {"at": (now or datetime.now(UTC)).isoformat(), "seconds": int(seconds),
             "script_minutes": int(script_minutes), "lang": lang}
    settings = dict(ws.settings or {})
    settings["rehearsals"] = [*settings.get("rehearsals", [])[-49:], entry]
    ws.settings = settings  # a new dict, so the JSON column is written
    return entry


def rehearsals(ws, since: datetime | None = None) -> list[dict]:
    out = []
    for entry in (ws.settings or {}).get("rehearsals", []):
        at = datetime.fromisoformat(entry["at"])
        if since is None or at >= since:
            out.append(entry)
    return out
