/*
 * Secrets out of text: every message the tool prints or stores passes
 * through here before anything cuts it (diag_add() scrubs each diagnostic;
 * the HTTP layer its error texts and its debug trace).
 *
 * What it promises:
 *  - a secret is found in any spelling: as is, percent-encoded (either
 *    case, '+' for a space), JSON-escaped, or a mix; and so is any start of
 *    it 8 characters or longer, so an echo cut short shows none of it;
 *  - the value after "Bearer " or "password=" (plain or percent-encoded)
 *    is "***" whatever it is, known secret or not;
 *  - text is changed in place and never grows.
 * The registry holds the process's live secrets (the secret key, the access
 * tokens), copied and wiped when unregistered. Single-threaded, like the
 * rest of the tool.
 */
#ifndef RECONCILER_UTIL_SCRUB_H
#define RECONCILER_UTIL_SCRUB_H

/* Overwrites each spelling of secret in text with '*' (secret NULL or
 * shorter than 4 characters: nothing to do). */
void scrub_secret(char *text, const char *secret);
/* "***" for every Bearer and password-grant value. */
void scrub_values(char *text);

void scrub_register(const char *secret);
void scrub_unregister(const char *secret);
/* Unregisters every secret (wiped). */
void scrub_clear(void);
/* scrub_secret for every registered secret, then scrub_values. */
void scrub_registered(char *text);

#endif
