/* Streaming test audio, shared by the C tests (harness.h) and the benchmark (bench/bench_stream.c).
   Only static inline functions, so a file built with -Wall -Werror may include it and use none. */
#ifndef AAI_TESTS_STREAM_AUDIO_H
#define AAI_TESTS_STREAM_AUDIO_H
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- streaming test audio: silence whose sample LSBs carry a text frame, repeated; the local
   server's streaming transcript of it is the text (docs/local-server-streaming.md) ---- */
static inline uint32_t h_crc32_ieee(const unsigned char *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
    }
    return ~c;
}

/* Writes the text frame of `text` spoken over `span_ms` into `f` (room for 17 + strlen(text) bytes,
   or `cap`: the text is cut to fit); returns the frame's length. */
static inline size_t h_stream_frame(const char *text, int span_ms, unsigned char *f, size_t cap) {
    size_t tl = strlen(text);
    if (tl > cap - 17) tl = cap - 17;
    memcpy(f, "AAIT", 4);
    f[4] = 1;
    for (int i = 0; i < 4; i++) f[5 + i] = (unsigned char)((unsigned)span_ms >> (8 * i));
    for (int i = 0; i < 4; i++) f[9 + i] = (unsigned char)((unsigned)tl >> (8 * i));
    memcpy(f + 13, text, tl);
    uint32_t crc = h_crc32_ieee(f + 4, 9 + tl);
    for (int i = 0; i < 4; i++) f[13 + tl + i] = (unsigned char)(crc >> (8 * i));
    return 17 + tl;
}

/* Samples first .. first+n-1 of the audio that repeats frame `f` (`len` bytes) bit by bit. */
static inline void h_stream_chunk(const unsigned char *f, size_t len, size_t first, size_t n, int16_t *out) {
    size_t bits = len * 8;
    for (size_t i = 0; i < n; i++) {
        size_t b = (first + i) % bits;
        out[i] = (int16_t)((f[b / 8] >> (7 - b % 8)) & 1);
    }
}

/* `n` PCM16 samples (calloc'ed) of `text` spoken over `span_ms`. */
static inline int16_t *h_stream_samples(const char *text, int span_ms, size_t n) {
    size_t fl = 17 + strlen(text);
    unsigned char *f = malloc(fl);
    h_stream_frame(text, span_ms, f, fl);
    int16_t *s = calloc(n, sizeof *s);
    h_stream_chunk(f, fl, 0, n, s);
    free(f);
    return s;
}

#endif
