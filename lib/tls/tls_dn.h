/*
 * tls_dn: an X.509 distinguished name (DER, as BearSSL's decoder hands it
 * out) written as text the way libtls' tls_peer_cert_subject() shows it:
 * "/C=DE/O=Example/CN=client".  Used for the remote user of a client
 * certificate in the logs and for FastCGI's TLS_PEER_SUBJECT.
 */
#ifndef TLS_DN_H
#define TLS_DN_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Write the name into out (always terminated).  Bytes outside printable
 * ASCII, '/' and '\' are written as \xHH.  False if the DER is malformed
 * or does not fit.
 */
bool	tls_dn_text(const unsigned char *der, size_t len, char *out,
	    size_t size);

#endif
