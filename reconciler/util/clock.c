#include "clock.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"

static int parse_fixed(const char *s, time_t *out)
{
	char *end;
	long long secs = strtoll(s, &end, 10);
	if (*s && *end == '\0') {
		*out = (time_t)secs;
		return 0;
	}
	char date[11];
	if (strlen(s) < 10)
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	long days;
	if (!date_parse(date, &days))
		return -1;
	long h = 0, m = 0, sec = 0;
	const char *t = s + 10;
	if (*t == 'T' || *t == ' ') {
		char *e;
		h = strtol(t + 1, &e, 10);
		if (*e == ':')
			m = strtol(e + 1, &e, 10);
		if (*e == ':')
			sec = strtol(e + 1, &e, 10);
	}
	*out = (time_t)(days * 86400L + h * 3600 + m * 60 + sec);
	return 0;
}

time_t clock_now(void)
{
	const char *fixed = getenv("RECONCILER_NOW");
	time_t t;
	if (fixed && *fixed && parse_fixed(fixed, &t) == 0)
		return t;
	return time(NULL);
}

long clock_today(void)
{
	time_t t = clock_now();
	return (long)(t >= 0 ? t / 86400 : (t - 86399) / 86400);
}
