/* aai: the terminal display on stderr: an upload progress bar and a status spinner. Drawn only
 * when stderr is a terminal, so pipes and log files get nothing but errors. One line, redrawn
 * in place with "\r" and "erase to end of line" (ESC [ K), at most ten times a second. */
#include "aai.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define REDRAW_SECONDS 0.1

void cli_display_init(cli_display *display, const cli_globals *globals) {
    const char *term = getenv("TERM");
    memset(display, 0, sizeof *display);
    display->enabled = !globals->no_progress && isatty(STDERR_FILENO) && !(term && strcmp(term, "dumb") == 0);
    display->width = 80;
    struct winsize ws;
    if (display->enabled && ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40) display->width = ws.ws_col;
    display->started = cli_now();
    display->last_draw = -1;
}

/* "1.5 MiB", "812 KiB", "93 B" */
static void format_bytes(char *out, size_t size, double bytes) {
    static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (bytes >= 1024 && u < 4) { bytes /= 1024; u++; }
    if (u == 0) snprintf(out, size, "%.0f %s", bytes, units[u]);
    else snprintf(out, size, "%.1f %s", bytes, units[u]);
}

/* "0:07", "12:03", "1:02:03" */
static void format_duration(char *out, size_t size, double seconds) {
    long s = seconds < 0 ? 0 : (long)(seconds + 0.5);
    if (s >= 3600) snprintf(out, size, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
    else snprintf(out, size, "%ld:%02ld", s / 60, s % 60);
}

static void draw(cli_display *display, const char *line) {
    /* Cut to the terminal's width so the line never wraps (a wrapped line cannot be redrawn). */
    int max = display->width - 1;
    fprintf(stderr, "\r%.*s\033[K", max, line);
    fflush(stderr);
    display->line_dirty = 1;
}

int cli_upload_progress(uint64_t bytes_sent, uint64_t bytes_total, void *user_data) {
    cli_display *display = user_data;
    if (cli_interrupted()) return 1;                       /* cancels the upload */
    if (!display || !display->enabled) return 0;
    double now = cli_now();
    int last = bytes_total && bytes_sent >= bytes_total;
    if (!last && display->last_draw >= 0 && now - display->last_draw < REDRAW_SECONDS) return 0;
    display->last_draw = now;

    double elapsed = now - display->started;
    double rate = elapsed > 0.001 ? (double)bytes_sent / elapsed : 0;
    char sent[32], total[32], speed[32], eta[32], line[512];
    format_bytes(sent, sizeof sent, (double)bytes_sent);
    format_bytes(total, sizeof total, (double)bytes_total);
    format_bytes(speed, sizeof speed, rate);

    if (bytes_total == 0) {                               /* size unknown: no bar, no ETA */
        snprintf(line, sizeof line, "Uploading  %s  %s/s", sent, speed);
    } else {
        double fraction = (double)bytes_sent / (double)bytes_total;
        if (fraction > 1) fraction = 1;
        if (last) format_duration(eta, sizeof eta, elapsed);
        else if (rate > 0) format_duration(eta, sizeof eta, (double)(bytes_total - bytes_sent) / rate);
        else snprintf(eta, sizeof eta, "-:--");
        char tail[160];
        snprintf(tail, sizeof tail, " %3d%%  %s / %s  %s/s  %s %s", (int)(fraction * 100), sent, total, speed,
                 last ? "in" : "ETA", eta);
        int bar = display->width - 1 - (int)strlen("Uploading [] ") - (int)strlen(tail);
        if (bar > 40) bar = 40;
        if (bar < 10) bar = 10;
        char cells[64];
        int full = (int)(fraction * bar);
        for (int i = 0; i < bar; i++) cells[i] = i < full ? '=' : (i == full ? '>' : ' ');
        if (last) cells[bar - 1] = '=';
        cells[bar] = '\0';
        snprintf(line, sizeof line, "Uploading [%s]%s", cells, tail);
    }
    draw(display, line);
    return 0;
}

void cli_display_spinner(cli_display *display, const char *status, const char *transcript_id) {
    static const char frames[] = "|/-\\";
    if (!display->enabled) return;
    double now = cli_now();
    if (display->last_draw >= 0 && now - display->last_draw < REDRAW_SECONDS) return;
    display->last_draw = now;
    char elapsed[32], line[512];
    format_duration(elapsed, sizeof elapsed, now - display->started);
    snprintf(line, sizeof line, "%c Transcribing: %-10s %s  id %s", frames[display->frame++ % 4],
             status ? status : "submitted", elapsed, transcript_id ? transcript_id : "?");
    draw(display, line);
}

void cli_display_clear(cli_display *display) {
    if (!display->enabled || !display->line_dirty) return;
    fputs("\r\033[K", stderr);
    fflush(stderr);
    display->line_dirty = 0;
}

void cli_display_note(cli_display *display, const char *format, ...) {
    va_list ap;
    if (!display->enabled) return;
    cli_display_clear(display);
    va_start(ap, format);
    vfprintf(stderr, format, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
}

void cli_display_keep(cli_display *display) {
    if (display->enabled && display->line_dirty) {
        fputc('\n', stderr);
        fflush(stderr);
    }
    display->line_dirty = 0;
    display->started = cli_now();
    display->last_draw = -1;
}

void cli_display_text(cli_display *display, const char *text) {
    if (display->enabled) draw(display, text);
}
