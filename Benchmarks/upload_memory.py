#!/usr/bin/env python3
"""The server's peak memory while it reads the worst spreadsheet its limits accept.

Writes an XLSX at the shared-string limit (SpreadsheetLimits: 64 MiB of their text) within
the upload limit (64 MiB): STRINGS distinct strings of LENGTH characters, and one sheet of as
many rows, each a cell naming one of them — the shared-string table is held for the whole
read, so this is the most a file can make the reader hold. Uploads it as a survey (the survey
contract refuses it once read: its header is not a survey's), waits until the check ends, and
prints the server's resident memory before and its peak (VmHWM) after.

    python3 Benchmarks/upload_memory.py URL --admin U:P --pid PID [--strings 560000] [--length 118]
"""
import argparse
import os
import random
import string
import tempfile
import time
import zipfile

from during_import import csrf, fetch, multipart, opener, sign_in
import http.cookiejar
import json


def status(pid):
    with open(f"/proc/{pid}/status") as f:
        return dict(line.split(":", 1) for line in f if ":" in line)


def workbook(path, strings, length):
    rng = random.Random(2026)
    alphabet = string.ascii_letters + string.digits
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                   '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                   'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Khảo sát" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                   '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            f.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{strings}" uniqueCount="{strings}">'.encode())
            chunk = []
            for i in range(strings):
                chunk.append("<si><t>" + "".join(rng.choices(alphabet, k=length)) + "</t></si>")
                if len(chunk) == 10_000:
                    f.write("".join(chunk).encode())
                    chunk = []
            f.write(("".join(chunk) + "</sst>").encode())
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            chunk = []
            for i in range(strings):
                chunk.append(f'<row r="{i + 1}"><c r="A{i + 1}" t="s"><v>{i}</v></c></row>')
                if len(chunk) == 10_000:
                    f.write("".join(chunk).encode())
                    chunk = []
            f.write(("".join(chunk) + "</sheetData></worksheet>").encode())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--admin", required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--strings", type=int, default=560_000)
    ap.add_argument("--length", type=int, default=118)
    args = ap.parse_args()
    base = args.url.rstrip("/")
    user, password = args.admin.split(":", 1)
    path = os.path.join(tempfile.mkdtemp(), "bang-chuoi-lon.xlsx")
    started = time.perf_counter()
    workbook(path, args.strings, args.length)
    size = os.path.getsize(path)
    print(f"file: {args.strings:,} shared strings of {args.length} characters ({args.strings * args.length / 2**20:.0f} MiB of text), "
          f"{size / 2**20:.0f} MiB compressed (written in {time.perf_counter() - started:.0f} s)")

    jar = http.cookiejar.CookieJar()
    admin = opener(jar)
    code, _ = sign_in(admin, base, user, password)
    assert code == 303, code
    before = status(args.pid)
    _, _, page = fetch(admin, base + "/import")
    with open(path, "rb") as f:
        content = f.read()
    boundary, body = multipart("file", "bang-chuoi-lon.xlsx", content)
    del content
    started = time.perf_counter()
    code, headers, answer = fetch(admin, base + "/import/khao-sat", data=body,
                                  headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "X-CSRF-Token": csrf(page)})
    del body
    assert code == 303, (code, answer[:300])
    job = headers["Location"]
    while True:
        _, _, raw = fetch(admin, base + job + "/status")
        state = json.loads(raw)
        if state["state"] not in ("checking",):
            break
        time.sleep(0.5)
    after = status(args.pid)
    print(f"check ended '{state['state']}' after {time.perf_counter() - started:.1f} s ({state.get('rows')} rows read, {state.get('issues')} problems)")
    print(f"server resident memory before: {before['VmRSS'].strip()} (peak so far {before['VmHWM'].strip()}); "
          f"peak (VmHWM) after: {after['VmHWM'].strip()}; now: {after['VmRSS'].strip()}")
    os.remove(path)


if __name__ == "__main__":
    main()
