#!/usr/bin/env python3
"""Regenerates the .xlsx fixtures of SpreadsheetsTests (XLSXTests.swift).

The tests only read the generated files; this script is kept so they can be rebuilt
and checked. Run it from anywhere:

    python3 -m venv /tmp/xlsxvenv && /tmp/xlsxvenv/bin/pip install openpyxl
    /tmp/xlsxvenv/bin/python Tests/SpreadsheetsTests/Fixtures/make_fixtures.py

Files written next to this script:

- mixed.xlsx            made by openpyxl (a real spreadsheet library): Vietnamese text,
                        integers, a float, booleans, an error value, a formula without a
                        cached value, an empty cell mid-row, a missing row 5, column AB,
                        rich text, and a second sheet that readers must ignore.
- mixed-libreoffice.xlsx
                        made by LibreOffice Calc (`soffice --headless --convert-to xlsx`)
                        from mixed-libreoffice.csv, so shared strings written by another
                        producer are covered. Skipped (with a message) when soffice is
                        not installed (`apt-get install libreoffice-calc-nogui`).
- mixed-libreoffice-resaved.xlsx
                        mixed.xlsx opened and saved again by LibreOffice Calc (shared
                        strings with rich runs, the formula's result cached).
- handmade.xlsx         XML written by hand (zipfile) for cases the programs above do
                        not produce: phonetic runs, `_xHHHH_` escapes, `t="str"`, cells
                        without `r`, exponent literals, namespace prefixes, an absolute
                        relationship target, and a first tab that is not sheet1.xml.
- no-workbook.xlsx      a ZIP with no workbook in it.
- word-document.xlsx    a Word document's package renamed .xlsx.
- missing-sheet.xlsx    a workbook whose first sheet's part is absent.
- malformed.xlsx        a workbook whose sheet XML is broken on line 5.
"""

import csv
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

HERE = os.path.dirname(os.path.abspath(__file__))


def out(name):
    return os.path.join(HERE, name)


def make_mixed():
    wb = Workbook()
    ws = wb.active
    ws.title = "Hộ gia đình"
    ws["A1"], ws["B1"], ws["C1"], ws["D1"], ws["E1"], ws["F1"], ws["G1"] = (
        "Mã hộ", "Chủ hộ", "Thu nhập", "Tỷ lệ", "Có BHYT", "Ghi chú", "Xã")
    ws["AB1"] = "Cột AB"
    # Row 2: F2 is left empty in the middle of the row.
    ws["A2"], ws["B2"], ws["C2"], ws["D2"], ws["E2"], ws["G2"] = (
        "H001", "Nguyễn Văn An", 1500000, 0.5, True, "Đặng")
    # Row 3: a boolean False, spaces kept, and a cell far out in column AB.
    ws["A3"], ws["B3"], ws["C3"], ws["D3"], ws["E3"], ws["F3"] = (
        "H002", "Đặng Thị Bình", 18000000, 0.25, False, "  hai khoảng trắng  ")
    ws["AB3"] = "xa"
    # Row 4: rich text, a float that is integral, an error value, a formula.
    ws["A4"] = "H003"
    ws["B4"] = CellRichText(["Lê ", TextBlock(InlineFont(b=True), "Văn"), " Cường"])
    ws["C4"] = 1500000.0
    ws["D4"] = "#N/A"
    ws["E4"] = "=1+1"  # openpyxl stores no cached result: readers see ""
    # Row 5 is left out entirely.
    ws["A6"], ws["B6"], ws["C6"], ws["D6"] = ("H005", "Dòng một\nDòng hai", 999999999999999, -42)
    ws["F6"] = "<&>\"'"

    other = wb.create_sheet("Bỏ qua")
    other["A1"] = "không được đọc"
    other["A2"] = 123
    wb.save(out("mixed.xlsx"))


def make_libreoffice():
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("soffice not found: mixed-libreoffice.xlsx not made", file=sys.stderr)
        return
    rows = [
        ["Mã hộ", "Chủ hộ", "Thu nhập", "Tỷ lệ", "Ghi chú", "Xã"],
        ["H001", "Nguyễn Văn An", "1500000", "0.5", "", "Đặng"],
        ["H002", "Đặng Thị Bình", "18000000", "0.25", "có, dấu phẩy", "Đặng"],
        ["H003", "Nguyễn Văn An", "", "", "", ""],
        ["H004", "Trần \"Tí\"", "999999999999999", "-42", "", "Mường Tè"],
    ]
    work = tempfile.mkdtemp()
    try:
        source = os.path.join(work, "mixed-libreoffice.csv")
        with open(source, "w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows(rows)
        shutil.copy(source, out("mixed-libreoffice.csv"))
        # CSV filter options: comma (44), double quote (34), UTF-8 (76), from line 1.
        subprocess.run(
            [soffice, "--headless", f"-env:UserInstallation=file://{work}/profile",
             "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx:Calc MS Excel 2007 XML",
             "--outdir", work, source],
            check=True, stdout=subprocess.DEVNULL, timeout=300)
        shutil.copy(os.path.join(work, "mixed-libreoffice.xlsx"), out("mixed-libreoffice.xlsx"))
        # mixed.xlsx opened and saved again by Calc: the same content through shared
        # strings (with rich-text runs), booleans as formulas, the formula computed.
        resaved = os.path.join(work, "resaved")
        subprocess.run(
            [soffice, "--headless", f"-env:UserInstallation=file://{work}/profile",
             "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", resaved, out("mixed.xlsx")],
            check=True, stdout=subprocess.DEVNULL, timeout=300)
        shutil.copy(os.path.join(resaved, "mixed.xlsx"), out("mixed-libreoffice-resaved.xlsx"))
    finally:
        shutil.rmtree(work, ignore_errors=True)


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

CONTENT_TYPES = DECL + (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '</Types>')

ROOT_RELS = DECL + (
    f'<Relationships xmlns="{PKG}">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
    '</Relationships>')


def write_zip(name, parts):
    with zipfile.ZipFile(out(name), "w", zipfile.ZIP_DEFLATED) as z:
        for part, text in parts.items():
            z.writestr(part, text)


def make_handmade():
    # The first tab is "Dữ liệu", stored in sheet2.xml and reached through an absolute
    # target; sheet1.xml is the second tab and must be ignored. Prefixed namespaces.
    workbook = DECL + (
        f'<x:workbook xmlns:x="{MAIN}" xmlns:rel="{REL}"><x:sheets>'
        '<x:sheet name="Dữ liệu" sheetId="7" rel:id="rId9"/>'
        '<x:sheet name="Khác" sheetId="1" rel:id="rId1"/>'
        '</x:sheets></x:workbook>')
    workbook_rels = DECL + (
        f'<Relationships xmlns="{PKG}">'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId9" Type="{REL}/worksheet" Target="/xl/worksheets/sheet2.xml"/>'
        f'<Relationship Id="rId3" Type="{REL}/sharedStrings" Target="strings/../sharedStrings.xml"/>'
        '</Relationships>')
    shared = DECL + (
        f'<x:sst xmlns:x="{MAIN}" count="4" uniqueCount="4">'
        '<x:si><x:t>Mã hộ</x:t></x:si>'
        # Rich runs are joined; the phonetic run (rPh) is not part of the text.
        '<x:si><x:r><x:t xml:space="preserve">Nguyễn </x:t></x:r>'
        '<x:r><x:rPr><x:b/></x:rPr><x:t>Văn An</x:t></x:r>'
        '<x:rPh sb="0" eb="1"><x:t>グエン</x:t></x:rPh><x:phoneticPr fontId="1"/></x:si>'
        '<x:si><x:t>dòng_x000D_\nhai &amp; _x005F_x0041_</x:t></x:si>'
        '<x:si><x:t/></x:si>'
        '</x:sst>')
    first = DECL + (
        f'<x:worksheet xmlns:x="{MAIN}"><x:dimension ref="A1:E9"/><x:sheetData>\n'
        # Cells without r follow the previous cell.
        '<x:row r="1"><x:c t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c>'
        '<x:c r="D1" t="inlineStr"><x:is><x:r><x:t>Rich </x:t></x:r><x:r><x:t>inline</x:t></x:r>'
        '<x:rPh><x:t>phonetic</x:t></x:rPh></x:is></x:c><x:c t="s"><x:v>2</x:v></x:c></x:row>\n'
        # Numbers in their written forms; a formula with a cached string; an error.
        '<x:row r="2"><x:c r="A2"><x:v>1.5E6</x:v></x:c><x:c r="B2" t="n"><x:v>1500000.0</x:v></x:c>'
        '<x:c r="C2"><x:v>1E15</x:v></x:c><x:c r="D2"><x:v>0.1</x:v></x:c>'
        '<x:c r="E2"><x:v>-0</x:v></x:c><x:c r="F2"><x:v>2.50E-1</x:v></x:c>'
        '<x:c r="G2"><x:v>123456789012345</x:v></x:c><x:c r="H2"><x:v>-1.25E2</x:v></x:c></x:row>\n'
        '<x:row r="3"><x:c r="A3" t="str"><x:f>A1&amp;"!"</x:f><x:v>Mã hộ!</x:v></x:c>'
        '<x:c r="B3" t="e"><x:f>1/0</x:f><x:v>#DIV/0!</x:v></x:c>'
        '<x:c r="C3" t="b"><x:v>1</x:v></x:c><x:c r="D3" t="b"><x:v>0</x:v></x:c>'
        # Styled empty cells at the end are trimmed; an empty shared string too.
        '<x:c r="E3" s="1"/><x:c r="F3" t="s"><x:v>3</x:v></x:c></x:row>\n'
        # A row with only empty cells, then a row without r (follows row 8).
        '<x:row r="8"><x:c r="B8" s="2"/></x:row>\n'
        '<x:row><x:c r="$C$9"><x:v>7</x:v></x:c></x:row>\n'
        '</x:sheetData><x:mergeCells count="1"><x:mergeCell ref="A1:B1"/></x:mergeCells>'
        '</x:worksheet>')
    second = DECL + (
        f'<worksheet xmlns="{MAIN}"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>không được đọc</t></is></c></row>'
        '</sheetData></worksheet>')
    write_zip("handmade.xlsx", {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": workbook,
        "xl/_rels/workbook.xml.rels": workbook_rels,
        "xl/sharedStrings.xml": shared,
        "xl/worksheets/sheet1.xml": second,
        "xl/worksheets/sheet2.xml": first,
    })


def simple_workbook_parts(sheet_xml, sheet_target="worksheets/sheet1.xml"):
    workbook = DECL + (
        f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
        '<sheet name="Trang 1" sheetId="1" r:id="rId1"/></sheets></workbook>')
    rels = DECL + (
        f'<Relationships xmlns="{PKG}">'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="{sheet_target}"/>'
        '</Relationships>')
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": workbook,
        "xl/_rels/workbook.xml.rels": rels,
    }
    if sheet_xml is not None:
        parts["xl/worksheets/sheet1.xml"] = sheet_xml
    return parts


def make_broken():
    write_zip("no-workbook.xlsx", {
        "[Content_Types].xml": CONTENT_TYPES,
        "docs/readme.txt": "Tệp nén này không có sổ tính.\n",
    })
    write_zip("word-document.xlsx", {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": DECL + (
            f'<Relationships xmlns="{PKG}">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="word/document.xml"/>'
            '</Relationships>'),
        "word/document.xml": DECL + (
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            '<w:body><w:p><w:r><w:t>Văn bản</w:t></w:r></w:p></w:body></w:document>'),
    })
    write_zip("missing-sheet.xlsx", simple_workbook_parts(None, "worksheets/sheet9.xml"))
    malformed = DECL + (
        f'<worksheet xmlns="{MAIN}"><sheetData>\n'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>tốt</t></is></c></row>\n'
        '<row r="2"><c r="A2"><v>1</v></c></row>\n'
        '<row r="3"><c r="A3"><v>2</x></c></row>\n'
        '</sheetData></worksheet>')
    write_zip("malformed.xlsx", simple_workbook_parts(malformed))


if __name__ == "__main__":
    make_mixed()  # before make_libreoffice, which re-saves it
    make_libreoffice()
    make_handmade()
    make_broken()
    print("fixtures written to", HERE)
