"""The officer's walk through the web app in a real headless Chromium (Debian's chromium and
chromium-driver, driven by Selenium; nothing is downloaded).

scripts/test.sh starts `giamngheo serve` on a fresh SQLite demo province and sets
GIAMNGHEO_URL; screenshots go to GIAMNGHEO_SCREENSHOTS (not committed).
"""
import os
import tempfile
import time
import unicodedata

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

BASE = os.environ.get("GIAMNGHEO_URL", "http://127.0.0.1:8080")
SHOTS = os.environ.get("GIAMNGHEO_SCREENSHOTS", os.path.join(tempfile.gettempdir(), "giamngheo-screenshots"))
PASSWORD = "demo-giamngheo"
HEADER = ("Mã hộ,Năm,Đơn vị,Mã đoàn viên,Họ tên chủ hộ,Khu vực,Số nhân khẩu,Tổng thu nhập năm,Việc làm,Phụ thuộc,"
          "Tiếp cận y tế,Dinh dưỡng,BHYT,Giáo dục người lớn,Đi học trẻ em,Chất lượng nhà,Diện tích nhà,Nước sinh hoạt,"
          "Nhà tiêu,Rác thải,Viễn thông,Phương tiện thông tin,Dân tộc thiểu số")


def fold(text):
    """Vietnamese without diacritics, lower case: 'Đặng Văn' -> 'dang van'."""
    text = text.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).lower()


def chrome_options():
    """Headless Chromium; behind the test's TLS proxy it trusts that proxy's self-made
    certificate by its key (GIAMNGHEO_CERT_SPKI, the SHA-256 of its public key), nothing else."""
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000", "--lang=vi"):
        options.add_argument(arg)
    if os.environ.get("GIAMNGHEO_CERT_SPKI"):
        options.add_argument("--ignore-certificate-errors-spki-list=" + os.environ["GIAMNGHEO_CERT_SPKI"])
    return options


@pytest.fixture(scope="module")
def browser():
    options = chrome_options()
    service = Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.implicitly_wait(2)
    os.makedirs(SHOTS, exist_ok=True)
    yield driver
    driver.quit()


def click_and_wait(driver, element):
    """Clicks something that loads a new page and waits until the old page is gone."""
    old = driver.find_element(By.TAG_NAME, "html")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)
    element.click()

    def gone(_):
        # The old page's root no longer answers: stale, or (mid-navigation) a node the
        # browser no longer knows; both mean the new page has replaced it.
        try:
            old.is_enabled()
            return False
        except WebDriverException:
            return True
    WebDriverWait(driver, 15).until(gone)


def shot(driver, name):
    driver.save_screenshot(os.path.join(SHOTS, name + ".png"))


def wait_state(driver, states, seconds=60):
    def reached(d):
        d.refresh()
        job = d.find_elements(By.ID, "job")
        return job and job[0].get_attribute("data-state") in states
    WebDriverWait(driver, seconds, poll_frequency=0.5).until(reached)
    return driver.find_element(By.ID, "job").get_attribute("data-state")


def test_officer_walk(browser, tmp_path):
    d = browser
    # Log in as the grassroots union officer.
    d.get(BASE + "/login")
    d.delete_all_cookies()
    d.get(BASE + "/")
    assert "/login" in d.current_url
    d.find_element(By.ID, "username").send_keys("coso")
    d.find_element(By.ID, "password").send_keys(PASSWORD)
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "#login button[type=submit]"))
    WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "who")))
    assert "Cán bộ công đoàn cơ sở" in d.find_element(By.ID, "who").text
    assert d.find_element(By.TAG_NAME, "svg") is not None
    shot(d, "01-tong-quan")

    # The officer's own unit code, from the tree page.
    d.get(BASE + "/units")
    unit_code = d.find_element(By.CSS_SELECTOR, "#tree tbody tr td span.small").text.strip()
    assert unit_code
    shot(d, "02-don-vi")

    # Import a survey with a bad cell: the page names the row and the column.
    bad = tmp_path / "khao-sat-loi.csv"
    stamp = str(int(time.time() * 1000))[-8:]  # new households on every run, even against the same server
    first, second = f"HOB{stamp}1", f"HOB{stamp}2"
    rows = [HEADER,
            f"{first},2025,{unit_code},,Thử Trình Duyệt,Nông thôn,4,40.000.000,1,0,0,0,1,1,0,1,0,0,0,0,0,0,0",
            f"{second},2025,{unit_code},,Thử Trình Duyệt,Nông thôn,3,ba mươi triệu,1,0,0,0,1,1,0,1,0,0,0,0,0,0,0"]
    bad.write_text("\n".join(rows) + "\n", encoding="utf-8")
    d.get(BASE + "/import")
    d.find_element(By.ID, "survey-file").send_keys(str(bad))
    click_and_wait(d, d.find_element(By.ID, "survey-submit"))
    assert wait_state(d, ("rejected", "ready", "failed")) == "rejected"
    cells = [td.text for td in d.find_elements(By.CSS_SELECTOR, "#issues tbody tr td")]
    assert cells[0] == "3" and cells[1] == "Tổng thu nhập năm", cells
    shot(d, "03-nhap-loi")

    # Fix it, preview, confirm, and read the counts.
    good = tmp_path / "khao-sat.csv"
    rows[2] = rows[2].replace("ba mươi triệu", "30.000.000")
    good.write_text("\n".join(rows) + "\n", encoding="utf-8")
    d.get(BASE + "/import")
    d.find_element(By.ID, "survey-file").send_keys(str(good))
    click_and_wait(d, d.find_element(By.ID, "survey-submit"))
    assert wait_state(d, ("rejected", "ready", "failed")) == "ready"
    assert "sẽ thêm 2" in d.find_element(By.ID, "preview").text
    shot(d, "04-xem-truoc")
    click_and_wait(d, d.find_element(By.ID, "confirm"))
    assert wait_state(d, ("done", "failed")) == "done"
    assert "thêm 2" in d.find_element(By.ID, "result").text
    shot(d, "05-da-nhap")

    # Open the household and read why it is poor.
    d.get(BASE + "/households/" + second)
    review = d.find_element(By.ID, "review-2025")
    assert "Hộ nghèo" in review.text or "Hộ cận nghèo" in review.text
    reason = review.find_element(By.CSS_SELECTOR, ".reason").text
    assert "Thu nhập bình quân" in reason
    shot(d, "06-ho")

    # Search a member's name without diacritics.
    d.get(BASE + "/households")
    names = [td.text for td in d.find_elements(By.CSS_SELECTOR, "#households tbody tr td:nth-child(2)") if td.text.strip() not in ("", "–")]
    assert names
    plain = fold(names[0])
    assert plain != names[0].lower() or plain.isascii()
    box = d.find_element(By.ID, "q")
    box.clear()
    box.send_keys(plain)
    click_and_wait(d, d.find_element(By.ID, "search-submit"))
    found = [td.text for td in d.find_elements(By.CSS_SELECTOR, "#households tbody tr td:nth-child(2)")]
    assert names[0] in found, (plain, found)
    shot(d, "07-tim-khong-dau")

    # Switch to English and back on the same page.
    click_and_wait(d, d.find_element(By.ID, "lang-switch"))
    assert d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert "Households" in d.find_element(By.TAG_NAME, "h1").text
    shot(d, "08-english")
    click_and_wait(d, d.find_element(By.ID, "lang-switch"))
    assert d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "vi"

    # Log out.
    click_and_wait(d, d.find_element(By.ID, "logout"))
    WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "login")))
    d.get(BASE + "/households")
    assert "/login" in d.current_url


def test_other_branch_is_not_found(browser):
    d = browser
    d.get(BASE + "/login")
    d.delete_all_cookies()
    d.get(BASE + "/login")
    d.find_element(By.ID, "username").send_keys("coso")
    d.find_element(By.ID, "password").send_keys(PASSWORD)
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "#login button[type=submit]"))
    WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "who")))
    d.get(BASE + "/users")
    assert "không có quyền" in d.find_element(By.ID, "error-message").text
    click_and_wait(d, d.find_element(By.ID, "logout"))


def test_support_walk(browser):
    """A commune/ward officer records support for a poor household, reads the coverage
    worklist, is refused an overdraw with the balance named, and opens loans and a campaign."""
    d = browser
    d.get(BASE + "/login")
    d.delete_all_cookies()
    d.get(BASE + "/login")
    d.find_element(By.ID, "username").send_keys("xaphuong")
    d.find_element(By.ID, "password").send_keys(PASSWORD)
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "#login button[type=submit]"))
    WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "who")))

    # The coverage page: the plan's 100% figure and the households still lacking a policy.
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "a.nav-link[href='/coverage']"))
    assert "Mục tiêu: 100%" in d.find_element(By.ID, "coverage-summary").text
    shot(d, "09-bao-phu")

    # A poor household of the branch: record health-insurance support from the state.
    d.get(BASE + "/households?status=ngheo")
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "#households tbody tr td a"))
    form = d.find_element(By.ID, "form-support")
    Select(form.find_element(By.ID, "sp-policy")).select_by_value("ho_tro_bhyt")
    value = form.find_element(By.ID, "sp-value")
    value.clear()
    value.send_keys("1.234.000")
    Select(form.find_element(By.ID, "sp-source")).select_by_value("state")
    form.find_element(By.ID, "sp-source-name").send_keys("Bảo hiểm xã hội tỉnh")
    click_and_wait(d, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert "Đã ghi nhận hỗ trợ" in d.find_element(By.CSS_SELECTOR, ".alert-success").text
    assert "1.234.000 đ" in d.find_element(By.ID, "support").text
    shot(d, "10-ho-tro")

    # Funds: a disbursement larger than the balance is refused, and the message names the balance.
    d.get(BASE + "/funds")
    form = d.find_element(By.ID, "form-disburse")
    Select(form.find_element(By.ID, "ds-fund")).select_by_value("mai_am")
    form.find_element(By.ID, "ds-amount").send_keys("999.000.000.000")
    form.find_element(By.ID, "ds-note").send_keys("thử chi quá số dư")
    click_and_wait(d, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    error = d.find_element(By.ID, "form-error").text
    assert "chỉ còn" in error and "không đủ" in error, error
    # The tab's title says so first, and the keyboard is brought to the message (app.js).
    assert d.title.startswith("Lỗi: "), d.title
    WebDriverWait(d, 5).until(lambda drv: drv.switch_to.active_element.get_attribute("id") == "form-error")
    shot(d, "11-quy-tu-choi")

    # Loans with their ageing, and a campaign's list.
    d.get(BASE + "/loans")
    assert len(d.find_elements(By.CSS_SELECTOR, "#ageing tbody tr")) == 4
    shot(d, "12-vay-von")
    d.get(BASE + "/campaigns")
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "#campaigns tbody tr td a"))
    assert d.find_element(By.ID, "campaign-figures")
    shot(d, "13-dot-qua")


def test_phone_width(browser):
    """At a phone's 390×844 no page is wider than the screen, and the menu opens from its toggler."""
    d = browser
    d.set_window_size(390, 844)
    try:
        d.delete_all_cookies()
        d.get(BASE + "/login")
        d.find_element(By.NAME, "username").send_keys("xaphuong")
        d.find_element(By.NAME, "password").send_keys(PASSWORD)
        click_and_wait(d, d.find_element(By.CSS_SELECTOR, "form button[type=submit]"))
        for path in ["/", "/households", "/coverage", "/funds", "/loans", "/campaigns", "/reports", "/units", "/import", "/hardship", "/reviews/new", "/members?q=nguyen"]:
            d.get(BASE + path)
            wide = d.execute_script("return document.documentElement.scrollWidth")
            screen = d.execute_script("return window.innerWidth")
            assert wide <= screen, f"{path} is {wide}px wide on a {screen}px screen"
        d.get(BASE + "/")
        shot(d, "20-dien-thoai-tong-quan")
        menu = d.find_element(By.ID, "main-nav")
        assert not menu.is_displayed()
        d.find_element(By.CSS_SELECTOR, ".navbar-toggler").click()
        WebDriverWait(d, 5).until(lambda drv: "show" in drv.find_element(By.ID, "main-nav").get_attribute("class")
                                  and "collapsing" not in drv.find_element(By.ID, "main-nav").get_attribute("class"))
        assert d.find_element(By.LINK_TEXT, "Hộ").is_displayed()
        shot(d, "21-dien-thoai-trinh-don")
    finally:
        d.set_window_size(1400, 1000)
