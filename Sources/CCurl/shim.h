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
#endif
