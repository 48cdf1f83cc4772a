#include "util/json_sb.h"

static int add(const char *buf, size_t size, void *data)
{
	sb_add(data, buf, size);
	return 0;
}

int json_dump_sb(const json_t *o, struct strbuf *out)
{
	return json_dump_callback(o, add, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
}
