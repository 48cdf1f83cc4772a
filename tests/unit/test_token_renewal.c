/*
 * Token renewals (liveramp/token.c) against a scripted server on loopback:
 * only the request that drops a token uses up one of its two renewals; a
 * request refused with a token another request already dropped just waits
 * for the next one.
 *
 * Two requests run side by side. /q is refused with the first token; /r's
 * answer under that token is held back until the client asks for a second
 * token (so it is a refusal of a dropped token, whatever order the two
 * arrive in), then refused. /q is served with any later token. /r is
 * refused with the second and third tokens and served with the fourth: it
 * drops two tokens itself, so it succeeds only if the first refusal did not
 * count. The order of events follows from causes, not from timing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/http.h"
#include "liveramp/client.h"
#include "loopback.h"

#define MAX_CONN 16

static pid_t server = -1;

static int stop_server(void **state)
{
	(void)state;
	loopback_stop(&server);
	return 0;
}

struct conn {
	int fd;
	char buf[8192];
	size_t len;
};

static void answer(int fd, int status, const char *body)
{
	char head[256];
	int n = snprintf(head, sizeof(head),
			 "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
			 "Connection: close\r\n\r\n",
			 status, status == 200 ? "OK" : "Unauthorized", strlen(body));
	(void)!write(fd, head, (size_t)n);
	(void)!write(fd, body, strlen(body));
	close(fd);
}

/* The token a request carries: 1 for "t1", ...; 0 for none. */
static int token_of(const char *req)
{
	const char *p = strstr(req, "Authorization: Bearer t");
	return p ? atoi(p + strlen("Authorization: Bearer t")) : 0;
}

static void serve(int lfd)
{
	static const char expired[] =
	    "{\"errorCode\":\"TOKEN_EXPIRED\",\"message\":\"the token has expired\"}";
	struct conn conns[MAX_CONN];
	size_t n = 0;
	int tokens = 0, held = -1; /* /r under the first token, until a second is asked for */
	for (;;) {
		struct pollfd p[MAX_CONN + 1];
		p[0] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		for (size_t i = 0; i < n; i++)
			p[i + 1] = (struct pollfd){ .fd = conns[i].fd, .events = POLLIN };
		if (poll(p, n + 1, -1) < 0)
			continue;
		if ((p[0].revents & POLLIN) && n < MAX_CONN) {
			int fd = accept(lfd, NULL, NULL);
			if (fd >= 0)
				conns[n++] = (struct conn){ .fd = fd };
		}
		for (size_t i = n; i-- > 0;) {
			if (!(p[i + 1].revents & (POLLIN | POLLHUP)))
				continue;
			struct conn *c = &conns[i];
			ssize_t k = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
			if (k <= 0) {
				close(c->fd);
				conns[i] = conns[--n];
				continue;
			}
			c->len += (size_t)k;
			c->buf[c->len] = '\0';
			char *end = strstr(c->buf, "\r\n\r\n");
			const char *cl = strstr(c->buf, "Content-Length: ");
			size_t body = cl ? (size_t)atol(cl + 16) : 0;
			if (!end || c->len < (size_t)(end + 4 - c->buf) + body)
				continue; /* not all of the request yet */
			int fd = c->fd;
			bool is_r = strncmp(c->buf, "GET /r ", 7) == 0;
			int t = token_of(c->buf);
			bool is_token = strncmp(c->buf, "POST /token ", 12) == 0;
			conns[i] = conns[--n];
			if (is_token) {
				char grant[128];
				snprintf(
				    grant, sizeof(grant),
				    "{\"access_token\":\"t%d\",\"token_type\":\"Bearer\",\"expires_in\":600}",
				    ++tokens);
				answer(fd, 200, grant);
				if (tokens >= 2 && held >= 0) {
					answer(held, 401, expired);
					held = -1;
				}
			} else if (is_r && t == 1 && tokens < 2) {
				held = fd;
			} else if ((is_r && t < 4) || (!is_r && t == 1)) {
				answer(fd, 401, expired);
			} else {
				answer(fd, 200, "{}");
			}
		}
	}
}

static void test_only_the_dropper_uses_a_renewal(void **state)
{
	(void)state;
	int port;
	server = loopback_serve(loopback_socket(&port, 1), serve);
	struct loopback_urls urls;
	struct lr_http_config cfg = loopback_config(&urls, port, port, 2);
	struct diags d = DIAGS_INIT;
	struct http_client *c = NULL;
	assert_int_equal(lr_http_new(&c, &cfg, &d), 0);

	struct http_request q = { 0 }, r = { 0 };
	http_request_init(&q, c, HTTP_GET, "/q", NULL);
	http_request_init(&r, c, HTTP_GET, "/r", NULL);
	struct http_request *both[] = { &q, &r };
	http_run(c, both, 2, NULL);
	assert_true(http_ok(&q));
	if (!http_ok(&r))
		fail_msg("/r failed (status %ld, %s): its refusal of a dropped token used up a renewal",
			 r.status, r.error);

	http_request_release(&q);
	http_request_release(&r);
	http_client_free(c);
	diags_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_only_the_dropper_uses_a_renewal, stop_server),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
