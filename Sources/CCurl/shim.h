/* libcurl for Swift. curl_easy_setopt/getinfo are variadic, which Swift cannot call:
   one non-variadic inline wrapper per argument type. */
#ifndef AAI_CCURL_SHIM_H
#define AAI_CCURL_SHIM_H
#include <curl/curl.h>
#include <stdio.h>

static inline CURLcode aai_curl_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode aai_curl_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode aai_curl_setopt_str(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode aai_curl_setopt_ptr(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode aai_curl_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }

typedef size_t (*aai_curl_data_cb)(char *ptr, size_t size, size_t nmemb, void *userdata);
typedef int (*aai_curl_xferinfo_cb)(void *userdata, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);
typedef int (*aai_curl_seek_cb)(void *userdata, curl_off_t offset, int origin);
static inline CURLcode aai_curl_setopt_data_cb(CURL *h, CURLoption o, aai_curl_data_cb v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode aai_curl_setopt_xferinfo_cb(CURL *h, aai_curl_xferinfo_cb v) { return curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, v); }
static inline CURLcode aai_curl_setopt_seek_cb(CURL *h, aai_curl_seek_cb v) { return curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, v); }

static inline CURLcode aai_curl_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode aai_curl_getinfo_str(CURL *h, CURLINFO i, char **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode aai_curl_getinfo_off(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode aai_curl_getinfo_socket(CURL *h, curl_socket_t *v) { return curl_easy_getinfo(h, CURLINFO_ACTIVESOCKET, v); }

static inline CURLSHcode aai_curl_share_setopt_long(CURLSH *s, CURLSHoption o, long v) { return curl_share_setopt(s, o, v); }
/* The streaming I/O loop (Sources/AssemblyAI/Streaming/StreamingLoop.swift): epoll and eventfd,
   which Swift's Glibc module does not import; struct epoll_event is packed, so it never
   crosses into Swift. */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <stdint.h>
static const uint32_t AAI_EPOLLIN = EPOLLIN, AAI_EPOLLOUT = EPOLLOUT, AAI_EPOLLERR = EPOLLERR, AAI_EPOLLHUP = EPOLLHUP;
static inline int aai_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }
static inline int aai_epoll_ctl(int ep, int op, int fd, uint32_t events, uint64_t data) {
    struct epoll_event e;
    e.events = events;
    e.data.u64 = data;
    return epoll_ctl(ep, op, fd, &e);
}
static inline int aai_epoll_add(int ep, int fd, uint32_t events, uint64_t data) { return aai_epoll_ctl(ep, EPOLL_CTL_ADD, fd, events, data); }
static inline int aai_epoll_mod(int ep, int fd, uint32_t events, uint64_t data) { return aai_epoll_ctl(ep, EPOLL_CTL_MOD, fd, events, data); }
static inline int aai_epoll_del(int ep, int fd) { return aai_epoll_ctl(ep, EPOLL_CTL_DEL, fd, 0, 0); }
/* Waits for up to `max` (<= 512) events; their data and event masks go to the two arrays. */
static inline int aai_epoll_wait(int ep, uint64_t *data, uint32_t *events, int max, int timeout_ms) {
    struct epoll_event evs[512];
    if (max > 512) max = 512;
    int n = epoll_wait(ep, evs, max, timeout_ms);
    for (int i = 0; i < n; i++) { data[i] = evs[i].data.u64; events[i] = evs[i].events; }
    return n;
}
/* Asks the scheduler for a time slice of `us` microseconds for the calling thread (EEVDF,
   Linux 6.12+: a thread with a shorter slice gets an earlier deadline, so on waking it runs
   before a thread in the middle of a longer slice; it gets no more CPU than before). Only for
   a thread of the normal policy, keeping its nice value. sched_setattr has no glibc wrapper
   before 2.41. Returns 0, or -1 (older kernels accept the call and ignore the slice). */
#include <sys/syscall.h>
#include <unistd.h>
#include <string.h>
struct aai_sched_attr {
    uint32_t size, policy; uint64_t flags; int32_t nice; uint32_t priority;
    uint64_t runtime, deadline, period; uint32_t util_min, util_max;
};
static inline int aai_thread_set_slice_us(unsigned us) {
    struct aai_sched_attr a;
    memset(&a, 0, sizeof a);
    if (syscall(SYS_sched_getattr, 0, &a, sizeof a, 0) != 0 || a.policy != 0 /* SCHED_OTHER */) return -1;
    a.size = sizeof a;
    a.flags = 0;
    a.runtime = (uint64_t)us * 1000;
    return (int)syscall(SYS_sched_setattr, 0, &a, 0);
}
/* Names the calling thread (at most 15 bytes are kept): what top -H, ps -L and gdb show. */
#include <sys/prctl.h>
static inline void aai_thread_set_name(const char *name) { (void)prctl(PR_SET_NAME, name, 0, 0, 0); }
static inline int aai_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }
/* The streaming loop's multi handle (non-blocking connects): curl_multi_setopt is variadic. */
typedef int (*aai_curl_socket_cb)(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp);
typedef int (*aai_curl_timer_cb)(CURLM *multi, long timeout_ms, void *userp);
typedef int (*aai_curl_closesocket_cb)(void *clientp, curl_socket_t item);
static inline CURLMcode aai_curlm_setopt_socket_cb(CURLM *m, aai_curl_socket_cb f, void *userp) {
    CURLMcode rc = curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, f);
    return rc ? rc : curl_multi_setopt(m, CURLMOPT_SOCKETDATA, userp);
}
static inline CURLMcode aai_curlm_setopt_timer_cb(CURLM *m, aai_curl_timer_cb f, void *userp) {
    CURLMcode rc = curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, f);
    return rc ? rc : curl_multi_setopt(m, CURLMOPT_TIMERDATA, userp);
}
static inline CURLcode aai_curl_setopt_closesocket_cb(CURL *h, aai_curl_closesocket_cb f, void *clientp) {
    CURLcode rc = curl_easy_setopt(h, CURLOPT_CLOSESOCKETFUNCTION, f);
    return rc ? rc : curl_easy_setopt(h, CURLOPT_CLOSESOCKETDATA, clientp);
}
/* The next message of the multi handle: the easy handle of a finished transfer and its result
   (1), or 0 when there is none. */
static inline int aai_curlm_next_done(CURLM *m, CURL **easy, CURLcode *result) {
    int left = 0;
    CURLMsg *msg;
    while ((msg = curl_multi_info_read(m, &left))) {
        if (msg->msg == CURLMSG_DONE) { *easy = msg->easy_handle; *result = msg->data.result; return 1; }
    }
    return 0;
}
static const int AAI_CURL_POLL_IN = CURL_POLL_IN, AAI_CURL_POLL_OUT = CURL_POLL_OUT, AAI_CURL_POLL_INOUT = CURL_POLL_INOUT,
    AAI_CURL_POLL_REMOVE = CURL_POLL_REMOVE, AAI_CURL_CSELECT_IN = CURL_CSELECT_IN,
    AAI_CURL_CSELECT_OUT = CURL_CSELECT_OUT, AAI_CURL_CSELECT_ERR = CURL_CSELECT_ERR;
#endif
