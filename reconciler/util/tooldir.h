/*
 * The tool's own directory in a working directory (.reconciler/: the
 * sandbox, the audit log). A newcomer running the quick start inside a git
 * repository should not find it listed as untracked: when the tool creates
 * that directory, it also puts a .gitignore in it that ignores everything.
 */
#ifndef RECONCILER_UTIL_TOOLDIR_H
#define RECONCILER_UTIL_TOOLDIR_H

#define TOOLDIR_NAME ".reconciler"

/* Call right after mkdir(dir) created dir (not when it already existed).
 * When dir's last component is TOOLDIR_NAME, writes dir/.gitignore
 * ("*"), created exclusively and without following links. Best effort: a
 * .gitignore that cannot be written changes nothing else. */
void tooldir_created(const char *dir);

#endif
