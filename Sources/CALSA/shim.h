/* ALSA (libasound2) for Swift: the PCM capture calls the microphone source uses. libasound2
   is on every Debian system; only the -dev package is needed to build.
   ALSA prints its errors on stderr by default; the library never prints, so while it calls
   ALSA it installs a thread-local handler (snd_lib_error_set_local, leaving the process-wide
   handler of the host application alone) that keeps the last message for the error text. */
#ifndef AAI_CALSA_SHIM_H
#define AAI_CALSA_SHIM_H
#include <alsa/asoundlib.h>
#include <stdarg.h>
#include <stdio.h>

/* A per-thread buffer (a function-local static: Swift's importer emits no file-level statics). */
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
    return snd_lib_error_set_local(aai_alsa_keep_message);
}

static inline void aai_alsa_quiet_end(snd_local_error_handler_t previous) { snd_lib_error_set_local(previous); }

/* The last message ALSA gave on this thread since aai_alsa_quiet_begin ("" if none). */
static inline const char *aai_alsa_last_message(void) { return aai_alsa_buffer(); }
#endif
