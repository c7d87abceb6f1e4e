"""Headless chromium for the report tests: a page opened without errors, every image decoded, and
a screenshot that is not blank. Each call uses its own --user-data-dir (tests run in parallel)."""
import os
import re
import shutil
import subprocess
import tempfile

CHECK = ("<script>window.addEventListener('error',function(e){document.documentElement.setAttribute('data-js-error',String(e.message))});"
         "window.addEventListener('load',function(){var im=Array.prototype.slice.call(document.images);"
         "var bad=im.filter(function(i){return !(i.complete&&i.naturalWidth>0)}).length;"
         "document.body.setAttribute('data-images',im.length+' '+bad)});</script>")


def chromium():
    for c in ("chromium", "chromium-browser", "google-chrome"):
        p = shutil.which(c)
        if p:
            return p
    raise SystemExit("no chromium: install it (scripts/setup-debian.sh installs chromium)")


def _run(args, work, timeout=180):
    udd = tempfile.mkdtemp(prefix="chromium-", dir=work)
    cmd = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", f"--user-data-dir={udd}",
           "--enable-logging=stderr", "--v=0"] + args
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    shutil.rmtree(udd, ignore_errors=True)
    return r


def open_page(html_path, work, png, width=1250, height=3000):
    """Opens html_path: returns (images, broken images, errors[], screenshot path). The page is
    opened twice: a copy with a checker script appended (DOM dump: images decoded, script errors),
    and the page itself for the screenshot."""
    text = open(html_path, encoding="utf-8").read()
    errors = []
    if re.search(r'(src|href)\s*=\s*"(https?:)?//', text):
        errors.append("the page refers to the network")
    probe = os.path.join(os.path.dirname(html_path), "probe-" + os.path.basename(html_path))
    with open(probe, "w", encoding="utf-8") as f:
        f.write(text.replace("</body>", CHECK + "</body>"))
    r = _run(["--dump-dom", "file://" + os.path.abspath(probe)], work)
    os.unlink(probe)
    m = re.search(r'data-images="(\d+) (\d+)"', r.stdout)
    if r.returncode != 0 or not m:
        errors.append(f"chromium --dump-dom exit {r.returncode}, no image count: {r.stderr[-500:]}")
    js = re.search(r'data-js-error="([^"]*)"', r.stdout)
    if js:
        errors.append("script error: " + js.group(1))
    for line in r.stderr.splitlines():
        if "CONSOLE" in line and "probe-" not in line or "net::ERR" in line:
            errors.append(line.strip())
    s = _run([f"--screenshot={png}", f"--window-size={width},{height}", "--hide-scrollbars", "file://" + os.path.abspath(html_path)], work)
    if s.returncode != 0 or not os.path.exists(png):
        errors.append(f"chromium --screenshot exit {s.returncode}: {s.stderr[-500:]}")
    n, bad = (int(m.group(1)), int(m.group(2))) if m else (0, -1)
    return n, bad, errors


def screenshot_stats(png):
    """(width, height, number of distinct colours, fraction of non-white pixels)."""
    from PIL import Image
    import numpy as np
    im = np.asarray(Image.open(png).convert("RGB"))
    flat = im.reshape(-1, 3)
    colours = len(np.unique(flat[:: max(1, len(flat) // 200000)], axis=0))
    return im.shape[1], im.shape[0], colours, float(np.mean(np.any(flat < 245, axis=1)))
