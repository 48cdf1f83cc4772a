#include "loopback.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

int loopback_socket(int *port, int listen_too)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) != 0 || (listen_too && listen(fd, 16) != 0)) {
		perror("loopback socket");
		exit(2);
	}
	*port = ntohs(a.sin_port);
	return fd;
}

pid_t loopback_serve(int fd, void (*serve)(int fd))
{
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(2);
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) { /* let go of the test's output: nothing waits on it */
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
		serve(fd);
		_exit(0);
	}
	close(fd);
	return pid;
}

void loopback_stop(pid_t *pid)
{
	if (*pid > 0) {
		kill(*pid, SIGKILL);
		waitpid(*pid, NULL, 0);
	}
	*pid = -1;
}

struct lr_http_config loopback_config(struct loopback_urls *u, int api_port, int token_port, int concurrency)
{
	snprintf(u->api, sizeof(u->api), "http://127.0.0.1:%d", api_port);
	snprintf(u->token, sizeof(u->token), "http://127.0.0.1:%d/token", token_port);
	return (struct lr_http_config){
		.api_url = u->api,
		.token_url = u->token,
		.org_id = "org-unit",
		.account_id = "unit-account",
		.secret_key = "unit-secret",
		.timeout_s = 20,
		.connect_timeout_s = 5,
		.max_retries = 2,
		.retry_base_ms = 1,
		.retry_cap_ms = 2,
		.concurrency = concurrency,
	};
}
