/*
 * Several orgs in one emulator (--tenant ORG:ACCOUNT_ID:SECRET_KEY:STATE):
 * each tenant has its own credentials, tokens and state file. A request
 * that names a tenant (LR-Org-ID, or the username of a token grant) runs
 * with that tenant's fields swapped into the emulator, under the lock, so
 * every handler serves it unchanged and no org sees another's accounts or
 * tokens. Requests naming no tenant are served as always (the main org of
 * --org, --account-id, --secret-key, --state). The admin API speaks for the
 * main org only; a tenant's state is its file, written after every change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emulator.h"
#include "util/xalloc.h"

static void swap_ptr(const void **a, const void **b)
{
	const void *t = *a;
	*a = *b;
	*b = t;
}

#define SWAP(x, y)                                                                                           \
	do {                                                                                                 \
		__typeof__(x) t_ = (x);                                                                      \
		(x) = (y);                                                                                   \
		(y) = t_;                                                                                    \
	} while (0)

void emu_tenant_swap(struct emu *e, struct emu_tenant *t)
{
	swap_ptr((const void **)&e->opt.org, (const void **)&t->org);
	swap_ptr((const void **)&e->opt.account_id, (const void **)&t->account_id);
	swap_ptr((const void **)&e->opt.secret_key, (const void **)&t->secret_key);
	swap_ptr((const void **)&e->opt.state_path, (const void **)&t->state_path);
	SWAP(e->state, t->state);
	SWAP(e->id_arena, t->id_arena);
	SWAP(e->ids, t->ids);
	SWAP(e->tokens, t->tokens);
	SWAP(e->n_tokens, t->n_tokens);
	SWAP(e->cap_tokens, t->cap_tokens);
}

/* ORG:ACCOUNT_ID:SECRET_KEY:STATE (the state path may hold ':'). */
static int parse_spec(const char *spec, struct emu_tenant *t)
{
	char *s = xstrdup(spec), *f[3];
	char *p = s;
	for (int i = 0; i < 3; i++) {
		char *c = strchr(p, ':');
		if (!c || c == p) {
			free(s);
			return -1;
		}
		*c = '\0';
		f[i] = p;
		p = c + 1;
	}
	if (!*p) {
		free(s);
		return -1;
	}
	t->spec = s;
	t->org = f[0];
	t->account_id = f[1];
	t->secret_key = f[2];
	t->state_path = p;
	return 0;
}

int emu_tenants_open(struct emu *e)
{
	e->tenants = xcalloc(e->opt.n_tenants + 1, sizeof(*e->tenants));
	for (size_t i = 0; i < e->opt.n_tenants; i++) {
		struct emu_tenant *t = &e->tenants[i];
		if (parse_spec(e->opt.tenants[i], t) != 0) {
			fprintf(stderr, "emulator: --tenant '%s': expected ORG:ACCOUNT_ID:SECRET_KEY:STATE\n",
				e->opt.tenants[i]);
			return 2;
		}
		e->n_tenants = i + 1;
		emu_tenant_swap(e, t);
		int rc = emu_store_open(e);
		emu_tenant_swap(e, t);
		if (rc != 0)
			return 1;
	}
	return 0;
}

void emu_tenants_close(struct emu *e)
{
	for (size_t i = 0; i < e->n_tenants; i++) {
		struct emu_tenant *t = &e->tenants[i];
		emu_tenant_swap(e, t);
		if (e->state) {
			struct emu_response rs = { .status = 200 };
			emu_store_commit(e, &rs);
			sb_release(&rs.body);
		}
		emu_store_close(e);
		emu_auth_free(e);
		emu_tenant_swap(e, t);
		free(t->spec);
	}
	free(e->tenants);
	e->tenants = NULL;
	e->n_tenants = 0;
}

/* Whether the form body holds key=value (value as sent, %XX decoded). */
static bool form_has(const char *body, const char *key, const char *value)
{
	size_t klen = strlen(key);
	for (const char *p = body; p && *p; p = strchr(p, '&') ? strchr(p, '&') + 1 : NULL) {
		if (strncmp(p, key, klen) != 0 || p[klen] != '=')
			continue;
		const char *v = p + klen + 1, *w = value;
		bool same = true;
		while (same && *v && *v != '&' && *w) {
			unsigned ch;
			if (*v == '%' && sscanf(v + 1, "%2x", &ch) == 1) {
				v += 3;
			} else {
				ch = (unsigned char)(*v == '+' ? ' ' : *v);
				v++;
			}
			same = ch == (unsigned char)*w++;
		}
		if (same && (!*v || *v == '&') && !*w)
			return true;
	}
	return false;
}

struct emu_tenant *emu_tenant_for(struct emu *e, const struct emu_request *rq)
{
	if (!e->n_tenants)
		return NULL;
	const char *org =
	    rq->cls == EC_TOKEN ? NULL : MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, "LR-Org-ID");
	for (size_t i = 0; i < e->n_tenants; i++) {
		struct emu_tenant *t = &e->tenants[i];
		if (rq->cls == EC_TOKEN ? form_has(rq->body, "username", t->account_id)
					: org && strcmp(org, t->org) == 0)
			return t;
	}
	return NULL;
}
