#include "text.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void str_fold(struct strbuf *out, const char *s)
{
	sb_reset(out);
	const char *end = s + strlen(s);
	while (s < end && isspace((unsigned char)*s))
		s++;
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	for (; s < end; s++)
		sb_putc(out, (char)tolower((unsigned char)*s));
	if (!out->buf)
		sb_add(out, "", 0);
}

char *str_fold_arena(struct arena *a, const char *s)
{
	if (!s)
		s = "";
	const char *end = s + strlen(s);
	while (s < end && isspace((unsigned char)*s))
		s++;
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	char *out = arena_strndup(a, s, (size_t)(end - s));
	for (char *p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

bool str_same_name(const char *a, const char *b)
{
	struct strbuf fa = STRBUF_INIT, fb = STRBUF_INIT;
	str_fold(&fa, a);
	str_fold(&fb, b);
	bool same = strcmp(fa.buf, fb.buf) == 0;
	sb_release(&fa);
	sb_release(&fb);
	return same;
}

size_t str_distance(const char *a, const char *b, size_t cap)
{
	size_t la = strlen(a), lb = strlen(b);
	if ((la > lb ? la - lb : lb - la) > cap)
		return cap + 1;
	if (la > 64 || lb > 64)
		return cap + 1;
	size_t row[65];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		size_t best = row[0];
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost =
			    tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]) ? 0 : 1;
			size_t v = diag + cost;
			if (row[j] + 1 < v)
				v = row[j] + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			row[j] = v;
			diag = up;
			if (v < best)
				best = v;
		}
		if (best > cap)
			return cap + 1;
	}
	return row[lb] > cap ? cap + 1 : row[lb];
}

const char *str_suggest(const char *word, const char *const *candidates)
{
	size_t len = strlen(word);
	size_t cap = len < 4 ? 1 : len < 8 ? 2 : 3;
	const char *best = NULL;
	size_t best_d = cap + 1;
	for (; *candidates; candidates++) {
		size_t d = str_distance(word, *candidates, cap);
		if (d < best_d) {
			best_d = d;
			best = *candidates;
		}
	}
	return best;
}

size_t utf8_length(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

bool utf8_valid(const char *s, size_t n, size_t *bad_offset)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		/* ASCII, the bulk of any configuration, eight bytes at a time. */
		uint64_t word;
		if (i + 8 <= n && (memcpy(&word, p + i, 8), !(word & 0x8080808080808080ULL))) {
			i += 8;
			continue;
		}
		unsigned c = p[i];
		size_t len;
		unsigned min;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			len = 2, min = 0x80, c &= 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3, min = 0x800, c &= 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4, min = 0x10000, c &= 0x07;
		} else {
			goto bad;
		}
		if (i + len > n)
			goto bad;
		for (size_t k = 1; k < len; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				goto bad;
			c = (c << 6) | (p[i + k] & 0x3F);
		}
		if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
			goto bad;
		i += len;
	}
	return true;
bad:
	if (bad_offset)
		*bad_offset = i;
	return false;
}

/* Days from civil, after Howard Hinnant's public-domain algorithm. */
static long days_from_civil(long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

bool date_parse(const char *s, long *days_out)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return false;
	long y = strtol(s, NULL, 10);
	unsigned m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
	unsigned d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
	static const unsigned mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (y < 1970 || m < 1 || m > 12 || d < 1)
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	unsigned max = mdays[m - 1] + (m == 2 && leap);
	if (d > max)
		return false;
	if (days_out)
		*days_out = days_from_civil(y, m, d);
	return true;
}

void date_format(long z, char buf[static 16])
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long y = (long)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	int yy = (int)(y % 10000);
	if (yy < 0)
		yy = 0;
	snprintf(buf, 16, "%04d-%02d-%02d", yy, (int)(m % 100), (int)(d % 100));
}

static bool two_digits(const char *s, unsigned max, unsigned *out)
{
	if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]))
		return false;
	*out = (unsigned)((s[0] - '0') * 10 + (s[1] - '0'));
	return *out <= max;
}

/* The zone of a timestamp: "Z", "+HH:MM" / "-HH:MM", or nothing (UTC).
 * *offset gets the seconds to subtract to reach UTC. */
static bool zone_parse(const char *s, long long *offset)
{
	unsigned h, m;
	*offset = 0;
	if (*s == '\0' || (s[0] == 'Z' && s[1] == '\0'))
		return true;
	if ((s[0] != '+' && s[0] != '-') || strlen(s) != 6 || s[3] != ':' || !two_digits(s + 1, 23, &h) ||
	    !two_digits(s + 4, 59, &m))
		return false;
	*offset = (s[0] == '-' ? -1 : 1) * (long long)(h * 3600 + m * 60);
	return true;
}

bool timestamp_parse(const char *s, long long *secs_out)
{
	char date[11];
	long days;
	if (strlen(s) < 10)
		return false;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (!date_parse(date, &days))
		return false;
	long long secs = (long long)days * 86400;
	const char *t = s + 10;
	if (*t) {
		unsigned h, m, sec;
		if ((*t != 'T' && *t != 't' && *t != ' ') || strlen(t) < 9 || !two_digits(t + 1, 23, &h) ||
		    t[3] != ':' || !two_digits(t + 4, 59, &m) || t[6] != ':' || !two_digits(t + 7, 60, &sec))
			return false;
		secs += h * 3600 + m * 60 + sec;
		t += 9;
		if (*t == '.') {
			t++;
			if (!isdigit((unsigned char)*t))
				return false;
			while (isdigit((unsigned char)*t))
				t++;
		}
		long long offset;
		if (!zone_parse(t, &offset))
			return false;
		secs -= offset;
	}
	if (secs_out)
		*secs_out = secs;
	return true;
}

void timestamp_format(long long secs, char buf[static 32])
{
	long long days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
	long long rem = secs - days * 86400;
	char date[16];
	date_format((long)days, date);
	snprintf(buf, 32, "%sT%02d:%02d:%02dZ", date, (int)(rem / 3600), (int)(rem / 60 % 60),
		 (int)(rem % 60));
}
