#include "util/scrub.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/xalloc.h"

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* How many bytes of text spell the character ch: itself, percent-encoded
 * (either case), '+' for a space (form encoding), or a JSON escape (\",
 * \\, \/, \n..., \u00XX). 0 when it does not. */
static size_t spelled(const char *t, unsigned char ch)
{
	if ((unsigned char)t[0] == ch)
		return 1;
	if (t[0] == '+' && ch == ' ')
		return 1;
	if (t[0] == '%' && hex_digit(t[1]) >= 0 && hex_digit(t[2]) >= 0 &&
	    hex_digit(t[1]) * 16 + hex_digit(t[2]) == ch)
		return 3;
	if (t[0] != '\\' || !t[1])
		return 0;
	static const char SHORT[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
	for (size_t i = 0; SHORT[i]; i += 2)
		if (t[1] == SHORT[i] && (unsigned char)SHORT[i + 1] == ch)
			return 2;
	if (t[1] == 'u' && t[2] == '0' && t[3] == '0' && hex_digit(t[4]) >= 0 && hex_digit(t[5]) >= 0 &&
	    hex_digit(t[4]) * 16 + hex_digit(t[5]) == ch)
		return 6;
	return 0;
}

/* The length of text spelling secret (or, when it spells at least
 * SCRUB_PREFIX characters of it and then stops, that prefix: an echo cut
 * short still shows none of it). 0 when it does not start here. */
#define SCRUB_PREFIX 8
static size_t secret_span(const char *t, const char *secret, size_t n)
{
	size_t at = 0, k = 0;
	while (k < n) {
		size_t step = spelled(t + at, (unsigned char)secret[k]);
		if (!step)
			break;
		at += step;
		k++;
	}
	return k == n || k >= SCRUB_PREFIX ? at : 0;
}

void scrub_secret(char *text, const char *secret)
{
	if (!text || !secret)
		return;
	size_t n = strlen(secret);
	if (n < 4)
		return;
	for (char *p = text; *p; p++) {
		size_t span = secret_span(p, secret, n);
		if (span) {
			memset(p, '*', span);
			p += span - 1;
		}
	}
}

/* Removes, in place, the value after each `key` (matched case-blind): a
 * run of characters that are not space, quote, '&' or ',', which becomes
 * "***". */
static void scrub_after(char *text, const char *key)
{
	size_t k = strlen(key);
	char *p = text;
	while ((p = strcasestr(p, key)) != NULL) {
		char *v = p + k, *end = v;
		while (*end && !strchr(" \t\r\n\"'&,;<>\\", *end))
			end++;
		size_t len = (size_t)(end - v);
		if (len < 3) {
			memset(v, '*', len); /* never longer than what it hides */
		} else {
			memcpy(v, "***", 3);
			memmove(v + 3, end, strlen(end) + 1);
			len = 3;
		}
		p = v + len;
	}
}

void scrub_values(char *text)
{
	if (!text)
		return;
	/* Whatever the server echoes: an Authorization value is never shown,
	 * not even its start, and neither is a password-grant form value. */
	scrub_after(text, "Bearer ");
	scrub_after(text, "Bearer%20");
	scrub_after(text, "password=");
	scrub_after(text, "password%3D");
}

/* ---- the process's secrets ------------------------------------------------ */

#define REGISTERED_MAX 16
static char *registered[REGISTERED_MAX];

void scrub_register(const char *secret)
{
	if (!secret || strlen(secret) < 4)
		return;
	size_t free_slot = REGISTERED_MAX;
	for (size_t i = 0; i < REGISTERED_MAX; i++) {
		if (registered[i] && strcmp(registered[i], secret) == 0)
			return;
		if (!registered[i] && free_slot == REGISTERED_MAX)
			free_slot = i;
	}
	if (free_slot == REGISTERED_MAX) {
		/* Full (many token refreshes): the oldest goes. */
		scrub_unregister(registered[0]);
		memmove(registered, registered + 1, (REGISTERED_MAX - 1) * sizeof(*registered));
		free_slot = REGISTERED_MAX - 1;
		registered[free_slot] = NULL;
	}
	registered[free_slot] = xstrdup(secret);
}

void scrub_unregister(const char *secret)
{
	if (!secret)
		return;
	for (size_t i = 0; i < REGISTERED_MAX; i++) {
		if (registered[i] && (registered[i] == secret || strcmp(registered[i], secret) == 0)) {
			explicit_bzero(registered[i], strlen(registered[i]));
			free(registered[i]);
			registered[i] = NULL;
			return;
		}
	}
}

void scrub_registered(char *text)
{
	if (!text)
		return;
	for (size_t i = 0; i < REGISTERED_MAX; i++)
		if (registered[i])
			scrub_secret(text, registered[i]);
	scrub_values(text);
}

void scrub_clear(void)
{
	for (size_t i = 0; i < REGISTERED_MAX; i++)
		if (registered[i])
			scrub_unregister(registered[i]);
}
