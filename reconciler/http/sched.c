/*
 * Which waiting request the HTTP loop sends next (http/engine.c's run), and how
 * long the loop may sleep. Requests that open the gate (ungated) go
 * whenever they are ready, beside the others.
 *
 * Ready requests go in this order: those others wait for (`first`: the
 * pages of the lists that find the accounts), then the one on the longest
 * cursor chain (`chain`: a list's pages left, http/http.h), then the oldest.
 * The pages of one list can only follow each other, so the longest chain
 * bounds the whole run: started late, it makes the run late however many
 * slots are free; a one-shot request is on no chain and can wait.
 */
#include <stdint.h>
#include <string.h>

#include "http/private.h"

/* The order ready requests go in (the top of this file). */
static unsigned long long urgency(const struct http_request *r)
{
	return ((unsigned long long)r->first << 32) | r->chain;
}

/* The most urgent ready request (the oldest of equals) among the gated
 * or the ungated ones, or SIZE_MAX. */
static size_t most_urgent(const struct http_client *c, long long now, bool ungated)
{
	size_t best = SIZE_MAX;
	for (size_t i = 0; i < c->n_pending; i++) {
		const struct http_request *r = c->pending[i];
		if (r->ungated == ungated && r->priv.not_before <= now &&
		    (best == SIZE_MAX || urgency(r) > urgency(c->pending[best])))
			best = i;
	}
	return best;
}

static void start_at(struct http_client *c, size_t i)
{
	struct http_request *r = c->pending[i];
	memmove(&c->pending[i], &c->pending[i + 1], (c->n_pending - i - 1) * sizeof(*c->pending));
	c->n_pending--;
	http_start(c, r);
}

enum http_gate http_gate_state(struct http_client *c, long long now, const char **why, const char **hint)
{
	if (!c->hooks.gate)
		return HTTP_GATE_OPEN;
	bool waiting = false;
	for (size_t i = 0; i < c->n_pending && !waiting; i++)
		waiting = !c->pending[i]->ungated;
	return waiting ? c->hooks.gate(c->hooks.ctx, c, now, why, hint) : HTTP_GATE_OPEN;
}

/* Starts ready requests: the ungated ones (what opens the gate), then,
 * while the gate is open and there is room (less `held` slots kept for
 * the next pages of chains that just ended), the most urgent first. A
 * pass per slot: at most `concurrency` scans of the list. */
void http_start_ready(struct http_client *c, long long now, size_t held)
{
	const char *why = NULL, *hint = NULL;
	bool open = http_gate_state(c, now, &why, &hint) == HTTP_GATE_OPEN;
	size_t i;
	while ((i = most_urgent(c, now, true)) != SIZE_MAX)
		start_at(c, i);
	size_t room = (size_t)c->cfg.concurrency;
	while (open && c->running - c->running_ungated + held < room) {
		i = most_urgent(c, now, false);
		if (i == SIZE_MAX)
			break;
		start_at(c, i);
	}
}

/* How long the loop may sleep: until the next backoff ends, at most 1 s. */
long http_wait_ms(const struct http_client *c, long long now)
{
	long long next = now + 1000;
	for (size_t i = 0; i < c->n_pending; i++)
		if (c->pending[i]->priv.not_before > now && c->pending[i]->priv.not_before < next)
			next = c->pending[i]->priv.not_before;
	return next > now ? (long)(next - now) : 0;
}
