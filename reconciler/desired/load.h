/*
 * The desired-state loader: YAML configuration files -> struct state.
 *
 * What it promises:
 *  - files are found deterministically: every *.yaml / *.yml under each path
 *    given, directories walked recursively in strcmp order, entries whose name
 *    starts with '.' skipped, the same file never read twice;
 *  - nothing outside the configuration is read: a symbolic link is followed
 *    only when its target lies in the work tree of the git repository
 *    holding the path (outside any repository: in the path given); else it
 *    is a "config.path" error naming the link, and the target is not opened;
 *  - every value is checked against the config format (specs/config.schema.json)
 *    in one pass over each document, and every problem is a diagnostic with a
 *    public rule id (schema.*, yaml.syntax, config.path) and the exact
 *    file:line:column of the offending node. Loading goes on after an error so
 *    that one run reports as much as it can;
 *  - only the shape of the input is checked here. What a destination allows
 *    (identifiers, precision, dates, record sync, names) is the rules' job, so
 *    the loader keeps those values as written, with their positions.
 *
 * Scalars follow the YAML 1.2 core schema: plain true/false are booleans,
 * plain null/~/empty are null, plain integers are numbers, quoted scalars are
 * always strings. A null where an optional value or list is expected means
 * "not set" / "empty list".
 *
 * Everything stored (strings, arrays, the file labels positions point to)
 * lives in the state's arena, so the state outlives the parsed documents.
 */
#ifndef RECONCILER_DESIRED_LOAD_H
#define RECONCILER_DESIRED_LOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "yaml/ydoc.h"
#include "model/model.h"
#include "util/diag.h"

/* Collects the configuration files under paths (each a file or a directory).
 * A file named explicitly is taken whatever its extension; inside directories
 * only *.yaml and *.yml count. Paths are returned as collected ("dir/a.yaml"
 * for the argument "dir"), in argument order, then sorted order within each
 * directory. A path that does not exist or cannot be read is a "config.path"
 * error; a directory with no YAML file in it is a "config.path" warning.
 * Returns the number of files, or -1 after an error. In both cases *out_paths
 * and *n hold the files that were found: free them with desired_free_files(). */
int desired_collect_files(char ***out_paths, size_t *n, const char *const *paths, size_t n_paths,
			  struct diags *d);
void desired_free_files(char **paths, size_t n);
/* The one rule for which names inside a directory are configuration files
 * (*.yaml, *.yml), shared by the work tree and the git tree reader. */
bool desired_is_config_name(const char *name);

/* Loads every file under paths into one desired state: accounts from all
 * files in file order, settings merged (a setting given two different values
 * is "schema.conflict"), marketplace shares appended. Positions name files as
 * collected. Returns 0 when every file parsed and passed the schema, -1
 * otherwise. *out is always set to a state, possibly partial (items too
 * broken to use are left out), so later checks can still run; the caller
 * frees it with state_free(). state->source describes the paths. */
int desired_load_paths(struct state **out, const char *const *paths, size_t n_paths, struct diags *d);

/* Loads one parsed document into s, after whatever s already holds (for
 * callers that bring their own bytes, e.g. a git tree reader). An empty
 * document adds nothing. Returns 0, or -1 when the document broke the schema
 * (what could be used was still added). */
int desired_load_doc(struct state *s, const struct ydoc *doc, struct diags *d);

#endif
