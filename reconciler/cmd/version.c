#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "version.h"

int cmd_version(int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("usage: reconciler version\n");
		return EXIT_OK;
	}
	if (argc > 1) {
		fprintf(stderr, "reconciler version: unexpected argument '%s' (version takes none)\n",
			argv[1]);
		return EXIT_ERROR;
	}
	printf("%s %s\n", RECONCILER_NAME, RECONCILER_VERSION);
	return EXIT_OK;
}
