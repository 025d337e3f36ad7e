/* This process's threads, descriptors and RSS, read from /proc/self: what the streaming tests,
   the soak and bench_stream count before, while and after sessions are open. */
#ifndef AAI_TEST_PROC_COUNTS_H
#define AAI_TEST_PROC_COUNTS_H
#include <dirent.h>
#include <stdio.h>
#include <unistd.h>

static inline int h_dir_entries(const char *path) {
    int n = 0;
    DIR *d = opendir(path);
    if (!d) return -1;
    struct dirent *e;
    while ((e = readdir(d))) n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

/* The process's threads now. */
static inline int h_proc_threads(void) { return h_dir_entries("/proc/self/task"); }

/* The process's open descriptors now (not counting the one reading the list). */
static inline int h_proc_fds(void) { return h_dir_entries("/proc/self/fd") - 1; }

/* The process's resident memory now, in KiB (-1 if unknown). */
static inline long h_rss_kb(void) {
    long pages = 0, rss = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f) return -1;
    if (fscanf(f, "%ld %ld", &pages, &rss) != 2) rss = -1;
    fclose(f);
    return rss < 0 ? -1 : rss * (sysconf(_SC_PAGESIZE) / 1024);
}
#endif
