/*
 * Servers on loopback for unit tests of the HTTP client: a listening
 * socket on a free port, a forked server process (killed with the test, and
 * by the kernel if the test dies), and the client configuration that points
 * at it with short retries.
 */
#ifndef RECONCILER_TESTS_LOOPBACK_H
#define RECONCILER_TESTS_LOOPBACK_H

#include <sys/types.h>

#include "liveramp/client.h"

/* A socket bound to a free loopback port (its port in *port), listening
 * when listen_too, else only bound (close it for a port nothing answers). */
int loopback_socket(int *port, int listen_too);

/* Forks serve(fd) into a process whose output goes nowhere; returns its
 * pid. The parent's copy of fd is closed. */
pid_t loopback_serve(int fd, void (*serve)(int fd));
/* Kills and reaps *pid (when > 0), then sets it to -1. */
void loopback_stop(pid_t *pid);

/* URLs kept for the configuration's lifetime. */
struct loopback_urls {
	char api[64], token[64];
};
/* The client of the tests: the API at api_port, the token endpoint at
 * token_port/token, two retries 1-2 ms apart. */
struct lr_http_config loopback_config(struct loopback_urls *u, int api_port, int token_port, int concurrency);

#endif
