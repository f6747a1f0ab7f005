#include <stdint.h>
#include <string.h>

#include "base/hex.h"
#include "base/strbuf.h"
#include "tls/tls_dn.h"

enum {
	DER_SEQUENCE = 0x30,
	DER_SET = 0x31,
	DER_OID = 0x06
};

/* One DER element: its tag and where its contents lie. */
struct der {
	unsigned		 tag;
	const unsigned char	*p;
	size_t			 len;
};

/* Take the next element off *buf; false if it is malformed. */
static bool
der_next(const unsigned char **buf, size_t *left, struct der *d)
{
	const unsigned char *p = *buf;
	size_t n = *left, len, i, k;

	if (n < 2)
		return false;
	d->tag = p[0];
	len = p[1];
	p += 2;
	n -= 2;
	if (len & 0x80) {
		k = len & 0x7f;
		if (k == 0 || k > 3 || k > n)
			return false;
		for (len = 0, i = 0; i < k; i++)
			len = len << 8 | p[i];
		p += k;
		n -= k;
	}
	if (len > n)
		return false;
	d->p = p;
	d->len = len;
	*buf = p + len;
	*left = n - len;
	return true;
}

static const struct {
	const char		*name;
	const unsigned char	 oid[10];
	size_t			 len;
} names[] = {
	{ "CN", { 0x55, 0x04, 0x03 }, 3 },
	{ "serialNumber", { 0x55, 0x04, 0x05 }, 3 },
	{ "C", { 0x55, 0x04, 0x06 }, 3 },
	{ "L", { 0x55, 0x04, 0x07 }, 3 },
	{ "ST", { 0x55, 0x04, 0x08 }, 3 },
	{ "street", { 0x55, 0x04, 0x09 }, 3 },
	{ "O", { 0x55, 0x04, 0x0a }, 3 },
	{ "OU", { 0x55, 0x04, 0x0b }, 3 },
	{ "title", { 0x55, 0x04, 0x0c }, 3 },
	{ "GN", { 0x55, 0x04, 0x2a }, 3 },
	{ "SN", { 0x55, 0x04, 0x04 }, 3 },
	{ "emailAddress", { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09,
	    0x01 }, 9 },
	{ "DC", { 0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01,
	    0x19 }, 10 }
};

/* The attribute's short name, or its OID in dotted form. */
static void
put_type(struct strbuf *sb, const struct der *oid)
{
	uint64_t arc = 0;
	bool first = true;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].len == oid->len &&
		    memcmp(names[i].oid, oid->p, oid->len) == 0) {
			strbuf_puts(sb, names[i].name);
			return;
		}
	for (i = 0; i < oid->len; i++) {
		arc = arc << 7 | (oid->p[i] & 0x7f);
		if (oid->p[i] & 0x80)
			continue;
		if (first) {
			/* The first number holds two arcs, 40 x + y. */
			strbuf_putnum(sb, arc < 80 ? arc / 40 : 2, 1);
			arc = arc < 80 ? arc % 40 : arc - 80;
			first = false;
		}
		strbuf_puts(sb, ".");
		strbuf_putnum(sb, arc, 1);
		arc = 0;
	}
}

static void
put_value(struct strbuf *sb, const struct der *v)
{
	char e[4] = { '\\', 'x' };
	size_t i;

	for (i = 0; i < v->len; i++) {
		unsigned char ch = v->p[i];

		if (ch < 0x20 || ch > 0x7e || ch == '/' || ch == '\\') {
			hex_byte(ch, e + 2);
			strbuf_put(sb, e, sizeof(e));
		} else
			strbuf_put(sb, (const char *)&v->p[i], 1);
	}
}

static bool
put_rdn(struct strbuf *sb, const struct der *set)
{
	const unsigned char *p = set->p;
	size_t left = set->len, al;
	struct der atv, oid, val;
	const unsigned char *ap;

	while (left > 0) {
		if (!der_next(&p, &left, &atv) || atv.tag != DER_SEQUENCE)
			return false;
		ap = atv.p;
		al = atv.len;
		if (!der_next(&ap, &al, &oid) || oid.tag != DER_OID ||
		    !der_next(&ap, &al, &val) || al != 0)
			return false;
		strbuf_puts(sb, "/");
		put_type(sb, &oid);
		strbuf_puts(sb, "=");
		put_value(sb, &val);
	}
	return true;
}

bool
tls_dn_text(const unsigned char *der, size_t len, char *out, size_t size)
{
	struct strbuf sb;
	struct der name, rdn;
	const unsigned char *p = der;
	size_t left = len;

	strbuf_init(&sb, out, size);
	/* The outer SEQUENCE, if the caller kept it. */
	if (len > 0 && der[0] == DER_SEQUENCE) {
		if (!der_next(&p, &left, &name) || left != 0)
			goto bad;
		p = name.p;
		left = name.len;
	}
	while (left > 0) {
		if (!der_next(&p, &left, &rdn) || rdn.tag != DER_SET ||
		    !put_rdn(&sb, &rdn))
			goto bad;
	}
	if (!sb.full)
		return true;
bad:
	if (size > 0)
		out[0] = '\0';
	return false;
}
