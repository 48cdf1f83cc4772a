/*
 * The loaded files against HEAD, for provenance (git.h): git status says
 * what differs among the files git tracks, but not what the loader read
 * through a link (a committed link to a file elsewhere, which may change
 * while the link does not). Here each file the loader selects is hashed as
 * git would hash it and compared with the blob HEAD holds at its path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <git2.h>

#include "desired/git.h"
#include "desired/git_internal.h"
#include "desired/load.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* True when any prefix of path (each component from the first) is a
 * symbolic link. */
static bool through_link(const char *path)
{
	char *p = xstrdup(path);
	bool link = false;
	for (char *c = p + 1;; c++) {
		if (*c != '/' && *c != '\0')
			continue;
		char saved = *c;
		*c = '\0';
		struct stat st;
		link = lstat(p, &st) != 0 || S_ISLNK(st.st_mode);
		*c = saved;
		if (link || saved == '\0')
			break;
	}
	free(p);
	return link;
}

static bool read_all(const char *path, struct strbuf *sb)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		sb_add(sb, chunk, n);
	bool ok = !ferror(f);
	fclose(f);
	return ok;
}

/* The file at path (as the loader names it) is HEAD's blob at its place. */
static bool file_matches(git_repository *repo, const char *workdir, git_tree *head, const char *path)
{
	if (through_link(path))
		return false;
	char *real = realpath(path, NULL);
	size_t n = strlen(workdir);
	bool ok = false;
	if (real && strncmp(real, workdir, n) == 0 && real[n] == '/') {
		git_tree_entry *e = NULL;
		struct strbuf bytes = STRBUF_INIT;
		git_oid id;
		if (git_tree_entry_bypath(&e, head, real + n + 1) == 0 &&
		    git_tree_entry_filemode(e) != GIT_FILEMODE_LINK &&
		    git_tree_entry_type(e) == GIT_OBJECT_BLOB && read_all(path, &bytes) &&
		    git_odb_hash(&id, bytes.buf ? bytes.buf : "", bytes.len, GIT_OBJECT_BLOB) == 0)
			ok = git_oid_equal(&id, git_tree_entry_id(e));
		git_tree_entry_free(e);
		sb_release(&bytes);
	}
	free(real);
	return ok;
}

bool gitsrc_files_match_head(git_repository *repo, const char *const *paths, size_t n_paths)
{
	static const char *const here[] = { "." };
	if (n_paths == 0) {
		paths = here;
		n_paths = 1;
	}
	const char *wd = git_repository_workdir(repo);
	char *workdir = wd ? realpath(wd, NULL) : NULL;
	git_oid oid;
	git_commit *c = NULL;
	git_tree *head = NULL;
	bool ok = workdir && git_reference_name_to_id(&oid, repo, "HEAD") == 0 &&
		  git_commit_lookup(&c, repo, &oid) == 0 && git_commit_tree(&head, c) == 0;
	if (ok) {
		struct diags quiet = DIAGS_INIT;
		char **files = NULL;
		size_t n = 0;
		ok = desired_collect_files(&files, &n, paths, n_paths, &quiet) >= 0;
		for (size_t i = 0; ok && i < n; i++)
			ok = file_matches(repo, workdir, head, files[i]);
		desired_free_files(files, n);
		diags_free(&quiet);
	}
	git_tree_free(head);
	git_commit_free(c);
	free(workdir);
	return ok;
}
