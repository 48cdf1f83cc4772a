/*
 * Destination profiles compiled into the binary (see reconciler/gen/embed.c
 * and the Makefile). The table ends with an entry whose name is NULL.
 */
#ifndef RECONCILER_RULES_EMBEDDED_H
#define RECONCILER_RULES_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
	const char *name; /* "kargo" for specs/destinations/kargo.yaml */
	const char *data;
	size_t len;
};

extern const struct embedded_file embedded_files[];

#endif
