#!/usr/bin/env python3
"""`giamngheo classify FILE` (CSV output, Vietnamese reasons) as vectorised pandas.

Usage: classify_pandas.py SURVEY.csv OUT.csv

Scope (the benchmark's input, `giamngheo demo-survey`): review years 2021-2025
(standard vn-2022), income given as `tong_thu_nhap_nam` + `so_nhan_khau`.
Headers and area values are folded as survey-format.md says (lower case, no
diacritics, đ -> d, spaces -> _). Other years or a monthly income column make
it exit with an error instead of guessing. It does not re-implement the full
validation of the Swift contract (row/column error reports).

No per-row Python loops: every per-row step is a pandas/numpy array operation;
the only Python loops run over the 23 headers, the distinct cell values of a
column, 12 indicators or a handful of lookup-table entries.
"""
import csv
import re
import sys
import unicodedata

import numpy as np
import pandas as pd

# vn-2022, from Sources/PovertyCore/Resources/standards.json
STANDARD = "vn-2022"
REVIEW_YEARS = (2021, 2025)
CUTOFF = 3
INDICATORS = ["viec_lam", "phu_thuoc", "dinh_duong", "bhyt", "giao_duc_nguoi_lon", "di_hoc_tre_em",
              "chat_luong_nha", "dien_tich_nha", "nuoc_sinh_hoat", "nha_tieu", "vien_thong",
              "phuong_tien_thong_tin"]
# area 0 = nong_thon, 1 = thanh_thi: (poverty line, average-living upper bound), per person per month
LINES = [(1_500_000, 2_250_000), (2_000_000, 3_000_000)]
AREA_CODE = np.array(["nong_thon", "thanh_thi"], dtype=object)
AREA_VI = ["nông thôn", "thành thị"]
STATUS_VI = {"ngheo": "hộ nghèo", "can_ngheo": "hộ cận nghèo",
             "muc_song_trung_binh": "hộ có mức sống trung bình", "khong_ngheo": "không nghèo"}
HEADER = "ma_ho,nam,chuan,khu_vuc,thu_nhap_binh_quan_thang,so_chi_so_thieu_hut,chi_so_thieu_hut,phan_loai,ly_do"


def fold(text):
    """survey-format.md folding of a header name or text value."""
    s = text.strip().replace("đ", "d").replace("Đ", "d")
    s = "".join(c for c in unicodedata.normalize("NFD", s) if not "\u0300" <= c <= "\u036f")
    return re.sub(r"\s+", "_", s.lower())


def map_values(col, table, what):
    """Maps a text column through `table` (folded value -> result), folding each distinct value once."""
    uniques = pd.unique(col)
    mapping = {}
    for u in uniques:
        key = fold(u)
        if key not in table:
            sys.exit(f"classify_pandas: {what}: unexpected value {u!r}")
        mapping[u] = table[key]
    return col.map(mapping).to_numpy()


def parse_money(col):
    try:
        return col.astype(np.int64).to_numpy()
    except (ValueError, TypeError):
        s = col.str.strip().str.replace(r"\s*(đ|₫|VND|vnd)$", "", regex=True)
        ok = s.str.fullmatch(r"\d+|\d{1,3}(?:\.\d{3})+|\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+")
        if not ok.all():
            sys.exit(f"classify_pandas: bad money cell {s[~ok].iloc[0]!r}")
        return s.str.replace(r"[., ]", "", regex=True).astype(np.int64).to_numpy()


PAD3 = np.array([f"{i:03d}" for i in range(1000)], dtype=object)
PLAIN3 = np.array([str(i) for i in range(1000)], dtype=object)


def money(v):
    """1500000 -> '1.500.000' for a non-negative int64 array (object array of str)."""
    out = np.empty(len(v), dtype=object)
    small = v < 1000
    out[small] = PLAIN3[v[small]]
    big = ~small
    if big.any():
        w = v[big]
        out[big] = money(w // 1000) + "." + PAD3[w % 1000]
    return out


def main():
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader(f))
    pos = {}
    for name in header:
        pos.setdefault(fold(name), name)
    need = ["ma_ho", "nam", "khu_vuc", "so_nhan_khau", "tong_thu_nhap_nam"] + INDICATORS
    missing = [c for c in need if c not in pos]
    if missing:
        sys.exit(f"classify_pandas: missing columns {missing} (only tong_thu_nhap_nam + so_nhan_khau input is supported)")

    df = pd.read_csv(src, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8-sig",
                     usecols=[pos[c] for c in need], engine="c")
    n_rows = len(df)

    code = df[pos["ma_ho"]].str.strip()
    year = df[pos["nam"]].astype(np.int64).to_numpy()
    if n_rows and (year.min() < REVIEW_YEARS[0] or year.max() > REVIEW_YEARS[1]):
        sys.exit(f"classify_pandas: only review years {REVIEW_YEARS[0]}-{REVIEW_YEARS[1]} ({STANDARD}) are supported")
    urban = map_values(df[pos["khu_vuc"]], {"nong_thon": 0, "rural": 0, "thanh_thi": 1, "urban": 1}, "khu_vuc").astype(np.int64)
    size = df[pos["so_nhan_khau"]].astype(np.int64).to_numpy()
    total = parse_money(df[pos["tong_thu_nhap_nam"]])

    flags = {"1": 1, "co": 1, "0": 0, "khong": 0}
    mask = np.zeros(n_rows, dtype=np.int64)
    for j, ind in enumerate(INDICATORS):
        col = df[pos[ind]]
        if set(pd.unique(col)) <= {"0", "1"}:
            f = (col == "1").to_numpy().astype(np.int64)
        else:
            f = map_values(col, flags, ind).astype(np.int64)
        mask |= f << j
    d = np.zeros(n_rows, dtype=np.int64)
    for j in range(len(INDICATORS)):
        d += (mask >> j) & 1

    # Exact integer comparisons: T <= line * n * 12.
    line = np.where(urban == 1, LINES[1][0], LINES[0][0])
    bound = np.where(urban == 1, LINES[1][1], LINES[0][1])
    months = 12 * size
    band = np.select([total <= line * months, total <= bound * months], [0, 1], 2)
    per_capita = total // months
    status = np.select([(band == 0) & (d >= CUTOFF), band == 0, band == 1], [0, 1, 2], 3)

    # Deprived codes in table order: a lookup table over the 4096 masks.
    codes_table = np.array([";".join(c for j, c in enumerate(INDICATORS) if m >> j & 1)
                            for m in range(1 << len(INDICATORS))], dtype=object)

    # The reason: "Thu nhập bình quân X đ/người/tháng[ (tổng năm T đ, n người)]" + a suffix that
    # depends only on (area, band, d), taken from a small table (with the closing quote of the cell).
    def m(v):
        return f"{v:,}".replace(",", ".") + " đ"
    suffix_table = np.empty(2 * 16, dtype=object)
    for a in (0, 1):
        ln, bd = LINES[a]
        for k in range(13):
            st = "ngheo" if k >= CUTOFF else "can_ngheo"
            suffix_table[a * 16 + k] = (f" ≤ chuẩn nghèo {AREA_VI[a]} {m(ln)}, thiếu hụt {k}/{len(INDICATORS)} chỉ số "
                                        f"({'≥' if k >= CUTOFF else '<'} {CUTOFF}) → {STATUS_VI[st]}\"")
        suffix_table[a * 16 + 13] = (f" > chuẩn nghèo {AREA_VI[a]} {m(ln)} và ≤ mức sống trung bình {AREA_VI[a]} {m(bd)}"
                                     f" → {STATUS_VI['muc_song_trung_binh']}\"")
        suffix_table[a * 16 + 14] = f" > mức sống trung bình {AREA_VI[a]} {m(bd)} → {STATUS_VI['khong_ngheo']}\""
    suffix = suffix_table[urban * 16 + np.select([band == 0, band == 1], [d, 13], 14)]

    rounded = per_capita * months != total
    clause = np.full(n_rows, "", dtype=object)
    if rounded.any():
        clause[rounded] = (" (tổng năm " + money(total[rounded]) + " đ, "
                           + PLAIN3[size[rounded]] + " người)")

    # RFC 4180 quoting of the household code where needed (as the Swift CSV writer does).
    code = code.to_numpy(dtype=object)
    needs_quotes = pd.Series(code).str.contains(r'[,"\r\n]', regex=True).to_numpy()
    if needs_quotes.any():
        code[needs_quotes] = '"' + pd.Series(code[needs_quotes]).str.replace('"', '""').to_numpy(dtype=object) + '"'

    # The Swift output always quotes ly_do and pandas' to_csv cannot force quotes on one column,
    # so each row is joined here (short pieces first, from lookup tables where the value set is
    # small) and written as one pre-formatted column.
    years = np.unique(year)
    year_area = np.array([f",{y},{STANDARD},{AREA_CODE[a]}," for y in years for a in (0, 1)], dtype=object)
    mid = year_area[np.searchsorted(years, year) * 2 + urban]
    d_text = np.array([f",{k}," for k in range(len(INDICATORS) + 1)], dtype=object)[d]
    status_text = np.array([f",{s},\"Thu nhập bình quân " for s in ("ngheo", "can_ngheo", "muc_song_trung_binh", "khong_ngheo")],
                           dtype=object)[status]
    head = code + mid + per_capita.astype(str).astype(object) + d_text + codes_table[mask] + status_text
    tail = money(per_capita) + " đ/người/tháng" + clause + suffix
    line_text = head + tail
    pd.DataFrame({HEADER: line_text}).to_csv(dst, index=False, header=True, quoting=csv.QUOTE_NONE,
                                            sep="\x1f", quotechar="\x1e", lineterminator="\n")


if __name__ == "__main__":
    main()
