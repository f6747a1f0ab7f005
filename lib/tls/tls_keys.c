#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/die.h"
#include "tls/tls_keys.h"

/* A growing byte buffer, bounded by the size of the file decoded. */
struct bytes {
	unsigned char	*p;
	size_t		 len, cap;
	bool		 overflow;
};

static void
bytes_add(void *arg, const void *data, size_t len)
{
	struct bytes *b = arg;

	if (b->overflow || len > b->cap - b->len) {
		b->overflow = true;
		return;
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
}

/* The whole file, at most TLS_PEM_FILE_MAX bytes; NULL with err set. */
static unsigned char *
read_file(const char *path, size_t *len, char *err, size_t errlen)
{
	unsigned char *buf;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		(void)fail_at(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((buf = malloc(TLS_PEM_FILE_MAX)) == NULL) {
		(void)fail_at(err, errlen, "%s: out of memory", path);
		(void)close(fd);
		return NULL;
	}
	*len = 0;
	while ((n = read(fd, buf + *len, TLS_PEM_FILE_MAX - *len)) > 0)
		*len += (size_t)n;
	(void)close(fd);
	if (n == -1 || *len == TLS_PEM_FILE_MAX) {
		(void)fail_at(err, errlen, "%s: %s", path, n == -1 ?
		    strerror(errno) : "file too large");
		free(buf);
		return NULL;
	}
	return buf;
}

typedef bool (*pem_object_fn)(void *arg, const char *name,
    const unsigned char *der, size_t len);

/*
 * Call fn for each PEM object of data.  A final newline is pushed after
 * the data: BearSSL sees no end of an object that the file does not
 * close with one.
 */
static bool
pem_each(const unsigned char *data, size_t len, pem_object_fn fn, void *arg,
    const char *path, char *err, size_t errlen)
{
	br_pem_decoder_context pc;
	struct bytes der = { NULL, 0, len, false };
	char name[128];
	bool in_object = false, nl_pushed = false, ok = true;
	size_t n;

	if ((der.p = malloc(len + 1)) == NULL)
		return fail_at(err, errlen, "%s: out of memory", path);
	br_pem_decoder_init(&pc);
	while (ok && (len > 0 || !nl_pushed)) {
		if (len == 0) {
			data = (const unsigned char *)"\n";
			len = 1;
			nl_pushed = true;
		}
		n = br_pem_decoder_push(&pc, data, len);
		data += n;
		len -= n;
		switch (br_pem_decoder_event(&pc)) {
		case BR_PEM_BEGIN_OBJ:
			(void)snprintf(name, sizeof(name), "%s",
			    br_pem_decoder_name(&pc));
			der.len = 0;
			br_pem_decoder_setdest(&pc, bytes_add, &der);
			in_object = true;
			break;
		case BR_PEM_END_OBJ:
			in_object = false;
			if (!der.overflow)
				ok = fn(arg, name, der.p, der.len);
			break;
		case BR_PEM_ERROR:
			ok = fail_at(err, errlen, "%s: not a valid PEM file",
			    path);
			break;
		default:
			break;
		}
	}
	if (ok && in_object)
		ok = fail_at(err, errlen, "%s: PEM object \"%s\" not closed",
		    path, name);
	/* What was decoded may be a private key: nothing of it stays. */
	explicit_bzero(der.p, der.cap);
	free(der.p);
	explicit_bzero(&pc, sizeof(pc));
	return ok;
}

static unsigned char *
dup_bytes(const unsigned char *p, size_t len)
{
	unsigned char *q;

	if ((q = malloc(len > 0 ? len : 1)) == NULL)
		return NULL;
	if (len > 0)
		memcpy(q, p, len);
	return q;
}

/* --- certificate chains --- */

struct chain_load {
	struct tls_chain	*ch;
	const char		*path;
	char			*err;
	size_t			 errlen;
};

static bool
chain_object(void *arg, const char *name, const unsigned char *der,
    size_t len)
{
	struct chain_load *cl = arg;
	struct tls_chain *ch = cl->ch;

	if (strcmp(name, "CERTIFICATE") != 0 &&
	    strcmp(name, "X509 CERTIFICATE") != 0)
		return true;
	if (ch->len == TLS_CHAIN_MAX)
		return fail_at(cl->err, cl->errlen, "%s: more than %d "
		    "certificates in the chain", cl->path, TLS_CHAIN_MAX);
	if ((ch->certs[ch->len].data = dup_bytes(der, len)) == NULL)
		return fail_at(cl->err, cl->errlen, "%s: out of memory",
		    cl->path);
	ch->certs[ch->len++].data_len = len;
	return true;
}

/* --- private keys --- */

struct key_load {
	br_skey_decoder_context	 dc;
	int			 found;	/* objects that were keys */
	bool			 encrypted;
};

static bool
key_object(void *arg, const char *name, const unsigned char *der,
    size_t len)
{
	struct key_load *kl = arg;

	if (strcmp(name, "ENCRYPTED PRIVATE KEY") == 0) {
		kl->encrypted = true;
		return true;
	}
	if (strcmp(name, "RSA PRIVATE KEY") != 0 &&
	    strcmp(name, "EC PRIVATE KEY") != 0 &&
	    strcmp(name, "PRIVATE KEY") != 0)
		return true;	/* EC PARAMETERS, certificates, ... */
	if (kl->found++ > 0)
		return true;
	br_skey_decoder_init(&kl->dc);
	br_skey_decoder_push(&kl->dc, der, len);
	return true;
}

/* Copy len bytes to *m and advance it; returns where they went. */
static unsigned char *
put_part(unsigned char **m, const unsigned char *src, size_t len)
{
	unsigned char *at = *m;

	memcpy(at, src, len);
	*m += len;
	return at;
}

static bool
copy_rsa(struct tls_privkey *kp, const br_rsa_private_key *sk)
{
	size_t total = sk->plen + sk->qlen + sk->dplen + sk->dqlen + sk->iqlen;
	unsigned char *m;

	if ((m = malloc(total)) == NULL)
		return false;
	kp->mem = m;
	kp->mem_len = total;
	kp->rsa = *sk;
	kp->rsa.p = put_part(&m, sk->p, sk->plen);
	kp->rsa.q = put_part(&m, sk->q, sk->qlen);
	kp->rsa.dp = put_part(&m, sk->dp, sk->dplen);
	kp->rsa.dq = put_part(&m, sk->dq, sk->dqlen);
	kp->rsa.iq = put_part(&m, sk->iq, sk->iqlen);
	return true;
}

static bool
copy_ec(struct tls_privkey *kp, const br_ec_private_key *sk)
{
	if ((kp->mem = dup_bytes(sk->x, sk->xlen)) == NULL)
		return false;
	kp->mem_len = sk->xlen;
	kp->ec.curve = sk->curve;
	kp->ec.x = kp->mem;
	kp->ec.xlen = sk->xlen;
	return true;
}

static bool
copy_key(struct tls_privkey *kp, const br_skey_decoder_context *dc,
    const char *path, char *err, size_t errlen)
{
	const br_rsa_private_key *rsa = br_skey_decoder_get_rsa(dc);
	const br_ec_private_key *ec = br_skey_decoder_get_ec(dc);

	kp->key_type = br_skey_decoder_key_type(dc);
	if (rsa == NULL && ec == NULL)
		return fail_at(err, errlen, "%s: not an RSA or EC key", path);
	if (!(rsa != NULL ? copy_rsa(kp, rsa) : copy_ec(kp, ec)))
		return fail_at(err, errlen, "%s: out of memory", path);
	return true;
}

bool
tls_privkey_load(struct tls_privkey *kp, const char *path, char *err,
    size_t errlen)
{
	struct key_load kl;
	unsigned char *data;
	size_t len;
	bool ok;

	memset(kp, 0, sizeof(*kp));
	memset(&kl, 0, sizeof(kl));
	if ((data = read_file(path, &len, err, errlen)) == NULL)
		return false;
	ok = pem_each(data, len, key_object, &kl, path, err, errlen);
	explicit_bzero(data, len);
	free(data);
	if (!ok)
		return false;
	if (kl.found == 0)
		return fail_at(err, errlen, "%s: %s", path, kl.encrypted ?
		    "encrypted private keys are not supported" :
		    "no private key in it");
	if (br_skey_decoder_last_error(&kl.dc) != 0)
		ok = fail_at(err, errlen, "%s: private key not understood "
		    "(BearSSL error %d)", path,
		    br_skey_decoder_last_error(&kl.dc));
	else
		ok = copy_key(kp, &kl.dc, path, err, errlen);
	explicit_bzero(&kl, sizeof(kl));
	if (!ok)
		tls_privkey_free(kp);
	return ok;
}

void
tls_privkey_free(struct tls_privkey *kp)
{
	if (kp->mem != NULL)
		explicit_bzero(kp->mem, kp->mem_len);
	free(kp->mem);
	explicit_bzero(kp, sizeof(*kp));
}

/* --- the leaf: its key and its dates --- */

struct leaf {
	br_x509_decoder_context	 dc;
	struct bytes		 dn;
	unsigned char		 dnbuf[1024];
};

static const br_x509_pkey *
decode_leaf(struct leaf *lf, const br_x509_certificate *cert)
{
	lf->dn.p = lf->dnbuf;
	lf->dn.len = 0;
	lf->dn.cap = sizeof(lf->dnbuf);
	lf->dn.overflow = false;
	br_x509_decoder_init(&lf->dc, bytes_add, &lf->dn);
	br_x509_decoder_push(&lf->dc, cert->data, cert->data_len);
	return br_x509_decoder_get_pkey(&lf->dc);
}

/* Big-endian integers compared without their leading zeros. */
static bool
same_integer(const unsigned char *a, size_t alen, const unsigned char *b,
    size_t blen)
{
	while (alen > 0 && *a == 0) {
		a++;
		alen--;
	}
	while (blen > 0 && *b == 0) {
		b++;
		blen--;
	}
	return alen == blen && memcmp(a, b, alen) == 0;
}

static bool
key_matches(const struct tls_privkey *kp, const br_x509_pkey *pk)
{
	unsigned char buf[BR_EC_KBUF_PUB_MAX_SIZE > 512 ?
	    BR_EC_KBUF_PUB_MAX_SIZE : 512];
	br_ec_public_key pub;
	size_t n;

	if (kp->key_type == BR_KEYTYPE_RSA) {
		if (pk->key_type != BR_KEYTYPE_RSA ||
		    (kp->rsa.n_bitlen + 7) / 8 > sizeof(buf))
			return false;
		n = br_rsa_compute_modulus_get_default()(buf, &kp->rsa);
		return n != 0 && same_integer(buf, n, pk->key.rsa.n,
		    pk->key.rsa.nlen);
	}
	if (pk->key_type != BR_KEYTYPE_EC || pk->key.ec.curve != kp->ec.curve)
		return false;
	n = br_ec_compute_pub(br_ec_get_default(), &pub, buf, &kp->ec);
	return n != 0 && pub.qlen == pk->key.ec.qlen &&
	    memcmp(pub.q, pk->key.ec.q, pub.qlen) == 0;
}

/*
 * BearSSL's X.509 engine checks dates as it walks a chain.  Walking the
 * leaf alone, with itself as a directly trusted anchor, checks its dates
 * and nothing else.
 */
static bool
leaf_current(struct leaf *lf, const br_x509_pkey *pk,
    const br_x509_certificate *cert, time_t now)
{
	br_x509_minimal_context xc;
	br_x509_trust_anchor ta;
	const br_x509_class **vt = &xc.vtable;
	unsigned r;

	if (lf->dn.overflow)
		return true;	/* cannot tell; the peer will */
	memset(&ta, 0, sizeof(ta));
	ta.dn.data = lf->dn.p;
	ta.dn.len = lf->dn.len;
	ta.pkey = *pk;
	br_x509_minimal_init_full(&xc, &ta, 1);
	br_x509_minimal_set_time(&xc, (uint32_t)(now / 86400 + 719528),
	    (uint32_t)(now % 86400));
	(*vt)->start_chain(vt, NULL);
	(*vt)->start_cert(vt, (uint32_t)cert->data_len);
	(*vt)->append(vt, cert->data, cert->data_len);
	(*vt)->end_cert(vt);
	r = (*vt)->end_chain(vt);
	return r != BR_ERR_X509_EXPIRED;
}

/* The leaf decodes and its dates hold now; its key type is kept. */
static bool
check_leaf(struct tls_chain *ch, const char *certfile, time_t now, char *err,
    size_t errlen)
{
	const br_x509_pkey *pk;
	struct leaf *lf;
	bool ok = true;

	if ((lf = malloc(sizeof(*lf))) == NULL)
		return fail_at(err, errlen, "out of memory");
	if ((pk = decode_leaf(lf, &ch->certs[0])) == NULL)
		ok = fail_at(err, errlen, "%s: first certificate not understood "
		    "(BearSSL error %d)", certfile,
		    br_x509_decoder_last_error(&lf->dc));
	else if (!leaf_current(lf, pk, &ch->certs[0], now))
		ok = fail_at(err, errlen, "%s: certificate has expired or is "
		    "not valid yet", certfile);
	else
		ch->key_type = pk->key_type;
	free(lf);
	return ok;
}

bool
tls_chain_load(struct tls_chain *ch, const char *certfile, time_t now,
    char *err, size_t errlen)
{
	struct chain_load cl = { ch, certfile, err, errlen };
	unsigned char *data;
	size_t len;
	bool ok;

	memset(ch, 0, sizeof(*ch));
	if ((data = read_file(certfile, &len, err, errlen)) == NULL)
		return false;
	ok = pem_each(data, len, chain_object, &cl, certfile, err, errlen);
	free(data);
	if (ok && ch->len == 0)
		ok = fail_at(err, errlen, "%s: no certificate in it", certfile);
	if (ok)
		ok = check_leaf(ch, certfile, now, err, errlen);
	if (!ok)
		tls_chain_free(ch);
	return ok;
}

void
tls_chain_free(struct tls_chain *ch)
{
	size_t i;

	for (i = 0; i < ch->len; i++)
		free(ch->certs[i].data);
	memset(ch, 0, sizeof(*ch));
}

/*
 * The stack below the caller, where a computation with the private key
 * left its intermediate values, overwritten: a process forked later (a
 * relay worker) must not find the key there.
 */
static void __attribute__((noinline))
scrub_stack(void)
{
	unsigned char buf[32768];

	explicit_bzero(buf, sizeof(buf));
	__asm__ __volatile__("" : : "r"(buf) : "memory");
}

bool
tls_privkey_matches(const struct tls_privkey *kp, const struct tls_chain *ch)
{
	const br_x509_pkey *pk;
	struct leaf *lf;
	bool ok;

	if (ch->len == 0 || (lf = malloc(sizeof(*lf))) == NULL)
		return false;
	ok = (pk = decode_leaf(lf, &ch->certs[0])) != NULL &&
	    key_matches(kp, pk);
	free(lf);
	scrub_stack();
	return ok;
}

bool
tls_keypair_load(struct tls_chain *ch, struct tls_privkey *kp,
    const char *certfile, const char *keyfile, time_t now, char *err,
    size_t errlen)
{
	memset(kp, 0, sizeof(*kp));
	if (!tls_chain_load(ch, certfile, now, err, errlen))
		return false;
	if (!tls_privkey_load(kp, keyfile, err, errlen)) {
		tls_chain_free(ch);
		return false;
	}
	if (!tls_privkey_matches(kp, ch)) {
		(void)fail_at(err, errlen, "%s does not match the certificate "
		    "%s", keyfile, certfile);
		tls_privkey_free(kp);
		tls_chain_free(ch);
		return false;
	}
	return true;
}

/* --- trust anchors --- */

struct anchor_load {
	struct tls_anchors	*a;
	const char		*path;
	char			*err;
	size_t			 errlen;
};

/* Bytes kept in the anchors' block; NULL if it is full. */
static unsigned char *
keep(struct tls_anchors *a, const unsigned char *p, size_t len)
{
	unsigned char *at;

	if (len > a->mem_len - a->mem_used)
		return NULL;
	at = a->mem + a->mem_used;
	if (len > 0)
		memcpy(at, p, len);
	a->mem_used += len;
	return at;
}

static bool
keep_pkey(struct tls_anchors *a, br_x509_pkey *dst, const br_x509_pkey *src)
{
	*dst = *src;
	if (src->key_type == BR_KEYTYPE_RSA) {
		dst->key.rsa.n = keep(a, src->key.rsa.n, src->key.rsa.nlen);
		dst->key.rsa.e = keep(a, src->key.rsa.e, src->key.rsa.elen);
		return dst->key.rsa.n != NULL && dst->key.rsa.e != NULL;
	}
	dst->key.ec.q = keep(a, src->key.ec.q, src->key.ec.qlen);
	return dst->key.ec.q != NULL;
}

static bool
anchor_object(void *arg, const char *name, const unsigned char *der,
    size_t len)
{
	struct anchor_load *al = arg;
	br_x509_trust_anchor *ta;
	const br_x509_pkey *pk;
	struct leaf lf;
	br_x509_certificate cert = { (unsigned char *)(uintptr_t)der, len };

	if (strcmp(name, "CERTIFICATE") != 0 &&
	    strcmp(name, "X509 CERTIFICATE") != 0 &&
	    strcmp(name, "TRUSTED CERTIFICATE") != 0)
		return true;
	if (al->a->n == TLS_ANCHORS_MAX)
		return fail_at(al->err, al->errlen, "%s: more than %d "
		    "certificates", al->path, TLS_ANCHORS_MAX);
	if ((pk = decode_leaf(&lf, &cert)) == NULL || lf.dn.overflow)
		return fail_at(al->err, al->errlen, "%s: certificate %zu not "
		    "understood (BearSSL error %d)", al->path, al->a->n + 1,
		    br_x509_decoder_last_error(&lf.dc));
	ta = &al->a->ta[al->a->n++];
	memset(ta, 0, sizeof(*ta));
	ta->flags = br_x509_decoder_isCA(&lf.dc) ? BR_X509_TA_CA : 0;
	ta->dn.data = keep(al->a, lf.dn.p, lf.dn.len);
	ta->dn.len = lf.dn.len;
	/* A certificate holds its name and key: the file's size bounds them. */
	if (ta->dn.data == NULL || !keep_pkey(al->a, &ta->pkey, pk))
		return fail_at(al->err, al->errlen, "%s: out of memory",
		    al->path);
	return true;
}

bool
tls_anchors_load(struct tls_anchors *a, const char *cafile, char *err,
    size_t errlen)
{
	struct anchor_load al = { a, cafile, err, errlen };
	unsigned char *data;
	size_t len;
	bool ok;

	memset(a, 0, sizeof(*a));
	if ((data = read_file(cafile, &len, err, errlen)) == NULL)
		return false;
	a->ta = calloc(TLS_ANCHORS_MAX, sizeof(*a->ta));
	a->mem = malloc(len);
	a->mem_len = len;
	if (a->ta == NULL || a->mem == NULL)
		ok = fail_at(err, errlen, "%s: out of memory", cafile);
	else
		ok = pem_each(data, len, anchor_object, &al, cafile, err,
		    errlen);
	free(data);
	if (ok && a->n == 0)
		ok = fail_at(err, errlen, "%s: no certificate in it", cafile);
	if (!ok)
		tls_anchors_free(a);
	return ok;
}

void
tls_anchors_free(struct tls_anchors *a)
{
	free(a->ta);
	free(a->mem);
	memset(a, 0, sizeof(*a));
}
