"""report.html in a real browser: headless Chromium opens the page with no console message and
every chart decoded and laid out at its full size. Marked `browser` (run by .ci/run, which
installs Debian's chromium where it is absent); skipped on a machine without Chromium unless
EVFLEET_REQUIRE_BROWSER is set, as CI sets it."""

import os
import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from conftest import TINY, merge, write_case
from evfleet.cli import main

pytestmark = pytest.mark.browser

# Appended to a copy of the page (the report itself has no script): once the page has loaded,
# write each image's state into the DOM, which Chromium dumps.
PROBE = ("<script>window.addEventListener('load', () => { const p = document.createElement('pre');"
         " p.id = 'probe'; p.textContent = [...document.images].map(i => [i.alt, i.complete,"
         " i.naturalWidth, i.naturalHeight, Math.round(i.getBoundingClientRect().width)]"
         ".join(' ')).join('\\n'); document.body.appendChild(p); });</script>")


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("EVFLEET_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required here (EVFLEET_REQUIRE_BROWSER) and not installed")
        pytest.skip("no Chromium on this machine")
    return found


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_opens_in_chromium_with_every_chart_visible(tmp_path, lang):
    browser = chromium()
    case = write_case(tmp_path, merge(TINY, {"end_year": 2026, "carbon_cap_t": 30}))
    runner = CliRunner()
    assert runner.invoke(main, ["solve", str(case), "--out", str(tmp_path / "run")]).exit_code == 0
    assert runner.invoke(main, ["report", str(tmp_path / "run"), "--lang", lang]).exit_code == 0
    page = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    probed = tmp_path / "probed.html"
    probed.write_text(page.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    done = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                           "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000",
                           "--window-size=1200,900", "--dump-dom", probed.as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    assert console == []
    probe = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, re.S)
    assert probe is not None, done.stdout[-2000:]
    images = [line.split() for line in probe.group(1).strip().splitlines()]
    assert [i[0] for i in images] == ["report-fleet", "report-emissions", "report-capex",
                                      "report-costs", "report-typical-day"]
    # each chart decoded (750 x 420 px, 7.5 x 4.2 in at 100 dpi) and laid out at full width
    assert all(i[1:] == ["true", "750", "420", "750"] for i in images), images
