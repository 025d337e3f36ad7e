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

/* `n` PCM16 samples (calloc'ed) of `text` spoken over `span_ms`. */
static inline int16_t *h_stream_samples(const char *text, int span_ms, size_t n) {
    size_t tl = strlen(text), fl = 4 + 1 + 4 + 4 + tl + 4;
    unsigned char *f = malloc(fl);
    memcpy(f, "AAIT", 4);
    f[4] = 1;
    for (int i = 0; i < 4; i++) f[5 + i] = (unsigned char)((unsigned)span_ms >> (8 * i));
    for (int i = 0; i < 4; i++) f[9 + i] = (unsigned char)((unsigned)tl >> (8 * i));
    memcpy(f + 13, text, tl);
    uint32_t crc = h_crc32_ieee(f + 4, 9 + tl);
    for (int i = 0; i < 4; i++) f[13 + tl + i] = (unsigned char)(crc >> (8 * i));
    size_t bits = fl * 8;
    int16_t *s = calloc(n, sizeof *s);
    for (size_t i = 0; i < n; i++) {
        size_t b = i % bits;
        s[i] = (int16_t)((f[b / 8] >> (7 - b % 8)) & 1);
    }
    free(f);
    return s;
}

#endif
