"""One self-contained HTML page: sections, tables, images as base64 PNG (no network, no script)."""
import base64
import html
import io
import os

CSS = """
body{font-family:'DejaVu Sans',Arial,sans-serif;margin:0 auto;max-width:1250px;padding:0 18px 40px;color:#1b1b1b;font-size:14px}
h1{font-size:22px;margin:18px 0 4px} h2{font-size:17px;border-bottom:2px solid #2b6cb0;padding-bottom:3px;margin-top:28px}
h3{font-size:14px;margin:14px 0 4px}
table{border-collapse:collapse;margin:6px 0 10px;font-size:13px} td,th{border:1px solid #ccd;padding:3px 7px;text-align:right;vertical-align:top} td{white-space:nowrap} td.w{white-space:normal;overflow-wrap:anywhere}
th{background:#eef2f8} td.l,th.l{text-align:left} tr.bad td{background:#fde8e8} tr.warn td{background:#fff6dc}
.key{display:flex;flex-wrap:wrap;gap:10px;margin:10px 0} .key div{background:#f3f6fb;border:1px solid #d5deea;border-radius:6px;padding:6px 12px}
.key b{display:block;font-size:11px;color:#555;font-weight:normal}
.note{color:#555;font-size:12.5px} .missing{background:#fff6dc;border-left:4px solid #e0a800;padding:6px 10px;margin:8px 0}
.flag-ok{color:#137333;font-weight:bold} .flag-bad{color:#b3261e;font-weight:bold} .flag-warn{color:#a15c00;font-weight:bold}
pre{background:#f6f6f6;padding:8px;overflow-x:auto;font-size:11.5px} img{max-width:100%;display:block;margin:6px 0}
nav a{margin-right:10px;font-size:12.5px} details summary{cursor:pointer;color:#2b6cb0}
"""


class Page:
    def __init__(self, title):
        self.title = title
        self.parts = []
        self.toc = []

    def h1(self, s, sub=""):
        self.parts.append(f"<h1>{html.escape(s)}</h1>" + (f'<div class="note">{sub}</div>' if sub else ""))

    def section(self, anchor, title):
        self.toc.append((anchor, title))
        self.parts.append(f'<h2 id="{anchor}">{html.escape(title)}</h2>')

    def add(self, raw):
        self.parts.append(raw)

    def p(self, raw, cls=""):
        self.parts.append(f'<p class="{cls}">{raw}</p>' if cls else f"<p>{raw}</p>")

    def missing(self, raw, key):
        """A section the file does not hold: said so, machine-checkably (data-missing=key)."""
        self.parts.append(f'<div class="missing" data-missing="{html.escape(key)}">{raw}</div>')

    def image(self, fig, alt, dpi=100):
        """A matplotlib figure as an embedded PNG (the figure is closed)."""
        import matplotlib.pyplot as plt
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi)
        plt.close(fig)
        b = base64.b64encode(buf.getvalue()).decode("ascii")
        self.parts.append(f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{b}">')

    def table(self, head, rows, cls=None, left=(0,), ident="", wrap=()):
        """head: column titles (HTML); rows: lists of cells (HTML, or (HTML, colspan)); left: columns
        aligned left; wrap: columns whose text may wrap (the others stay on one line)."""
        def kind(i):
            return " ".join(k for k, on in (("l", i in left), ("w", i in wrap)) if on)
        h = "".join(f'<th class="{kind(i)}">{c}</th>' for i, c in enumerate(head))
        body = []
        for r, row in enumerate(rows):
            c = f' class="{cls[r]}"' if cls and cls[r] else ""
            cells, col = [], 0
            for v in row:
                v, span = v if isinstance(v, tuple) else (v, 1)
                cells.append(f'<td class="{kind(col)}"' + (f' colspan="{span}"' if span > 1 else "") + f">{v}</td>")
                col += span
            body.append(f"<tr{c}>" + "".join(cells) + "</tr>")
        idattr = f' id="{ident}"' if ident else ""
        self.parts.append(f"<table{idattr}><tr>{h}</tr>{''.join(body)}</table>")

    def html(self):
        nav = " ".join(f'<a href="#{a}">{html.escape(t)}</a>' for a, t in self.toc)
        return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                f"<title>{html.escape(self.title)}</title><style>{CSS}</style></head><body>\n"
                + self.parts[0] + (f"<nav>{nav}</nav>" if nav else "") + "\n".join(self.parts[1:]) + "\n</body></html>\n")

    def write(self, out):
        """Written under a temporary name and renamed: a failed report leaves the previous one."""
        d = os.path.dirname(os.path.abspath(out))
        os.makedirs(d, exist_ok=True)
        tmp = f"{out}.tmp.{os.getpid()}"
        try:
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(self.html())
            os.replace(tmp, out)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
