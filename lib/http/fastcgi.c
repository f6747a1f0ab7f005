#include <string.h>

#include "http/fastcgi.h"

static const char *const error_text[FCGI_E__COUNT] = {
	[FCGI_E_NONE] = "no error",
	[FCGI_E_VERSION] = "bad version byte",
	[FCGI_E_TYPE] = "unknown record type",
	[FCGI_E_LENGTH] = "content length wrong for the record type",
	[FCGI_E_PADDING] = "padding inconsistent with the content length",
	[FCGI_E_ID_ZERO] = "application record with request id 0",
	[FCGI_E_ID_MGMT] = "management record with a request id",
	[FCGI_E_ID_MISMATCH] = "record for another request id",
	[FCGI_E_NV_TRUNCATED] = "name-value pair longer than its record",
	[FCGI_E_NOSPACE] = "no room for the record"
};

const char *
fcgi_strerror(enum fcgi_error e)
{
	if ((unsigned)e >= FCGI_E__COUNT)
		return "unknown error";
	return error_text[e];
}

uint8_t
fcgi_padding(size_t len)
{
	return (uint8_t)((FCGI_ALIGN - len % FCGI_ALIGN) % FCGI_ALIGN);
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

size_t
fcgi_put_header(uint8_t *buf, size_t cap, const struct fcgi_header *h)
{
	if (cap < FCGI_HEADER_LEN)
		return 0;
	buf[0] = h->version;
	buf[1] = h->type;
	put16(buf + 2, h->request_id);
	put16(buf + 4, h->content_length);
	buf[6] = h->padding_length;
	buf[7] = 0;		/* reserved */
	return FCGI_HEADER_LEN;
}

size_t
fcgi_seal_record(uint8_t *buf, size_t cap, uint8_t type, uint16_t id,
    size_t len)
{
	struct fcgi_header h;
	size_t total;

	if (len > FCGI_CONTENT_MAX)
		return 0;
	h.version = FCGI_VERSION_1;
	h.type = type;
	h.request_id = id;
	h.content_length = (uint16_t)len;
	h.padding_length = fcgi_padding(len);
	total = FCGI_HEADER_LEN + len + h.padding_length;
	if (total > cap)
		return 0;
	(void)fcgi_put_header(buf, cap, &h);
	memset(buf + FCGI_HEADER_LEN + len, 0, h.padding_length);
	return total;
}

size_t
fcgi_put_record(uint8_t *buf, size_t cap, uint8_t type, uint16_t id,
    const void *content, size_t len)
{
	if (len > FCGI_CONTENT_MAX ||
	    cap < FCGI_HEADER_LEN + len + fcgi_padding(len))
		return 0;
	if (len > 0)
		memmove(buf + FCGI_HEADER_LEN, content, len);
	return fcgi_seal_record(buf, cap, type, id, len);
}

size_t
fcgi_put_begin_request(uint8_t *buf, size_t cap, uint16_t id, uint16_t role,
    uint8_t flags)
{
	uint8_t body[8] = { 0 };

	put16(body, role);
	body[2] = flags;
	return fcgi_put_record(buf, cap, FCGI_BEGIN_REQUEST, id, body, 8);
}

size_t
fcgi_put_end_request(uint8_t *buf, size_t cap, uint16_t id,
    uint32_t app_status, uint8_t protocol_status)
{
	uint8_t body[8] = { 0 };

	body[0] = (uint8_t)(app_status >> 24);
	body[1] = (uint8_t)(app_status >> 16);
	body[2] = (uint8_t)(app_status >> 8);
	body[3] = (uint8_t)app_status;
	body[4] = protocol_status;
	return fcgi_put_record(buf, cap, FCGI_END_REQUEST, id, body, 8);
}

size_t
fcgi_put_abort_request(uint8_t *buf, size_t cap, uint16_t id)
{
	return fcgi_put_record(buf, cap, FCGI_ABORT_REQUEST, id, NULL, 0);
}

size_t
fcgi_put_unknown_type(uint8_t *buf, size_t cap, uint8_t type)
{
	uint8_t body[8] = { 0 };

	body[0] = type;
	return fcgi_put_record(buf, cap, FCGI_UNKNOWN_TYPE,
	    FCGI_NULL_REQUEST_ID, body, 8);
}

void
fcgi_get_begin(const uint8_t body[8], struct fcgi_begin *b)
{
	b->role = get16(body);
	b->flags = body[2];
}

/* --- name-value pairs ------------------------------------------------ */

static size_t
nv_len_size(size_t len)
{
	return len < 128 ? 1 : 4;
}

size_t
fcgi_nv_size(size_t namelen, size_t valuelen)
{
	if (namelen > FCGI_NV_LEN_MAX || valuelen > FCGI_NV_LEN_MAX)
		return 0;
	return nv_len_size(namelen) + nv_len_size(valuelen) + namelen +
	    valuelen;
}

static uint8_t *
put_nv_len(uint8_t *p, size_t len)
{
	if (len < 128) {
		*p++ = (uint8_t)len;
		return p;
	}
	*p++ = (uint8_t)(0x80 | len >> 24);
	*p++ = (uint8_t)(len >> 16);
	*p++ = (uint8_t)(len >> 8);
	*p++ = (uint8_t)len;
	return p;
}

size_t
fcgi_nv_put(uint8_t *buf, size_t cap, const void *name, size_t namelen,
    const void *value, size_t valuelen)
{
	size_t n = fcgi_nv_size(namelen, valuelen);
	uint8_t *p = buf;

	if (n == 0 || n > cap)
		return 0;
	p = put_nv_len(p, namelen);
	p = put_nv_len(p, valuelen);
	if (namelen > 0)
		memcpy(p, name, namelen);
	if (valuelen > 0)
		memcpy(p + namelen, value, valuelen);
	return n;
}

/* One length, 1 or 4 bytes; false if the bytes are not there. */
static bool
get_nv_len(const uint8_t *buf, size_t len, size_t *off, size_t *out)
{
	if (*off >= len)
		return false;
	if (buf[*off] < 0x80) {
		*out = buf[(*off)++];
		return true;
	}
	if (len - *off < 4)
		return false;
	*out = get32(buf + *off) & FCGI_NV_LEN_MAX;
	*off += 4;
	return true;
}

int
fcgi_nv_next(const uint8_t *buf, size_t len, size_t *off, struct fcgi_nv *nv,
    enum fcgi_error *err)
{
	size_t o = *off, nl, vl;

	if (o >= len)
		return 0;
	/* Compare with what remains, never add: no overflow past len. */
	if (!get_nv_len(buf, len, &o, &nl) || !get_nv_len(buf, len, &o, &vl) ||
	    nl > len - o || vl > len - o - nl) {
		*err = FCGI_E_NV_TRUNCATED;
		return -1;
	}
	nv->name = buf + o;
	nv->namelen = nl;
	nv->value = buf + o + nl;
	nv->valuelen = vl;
	*off = o + nl + vl;
	return 1;
}

static const struct fcgi_value *
find_value(const struct fcgi_nv *nv, const struct fcgi_value *known,
    size_t nknown)
{
	size_t i;

	for (i = 0; i < nknown; i++)
		if (strlen(known[i].name) == nv->namelen &&
		    memcmp(known[i].name, nv->name, nv->namelen) == 0)
			return &known[i];
	return NULL;
}

enum fcgi_error
fcgi_put_get_values_result(uint8_t *buf, size_t cap, size_t *outlen,
    const uint8_t *query, size_t qlen, const struct fcgi_value *known,
    size_t nknown)
{
	const struct fcgi_value *v;
	struct fcgi_nv nv;
	enum fcgi_error err = FCGI_E_NONE;
	size_t off = 0, len = 0, n, room;
	int r;

	if (cap < FCGI_HEADER_LEN + FCGI_ALIGN)
		return FCGI_E_NOSPACE;
	/* Content may not exceed a record, and the padding must fit. */
	room = cap - FCGI_HEADER_LEN - (FCGI_ALIGN - 1);
	if (room > FCGI_CONTENT_MAX)
		room = FCGI_CONTENT_MAX;
	while ((r = fcgi_nv_next(query, qlen, &off, &nv, &err)) == 1) {
		if ((v = find_value(&nv, known, nknown)) == NULL)
			continue;
		n = fcgi_nv_put(buf + FCGI_HEADER_LEN + len, room - len,
		    v->name, strlen(v->name), v->value, strlen(v->value));
		if (n == 0)
			return FCGI_E_NOSPACE;
		len += n;
	}
	if (r == -1)
		return err;
	*outlen = fcgi_seal_record(buf, cap, FCGI_GET_VALUES_RESULT,
	    FCGI_NULL_REQUEST_ID, len);
	return *outlen == 0 ? FCGI_E_NOSPACE : FCGI_E_NONE;
}

/* --- the parser ------------------------------------------------------ */

void
fcgi_parser_init(struct fcgi_parser *p, unsigned flags, uint16_t expect_id)
{
	memset(p, 0, sizeof(*p));
	p->state = FCGI_P_HEADER;
	p->flags = flags;
	p->expect_id = expect_id;
}

static bool
is_management(uint8_t type)
{
	return type == FCGI_GET_VALUES || type == FCGI_GET_VALUES_RESULT ||
	    type == FCGI_UNKNOWN_TYPE;
}

/* Types whose body is exactly 8 bytes (ABORT_REQUEST's is empty). */
static bool
has_fixed_body(uint8_t type)
{
	return type == FCGI_BEGIN_REQUEST || type == FCGI_END_REQUEST ||
	    type == FCGI_UNKNOWN_TYPE;
}

static enum fcgi_error
check_header(const struct fcgi_parser *p, const struct fcgi_header *h)
{
	if (h->version != FCGI_VERSION_1)
		return FCGI_E_VERSION;
	if (h->type == 0 || h->type > FCGI_TYPE_MAX) {
		/* Unknown types are management records or errors. */
		if (!(p->flags & FCGI_PARSE_UNKNOWN_TYPES))
			return FCGI_E_TYPE;
		if (h->request_id != FCGI_NULL_REQUEST_ID)
			return FCGI_E_ID_MGMT;
	} else if (is_management(h->type)) {
		if (h->request_id != FCGI_NULL_REQUEST_ID)
			return FCGI_E_ID_MGMT;
	} else {
		if (h->request_id == FCGI_NULL_REQUEST_ID)
			return FCGI_E_ID_ZERO;
		if (p->expect_id != 0 && h->request_id != p->expect_id)
			return FCGI_E_ID_MISMATCH;
	}
	if ((has_fixed_body(h->type) && h->content_length != 8) ||
	    (h->type == FCGI_ABORT_REQUEST && h->content_length != 0))
		return FCGI_E_LENGTH;
	if ((p->flags & FCGI_PARSE_STRICT_PADDING) && h->padding_length != 0 &&
	    h->padding_length != fcgi_padding(h->content_length))
		return FCGI_E_PADDING;
	return FCGI_E_NONE;
}

static enum fcgi_event_type
fail(struct fcgi_parser *p, struct fcgi_event *ev, enum fcgi_error e)
{
	p->state = FCGI_P_FAILED;
	p->error = e;
	ev->type = FCGI_EV_ERROR;
	ev->error = e;
	return FCGI_EV_ERROR;
}

static enum fcgi_event_type
event(struct fcgi_event *ev, enum fcgi_event_type t)
{
	ev->type = t;
	return t;
}

/* Gather up to `want` bytes into dst, which already holds p->have. */
static size_t
gather(struct fcgi_parser *p, uint8_t *dst, size_t want, const uint8_t *buf,
    size_t len)
{
	size_t n = want - p->have;

	if (n > len)
		n = len;
	memcpy(dst + p->have, buf, n);
	p->have += n;
	return n;
}

static enum fcgi_event_type
parse_header(struct fcgi_parser *p, const uint8_t *buf, size_t len,
    size_t *used, struct fcgi_event *ev)
{
	struct fcgi_header *h = &p->header;
	enum fcgi_error e;

	*used = gather(p, p->hbuf, FCGI_HEADER_LEN, buf, len);
	if (p->have < FCGI_HEADER_LEN)
		return event(ev, FCGI_EV_MORE);
	h->version = p->hbuf[0];
	h->type = p->hbuf[1];
	h->request_id = get16(p->hbuf + 2);
	h->content_length = get16(p->hbuf + 4);
	h->padding_length = p->hbuf[6];
	if ((e = check_header(p, h)) != FCGI_E_NONE)
		return fail(p, ev, e);
	p->have = 0;
	p->content_left = h->content_length;
	p->padding_left = h->padding_length;
	p->state = has_fixed_body(h->type) ? FCGI_P_BODY : FCGI_P_CONTENT;
	ev->header = *h;
	return event(ev, FCGI_EV_HEADER);
}

/* The record is over: hand over the fixed body, expect a header. */
static enum fcgi_event_type
end_record(struct fcgi_parser *p, struct fcgi_event *ev)
{
	memcpy(ev->body, p->body, sizeof(ev->body));
	memset(p->body, 0, sizeof(p->body));
	p->have = 0;
	p->state = FCGI_P_HEADER;
	return event(ev, FCGI_EV_END);
}

enum fcgi_event_type
fcgi_parse(struct fcgi_parser *p, const uint8_t *buf, size_t len,
    size_t *used, struct fcgi_event *ev)
{
	size_t n;

	*used = 0;
	ev->header = p->header;
	ev->data = NULL;
	ev->len = 0;
	ev->error = p->error;
	/* Loop over the steps that produce no event of their own. */
	for (;;) {
		switch (p->state) {
		case FCGI_P_FAILED:
			return event(ev, FCGI_EV_ERROR);
		case FCGI_P_HEADER:
			return parse_header(p, buf, len, used, ev);
		case FCGI_P_BODY:
			n = gather(p, p->body, 8, buf, len);
			*used += n;
			buf += n;
			len -= n;
			if (p->have < 8)
				return event(ev, FCGI_EV_MORE);
			p->state = FCGI_P_PADDING;
			break;
		case FCGI_P_CONTENT:
			if (p->content_left > 0) {
				if (len == 0)
					return event(ev, FCGI_EV_MORE);
				ev->data = buf;
				ev->len = len < p->content_left ? len :
				    p->content_left;
				return event(ev, FCGI_EV_CONTENT);
			}
			p->state = FCGI_P_PADDING;
			break;
		case FCGI_P_PADDING:
			n = len < p->padding_left ? len : p->padding_left;
			p->padding_left -= n;
			*used += n;
			if (p->padding_left > 0)
				return event(ev, FCGI_EV_MORE);
			return end_record(p, ev);
		}
	}
}

void
fcgi_take(struct fcgi_parser *p, size_t n)
{
	if (p->state != FCGI_P_CONTENT)
		return;
	if (n > p->content_left)
		n = p->content_left;
	p->content_left -= n;
}
