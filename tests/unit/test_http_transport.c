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

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "http/http.h"
#include "liveramp/client.h"

/* A socket bound to a free loopback port; its port in *port. */
static int bound_socket(int *port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	socklen_t len = sizeof(a);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

/* The token server's pid: killed by the teardown, which runs even when an
 * assertion failed, so no server outlives the test. */
static pid_t token_server = -1;

static int stop_token_server(void **state)
{
	(void)state;
	if (token_server > 0) {
		kill(token_server, SIGKILL);
		waitpid(token_server, NULL, 0);
	}
	token_server = -1;
	return 0;
}

/* Answers every connection with a token, until killed (or its parent
 * dies). It lets go of the test's output, so nothing waits on it. */
static void serve_tokens(int fd)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	int null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
	}
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
	int tfd = bound_socket(&token_port);
	assert_int_equal(listen(tfd, 8), 0);
	token_server = fork();
	assert_true(token_server >= 0);
	if (token_server == 0) {
		serve_tokens(tfd);
		_exit(0);
	}
	close(tfd);
	int afd = bound_socket(&api_port);
	close(afd); /* nothing listens there now: connections are refused */

	char api_url[64], token_url[64];
	snprintf(api_url, sizeof(api_url), "http://127.0.0.1:%d", api_port);
	snprintf(token_url, sizeof(token_url), "http://127.0.0.1:%d/token", token_port);
	struct lr_http_config cfg = {
		.api_url = api_url,
		.token_url = token_url,
		.org_id = "org-unit",
		.account_id = "unit-account",
		.secret_key = "unit-secret",
		.timeout_s = 10,
		.connect_timeout_s = 5,
		.max_retries = 2,
		.retry_base_ms = 1,
		.retry_cap_ms = 2,
		.concurrency = 1,
	};
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
