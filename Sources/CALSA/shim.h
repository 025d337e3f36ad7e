/* ALSA (libasound2) for Swift: the PCM capture calls the microphone source uses.
   libasound is loaded with dlopen on first use, not linked: the library then loads on systems
   without libasound2 (servers, containers) and only the microphone needs it; without it,
   aai_alsa_load() fails and the caller reports a clear error.
   ALSA prints its errors on stderr by default; the library never prints, so while it calls
   ALSA it installs a thread-local handler (snd_lib_error_set_local, leaving the process-wide
   handler of the host application alone) that keeps the last message for the error text. */
#ifndef AAI_CALSA_SHIM_H
#define AAI_CALSA_SHIM_H
#include <alsa/asoundlib.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

/* The functions used, resolved once. Function-local statics: Swift's importer emits no
   file-level statics from a header. */
typedef struct aai_alsa_api {
    int loaded;
    int (*pcm_open)(snd_pcm_t **, const char *, snd_pcm_stream_t, int);
    int (*pcm_set_params)(snd_pcm_t *, snd_pcm_format_t, snd_pcm_access_t, unsigned int, unsigned int, int, unsigned int);
    int (*pcm_get_params)(snd_pcm_t *, snd_pcm_uframes_t *, snd_pcm_uframes_t *);
    snd_pcm_sframes_t (*pcm_readi)(snd_pcm_t *, void *, snd_pcm_uframes_t);
    int (*pcm_recover)(snd_pcm_t *, int, int);
    int (*pcm_close)(snd_pcm_t *);
    const char *(*strerror)(int);
    snd_local_error_handler_t (*error_set_local)(snd_local_error_handler_t);
} aai_alsa_api;

static inline aai_alsa_api *aai_alsa(void) {
    static aai_alsa_api api;
    return &api;
}

static inline void aai_alsa_resolve(void) {
    void *h = dlopen("libasound.so.2", RTLD_NOW | RTLD_LOCAL);
    if (!h) return;
    aai_alsa_api *a = aai_alsa();
    a->pcm_open = (int (*)(snd_pcm_t **, const char *, snd_pcm_stream_t, int))dlsym(h, "snd_pcm_open");
    a->pcm_set_params = (int (*)(snd_pcm_t *, snd_pcm_format_t, snd_pcm_access_t, unsigned int, unsigned int, int, unsigned int))
        dlsym(h, "snd_pcm_set_params");
    a->pcm_get_params = (int (*)(snd_pcm_t *, snd_pcm_uframes_t *, snd_pcm_uframes_t *))dlsym(h, "snd_pcm_get_params");
    a->pcm_readi = (snd_pcm_sframes_t (*)(snd_pcm_t *, void *, snd_pcm_uframes_t))dlsym(h, "snd_pcm_readi");
    a->pcm_recover = (int (*)(snd_pcm_t *, int, int))dlsym(h, "snd_pcm_recover");
    a->pcm_close = (int (*)(snd_pcm_t *))dlsym(h, "snd_pcm_close");
    a->strerror = (const char *(*)(int))dlsym(h, "snd_strerror");
    a->error_set_local = (snd_local_error_handler_t (*)(snd_local_error_handler_t))dlsym(h, "snd_lib_error_set_local");
    a->loaded = a->pcm_open && a->pcm_set_params && a->pcm_get_params && a->pcm_readi && a->pcm_recover &&
                a->pcm_close && a->strerror && a->error_set_local;
}

/* Loads libasound once (thread-safe); 1 when every function was found, else 0. */
static inline int aai_alsa_load(void) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, aai_alsa_resolve);
    return aai_alsa()->loaded;
}

/* The calls, through the table (only after aai_alsa_load() returned 1). */
static inline int aai_snd_pcm_open(snd_pcm_t **pcm, const char *name, snd_pcm_stream_t s, int mode) { return aai_alsa()->pcm_open(pcm, name, s, mode); }
static inline int aai_snd_pcm_set_params(snd_pcm_t *p, snd_pcm_format_t f, snd_pcm_access_t a, unsigned int ch, unsigned int rate, int resample, unsigned int latency) {
    return aai_alsa()->pcm_set_params(p, f, a, ch, rate, resample, latency);
}
static inline int aai_snd_pcm_get_params(snd_pcm_t *p, snd_pcm_uframes_t *b, snd_pcm_uframes_t *per) { return aai_alsa()->pcm_get_params(p, b, per); }
static inline snd_pcm_sframes_t aai_snd_pcm_readi(snd_pcm_t *p, void *buf, snd_pcm_uframes_t n) { return aai_alsa()->pcm_readi(p, buf, n); }
static inline int aai_snd_pcm_recover(snd_pcm_t *p, int err, int silent) { return aai_alsa()->pcm_recover(p, err, silent); }
static inline int aai_snd_pcm_close(snd_pcm_t *p) { return aai_alsa()->pcm_close(p); }
static inline const char *aai_snd_strerror(int err) { return aai_alsa()->strerror(err); }

/* A per-thread buffer for ALSA's last message. */
static inline char *aai_alsa_buffer(void) {
    static __thread char message[256];
    return message;
}

static inline void aai_alsa_keep_message(const char *file, int line, const char *function, int err, const char *fmt, va_list arg) {
    (void)file; (void)line; (void)function; (void)err;
    vsnprintf(aai_alsa_buffer(), 256, fmt, arg);
}

/* Starts capturing ALSA's messages on this thread; returns the previous handler. */
static inline snd_local_error_handler_t aai_alsa_quiet_begin(void) {
    aai_alsa_buffer()[0] = 0;
    return aai_alsa()->error_set_local(aai_alsa_keep_message);
}

static inline void aai_alsa_quiet_end(snd_local_error_handler_t previous) { aai_alsa()->error_set_local(previous); }

/* The last message ALSA gave on this thread since aai_alsa_quiet_begin ("" if none). */
static inline const char *aai_alsa_last_message(void) { return aai_alsa_buffer(); }
#endif
