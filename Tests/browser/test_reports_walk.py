"""The annual report's walk in a real headless Chromium: a grassroots union writes and submits
its report, the commune/ward union returns it with a comment, the grassroots union corrects and
submits again, the commune accepts it and its board counts it; the standard tables download as
a real workbook and the provincial summary draws its charts.

Runs after test_walk.py against the same `giamngheo serve` (scripts/test.sh sets GIAMNGHEO_URL).
"""
import base64
import os
import subprocess
import tempfile
import urllib.parse
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from test_walk import BASE, PASSWORD, click_and_wait, shot, chrome_options


@pytest.fixture(scope="module")
def browser():
    options = chrome_options()
    driver = webdriver.Chrome(service=Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
    driver.implicitly_wait(2)
    yield driver
    driver.quit()


def login(d, username):
    d.get(BASE + "/login")
    d.delete_all_cookies()
    d.get(BASE + "/login")
    d.find_element(By.ID, "username").send_keys(username)
    d.find_element(By.ID, "password").send_keys(PASSWORD)
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "#login button[type=submit]"))
    WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "who")))


def printed_text(d, name):
    """The page as Chromium prints it (A4, print styles), read back by pdftotext."""
    data = d.execute_cdp_cmd("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69})["data"]
    path = os.path.join(tempfile.mkdtemp(), name + ".pdf")
    with open(path, "wb") as f:
        f.write(base64.b64decode(data))
    return subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True).stdout


def fill(d, field, text):
    box = d.find_element(By.ID, field)
    box.clear()
    box.send_keys(text)


def test_report_workflow(browser):
    d = browser
    login(d, "coso")
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "a.nav-link[href='/reports']"))
    own = d.find_element(By.ID, "own-report")
    assert "Chưa lập" in own.text
    click_and_wait(d, own.find_element(By.CSS_SELECTOR, "a.btn"))
    report_url = d.current_url
    assert d.find_element(By.ID, "report-figures").text.strip()
    fill(d, "rp-results", "Hỗ trợ 2 hộ đoàn viên vay vốn chăn nuôi; tặng quà Tết cho hộ nghèo.")
    fill(d, "rp-shortcomings", "Nguồn vốn vay còn ít.")
    fill(d, "rp-proposals", "Đề nghị tăng vốn Quỹ quốc gia về việc làm.")
    # Saved, not yet sent: printed, the page keeps its figures and the narrative being written
    # (a read-only copy beside the form), without the menu and the buttons.
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "#report-form button[value=save]"))
    printed = printed_text(d, "report-draft")
    assert "Nguồn vốn vay còn ít." in printed and "Đề nghị tăng vốn Quỹ quốc gia về việc làm." in printed, printed
    assert "Đăng xuất" not in printed and "Lưu và gửi cấp trên" not in printed and "Lưu nháp" not in printed, printed
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "#report-form button[value=submit]"))
    assert "Đã gửi báo cáo" in d.find_element(By.CSS_SELECTOR, ".alert-success").text
    assert "Đã gửi, chờ duyệt" in d.find_element(By.ID, "report-status").text
    assert not d.find_elements(By.ID, "report-form") and not d.find_elements(By.ID, "review-form")
    shot(d, "14-bao-cao-da-gui")

    # The commune/ward union sees it waiting on its board and returns it with a comment.
    login(d, "xaphuong")
    d.get(BASE + "/reports")
    board = d.find_element(By.ID, "reporting-board")
    # The demo leaves other work waiting too: take the grassroots union's own row.
    path = urllib.parse.urlparse(report_url).path
    waiting = board.find_element(By.CSS_SELECTOR, "tr.reporting-submitted a[href='%s']" % path)
    shot(d, "15-tinh-hinh-bao-cao")
    click_and_wait(d, waiting)
    assert d.current_url == report_url
    fill(d, "rv-comment", "Bổ sung số hộ được vay vốn.")
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "#review-form button[value=return]"))
    assert "Trả lại để sửa" in d.find_element(By.ID, "report-status").text

    # The grassroots union reads the comment, corrects and submits again; the commune accepts.
    login(d, "coso")
    d.get(report_url)
    assert "Bổ sung số hộ được vay vốn." in d.find_element(By.ID, "review-comment").text
    fill(d, "rp-results", "Hỗ trợ 2 hộ đoàn viên vay vốn chăn nuôi (60 triệu đồng); tặng quà Tết cho hộ nghèo.")
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "#report-form button[value=submit]"))
    login(d, "xaphuong")
    d.get(report_url)
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "#review-form button[value=accept]"))
    assert "Đã chấp nhận" in d.find_element(By.ID, "report-status").text
    assert len(d.find_elements(By.CSS_SELECTOR, "#report-events li")) >= 5
    d.get(BASE + "/reports")
    assert d.find_elements(By.CSS_SELECTOR, "#reporting-board tr.reporting-accepted")
    assert "1/" in d.find_element(By.ID, "reporting-rate").text
    shot(d, "16-bao-cao-da-duyet")


def test_tables_and_summary(browser):
    d = browser
    login(d, "quantri")
    d.get(BASE + "/reports/tables")
    for n in (1, 2, 4, 12):
        assert d.find_element(By.ID, "bieu-%d" % n).text.startswith("Biểu %d." % n)
    shot(d, "17-bieu-tong-hop")
    link = d.find_element(By.CSS_SELECTOR, "#tables-downloads a[href*='format=xlsx']").get_attribute("href")
    cookie = "; ".join("%s=%s" % (c["name"], c["value"]) for c in d.get_cookies())
    with urllib.request.urlopen(urllib.request.Request(link, headers={"Cookie": cookie})) as response:
        body = response.read()
        assert "spreadsheetml" in response.headers["Content-Type"]
        assert body[:2] == b"PK"
    d.get(BASE + "/reports/summary")
    units = d.find_element(By.ID, "chart-units")
    assert units.find_element(By.TAG_NAME, "title").get_attribute("textContent").startswith("Tỷ lệ hộ nghèo đa chiều")
    assert d.find_element(By.ID, "chart-contributions")
    assert d.find_element(By.ID, "bang-af")  # the Alkire–Foster table, by dimension
    assert d.find_element(By.ID, "bang-af-chi-so")  # and by indicator
    assert d.find_element(By.ID, "bang-bao-cao")  # the accepted reports' own figures
    shot(d, "18-bao-cao-tong-hop")
