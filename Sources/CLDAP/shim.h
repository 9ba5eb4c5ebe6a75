#ifndef CES_AUDIT_CLDAP_SHIM_H
#define CES_AUDIT_CLDAP_SHIM_H

// The only place C declarations enter the package. LDAP_DEPRECATED is deliberately not defined,
// so only the _ext / _len / sasl forms of the API are visible.
#include <ldap.h>
#include <lber.h>
#include <sasl/sasl.h>
#include <krb5.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_krb5.h>
#include <netinet/in.h>
#include <arpa/nameser.h>
#include <resolv.h>

// LDAP_OPT_ON is &ber_pvt_opt_on: taking that address from Swift 6 is a concurrency error.
static inline void *cldap_opt_on(void) { return LDAP_OPT_ON; }
static inline void *cldap_opt_off(void) { return LDAP_OPT_OFF; }

// res_query and dn_expand may be macros over versioned symbols; call them through functions.
static inline int cldap_res_query(const char *name, int class_, int type, unsigned char *answer, int length) {
    return res_query(name, class_, type, answer, length);
}
static inline int cldap_dn_expand(const unsigned char *message, const unsigned char *end, const unsigned char *source,
                                  char *name, int length) {
    return dn_expand(message, end, source, name, length);
}

// S4U2Self (KerberosDelegationProbe): MIT krb5 exports krb5_get_credentials_for_user (libkrb5.so.3, version
// krb5_3_MIT; kvno -U uses it) but declares it only in its private k5-int.h. Same signature as MIT 1.20's s4u_creds.c.
krb5_error_code KRB5_CALLCONV krb5_get_credentials_for_user(krb5_context context, krb5_flags options, krb5_ccache ccache,
                                                            krb5_creds *in_creds, krb5_data *subject_cert,
                                                            krb5_creds **out_creds);

#endif
