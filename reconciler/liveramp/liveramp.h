/*
 * The `liveramp` backend: LiveRamp's Activation API v2 (backend.h's
 * interface; open it with backend_liveramp_open()).
 *
 * Configuration, all from the environment, read when the backend opens
 * (a missing one is an error that names the variable):
 *
 *   LIVERAMP_API_URL          base URL (default https://api.liveramp.com/activation)
 *   LIVERAMP_TOKEN_URL        token endpoint (default
 *                             https://serviceaccounts.liveramp.com/authn/v1/oauth2/token)
 *   LIVERAMP_ORG_ID           the LR-Org-ID to act as; or settings.org_id in the
 *                             config (when both are set they must agree)
 *   LIVERAMP_ACCOUNT_ID       the service account's id and secret key, or:
 *   LIVERAMP_SECRET_KEY
 *   LIVERAMP_CREDENTIALS_FILE the JSON file LiveRamp issues, holding the id under
 *                             "account_id", "accountId" or "username" and the key
 *                             under "secret_key", "secretKey" or "password"; it
 *                             must not be readable by group or others (chmod 600).
 *                             The two variables win over the file.
 *   LIVERAMP_TIMEOUT          seconds one request attempt may take (default 60)
 *   LIVERAMP_CONNECT_TIMEOUT  seconds to connect (default 10)
 *   LIVERAMP_MAX_RETRIES      retries after the first attempt (default 4)
 *   LIVERAMP_RETRY_BASE_MS    first backoff window in ms (default 1000; the
 *                             window doubles up to 8 times this); 0 for tests
 *   RECONCILER_HTTP_DEBUG     1: a trace of every transfer on stderr, with the
 *                             Authorization header and token bodies redacted
 *
 * URLs must be https, or plain http to a loopback host (127.0.0.0/8, ::1,
 * localhost: an emulator). TLS certificates are always verified.
 */
#ifndef RECONCILER_LIVERAMP_LIVERAMP_H
#define RECONCILER_LIVERAMP_LIVERAMP_H

#include <stdbool.h>

#include "backend/backend.h"
#include "model/model.h"
#include "util/diag.h"

#define LIVERAMP_DEFAULT_API_URL "https://api.liveramp.com/activation"
#define LIVERAMP_DEFAULT_TOKEN_URL "https://serviceaccounts.liveramp.com/authn/v1/oauth2/token"

/* Everything the environment says. Strings are owned (liveramp_config_free;
 * the secret key is wiped). */
struct liveramp_config {
	char *api_url;
	char *token_url;
	char *org_id;
	char *account_id;
	char *secret_key;
	long timeout_s;
	long connect_timeout_s;
	int max_retries;
	long retry_base_ms;
	bool debug;
};

/* Reads and checks the configuration. settings (may be NULL) gives
 * settings.org_id. Returns 0, or -1 with one diagnostic per problem. */
int liveramp_config_read(struct liveramp_config *cfg, const struct settings *settings, struct diags *d);
void liveramp_config_free(struct liveramp_config *cfg);

/* Reads a credentials file (see above): refuses one that group or others
 * may read, or that is not a regular file. *account_id and *secret_key
 * are allocated (the caller frees; wipe the key). */
int liveramp_credentials_read(const char *path, char **account_id, char **secret_key, struct diags *d);

#endif
