"""The review sheet in a real headless Chromium: a grassroots officer enters a new household's
review by form and sees its class and the reason change as they type, before saving; saving
shows it on the household's page; the sheet fits a phone's width.

Runs against the same `giamngheo serve` as test_walk.py (scripts/test.sh sets GIAMNGHEO_URL).
"""
import os

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from test_walk import BASE, PASSWORD, SHOTS, click_and_wait, shot, chrome_options


@pytest.fixture(scope="module")
def browser():
    options = chrome_options()
    driver = webdriver.Chrome(service=Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
    driver.implicitly_wait(2)
    os.makedirs(SHOTS, exist_ok=True)
    yield driver
    driver.quit()


def login(d, username):
    d.get(BASE + "/login")
    d.delete_all_cookies()
    d.get(BASE + "/login")
    d.find_element(By.ID, "username").send_keys(username)
    d.find_element(By.ID, "password").send_keys(PASSWORD)
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "#login button[type=submit]"))


def fill(d, field, text):
    box = d.find_element(By.ID, field)
    box.clear()
    box.send_keys(text)


def preview_says(d, words):
    """Waits until the preview box (answered by the server as the form changes) shows `words`."""
    WebDriverWait(d, 10).until(lambda drv: words in drv.find_element(By.ID, "review-preview").text)
    return d.find_element(By.ID, "review-preview").text


def test_enter_a_review_and_see_its_class_before_saving(browser):
    d = browser
    login(d, "coso")
    d.get(BASE + "/households")
    click_and_wait(d, d.find_element(By.ID, "new-review"))
    assert d.find_element(By.ID, "review-form")
    fill(d, "rv-code", "HOWALK01")
    Select(d.find_element(By.ID, "rv-year")).select_by_value("2025")
    # The indicators shown are those of the year's standard (2025: Decree 07/2021, no waste indicator).
    assert "Nghị định 07/2021/NĐ-CP" in d.find_element(By.ID, "standard-name").text
    assert d.find_element(By.ID, "rv-ind-bhyt").is_displayed()
    assert not d.find_element(By.ID, "rv-ind-rac_thai").is_displayed()
    Select(d.find_element(By.ID, "rv-area")).select_by_value("nong_thon")
    fill(d, "rv-size", "4")
    fill(d, "rv-yearly", "12.000.000")
    for code in ("bhyt", "nha_tieu", "viec_lam"):
        box = d.find_element(By.ID, "rv-ind-" + code)
        d.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", box)
        box.click()
    text = preview_says(d, "Hộ nghèo")
    assert "250.000 đ" in text
    shot(d, "30-phieu-ra-soat-xem-truoc")
    # A higher income changes the class before anything is saved.
    fill(d, "rv-yearly", "240.000.000")
    preview_says(d, "Không nghèo")
    # A mistyped amount is named with its field, still before saving.
    fill(d, "rv-yearly", "nhiều")
    preview_says(d, "Tổng thu nhập của hộ trong 12 tháng")
    fill(d, "rv-yearly", "12.000.000")
    preview_says(d, "Hộ nghèo")
    click_and_wait(d, d.find_element(By.ID, "rv-save"))
    assert d.current_url.endswith("/households/HOWALK01?notice=review_saved")
    assert "Đã lưu kết quả rà soát" in d.find_element(By.CSS_SELECTOR, ".alert-success").text
    assert "Hộ nghèo" in d.find_element(By.ID, "review-2025").text
    shot(d, "31-phieu-ra-soat-da-luu")

    # Correcting it starts from what is stored.
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "#review-2025 a[href$='review?year=2025']"))
    assert d.find_element(By.ID, "rv-yearly").get_attribute("value") == "12.000.000"
    assert d.find_element(By.ID, "rv-ind-bhyt").is_selected()
    preview_says(d, "Hộ nghèo")


def test_review_sheet_fits_a_phone(browser):
    d = browser
    login(d, "coso")
    d.set_window_size(390, 844)
    try:
        d.get(BASE + "/reviews/new")
        wide = d.execute_script("return document.documentElement.scrollWidth")
        screen = d.execute_script("return window.innerWidth")
        assert wide <= screen, f"the review sheet is {wide}px wide on a {screen}px screen"
        shot(d, "32-phieu-ra-soat-dien-thoai")
    finally:
        d.set_window_size(1400, 1000)


def test_edit_a_member(browser):
    """A member found by search is corrected on their page; the page says it is saved and shows it."""
    d = browser
    login(d, "coso")
    d.get(BASE + "/members?q=nguyen")
    click_and_wait(d, d.find_element(By.CSS_SELECTOR, "#member-results a[href^='/members/']"))
    assert d.find_element(By.ID, "member-form")
    fill(d, "mb-phone", "0912 345 678")
    fill(d, "mb-ethnicity", "Kinh")
    click_and_wait(d, d.find_element(By.ID, "mb-save"))
    assert "Đã lưu thông tin đoàn viên" in d.find_element(By.CSS_SELECTOR, ".alert-success").text
    assert "0912 345 678" in d.find_element(By.ID, "member-facts").text
    shot(d, "33-doan-vien-da-sua")


def test_print_a_campaign_list(browser, tmp_path):
    """A campaign's list to sign comes out as a PDF an office prints: title, recipients, total in words."""
    import subprocess
    import urllib.request
    d = browser
    login(d, "quantri")
    d.get(BASE + "/campaigns")
    links = [a.get_attribute("href") for a in d.find_elements(By.CSS_SELECTOR, "a[href^='/campaigns/'], a[href*='/campaigns/']")
             if "/campaigns/" in a.get_attribute("href")]
    assert links, "no campaign listed"
    for link in links:
        d.get(link)
        if d.find_elements(By.ID, "sign-pdf"):
            break
    pdf_link = d.find_element(By.ID, "sign-pdf").get_attribute("href")
    assert d.find_element(By.ID, "download-xlsx")
    shot(d, "34-dot-qua")
    cookie = "; ".join("%s=%s" % (c["name"], c["value"]) for c in d.get_cookies())
    with urllib.request.urlopen(urllib.request.Request(pdf_link, headers={"Cookie": cookie}), timeout=120) as response:
        body = response.read()
        assert response.headers["Content-Type"] == "application/pdf"
        assert "attachment" in response.headers["Content-Disposition"]
    assert body[:4] == b"%PDF"
    path = tmp_path / "ky-nhan.pdf"
    path.write_bytes(body)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "DANH SÁCH" in text and "Ký nhận" in text and "bằng chữ" in text
