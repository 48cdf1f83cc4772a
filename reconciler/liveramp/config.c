/*
 * The liveramp backend's configuration: environment variables and the
 * credentials file (see liveramp/liveramp.h for the list).
 *
 * Every problem is reported, not only the first, so a user setting up CI
 * fixes them in one go. No value read here is ever echoed back when it is
 * a secret.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "http/http.h"
#include "liveramp/liveramp.h"
#include "util/xalloc.h"

#define RULE "backend"
#define CREDENTIALS_MAX ((off_t)64 << 10)

static const char *env(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

static void wipe_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

void liveramp_config_free(struct liveramp_config *cfg)
{
	free(cfg->api_url);
	free(cfg->token_url);
	free(cfg->org_id);
	free(cfg->account_id);
	wipe_free(cfg->secret_key);
	memset(cfg, 0, sizeof(*cfg));
}

/* ---- the credentials file ------------------------------------------------- */

static int creds_error(struct diags *d, const char *path, const char *hint, const char *why)
{
	diag_error(d, RULE, NULL, hint, "LIVERAMP_CREDENTIALS_FILE %s: %s", path, why);
	return -1;
}

/* The first of keys that holds a non-empty string. */
static const char *first_string(const json_t *obj, const char *const *keys)
{
	for (size_t i = 0; keys[i]; i++) {
		const char *v = json_string_value(json_object_get(obj, keys[i]));
		if (v && *v)
			return v;
	}
	return NULL;
}

static int read_small_file(int fd, const char *path, struct strbuf *out, struct diags *d)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return creds_error(d, path, NULL, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return creds_error(d, path, "point it at the JSON file LiveRamp gave you",
				   "not a regular file");
	if (st.st_mode & 077)
		return creds_error(d, path, "run: chmod 600 on the file (it holds a secret key)",
				   "the file is readable by group or others; refusing to use it");
	if (st.st_size > CREDENTIALS_MAX)
		return creds_error(d, path, "point it at the JSON file LiveRamp gave you",
				   "the file is too large");
	char buf[4096];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		sb_add(out, buf, (size_t)n);
	explicit_bzero(buf, sizeof(buf));
	if (n < 0)
		return creds_error(d, path, NULL, strerror(errno));
	return 0;
}

int liveramp_credentials_read(const char *path, char **account_id, char **secret_key, struct diags *d)
{
	static const char *const ID_KEYS[] = { "account_id", "accountId", "username", NULL };
	static const char *const KEY_KEYS[] = { "secret_key", "secretKey", "password", NULL };
	*account_id = *secret_key = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return creds_error(d, path, "check LIVERAMP_CREDENTIALS_FILE", strerror(errno));
	struct strbuf text = STRBUF_INIT;
	int rc = read_small_file(fd, path, &text, d);
	close(fd);
	json_t *root = NULL;
	if (rc == 0) {
		root = json_loadb(text.buf ? text.buf : "", text.len, 0, NULL);
		const char *id = first_string(root, ID_KEYS), *key = first_string(root, KEY_KEYS);
		/* Never quote the file: it holds the secret. */
		if (!json_is_object(root))
			rc = creds_error(d, path, "it should be the JSON object LiveRamp issued",
					 "not a JSON object");
		else if (!id || !key)
			rc = creds_error(
			    d, path,
			    "the file needs the account id (account_id, accountId or username) and "
			    "the secret key (secret_key, secretKey or password)",
			    !id ? "no account id in the file" : "no secret key in the file");
		else {
			*account_id = xstrdup(id);
			*secret_key = xstrdup(key);
		}
	}
	json_decref(root); /* jansson does not wipe; the process is short-lived */
	if (text.buf)
		explicit_bzero(text.buf, text.cap);
	sb_release(&text);
	return rc;
}

/* ---- environment --------------------------------------------------------- */

/* An integer variable in [min, max], or def when unset. */
static int env_long(const char *name, long min, long max, long def, long *out, struct diags *d)
{
	const char *v = env(name);
	*out = def;
	if (!v)
		return 0;
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < min || n > max) {
		diag_error(d, RULE, NULL, NULL, "%s=%s: expected a whole number from %ld to %ld", name, v,
			   min, max);
		return -1;
	}
	*out = n;
	return 0;
}

static int read_org(struct liveramp_config *cfg, const struct settings *settings, struct diags *d)
{
	const char *from_env = env("LIVERAMP_ORG_ID");
	const char *from_config =
	    settings && settings->org_id.v && *settings->org_id.v ? settings->org_id.v : NULL;
	if (from_env && from_config && strcmp(from_env, from_config) != 0) {
		diag_error(d, RULE, &settings->org_id.pos,
			   "unset LIVERAMP_ORG_ID or make it match settings.org_id: acting on the wrong "
			   "organization is not something to guess about",
			   "LIVERAMP_ORG_ID=%s but the config's settings.org_id is %s", from_env,
			   from_config);
		return -1;
	}
	if (!from_env && !from_config) {
		diag_error(
		    d, RULE, NULL,
		    "set LIVERAMP_ORG_ID to your LiveRamp organization id (or settings.org_id in the "
		    "config)",
		    "LIVERAMP_ORG_ID is not set: the liveramp backend needs the organization to act as");
		return -1;
	}
	cfg->org_id = xstrdup(from_env ? from_env : from_config);
	return 0;
}

static int read_credentials(struct liveramp_config *cfg, struct diags *d)
{
	const char *id = env("LIVERAMP_ACCOUNT_ID"), *key = env("LIVERAMP_SECRET_KEY");
	const char *file = env("LIVERAMP_CREDENTIALS_FILE");
	if (id && key) {
		cfg->account_id = xstrdup(id);
		cfg->secret_key = xstrdup(key);
		return 0;
	}
	if (file && !id && !key)
		return liveramp_credentials_read(file, &cfg->account_id, &cfg->secret_key, d);
	if (id || key) {
		diag_error(d, RULE, NULL, "set both, or neither and LIVERAMP_CREDENTIALS_FILE",
			   "%s is set but %s is not", id ? "LIVERAMP_ACCOUNT_ID" : "LIVERAMP_SECRET_KEY",
			   id ? "LIVERAMP_SECRET_KEY" : "LIVERAMP_ACCOUNT_ID");
		return -1;
	}
	diag_error(d, RULE, NULL,
		   "set LIVERAMP_ACCOUNT_ID and LIVERAMP_SECRET_KEY to your service account's id and "
		   "secret key, or LIVERAMP_CREDENTIALS_FILE to the JSON file LiveRamp issued (chmod 600)",
		   "no LiveRamp credentials: LIVERAMP_ACCOUNT_ID and LIVERAMP_SECRET_KEY are not set, nor "
		   "LIVERAMP_CREDENTIALS_FILE");
	return -1;
}

static char *url_var(const char *name, const char *def, int *rc, struct diags *d)
{
	const char *v = env(name);
	if (!v)
		v = def;
	if (http_url_check(v, name, d) != 0)
		*rc = -1;
	return xstrdup(v);
}

int liveramp_config_read(struct liveramp_config *cfg, const struct settings *settings, struct diags *d)
{
	memset(cfg, 0, sizeof(*cfg));
	int rc = 0;
	long retries = 0;
	cfg->api_url = url_var("LIVERAMP_API_URL", LIVERAMP_DEFAULT_API_URL, &rc, d);
	cfg->token_url = url_var("LIVERAMP_TOKEN_URL", LIVERAMP_DEFAULT_TOKEN_URL, &rc, d);
	if (read_org(cfg, settings, d) != 0)
		rc = -1;
	if (env_long("LIVERAMP_TIMEOUT", 1, 3600, 60, &cfg->timeout_s, d) != 0 ||
	    env_long("LIVERAMP_CONNECT_TIMEOUT", 1, 600, 10, &cfg->connect_timeout_s, d) != 0 ||
	    env_long("LIVERAMP_MAX_RETRIES", 0, 20, 4, &retries, d) != 0 ||
	    env_long("LIVERAMP_RETRY_BASE_MS", 0, 60000, 1000, &cfg->retry_base_ms, d) != 0)
		rc = -1;
	cfg->max_retries = (int)retries;
	const char *debug = env("RECONCILER_HTTP_DEBUG");
	cfg->debug = debug && strcmp(debug, "0") != 0;
	if (read_credentials(cfg, d) != 0)
		rc = -1;
	if (rc != 0)
		liveramp_config_free(cfg);
	return rc;
}
