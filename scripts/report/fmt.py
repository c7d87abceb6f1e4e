"""Numbers as people read them (significant figures, units) and as tests read them: every number
shown is a <span class="num" data-key=KEY data-value=EXACT>SHOWN</span>, so a test can compare
both the exact value and the shown text with the file (tests/report/check_report.py)."""
import html
import math


def sig(v, n=3):
    """v with n significant figures: plain notation for 1e-3 <= |v| < 1e5, else 1.23e5 (parseable by float())."""
    if v is None:
        return "n/a"
    v = float(v)
    if math.isnan(v):
        return "n/a"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v == 0:
        return "0"
    r = float(f"{v:.{n - 1}e}")  # rounded to n figures
    e = math.floor(math.log10(abs(r)))
    if -3 <= e < 5:
        dec = max(0, n - 1 - e)
        return f"{r:.{dec}f}"
    m, ex = f"{r:.{n - 1}e}".split("e")
    return f"{m}e{int(ex)}"


def num(key, v, n=3, unit="", scale=1.0):
    """A number for the page: v (in the file's unit) shown times `scale` (e.g. 1e3 for m -> mm)
    with n significant figures and its unit. data-value is the file's value exactly; data-scale
    and data-sig say how the shown text follows from it."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return f'<span class="num na" data-key="{html.escape(key)}" data-value="nan">n/a</span>'
    shown = sig(float(v) * scale, n)
    u = f"&#8201;{html.escape(unit)}" if unit else ""
    return (f'<span class="num" data-key="{html.escape(key)}" data-value="{float(v)!r}" data-scale="{scale!r}" '
            f'data-sig="{n}">{shown}</span>{u}')


def integer(key, v, unit=""):
    """An integer count (shown exactly)."""
    u = f"&#8201;{html.escape(unit)}" if unit else ""
    return f'<span class="num" data-key="{html.escape(key)}" data-value="{int(v)}" data-scale="1.0" data-sig="0">{int(v)}</span>{u}'


def esc(s):
    return html.escape(str(s))


def hours(v):
    """A duration in hours made readable: '9.3e4 h (10.6 years)'."""
    if v is None or not math.isfinite(v):
        return ""
    y = v / 8766.0
    if y >= 1:
        return f"({sig(y, 3)} years)"
    if v >= 48:
        return f"({sig(v / 24, 3)} days)"
    return ""
