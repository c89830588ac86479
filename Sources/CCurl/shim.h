#ifndef REFKIT_CCURL_SHIM_H
#define REFKIT_CCURL_SHIM_H

#include <curl/curl.h>

// curl_easy_setopt, curl_easy_getinfo and curl_multi_setopt are variadic, which Swift cannot
// call: each typed wrapper below passes exactly the C type the option expects.

typedef size_t (*refkit_curl_data_callback)(char *data, size_t size, size_t count, void *context);
typedef int (*refkit_curl_prereq_callback)(void *context, char *primary_ip, char *local_ip,
                                           int primary_port, int local_port);

static inline CURLcode refkit_curl_global_init_all(void) { return curl_global_init(CURL_GLOBAL_ALL); }

static inline CURLcode refkit_curl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode refkit_curl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode refkit_curl_easy_setopt_ptr(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
/// libcurl copies string options (since 7.17), except CURLOPT_POSTFIELDS.
static inline CURLcode refkit_curl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode refkit_curl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode refkit_curl_easy_setopt_url(CURL *handle, CURLU *value) {
    return curl_easy_setopt(handle, CURLOPT_CURLU, value);
}
static inline CURLcode refkit_curl_easy_setopt_callback(CURL *handle, CURLoption option, refkit_curl_data_callback value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode refkit_curl_easy_setopt_write_callback(CURL *handle, refkit_curl_data_callback value) {
    return curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, value);
}
static inline CURLcode refkit_curl_easy_setopt_header_callback(CURL *handle, refkit_curl_data_callback value) {
    return curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, value);
}
static inline CURLcode refkit_curl_easy_setopt_read_callback(CURL *handle, refkit_curl_data_callback value) {
    return curl_easy_setopt(handle, CURLOPT_READFUNCTION, value);
}
static inline CURLcode refkit_curl_easy_setopt_prereq_callback(CURL *handle, refkit_curl_prereq_callback value) {
    return curl_easy_setopt(handle, CURLOPT_PREREQFUNCTION, value);
}

static inline CURLcode refkit_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode refkit_curl_easy_getinfo_double(CURL *handle, CURLINFO info, double *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode refkit_curl_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}
/// The string stays owned by the handle: copy it before the handle is cleaned up.
static inline CURLcode refkit_curl_easy_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLMcode refkit_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}

/// CURLMsg's `data` is a union; Swift reads it through these.
static inline CURL *refkit_curl_msg_easy_handle(const CURLMsg *message) { return message->easy_handle; }
static inline CURLcode refkit_curl_msg_result(const CURLMsg *message) { return message->data.result; }
static inline int refkit_curl_msg_is_done(const CURLMsg *message) { return message->msg == CURLMSG_DONE; }

static inline int refkit_curl_prereq_ok(void) { return CURL_PREREQFUNC_OK; }
static inline int refkit_curl_prereq_abort(void) { return CURL_PREREQFUNC_ABORT; }
static inline size_t refkit_curl_error_size(void) { return CURL_ERROR_SIZE; }

#endif
