#!/usr/bin/env bash
# Benchmark `giamngheo classify` against the same classification in DuckDB SQL and in
# vectorised pandas, on one generated survey file. See Benchmarks/README.md.
#
#   scripts/bench-classify.sh                       # 1,000,000 households, 3 runs each
#   HOUSEHOLDS=250000 RUNS=5 scripts/bench-classify.sh
#
# Environment:
#   HOUSEHOLDS=1000000   households in the timed file (one review year)
#   CHECK_HOUSEHOLDS=20000  households in the file used for the correctness check
#   RUNS=3               timed runs per tool (the median is reported)
#   YEAR=2023 SEED=2021  demo-survey parameters (YEAR must be a vn-2022 review year, 2021-2025)
#   WORK_DIR=bench-data  where data, outputs, the venv and results go (git-ignored)
#   DUCKDB_SPEC=duckdb==2.0.1 PANDAS_SPEC=pandas==3.1.1   pip requirements (e.g. DUCKDB_SPEC=duckdb for the newest)
#   DUCKDB_ONE_THREAD=1  also time DuckDB with SET threads = 1 (0 to skip)
#   SCALING_SIZES="250000"  extra sizes at which to record giamngheo's peak RSS ("" to skip)
#   PYTHON=python3       interpreter used to create the venv
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

HOUSEHOLDS=${HOUSEHOLDS:-1000000}
CHECK_HOUSEHOLDS=${CHECK_HOUSEHOLDS:-20000}
RUNS=${RUNS:-3}
YEAR=${YEAR:-2023}
SEED=${SEED:-2021}
WORK_DIR=${WORK_DIR:-bench-data}
DUCKDB_SPEC=${DUCKDB_SPEC:-duckdb==2.0.1}
PANDAS_SPEC=${PANDAS_SPEC:-pandas==3.1.1}
DUCKDB_ONE_THREAD=${DUCKDB_ONE_THREAD:-1}
SCALING_SIZES=${SCALING_SIZES-250000}
PYTHON=${PYTHON:-python3}

die() { echo "bench-classify: $*" >&2; exit 1; }
say() { echo "==> $*" >&2; }

[[ $HOUSEHOLDS =~ ^[1-9][0-9]*$ ]] || die "HOUSEHOLDS must be a positive integer"
[[ $CHECK_HOUSEHOLDS =~ ^[1-9][0-9]*$ ]] || die "CHECK_HOUSEHOLDS must be a positive integer"
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer"
(( YEAR >= 2021 && YEAR <= 2025 )) || die "YEAR must be a vn-2022 review year (2021-2025)"
(( RUNS >= 3 )) || echo "bench-classify: warning: RUNS=$RUNS; use at least 3 for a meaningful median" >&2
command -v swift >/dev/null || die "swift is not on PATH"
command -v "$PYTHON" >/dev/null || die "$PYTHON is not on PATH"

mkdir -p "$WORK_DIR"
WORK=$(cd "$WORK_DIR" && pwd)
OUT_DIR="$WORK/out"
mkdir -p "$OUT_DIR"

# ---- GNU time ------------------------------------------------------------------------------
if [[ ! -x /usr/bin/time ]]; then
    say "installing GNU time (/usr/bin/time is missing)"
    SUDO=""; [[ $(id -u) == 0 ]] || SUDO="sudo"
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq time >/dev/null
fi
/usr/bin/time -v true 2>/dev/null || die "/usr/bin/time is not GNU time (needs -v)"

# ---- 1. release build ----------------------------------------------------------------------
say "swift build -c release --product giamngheo"
swift build -c release --product giamngheo >&2
BIN="$(swift build -c release --show-bin-path)/giamngheo"
[[ -x $BIN ]] || die "no binary at $BIN"

# ---- 2. data -------------------------------------------------------------------------------
DATA="$WORK/survey-${HOUSEHOLDS}h-${YEAR}-s${SEED}.csv"
CHECK="$WORK/survey-${CHECK_HOUSEHOLDS}h-${YEAR}-s${SEED}.csv"
say "generating $HOUSEHOLDS and $CHECK_HOUSEHOLDS households (review year $YEAR, seed $SEED)"
"$BIN" demo-survey --households "$HOUSEHOLDS" --year "$YEAR" --seed "$SEED" -o "$DATA"
"$BIN" demo-survey --households "$CHECK_HOUSEHOLDS" --year "$YEAR" --seed "$SEED" -o "$CHECK"
ROWS=$(( $(wc -l < "$DATA") - 1 ))

# ---- 3. venv with duckdb and pandas ---------------------------------------------------------
VENV="$WORK/venv"
if [[ ! -x $VENV/bin/python ]]; then
    say "creating venv $VENV"
    "$PYTHON" -m venv "$VENV" || die "cannot create a venv (on Debian: apt-get install python3-venv)"
fi
say "pip install $DUCKDB_SPEC $PANDAS_SPEC"
"$VENV/bin/python" -m pip install --disable-pip-version-check -q "$DUCKDB_SPEC" "$PANDAS_SPEC" >&2
PY="$VENV/bin/python"
VERSIONS=$("$PY" -c 'import sys, duckdb, pandas, numpy; print(f"python {sys.version.split()[0]}, duckdb {duckdb.__version__}, pandas {pandas.__version__}, numpy {numpy.__version__}")')

# ---- tools ----------------------------------------------------------------------------------
NPROC=$(nproc)
TOOLS=(swift duckdb)
[[ $DUCKDB_ONE_THREAD == 1 ]] && TOOLS+=(duckdb1)
TOOLS+=(pandas)
label() {
    case $1 in
        swift) echo "giamngheo classify" ;;
        duckdb) echo "duckdb ($NPROC threads)" ;;
        duckdb1) echo "duckdb (1 thread)" ;;
        pandas) echo "pandas" ;;
    esac
}
# run TOOL INPUT OUTPUT: the classification, output written to a file on the same disk.
run() {
    case $1 in
        swift) "$BIN" classify "$2" > "$3" ;;
        duckdb) "$PY" Benchmarks/classify_duckdb.py "$2" "$3" ;;
        duckdb1) "$PY" Benchmarks/classify_duckdb.py "$2" "$3" --threads 1 ;;
        pandas) "$PY" Benchmarks/classify_pandas.py "$2" "$3" ;;
    esac
}

# same_output SWIFT OTHER NAME: data rows byte-identical (or identical once sorted, with a note),
# header lines equal once quotes are removed (DuckDB's FORCE_QUOTE quotes the ly_do header cell).
same_output() {
    local a=$1 b=$2 name=$3
    if [[ $(head -n 1 "$a" | tr -d '"') != "$(head -n 1 "$b" | tr -d '"')" ]]; then
        echo "MISMATCH ($name): header differs:" >&2; head -n 1 "$a" "$b" >&2; return 1
    fi
    if cmp -s <(tail -n +2 "$a") <(tail -n +2 "$b"); then
        echo "  $name: identical to giamngheo ($(( $(wc -l < "$b") - 1 )) rows)" >&2; return 0
    fi
    if cmp -s <(tail -n +2 "$a" | LC_ALL=C sort) <(tail -n +2 "$b" | LC_ALL=C sort); then
        echo "  $name: same rows as giamngheo, in a different order" >&2; return 0
    fi
    echo "MISMATCH ($name): rows differ from giamngheo (first differences, < giamngheo, > $name):" >&2
    diff <(tail -n +2 "$a") <(tail -n +2 "$b") | head -n 20 >&2 || true
    return 1
}

# ---- 5. correctness check on the small file --------------------------------------------------
say "correctness check on $CHECK_HOUSEHOLDS households"
for t in "${TOOLS[@]}"; do
    run "$t" "$CHECK" "$OUT_DIR/check-$t.csv" || die "$(label "$t") failed on the check file"
done
(( $(wc -l < "$OUT_DIR/check-swift.csv") == CHECK_HOUSEHOLDS + 1 )) || die "giamngheo did not print one row per household"
ok=1
for t in "${TOOLS[@]}"; do
    [[ $t == swift ]] && continue
    same_output "$OUT_DIR/check-swift.csv" "$OUT_DIR/check-$t.csv" "$(label "$t")" || ok=0
done
(( ok )) || die "CORRECTNESS CHECK FAILED: the outputs differ (see above); no timing done"

# ---- 4. timing ----------------------------------------------------------------------------
# time_one TOOL INPUT OUTPUT: one timed run; sets WALL (seconds) and RSS (peak resident KB).
time_one() {
    local tv="$WORK/time-$1.txt" start end status=0
    local -a cmd
    case $1 in
        swift) cmd=("$BIN" classify "$2") ;;
        duckdb) cmd=("$PY" Benchmarks/classify_duckdb.py "$2" "$3") ;;
        duckdb1) cmd=("$PY" Benchmarks/classify_duckdb.py "$2" "$3" --threads 1) ;;
        pandas) cmd=("$PY" Benchmarks/classify_pandas.py "$2" "$3") ;;
    esac
    rm -f "$3"
    start=$EPOCHREALTIME
    if [[ $1 == swift ]]; then
        /usr/bin/time -v -o "$tv" "${cmd[@]}" > "$3" || status=$?
    else
        /usr/bin/time -v -o "$tv" "${cmd[@]}" > /dev/null || status=$?
    fi
    end=$EPOCHREALTIME
    (( status == 0 )) || { cat "$tv" >&2; die "$(label "$1") failed (exit $status)"; }
    RSS=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tv")
    WALL=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }')
}

RESULTS="$WORK/results-$(date +%Y%m%d-%H%M%S).tsv"
printf 'tool\trun\twall_s\tpeak_rss_kb\n' > "$RESULTS"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
say "timing on $ROWS rows, $RUNS runs per tool, tools interleaved run by run"
cat "$DATA" > /dev/null  # every tool reads the input from the page cache
for (( r = 1; r <= RUNS; r++ )); do
    for t in "${TOOLS[@]}"; do
        time_one "$t" "$DATA" "$OUT_DIR/$t.csv"
        printf '%s\t%d\t%s\t%s\n' "$t" "$r" "$WALL" "$RSS" >> "$RESULTS"
        echo "  run $r  $(label "$t"): ${WALL} s, peak RSS $(( RSS / 1024 )) MB" >&2
    done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

say "checking the timed outputs too"
for t in "${TOOLS[@]}"; do
    [[ $t == swift ]] && continue
    same_output "$OUT_DIR/swift.csv" "$OUT_DIR/$t.csv" "$(label "$t")" || die "timed outputs differ"
done

# ---- memory of giamngheo by size -------------------------------------------------------------
SCALING=""
for n in $SCALING_SIZES; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || die "SCALING_SIZES: '$n' is not a number"
    f="$WORK/survey-${n}h-${YEAR}-s${SEED}.csv"
    [[ $n == "$HOUSEHOLDS" || $n == "$CHECK_HOUSEHOLDS" ]] && continue  # measured anyway
    "$BIN" demo-survey --households "$n" --year "$YEAR" --seed "$SEED" -o "$f"
    time_one swift "$f" "$OUT_DIR/scaling-$n.csv"
    SCALING+="$n $WALL $RSS"$'\n'
done
time_one swift "$CHECK" "$OUT_DIR/scaling-check.csv"
SCALING="$CHECK_HOUSEHOLDS $WALL $RSS"$'\n'"$SCALING"

# ---- 6. report ---------------------------------------------------------------------------
MODEL=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
MEM=$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
{
    echo
    echo "giamngheo classify benchmark — $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "machine: $NPROC CPUs ($MODEL), $MEM RAM; load average before $LOAD_BEFORE, after $LOAD_AFTER"
    echo "$(swift --version 2>/dev/null | head -n 1)"
    echo "$VERSIONS"
    echo "input: $(basename "$DATA"), $ROWS rows, $(( $(stat -c %s "$DATA") / 1048576 )) MiB; output $(( $(stat -c %s "$OUT_DIR/swift.csv") / 1048576 )) MiB per tool"
    echo "correctness: outputs identical on $CHECK_HOUSEHOLDS and $ROWS rows (DuckDB header quotes \"ly_do\")"
    echo
    "$PY" - "$RESULTS" "$ROWS" "$RUNS" "$(label swift)" "$(label duckdb)" "$(label duckdb1)" "$(label pandas)" <<'EOF'
import csv, statistics, sys
path, rows, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
labels = dict(zip(["swift", "duckdb", "duckdb1", "pandas"], sys.argv[4:8]))
data = {}
for r in csv.DictReader(open(path), delimiter="\t"):
    data.setdefault(r["tool"], []).append((float(r["wall_s"]), int(r["peak_rss_kb"])))
base = statistics.median(w for w, _ in data["duckdb"])
print(f"{'tool':<22}{'median s':>10}{'min s':>9}{'max s':>9}{'peak RSS MB':>13}{'rows/s':>12}{'÷ DuckDB':>10}")
for tool, vals in data.items():
    walls = [w for w, _ in vals]
    med = statistics.median(walls)
    rss = max(r for _, r in vals) / 1024
    print(f"{labels[tool]:<22}{med:>10.2f}{min(walls):>9.2f}{max(walls):>9.2f}{rss:>13.0f}{rows / med:>12,.0f}{med / base:>9.2f}x")
print(f"(median of {runs} runs; wall time includes process start-up and writing the full CSV; "
      f"peak RSS = largest over the runs; ÷ DuckDB = median time / DuckDB's median time)")
EOF
    echo
    echo "giamngheo classify peak RSS by input size (one run each; the timed size from the runs above):"
    printf '%12s %10s %12s\n' households "wall s" "peak RSS MB"
    while read -r n wall rss; do
        [[ -n $n ]] && printf '%12s %10s %12d\n' "$n" "$wall" "$(( rss / 1024 ))"
    done <<< "$SCALING"
    printf '%12s %10s %12d\n' "$HOUSEHOLDS" "(above)" "$(( $(awk -F'\t' '$1 == "swift" && $4 > m {m = $4} END {print m}' "$RESULTS") / 1024 ))"
    echo
    echo "raw runs: $RESULTS"
} | tee "${RESULTS%.tsv}.txt"
