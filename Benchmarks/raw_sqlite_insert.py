"""The raw limit for scripts/bench-import.sh: the rows giamngheo stored (households and
reviews), read back from its database, inserted again with prepared statements
(sqlite3.executemany, a C loop) in one transaction into an empty copy of the same schema,
with every index and constraint in place and foreign keys on. Only the inserts are timed.

usage: raw_sqlite_insert.py SOURCE_DB TARGET_DB   -> prints the insert seconds
"""
import sqlite3
import sys
import time

source, target = sys.argv[1], sys.argv[2]
src = sqlite3.connect(source)
# The FTS5 index's shadow tables are made by its CREATE VIRTUAL TABLE, not copied.
schema = [row[0] for row in src.execute(
    "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'members_fts_%' ORDER BY rowid")]
units = src.execute("SELECT * FROM units").fetchall()
imports = src.execute("SELECT * FROM imports").fetchall()
households = src.execute("SELECT * FROM households").fetchall()
reviews = src.execute("SELECT * FROM reviews").fetchall()
src.close()

db = sqlite3.connect(target, isolation_level=None)
db.execute("PRAGMA journal_mode = WAL")
db.execute("PRAGMA synchronous = NORMAL")
db.execute("PRAGMA foreign_keys = ON")
for statement in schema:
    db.execute(statement)
db.executemany(f"INSERT INTO units VALUES ({','.join('?' * len(units[0]))})", units)
db.executemany(f"INSERT INTO imports VALUES ({','.join('?' * len(imports[0]))})", imports)

start = time.perf_counter()
db.execute("BEGIN")
db.executemany(f"INSERT INTO households VALUES ({','.join('?' * len(households[0]))})", households)
db.executemany(f"INSERT INTO reviews VALUES ({','.join('?' * len(reviews[0]))})", reviews)
db.execute("COMMIT")
elapsed = time.perf_counter() - start
assert db.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == len(reviews)
print(f"{elapsed:.3f} {len(reviews)} sqlite {sqlite3.sqlite_version}")
