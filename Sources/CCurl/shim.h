#ifndef CES_AUDIT_CCURL_SHIM_H
#define CES_AUDIT_CCURL_SHIM_H

// libcurl (Debian's GnuTLS flavour, the TLS library libldap already uses) for the endpoint probe.
// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: typed wrappers below.
#include <curl/curl.h>
// GnuTLS's own record of the handshake: whether the server sent a CertificateRequest (see
// ccurl_client_certificate_requested). libcurl-gnutls already loads this library.
#include <gnutls/gnutls.h>

// CURLAUTH_NEGOTIATE is a cast macro ((unsigned long)1<<2) that does not import.
static inline long ccurl_auth_negotiate(void) { return (long)CURLAUTH_NEGOTIATE; }

static inline CURLcode ccurl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode ccurl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode ccurl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
typedef size_t (*ccurl_write_callback)(char *data, size_t size, size_t count, void *context);
static inline CURLcode ccurl_setopt_write_function(CURL *handle, CURLoption option, ccurl_write_callback value) {
    return curl_easy_setopt(handle, option, value);
}
typedef int (*ccurl_prereq_callback)(
    void *context, char *primary_ip, char *local_ip, int primary_port, int local_port);
static inline CURLcode ccurl_setopt_prereq_function(CURL *handle, ccurl_prereq_callback value) {
    return curl_easy_setopt(handle, CURLOPT_PREREQFUNCTION, value);
}

// Whether the TLS server of the transfer's connection asked for a client certificate (sent a CertificateRequest)
// in its last handshake, from GnuTLS's session (libcurl hands it out only during the transfer, so this is called
// from libcurl's callbacks): 1 asked, 0 not asked, -1 a TLS session of another TLS library (cannot tell),
// -2 no TLS session (plain http, or the handshake has not completed).
static inline int ccurl_client_certificate_requested(CURL *handle) {
    struct curl_tlssessioninfo *info = NULL;
    if (curl_easy_getinfo(handle, CURLINFO_TLS_SSL_PTR, &info) != CURLE_OK || info == NULL
        || info->backend == CURLSSLBACKEND_NONE || info->internals == NULL)
        return -2;
    if (info->backend != CURLSSLBACKEND_GNUTLS)
        return -1;
    return gnutls_certificate_client_get_request_status((gnutls_session_t)info->internals) ? 1 : 0;
}

static inline CURLcode ccurl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode ccurl_getinfo_double(CURL *handle, CURLINFO info, double *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode ccurl_getinfo_certinfo(CURL *handle, struct curl_certinfo **value) {
    return curl_easy_getinfo(handle, CURLINFO_CERTINFO, value);
}
static inline CURLcode ccurl_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return curl_easy_getinfo(handle, info, value);
}

#endif
