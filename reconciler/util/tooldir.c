#include "util/tooldir.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "util/strbuf.h"

void tooldir_created(const char *dir)
{
	const char *slash = strrchr(dir, '/');
	const char *base = slash ? slash + 1 : dir;
	if (strcmp(base, TOOLDIR_NAME) != 0)
		return;
	struct strbuf path = STRBUF_INIT;
	sb_printf(&path, "%s/.gitignore", dir);
	/* O_EXCL with O_CREAT never follows a link at the last component;
	 * O_NOFOLLOW says so for readers. */
	int fd = open(path.buf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd >= 0) {
		static const char body[] =
		    "# Created by reconciler: its sandbox and audit log stay local.\n*\n";
		ssize_t w = write(fd, body, sizeof(body) - 1);
		(void)w; /* best effort: see tooldir.h */
		close(fd);
	}
	sb_release(&path);
}
