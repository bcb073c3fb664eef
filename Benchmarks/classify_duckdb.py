#!/usr/bin/env python3
"""`giamngheo classify FILE` (CSV output, Vietnamese reasons) as one DuckDB SQL statement.

Usage: classify_duckdb.py SURVEY.csv OUT.csv [--threads N] [--print-sql]

The Python part only reads the header line and folds the names as survey-format.md
says (lower case, no diacritics, đ -> d, spaces -> _) to find the columns; all
per-row work is the SQL below (read_csv with every column VARCHAR, integer
comparisons T <= line * n * 12, COPY ... TO a CSV file).

Scope (the benchmark's input, `giamngheo demo-survey`): review years 2021-2025
(standard vn-2022), income given as `tong_thu_nhap_nam` + `so_nhan_khau`. Any
other year, area or flag value stops the query with error(). It does not
re-implement the full validation of the Swift contract.

Output is byte-identical to the Swift one except the header line: FORCE_QUOTE
(ly_do), needed because Swift always quotes ly_do, also quotes that header cell
(`...,"ly_do"`), which is the same CSV header.
"""
import csv
import string
import re
import sys
import unicodedata

import duckdb

INDICATORS = ["viec_lam", "phu_thuoc", "dinh_duong", "bhyt", "giao_duc_nguoi_lon", "di_hoc_tre_em",
              "chat_luong_nha", "dien_tich_nha", "nuoc_sinh_hoat", "nha_tieu", "vien_thong",
              "phuong_tien_thong_tin"]

SQL = r"""
CREATE OR REPLACE MACRO fold(s) AS
    regexp_replace(lower(strip_accents(replace(replace(trim(s), 'đ', 'd'), 'Đ', 'd'))), '\s+', '_', 'g');
CREATE OR REPLACE MACRO flag(s) AS
    CASE s WHEN '1' THEN 1 WHEN '0' THEN 0 ELSE
        CASE fold(s) WHEN '1' THEN 1 WHEN 'co' THEN 1 WHEN '0' THEN 0 WHEN 'khong' THEN 0
        ELSE error('bad indicator flag: ' || s) END END;
CREATE OR REPLACE MACRO money_in(s) AS
    CASE WHEN regexp_full_match(s, '[0-9]+') THEN CAST(s AS BIGINT)
         WHEN regexp_full_match(trim(s), '[0-9]{1,3}(\.[0-9]{3})+|[0-9]{1,3}(,[0-9]{3})+|[0-9]{1,3}( [0-9]{3})+')
              THEN CAST(regexp_replace(trim(s), '[., ]', '', 'g') AS BIGINT)
         ELSE error('bad money cell: ' || s) END;
CREATE OR REPLACE MACRO money(v) AS format('{:t.}', v) || ' đ';

COPY (
  WITH src AS (
    SELECT * FROM read_csv($input, all_varchar = true, header = true, delim = ',', quote = '"')
  ), r AS (
    SELECT trim($ma_ho) AS ma_ho,
           CAST(trim($nam) AS INTEGER) AS nam,
           CASE fold($khu_vuc) WHEN 'nong_thon' THEN 0 WHEN 'rural' THEN 0
                                WHEN 'thanh_thi' THEN 1 WHEN 'urban' THEN 1
                                ELSE error('bad khu_vuc: ' || $khu_vuc) END AS urban,
           CAST(trim($so_nhan_khau) AS BIGINT) AS n,
           money_in($tong_thu_nhap_nam) AS t,
           $flags
    FROM src
  ), c AS (
    SELECT *,
           $deprivation_count AS d,
           t // (12 * n) AS pc,
           CASE urban WHEN 1 THEN 2000000 ELSE 1500000 END AS line,
           CASE urban WHEN 1 THEN 3000000 ELSE 2250000 END AS bound,
           CASE urban WHEN 1 THEN 'thành thị' ELSE 'nông thôn' END AS area_vi
    FROM r
  ), k AS (
    SELECT *,
           CASE WHEN t <= line * 12 * n THEN 0 WHEN t <= bound * 12 * n THEN 1 ELSE 2 END AS band
    FROM c
  )
  SELECT ma_ho,
         nam,
         CASE WHEN nam BETWEEN 2021 AND 2025 THEN 'vn-2022'
              ELSE error('review year ' || nam || ' is not under vn-2022') END AS chuan,
         CASE urban WHEN 1 THEN 'thanh_thi' ELSE 'nong_thon' END AS khu_vuc,
         pc AS thu_nhap_binh_quan_thang,
         d AS so_chi_so_thieu_hut,
         NULLIF(concat_ws(';', $deprived_codes), '') AS chi_so_thieu_hut,
         CASE band WHEN 0 THEN CASE WHEN d >= 3 THEN 'ngheo' ELSE 'can_ngheo' END
                   WHEN 1 THEN 'muc_song_trung_binh' ELSE 'khong_ngheo' END AS phan_loai,
         'Thu nhập bình quân ' || money(pc) || '/người/tháng'
         || CASE WHEN pc * 12 * n <> t THEN ' (tổng năm ' || money(t) || ', ' || n || ' người)' ELSE '' END
         || CASE band
              WHEN 0 THEN ' ≤ chuẩn nghèo ' || area_vi || ' ' || money(line) || ', thiếu hụt ' || d
                          || '/12 chỉ số (' || CASE WHEN d >= 3 THEN '≥' ELSE '<' END || ' 3)'
              WHEN 1 THEN ' > chuẩn nghèo ' || area_vi || ' ' || money(line)
                          || ' và ≤ mức sống trung bình ' || area_vi || ' ' || money(bound)
              ELSE ' > mức sống trung bình ' || area_vi || ' ' || money(bound) END
         || ' → ' || CASE band WHEN 0 THEN CASE WHEN d >= 3 THEN 'hộ nghèo' ELSE 'hộ cận nghèo' END
                               WHEN 1 THEN 'hộ có mức sống trung bình' ELSE 'không nghèo' END AS ly_do
  FROM k
) TO $output (FORMAT csv, HEADER true, DELIMITER ',', FORCE_QUOTE (ly_do));
"""


def fold(text):
    s = text.strip().replace("đ", "d").replace("Đ", "d")
    s = "".join(c for c in unicodedata.normalize("NFD", s) if not "\u0300" <= c <= "\u036f")
    return re.sub(r"\s+", "_", s.lower())


def ident(name):
    return '"' + name.replace('"', '""') + '"'


def literal(text):
    return "'" + text.replace("'", "''") + "'"


def build_sql(src, dst):
    with open(src, encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader(f))
    col = {}
    for name in header:
        col.setdefault(fold(name), ident(name))
    need = ["ma_ho", "nam", "khu_vuc", "so_nhan_khau", "tong_thu_nhap_nam"] + INDICATORS
    missing = [c for c in need if c not in col]
    if missing:
        sys.exit(f"classify_duckdb: missing columns {missing} (only tong_thu_nhap_nam + so_nhan_khau input is supported)")
    flags = ",\n           ".join(f"flag({col[c]}) AS f_{c}" for c in INDICATORS)
    count = " + ".join(f"f_{c}" for c in INDICATORS)
    codes = ", ".join(f"CASE WHEN f_{c} = 1 THEN '{c}' END" for c in INDICATORS)
    return string.Template(SQL).substitute(input=literal(src), output=literal(dst), flags=flags, deprivation_count=count,
                      deprived_codes=codes, **{c: col[c] for c in need[:5]})


def main():
    args = sys.argv[1:]
    threads = None
    if "--threads" in args:
        i = args.index("--threads")
        threads = int(args[i + 1])
        del args[i:i + 2]
    show = "--print-sql" in args
    args = [a for a in args if a != "--print-sql"]
    src, dst = args
    sql = build_sql(src, dst)
    if show:
        print(sql)
        return
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {threads}")
    con.execute(sql)


if __name__ == "__main__":
    main()
