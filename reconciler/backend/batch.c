#include "backend/batch.h"

#include <stdarg.h>
#include <stdio.h>

void batch_item_set(struct batch_item_result *r, bool ok, int status, const char *fmt, ...)
{
	r->ok = ok;
	r->http_status = status;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->message, sizeof(r->message), fmt, ap);
	va_end(ap);
}
