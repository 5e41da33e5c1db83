# Sourced by the bench scripts. Each speed target a script measures becomes one line of
# $BENCH_TARGETS (when `bench/run --all` collects them into one table): chapter, what, target,
# measured, and whether it is met. Without BENCH_TARGETS nothing is written.

# record_target CHAPTER WHAT TARGET MEASURED MET
record_target() {
    [[ -n "${BENCH_TARGETS:-}" ]] || return 0
    printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$BENCH_TARGETS"
}

# below VALUE LIMIT / at_least VALUE FLOOR: "yes" or "no" (an empty value is "no")
below() { awk -v v="$1" -v t="$2" 'BEGIN {print (v != "" && v + 0 < t + 0) ? "yes" : "no"}'; }
at_least() { awk -v v="$1" -v t="$2" 'BEGIN {print (v != "" && v + 0 >= t + 0) ? "yes" : "no"}'; }

# median A B C: the middle of three timings
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
