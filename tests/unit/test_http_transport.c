/*
 * The HTTP engine against real sockets on loopback: a request that never
 * reached the server (its connection refused, no byte sent) is retried
 * within the budget, a write included, since the server cannot have acted
 * on it; and it ends as "not sent", never as "lost".
 *
 * The token endpoint is a tiny forked server that answers every connection
 * with a token; the API's port is one nothing listens on (bound, then
 * closed), so every API connection is refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/http.h"
#include "liveramp/client.h"
#include "loopback.h"

/* The token server's pid: killed by the teardown, which runs even when an
 * assertion failed, so no server outlives the test. */
static pid_t token_server = -1;

static int stop_token_server(void **state)
{
	(void)state;
	loopback_stop(&token_server);
	return 0;
}

/* Answers every connection with a token, until killed. */
static void serve_tokens(int fd)
{
	static const char body[] =
	    "{\"access_token\":\"unit-token\",\"token_type\":\"Bearer\",\"expires_in\":600}";
	char head[256];
	int n = snprintf(head, sizeof(head),
			 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
			 "Connection: close\r\n\r\n",
			 sizeof(body) - 1);
	for (;;) {
		int c = accept(fd, NULL, NULL);
		if (c < 0)
			continue;
		char buf[4096];
		(void)!read(c, buf, sizeof(buf)); /* the request: one read holds a small form */
		(void)!write(c, head, (size_t)n);
		(void)!write(c, body, sizeof(body) - 1);
		close(c);
	}
}

static void test_refused_write_is_retried_and_not_sent(void **state)
{
	(void)state;
	int token_port, api_port;
	token_server = loopback_serve(loopback_socket(&token_port, 1), serve_tokens);
	close(loopback_socket(&api_port, 0)); /* nothing listens there now: connections are refused */
	struct loopback_urls urls;
	struct lr_http_config cfg = loopback_config(&urls, api_port, token_port, 1);
	struct diags d = DIAGS_INIT;
	struct http_client *c = NULL;
	assert_int_equal(lr_http_new(&c, &cfg, &d), 0);

	struct http_request r = { 0 };
	http_request_init(&r, c, HTTP_POST, "/v2/integration-connections", "{\"name\":\"x\"}");
	assert_false(r.resend_lost); /* a create: never sent again after a lost answer */
	http_send(c, &r);
	assert_false(http_ok(&r));
	assert_int_equal(r.outcome, HTTP_NOT_SENT);
	assert_int_equal(r.attempts, 1 + cfg.max_retries);

	http_request_release(&r);
	http_client_free(c);
	diags_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_refused_write_is_retried_and_not_sent, stop_token_server),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
