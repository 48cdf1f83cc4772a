/*
 * The pull reader of JSON (stream.h). Bounds: every loop stops at the NUL
 * placed at the end of the buffer, which no rule accepts inside a token.
 */
#include "stream.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static bool fail(struct jstream *js)
{
	js->failed = true;
	return false;
}

void js_init(struct jstream *js, char *buf, size_t len)
{
	memset(js, 0, sizeof(*js));
	buf[len] = '\0';
	js->p = buf;
	js->end = buf + len;
	js->keys = xcalloc(JS_MAX_DEPTH * JS_MAX_KEYS, sizeof(*js->keys));
}

void js_release(struct jstream *js)
{
	free(js->keys);
	js->keys = NULL;
}

static void skip_ws(struct jstream *js)
{
	char *p = js->p;
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	js->p = p;
}

enum js_type js_peek(struct jstream *js)
{
	if (js->failed)
		return JS_BAD;
	skip_ws(js);
	switch (*js->p) {
	case '{': return JS_OBJECT;
	case '[': return JS_ARRAY;
	case '"': return JS_STRING;
	case 't': return JS_TRUE;
	case 'f': return JS_FALSE;
	case 'n': return JS_NULL;
	case '-':
	case '0':
	case '1':
	case '2':
	case '3':
	case '4':
	case '5':
	case '6':
	case '7':
	case '8':
	case '9': return JS_NUMBER;
	default: fail(js); return JS_BAD;
	}
}

/* ---- strings ------------------------------------------------------------ */

static int hex4(const char *p)
{
	int v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v += c - '0';
		else if (c >= 'a' && c <= 'f')
			v += c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v += c - 'A' + 10;
		else
			return -1; /* also the final NUL: the loop never runs past it */
	}
	return v;
}

/* The length of the well-formed UTF-8 sequence at p (first byte >= 0x80),
 * or 0: the rules of RFC 3629, as jansson's utf8_check_full. */
static size_t utf8_seq(const unsigned char *p)
{
	unsigned c = p[0];
	size_t n;
	uint32_t v;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		v = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		v = c & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
		v = (v << 6) | (p[i] & 0x3F);
	}
	if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) || (n == 3 && v < 0x800) || (n == 4 && v < 0x10000))
		return 0;
	return n;
}

static char *put_utf8(char *w, uint32_t cp)
{
	if (cp < 0x80) {
		*w++ = (char)cp;
	} else if (cp < 0x800) {
		*w++ = (char)(0xC0 | (cp >> 6));
		*w++ = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*w++ = (char)(0xE0 | (cp >> 12));
		*w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*w++ = (char)(0x80 | (cp & 0x3F));
	} else {
		*w++ = (char)(0xF0 | (cp >> 18));
		*w++ = (char)(0x80 | ((cp >> 12) & 0x3F));
		*w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*w++ = (char)(0x80 | (cp & 0x3F));
	}
	return w;
}

/* One escape at r (r[0] is the backslash), written at w. Returns the next
 * byte to read, or NULL. A decoded escape is never longer than its text,
 * so w never passes r. \u0000 is refused, as jansson does without
 * JSON_ALLOW_NUL (in keys too). */
static char *unescape(char *r, char **w)
{
	static const char simple_in[] = "\"\\/bfnrt";
	static const char simple_out[] = "\"\\/\b\f\n\r\t";
	const char *s = r[1] ? strchr(simple_in, r[1]) : NULL;
	if (s) {
		*(*w)++ = simple_out[s - simple_in];
		return r + 2;
	}
	if (r[1] != 'u')
		return NULL;
	int v = hex4(r + 2);
	if (v < 0)
		return NULL;
	r += 6;
	uint32_t cp = (uint32_t)v;
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		if (r[0] != '\\' || r[1] != 'u')
			return NULL;
		int lo = hex4(r + 2);
		if (lo < 0xDC00 || lo > 0xDFFF)
			return NULL;
		cp = ((cp - 0xD800) << 10) + ((uint32_t)lo - 0xDC00) + 0x10000;
		r += 6;
	} else if ((cp >= 0xDC00 && cp <= 0xDFFF) || cp == 0) {
		return NULL;
	}
	*w = put_utf8(*w, cp);
	return r;
}

/* Bytes that end the plain run of a string: the quote, a backslash, a
 * control character (the final NUL too), anything past ASCII. */
#define X4(v) v, v, v, v
#define X16(v) X4(v), X4(v), X4(v), X4(v)
static const unsigned char STOP[256] = {
	X16(1), X16(1), /* 0x00-0x1F */
	0,	0,	1,	0,	0,	0,	0,	0,
	0,	0,	0,	0,	0,	0,	0,	0, /* 0x20-0x2F: '"' */
	X16(0),							   /* 0x30-0x3F */
	X16(0),							   /* 0x40-0x4F */
	0,	0,	0,	0,	0,	0,	0,	0,
	0,	0,	0,	0,	1,	0,	0,	0,	/* 0x50-0x5F: '\\' */
	X16(0), X16(0),							/* 0x60-0x7F */
	X16(1), X16(1), X16(1), X16(1), X16(1), X16(1), X16(1), X16(1), /* 0x80-0xFF */
};

/* The string at js->p (its opening quote), decoded in place. */
static char *scan_string(struct jstream *js, size_t *len)
{
	char *start = js->p + 1, *r = start;
	/* Most strings hold nothing to decode or check byte by byte. */
	while (!STOP[(unsigned char)*r])
		r++;
	if (*r == '"') {
		*r = '\0';
		js->p = r + 1;
		*len = (size_t)(r - start);
		return start;
	}
	char *w = r;
	for (;;) {
		unsigned char c = (unsigned char)*r;
		if (c == '"') {
			*w = '\0';
			js->p = r + 1;
			*len = (size_t)(w - start);
			return start;
		}
		if (c < 0x20) {
			fail(js); /* a control character, or the end of the buffer */
			return NULL;
		}
		if (c == '\\') {
			r = unescape(r, &w);
			if (!r) {
				fail(js);
				return NULL;
			}
		} else if (c >= 0x80) {
			size_t n = utf8_seq((const unsigned char *)r);
			if (!n) {
				fail(js);
				return NULL;
			}
			memmove(w, r, n);
			w += n;
			r += n;
		} else {
			*w++ = *r++;
		}
	}
}

const char *js_string(struct jstream *js)
{
	size_t len;
	if (js_peek(js) != JS_STRING) {
		fail(js);
		return NULL;
	}
	return scan_string(js, &len);
}

/* ---- numbers and literals ------------------------------------------------ */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Moves *p past one or more digits; false when there is none. */
static bool digits(char **p)
{
	if (!is_digit(**p))
		return false;
	while (is_digit(**p))
		(*p)++;
	return true;
}

/* A number in JSON's grammar; *is_int when it has no fraction and no
 * exponent, and then *out holds it (jansson refuses integers past 64 bits,
 * and reals that overflow a double). */
static bool scan_number(struct jstream *js, bool *is_int, long long *out)
{
	char *p = js->p, *start = p;
	bool neg = *p == '-';
	if (neg)
		p++;
	if (*p == '0') {
		p++;
		if (is_digit(*p))
			return fail(js);
	} else if (!digits(&p)) {
		return fail(js);
	}
	bool real = false;
	if (*p == '.') {
		p++;
		if (!digits(&p))
			return fail(js);
		real = true;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!digits(&p))
			return fail(js);
		real = true;
	}
	*is_int = !real;
	if (!real) {
		unsigned long long v = 0, limit = neg ? (unsigned long long)INT64_MAX + 1 : INT64_MAX;
		for (const char *q = start + neg; q < p; q++) {
			unsigned d = (unsigned)(*q - '0');
			if (v > (limit - d) / 10)
				return fail(js);
			v = v * 10 + d;
		}
		*out = neg ? (long long)(0 - v) : (long long)v;
	} else {
		char saved = *p, *end;
		*p = '\0';
		errno = 0;
		double d = strtod(start, &end);
		bool overflow = (d == HUGE_VAL || d == -HUGE_VAL) && errno == ERANGE;
		*p = saved;
		if (overflow || end != p)
			return fail(js);
	}
	js->p = p;
	return true;
}

bool js_integer(struct jstream *js, long long *out)
{
	bool is_int = false;
	if (js_peek(js) != JS_NUMBER || !scan_number(js, &is_int, out))
		return fail(js);
	return is_int || fail(js);
}

static bool literal(struct jstream *js, const char *word)
{
	size_t n = strlen(word);
	if (strncmp(js->p, word, n) != 0)
		return fail(js);
	js->p += n;
	return true;
}

bool js_null(struct jstream *js)
{
	return js_peek(js) == JS_NULL ? literal(js, "null") : fail(js);
}

/* ---- containers ------------------------------------------------------------ */

static bool push(struct jstream *js)
{
	if (js->depth >= JS_MAX_DEPTH)
		return fail(js);
	js->started[js->depth] = false;
	js->key_base[js->depth] = js->n_keys;
	js->depth++;
	js->p++;
	return true;
}

static void pop(struct jstream *js)
{
	js->depth--;
	js->n_keys = js->key_base[js->depth];
	js->p++;
}

bool js_enter_object(struct jstream *js)
{
	return js_peek(js) == JS_OBJECT ? push(js) : fail(js);
}

bool js_enter_array(struct jstream *js)
{
	return js_peek(js) == JS_ARRAY ? push(js) : fail(js);
}

/* Before an item: the closing bracket (false), or a comma after the
 * first item. */
static bool next(struct jstream *js, char close)
{
	if (js->failed || !js->depth)
		return fail(js);
	skip_ws(js);
	if (*js->p == close) {
		pop(js);
		return false;
	}
	bool *started = &js->started[js->depth - 1];
	if (*started) {
		if (*js->p != ',')
			return fail(js);
		js->p++;
		skip_ws(js);
	}
	*started = true;
	return true;
}

bool js_next_key(struct jstream *js, const char **key)
{
	if (!next(js, '}'))
		return false;
	size_t len;
	if (*js->p != '"')
		return fail(js);
	const char *k = scan_string(js, &len);
	if (!k)
		return false;
	size_t base = js->key_base[js->depth - 1];
	if (js->n_keys - base >= JS_MAX_KEYS)
		return fail(js);
	for (size_t i = base; i < js->n_keys; i++)
		if (js->keys[i].len == len && memcmp(js->keys[i].s, k, len) == 0)
			return fail(js);
	js->keys[js->n_keys++] = (struct js_key){ k, len };
	js->key_len = len;
	skip_ws(js);
	if (*js->p != ':')
		return fail(js);
	js->p++;
	*key = k;
	return true;
}

bool js_next_item(struct jstream *js)
{
	return next(js, ']');
}

bool js_skip(struct jstream *js)
{
	const char *key;
	bool is_int;
	long long n;
	switch (js_peek(js)) {
	case JS_OBJECT:
		if (!js_enter_object(js))
			return false;
		while (js_next_key(js, &key))
			if (!js_skip(js))
				return false;
		return !js->failed;
	case JS_ARRAY:
		if (!js_enter_array(js))
			return false;
		while (js_next_item(js))
			if (!js_skip(js))
				return false;
		return !js->failed;
	case JS_STRING: return js_string(js) != NULL;
	case JS_NUMBER: return scan_number(js, &is_int, &n);
	case JS_TRUE: return literal(js, "true");
	case JS_FALSE: return literal(js, "false");
	case JS_NULL: return literal(js, "null");
	case JS_BAD: break;
	}
	return fail(js);
}

bool js_at_end(struct jstream *js)
{
	if (js->failed)
		return false;
	skip_ws(js);
	return js->p == js->end;
}
