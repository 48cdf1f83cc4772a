/*
 * reconciler: GitOps for LiveRamp -> Kargo audience distributions.
 * The global options, then the command (cmd/cmd.h): nothing else.
 */
#include <stdio.h>

#include "cmd/cmd.h"
#include "util/log_json.h"

int main(int argc, char **argv)
{
	char err[200];
	if (log_setup(&argc, argv, err, sizeof(err)) < 0) {
		fprintf(stderr, "reconciler: %s\n", err);
		return EXIT_ERROR;
	}
	log_start();
	int rc = commands_main(argc, argv);
	log_finish();
	return rc;
}
