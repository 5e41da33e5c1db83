// Times one SQL statement (argv[2]) on a SQLite file (argv[1]), run argv[3] times (10), with
// the SQLite the server links (sqlite-nio's amalgamation, whose names carry its prefix); prints
// the first row's first column and the median, least and most milliseconds. Built and run by
// bench/sqlite-query-time.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "sqlite_nio_sqlite3.h"
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e3 + t.tv_nsec / 1e6; }
static int cmp(const void *a, const void *b) { double x = *(double*)a, y = *(double*)b; return x < y ? -1 : x > y; }
int main(int argc, char **argv) {
    sqlite3 *db; sqlite3_stmt *st; int n = argc > 3 ? atoi(argv[3]) : 10;
    if (sqlite_nio_sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE, 0)) { fprintf(stderr, "%s\n", sqlite_nio_sqlite3_errmsg(db)); return 1; }
    sqlite_nio_sqlite3_exec(db, "PRAGMA mmap_size=1073741824; PRAGMA cache_size=-65536", 0, 0, 0);
    double *t = malloc(sizeof(double) * n); char first[200] = "";
    for (int i = 0; i < n; i++) {
        if (sqlite_nio_sqlite3_prepare_v2(db, argv[2], -1, &st, 0)) { fprintf(stderr, "%s\n", sqlite_nio_sqlite3_errmsg(db)); return 1; }
        double a = now(); int rows = 0;
        while (sqlite_nio_sqlite3_step(st) == SQLITE_ROW) { if (!rows++ && sqlite_nio_sqlite3_column_text(st, 0)) snprintf(first, sizeof first, "%s", sqlite_nio_sqlite3_column_text(st, 0)); }
        t[i] = now() - a; sqlite_nio_sqlite3_finalize(st);
    }
    qsort(t, n, sizeof(double), cmp);
    printf("%s | median %.2f ms, min %.2f, max %.2f (%d runs)\n", first, t[n / 2], t[0], t[n - 1], n);
    return 0;
}
