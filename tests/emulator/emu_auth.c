/*
 * The token endpoint and the bearer check of every /v2 call.
 *
 * POST /authn/v1/oauth2/token takes LiveRamp's password grant as a form
 * body and answers {access_token, token_type, expires_in, scope}. Tokens
 * are drawn from a PRNG seeded by --seed, live --token-ttl seconds by
 * clock_now() (so RECONCILER_NOW moves them too), and several may be valid
 * at once, as with a client that refreshed while requests were in flight.
 * Expired and revoked tokens stay in the table a while, so a request using
 * one hears TOKEN_EXPIRED rather than "unknown token".
 *
 * Nothing here logs: the caller's request log never sees a header value,
 * a form field or a token.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "emulator.h"
#include "util/clock.h"
#include "util/xalloc.h"

/* Revoked tokens are kept this long after expiry, for the error message. */
#define KEEP_EXPIRED_S 3600

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes one application/x-www-form-urlencoded component. */
static char *form_decode(const char *s, size_t n)
{
	char *out = xmalloc(n + 1);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			out[o++] = ' ';
		} else if (s[i] == '%' && i + 2 < n && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
			out[o++] = (char)(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return out;
}

/* The decoded value of key in a form body, or NULL (caller frees). */
static char *form_value(const char *body, size_t len, const char *key)
{
	const char *p = body, *end = body + len;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(stop - p));
		const char *kend = eq ? eq : stop;
		char *k = form_decode(p, (size_t)(kend - p));
		bool match = strcmp(k, key) == 0;
		free(k);
		if (match)
			return eq ? form_decode(eq + 1, (size_t)(stop - eq - 1)) : xstrdup("");
		p = stop + 1;
	}
	return NULL;
}

/* OAuth2's error fields (RFC 6749 §5.2) plus the StandardError ones, so a
 * client can read either. */
static void oauth_error(struct emu_response *rs, unsigned status, const char *error, const char *message)
{
	emu_reply_json(rs, status,
		       json_pack("{s:s, s:s, s:i, s:s, s:s}", "error", error, "error_description", message,
				 "httpStatus", (int)status, "errorCode",
				 status == 401 ? "INVALID_CREDENTIALS" : "BAD_REQUEST", "message", message));
}

/* The fixed fields of LiveRamp's grant; a client sending anything else
 * would be refused by the real endpoint too. */
static const char *check_form_fields(const struct emu_request *rq)
{
	static const char *const FIXED[][2] = {
		{ "grant_type", "password" },
		{ "scope", "openid" },
		{ "client_id", "liveramp-api" },
		{ "response_type", "token" },
	};
	for (size_t i = 0; i < sizeof(FIXED) / sizeof(FIXED[0]); i++) {
		char *v = form_value(rq->body, rq->body_len, FIXED[i][0]);
		bool ok = v && strcmp(v, FIXED[i][1]) == 0;
		free(v);
		if (!ok)
			return FIXED[i][0];
	}
	return NULL;
}

static void prune_tokens(struct emu *e, time_t now)
{
	size_t keep = 0;
	for (size_t i = 0; i < e->n_tokens; i++)
		if (e->tokens[i].expires + KEEP_EXPIRED_S > now)
			e->tokens[keep++] = e->tokens[i];
	e->n_tokens = keep;
}

static const char *issue_token(struct emu *e)
{
	time_t now = clock_now();
	prune_tokens(e, now);
	XGROW(e->tokens, e->cap_tokens, e->n_tokens + 1);
	struct emu_token *t = &e->tokens[e->n_tokens++];
	for (int i = 0; i < 4; i++)
		snprintf(t->value + 16 * i, 17, "%016llx", (unsigned long long)emu_rng_next(&e->token_rng));
	t->expires = now + e->opt.token_ttl;
	return t->value;
}

void emu_token_grant(struct emu *e, struct emu_request *rq, struct emu_response *rs)
{
	const char *bad = check_form_fields(rq);
	if (bad) {
		struct strbuf msg = STRBUF_INIT;
		sb_printf(&msg, "the form field %s is missing or not the value this grant needs", bad);
		oauth_error(rs, 400,
			    strcmp(bad, "grant_type") == 0 ? "unsupported_grant_type" : "invalid_request",
			    sb_str(&msg));
		sb_release(&msg);
		return;
	}
	char *user = form_value(rq->body, rq->body_len, "username");
	char *pass = form_value(rq->body, rq->body_len, "password");
	bool ok =
	    user && pass && strcmp(user, e->opt.account_id) == 0 && strcmp(pass, e->opt.secret_key) == 0;
	free(user);
	free(pass);
	if (!ok) {
		oauth_error(rs, 401, "invalid_grant", "the account id or the secret key is wrong");
		return;
	}
	const char *token = issue_token(e);
	emu_reply_json(rs, 200,
		       json_pack("{s:s, s:s, s:I, s:s}", "access_token", token, "token_type", "Bearer",
				 "expires_in", (json_int_t)e->opt.token_ttl, "scope", "openid"));
}

static struct emu_token *find_token(struct emu *e, const char *value)
{
	for (size_t i = 0; i < e->n_tokens; i++)
		if (strcmp(e->tokens[i].value, value) == 0)
			return &e->tokens[i];
	return NULL;
}

/* The token of "Authorization: Bearer TOKEN", or NULL. */
static const char *bearer(const struct emu_request *rq)
{
	const char *h = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	if (!h || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	return *h ? h : NULL;
}

int emu_auth_check(struct emu *e, struct emu_request *rq, struct emu_response *rs, bool *auth_ok,
		   bool *org_ok)
{
	const char *token = bearer(rq);
	struct emu_token *t = token ? find_token(e, token) : NULL;
	bool expired = t && t->expires <= clock_now();
	const char *org = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, "LR-Org-ID");
	*auth_ok = t && !expired;
	*org_ok = org && strcmp(org, e->opt.org) == 0;
	if (!token) {
		emu_error(rs, 401, "UNAUTHORIZED", "an Authorization: Bearer <token> header is required");
	} else if (!t) {
		emu_error(rs, 401, "UNAUTHORIZED", "the bearer token is not valid");
	} else if (expired) {
		emu_error(rs, 401, "TOKEN_EXPIRED", "the bearer token has expired; request a new one");
	} else if (!org) {
		emu_error(rs, 401, "MISSING_CUSTOMER_ID", "the LR-Org-ID header is required");
	} else if (!*org_ok) {
		emu_error(rs, 403, "FORBIDDEN", "this account may not act for the organisation in LR-Org-ID");
	} else {
		return 0;
	}
	return -1;
}

/* As if the token expired just now: this request and every later one
 * with the same token hear 401, until the client fetches a new token. */
void emu_auth_expire_request(struct emu *e, struct emu_request *rq, struct emu_response *rs)
{
	const char *token = bearer(rq);
	struct emu_token *t = token ? find_token(e, token) : NULL;
	if (t)
		t->expires = clock_now();
	emu_error(rs, 401, "TOKEN_EXPIRED", "the bearer token has expired; request a new one");
}

size_t emu_auth_expire_all(struct emu *e)
{
	time_t now = clock_now();
	size_t n = 0;
	for (size_t i = 0; i < e->n_tokens; i++) {
		if (e->tokens[i].expires > now) {
			e->tokens[i].expires = now;
			n++;
		}
	}
	return n;
}

void emu_auth_free(struct emu *e)
{
	free(e->tokens);
	e->tokens = NULL;
	e->n_tokens = e->cap_tokens = 0;
}
