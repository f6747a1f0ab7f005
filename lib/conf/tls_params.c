#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <bearssl.h>

#include "base/die.h"
#include "conf/tls_params.h"

struct suite {
	uint16_t	 id;
	const char	*name;	/* OpenSSL's */
	bool		 aead;
};

/*
 * Only ECDHE: forward secrecy always.  In the order the server prefers
 * them: AES-128-GCM first, as AES-NI makes it the cheapest, then
 * ChaCha20 for CPUs without it, then the 256-bit and the CBC suites.
 */
static const struct suite suites[] = {
	{ BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	    "ECDHE-ECDSA-AES128-GCM-SHA256", true },
	{ BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	    "ECDHE-RSA-AES128-GCM-SHA256", true },
	{ BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	    "ECDHE-ECDSA-CHACHA20-POLY1305", true },
	{ BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	    "ECDHE-RSA-CHACHA20-POLY1305", true },
	{ BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	    "ECDHE-ECDSA-AES256-GCM-SHA384", true },
	{ BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	    "ECDHE-RSA-AES256-GCM-SHA384", true },
	{ BR_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
	    "ECDHE-ECDSA-AES128-SHA256", false },
	{ BR_TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
	    "ECDHE-RSA-AES128-SHA256", false },
	{ BR_TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384,
	    "ECDHE-ECDSA-AES256-SHA384", false },
	{ BR_TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,
	    "ECDHE-RSA-AES256-SHA384", false },
	{ BR_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
	    "ECDHE-ECDSA-AES128-SHA", false },
	{ BR_TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
	    "ECDHE-RSA-AES128-SHA", false },
	{ BR_TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
	    "ECDHE-ECDSA-AES256-SHA", false },
	{ BR_TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
	    "ECDHE-RSA-AES256-SHA", false }
};
enum { NSUITES = sizeof(suites) / sizeof(suites[0]) };

static void
add_suite(struct tls_params *tp, uint16_t id)
{
	size_t i;

	for (i = 0; i < tp->nsuites; i++)
		if (tp->suites[i] == id)
			return;
	if (tp->nsuites < TLS_SUITES_MAX)
		tp->suites[tp->nsuites++] = id;
}

static bool
is_keyword(const char *text, const char *const *words)
{
	for (; *words != NULL; words++)
		if (strcasecmp(text, *words) == 0)
			return true;
	return false;
}

/*
 * An OpenSSL class of strong suites ("HIGH", "ECDHE+AESGCM"): every word
 * joined by '+' names something all of BearSSL's AEAD suites are.  Words
 * starting with '!', '-' or '+' remove or reorder, and BearSSL has none
 * of the weak suites they would remove: they add nothing.
 */
static bool
is_class(const char *s, size_t len)
{
	static const char *const words[] = { "HIGH", "DEFAULT", "ECDHE",
	    "EECDH", "kEECDH", "kECDHE", "AEAD", "aRSA", "aECDSA", "SHA256",
	    "SHA384", "TLSv1.2", "AESGCM", "CHACHA20", "AES128", "AES256",
	    NULL };
	const char *const *w;
	size_t n;

	while (len > 0) {
		n = strcspn(s, "+");
		if (n > len)
			n = len;
		for (w = words; *w != NULL; w++)
			if (strlen(*w) == n && strncasecmp(*w, s, n) == 0)
				break;
		if (*w == NULL)
			return false;
		if (n == len)
			return true;
		s += n + 1;
		len -= n + 1;
	}
	return false;
}

bool
tls_params_ciphers(struct tls_params *tp, const char *text, char *err,
    size_t errlen)
{
	static const char *const aead[] = { "secure", "default",
	    "HIGH:!aNULL", NULL };
	static const char *const compat[] = { "compat", "legacy", "all",
	    "insecure", NULL };
	const char *s;
	size_t i, len;

	tp->nsuites = 0;
	if (is_keyword(text, aead) || is_keyword(text, compat)) {
		for (i = 0; i < NSUITES; i++)
			if (suites[i].aead || is_keyword(text, compat))
				add_suite(tp, suites[i].id);
		return true;
	}
	for (s = text; ; s += len + 1) {
		len = strcspn(s, ":");
		if (is_class(s, len)) {
			for (i = 0; i < NSUITES; i++)
				if (suites[i].aead)
					add_suite(tp, suites[i].id);
		}
		for (i = 0; i < NSUITES; i++)
			if (strlen(suites[i].name) == len &&
			    strncasecmp(suites[i].name, s, len) == 0)
				add_suite(tp, suites[i].id);
		if (s[len] == '\0')
			break;
	}
	if (tp->nsuites == 0)
		return fail_at(err, errlen, "no cipher suite that BearSSL offers "
		    "in '%s' (ECDHE suites with AES-GCM, ChaCha20-Poly1305 "
		    "or AES-CBC, by OpenSSL name)", text);
	return true;
}

static int
curve_id(const char *name, size_t len)
{
	static const struct {
		const char	*name;
		int		 id;
	} curves[] = {
		{ "X25519", BR_EC_curve25519 }, { "P-256", BR_EC_secp256r1 },
		{ "secp256r1", BR_EC_secp256r1 },
		{ "prime256v1", BR_EC_secp256r1 },
		{ "P-384", BR_EC_secp384r1 }, { "secp384r1", BR_EC_secp384r1 },
		{ "P-521", BR_EC_secp521r1 }, { "secp521r1", BR_EC_secp521r1 }
	};
	size_t i;

	for (i = 0; i < sizeof(curves) / sizeof(curves[0]); i++)
		if (strlen(curves[i].name) == len &&
		    strncasecmp(curves[i].name, name, len) == 0)
			return curves[i].id;
	return -1;
}

bool
tls_params_curves(struct tls_params *tp, const char *text, char *err,
    size_t errlen)
{
	const char *s;
	size_t len;
	int id;

	if (strcmp(text, "default") == 0 || strcmp(text, "auto") == 0) {
		tp->curves = 1u << BR_EC_curve25519 | 1u << BR_EC_secp256r1 |
		    1u << BR_EC_secp384r1;
		return true;
	}
	tp->curves = 0;
	for (s = text; ; s += len + 1) {
		len = strcspn(s, ",:");
		if ((id = curve_id(s, len)) == -1)
			return fail_at(err, errlen, "invalid ecdhe curve '%.*s'",
			    (int)len, s);
		tp->curves |= 1u << id;
		if (s[len] == '\0')
			return true;
	}
}

bool
tls_params_versions(struct tls_params *tp, unsigned bits, char *err,
    size_t errlen)
{
	static const unsigned versions[] = { BR_TLS10, BR_TLS11, BR_TLS12 };
	int lo = -1, hi = -1, i;

	for (i = 0; i < 3; i++)
		if (bits & (1u << i)) {
			if (lo == -1)
				lo = i;
			else if (hi != i - 1)
				return fail_at(err, errlen, "tls protocols: "
				    "BearSSL needs a range of versions, "
				    "without a gap");
			hi = i;
		}
	if (lo == -1)
		return fail_at(err, errlen, "tls protocols: none of TLSv1.0, "
		    "TLSv1.1 or TLSv1.2 (BearSSL has no TLSv1.3)");
	tp->version_min = versions[lo];
	tp->version_max = versions[hi];
	return true;
}

const char *
tls_suite_name(uint16_t id)
{
	size_t i;

	for (i = 0; i < NSUITES; i++)
		if (suites[i].id == id)
			return suites[i].name;
	return "unknown";
}

bool
tls_params_set(struct tls_params *p, const char *ciphers, const char *curves,
    unsigned protocol_bits, char *err, size_t errlen)
{
	p->client_order = false;
	return tls_params_ciphers(p, ciphers, err, errlen) &&
	    tls_params_curves(p, curves, err, errlen) &&
	    tls_params_versions(p, protocol_bits, err, errlen);
}
