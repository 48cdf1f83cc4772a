#include "ydoc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "util/hmap.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/xalloc.h"

/* A collection under construction. Its items so far are the builder's
 * pending items from start on: collections nest, so one stack holds the
 * items of all open ones, and a document of 50,000 small mappings costs no
 * allocation per mapping. */
struct frame {
	struct ynode *node;
	size_t start;
};

struct builder {
	struct ydoc *doc;
	struct diags *d;
	const char *data; /* the input, to place reader errors */
	size_t len;
	struct frame *stack;
	size_t depth, cap;
	struct ynode **pend; /* items of the open collections, innermost last */
	size_t npend, cap_pend;
	struct hmap anchors; /* anchor name (arena) -> node */
	size_t total_weight;
	bool failed;  /* stop parsing: the rest of the file cannot be trusted */
	bool invalid; /* keep parsing to report more, but the document is refused */
};

static void pos_from_mark(struct builder *b, struct pos *p, yaml_mark_t m)
{
	p->file = b->doc->file;
	p->line = (unsigned)m.line + 1;
	p->col = (unsigned)m.column + 1;
}

/* Line and column (1-based, in code points) of a byte offset. */
static void pos_from_offset(const char *data, size_t off, const char *file, struct pos *p)
{
	unsigned line = 1, col = 1;
	for (size_t i = 0; i < off; i++) {
		if (data[i] == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)data[i] & 0xC0) != 0x80) {
			col++;
		}
	}
	p->file = file;
	p->line = line;
	p->col = col;
}

static struct ynode *new_node(struct builder *b, enum ynode_kind kind, yaml_mark_t m, const yaml_char_t *tag)
{
	struct ynode *n = arena_alloc(&b->doc->arena, sizeof(*n));
	n->kind = kind;
	n->weight = 1;
	pos_from_mark(b, &n->pos, m);
	if (tag)
		n->tag = arena_strdup(&b->doc->arena, (const char *)tag);
	return n;
}

static bool over_budget(struct builder *b, size_t add, const struct pos *at)
{
	b->total_weight += add;
	if (b->total_weight <= YDOC_MAX_NODES)
		return false;
	diag_error(b->d, "yaml.syntax", at, "use anchors to share a few values, not to multiply the document",
		   "document too large after expanding aliases (over %u nodes)", YDOC_MAX_NODES);
	b->failed = true;
	return true;
}

/* Tags: the YAML 1.2 core schema's, for the node kind, or the
 * non-specific "!". Anything else (!!binary, !!timestamp, !custom) would
 * be read as plain text while its author meant something else: refused. */
static bool tag_supported(enum ynode_kind kind, const char *tag)
{
	static const char core[] = "tag:yaml.org,2002:";
	static const char *const scalar[] = { "str", "int", "bool", "float", "null", NULL };
	if (!tag || strcmp(tag, "!") == 0)
		return true;
	if (strncmp(tag, core, sizeof(core) - 1) != 0)
		return false;
	tag += sizeof(core) - 1;
	if (kind == YNODE_SEQ)
		return strcmp(tag, "seq") == 0;
	if (kind == YNODE_MAP)
		return strcmp(tag, "map") == 0;
	for (size_t i = 0; scalar[i]; i++)
		if (strcmp(tag, scalar[i]) == 0)
			return true;
	return false;
}

/* escaped: a double-quoted scalar, the only kind an escape can put a NUL
 * in (the file itself holds none: precheck). */
static void check_node(struct builder *b, const struct ynode *n, bool escaped)
{
	if (!tag_supported(n->kind, n->tag)) {
		diag_error(b->d, "yaml.syntax", &n->pos,
			   "remove the tag: values are read by the configuration's schema",
			   "unsupported tag '%s'", n->tag);
		b->invalid = true;
	}
	/* "\0", "\x00" or "\u0000" in a quoted scalar: C strings would cut
	 * the value there, silently. */
	if (escaped && strlen(n->str) != n->len) {
		diag_error(b->d, "yaml.syntax", &n->pos, "remove the \\0 escape from the value",
			   "a NUL character in a value");
		b->invalid = true;
	}
}

static bool key_is_merge(const struct ynode *k)
{
	return k->kind == YNODE_SCALAR && k->plain && strcmp(k->str, "<<") == 0;
}

/* Resolves `<<` merge keys: keys of the merged mapping(s) are added unless
 * the mapping declares them itself. Earlier merge sources win over later. */
static void resolve_merges(struct builder *b, struct frame *f, size_t npairs)
{
	struct ynode **pairs = b->pend + f->start;
	bool any = false;
	for (size_t i = 0; i < npairs; i++)
		any |= key_is_merge(pairs[2 * i]);
	if (!any)
		return;
	struct hmap seen = HMAP_INIT;
	struct ynode **out = NULL;
	size_t nout = 0, cap = 0;
	for (size_t i = 0; i < npairs; i++) {
		if (key_is_merge(pairs[2 * i]))
			continue;
		XGROW(out, cap, 2 * nout + 2);
		out[2 * nout] = pairs[2 * i];
		out[2 * nout + 1] = pairs[2 * i + 1];
		nout++;
		if (pairs[2 * i]->kind == YNODE_SCALAR)
			hmap_put(&seen, pairs[2 * i]->str, pairs[2 * i], NULL);
	}
	for (size_t i = 0; i < npairs; i++) {
		if (!key_is_merge(pairs[2 * i]))
			continue;
		struct ynode *v = pairs[2 * i + 1];
		struct ynode *one[1] = { v };
		struct ynode **srcs = v->kind == YNODE_SEQ ? v->items : one;
		size_t nsrc = v->kind == YNODE_SEQ ? v->n : 1;
		for (size_t s = 0; s < nsrc; s++) {
			struct ynode *m = srcs[s];
			if (m->kind != YNODE_MAP) {
				diag_error(b->d, "schema.type", &m->pos,
					   "write `<<: *anchor` where the anchor names a mapping",
					   "a merge key (<<) needs a mapping, found %s", ynode_kind_name(m));
				b->invalid = true;
				continue;
			}
			for (size_t k = 0; k < m->n; k++) {
				struct ynode *key = m->keys[k];
				if (key->kind == YNODE_SCALAR && hmap_get(&seen, key->str))
					continue;
				XGROW(out, cap, 2 * nout + 2);
				out[2 * nout] = key;
				out[2 * nout + 1] = m->items[k];
				nout++;
				if (key->kind == YNODE_SCALAR)
					hmap_put(&seen, key->str, key, NULL);
			}
		}
	}
	hmap_free(&seen);
	b->npend = f->start;
	if (nout) {
		XGROW(b->pend, b->cap_pend, f->start + 2 * nout);
		memcpy(b->pend + f->start, out, 2 * nout * sizeof(*out));
		b->npend = f->start + 2 * nout;
	}
	free(out);
}

#define SMALL_MAP 8

static void finish_collection(struct builder *b, struct frame *f)
{
	struct ynode *n = f->node;
	struct arena *a = &b->doc->arena;
	if (n->kind == YNODE_MAP) {
		size_t npairs = (b->npend - f->start) / 2;
		resolve_merges(b, f, npairs);
		npairs = (b->npend - f->start) / 2;
		struct ynode **pairs = b->pend + f->start;
		n->keys = arena_alloc(a, sizeof(*n->keys) * (npairs ? npairs : 1));
		n->items = arena_alloc(a, sizeof(*n->items) * (npairs ? npairs : 1));
		/* Duplicate keys: a hash map, except for the small mappings that
		 * make most of a file ({id, name} per segment), where comparing
		 * with the keys before is cheaper than building one. */
		struct hmap seen = HMAP_INIT;
		bool small = npairs <= SMALL_MAP;
		for (size_t i = 0; i < npairs; i++) {
			struct ynode *k = pairs[2 * i], *v = pairs[2 * i + 1];
			n->keys[i] = k;
			n->items[i] = v;
			n->weight += k->weight + v->weight;
			if (k->kind != YNODE_SCALAR) {
				diag_error(b->d, "schema.type", &k->pos, "write the key as a plain string",
					   "a mapping key must be a string, found %s", ynode_kind_name(k));
				b->invalid = true;
				continue;
			}
			void *prev = NULL;
			for (size_t j = 0; small && j < i && !prev; j++)
				if (n->keys[j]->kind == YNODE_SCALAR && strcmp(n->keys[j]->str, k->str) == 0)
					prev = n->keys[j];
			if (small ? prev != NULL : hmap_put(&seen, k->str, k, &prev)) {
				const struct ynode *first = prev;
				diag_error(b->d, "schema.duplicate_key", &k->pos,
					   "remove one of them; YAML keeps only one value per key",
					   "duplicate key '%s' (first at line %u, column %u)", k->str,
					   first->pos.line, first->pos.col);
				b->invalid = true;
			}
		}
		hmap_free(&seen);
		n->n = npairs;
	} else {
		size_t count = b->npend - f->start;
		struct ynode **items = b->pend + f->start;
		n->items = arena_alloc(a, sizeof(*n->items) * (count ? count : 1));
		for (size_t i = 0; i < count; i++) {
			n->items[i] = items[i];
			n->weight += items[i]->weight;
		}
		n->n = count;
	}
	b->npend = f->start;
}

static void register_anchor(struct builder *b, const yaml_char_t *anchor, struct ynode *n)
{
	if (!anchor)
		return;
	const char *name = arena_strdup(&b->doc->arena, (const char *)anchor);
	hmap_put(&b->anchors, name, n, NULL); /* a redefined anchor replaces the old one */
}

/* Hands a finished node to its parent (or makes it the root). */
static void attach(struct builder *b, struct ynode *n)
{
	if (b->depth == 0) {
		b->doc->root = n;
		return;
	}
	XGROW(b->pend, b->cap_pend, b->npend + 1);
	b->pend[b->npend++] = n;
}

static void push(struct builder *b, struct ynode *n, const yaml_char_t *anchor)
{
	XGROW(b->stack, b->cap, b->depth + 1);
	struct frame *f = &b->stack[b->depth++];
	f->node = n;
	f->start = b->npend;
	register_anchor(b, anchor, n);
}

static void report_parser_error(struct builder *b, yaml_parser_t *p)
{
	struct pos at;
	/* Reader errors (control characters, bad encodings) carry a byte
	 * offset rather than a mark. */
	if (p->error == YAML_READER_ERROR)
		pos_from_offset(b->data, p->problem_offset < b->len ? p->problem_offset : b->len,
				b->doc->file, &at);
	else
		pos_from_mark(b, &at, p->problem_mark);
	struct strbuf msg = STRBUF_INIT;
	sb_puts(&msg, p->problem ? p->problem : "invalid YAML");
	if (p->context)
		sb_printf(&msg, " (%s at line %zu, column %zu)", p->context, p->context_mark.line + 1,
			  p->context_mark.column + 1);
	const char *hint = "check indentation (spaces only, no tabs), quotes and colons";
	diag_error(b->d, "yaml.syntax", &at, hint, "%s", msg.buf);
	sb_release(&msg);
	b->failed = true;
}

/* Checks bytes libyaml would choke on, so the user gets a position and a
 * plain explanation. */
static int precheck(const char *label, const char *data, size_t len, struct diags *d)
{
	struct pos at;
	if (len > YDOC_MAX_BYTES) {
		at = (struct pos){ label, 0, 0 };
		diag_error(d, "yaml.syntax", &at, "split the accounts over several files",
			   "file is %zu bytes, over the limit of %u bytes", len, YDOC_MAX_BYTES);
		return -1;
	}
	const void *nul = memchr(data, '\0', len);
	if (nul) {
		pos_from_offset(data, (size_t)((const char *)nul - data), label, &at);
		diag_error(d, "yaml.syntax", &at, "the file looks binary; save it as UTF-8 text",
			   "NUL byte in file");
		return -1;
	}
	size_t bad;
	if (!utf8_valid(data, len, &bad)) {
		pos_from_offset(data, bad, label, &at);
		diag_error(d, "yaml.syntax", &at, "save the file as UTF-8",
			   "invalid UTF-8 (byte 0x%02x at offset %zu)", (unsigned char)data[bad], bad);
		return -1;
	}
	return 0;
}

static void builder_release(struct builder *b)
{
	free(b->pend);
	free(b->stack);
	hmap_free(&b->anchors);
}

static void handle_event(struct builder *b, yaml_event_t *ev, int *docs)
{
	struct ynode *n;
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++*docs > 1) {
			struct pos at;
			pos_from_mark(b, &at, ev->start_mark);
			diag_error(b->d, "yaml.syntax", &at, "put each document in a file of its own",
				   "more than one YAML document in a file");
			b->failed = true;
		}
		break;
	case YAML_SCALAR_EVENT:
		n = new_node(b, YNODE_SCALAR, ev->start_mark, ev->data.scalar.tag);
		n->str = arena_strndup(&b->doc->arena, (const char *)ev->data.scalar.value,
				       ev->data.scalar.length);
		n->len = ev->data.scalar.length;
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !ev->data.scalar.tag;
		check_node(b, n, ev->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE);
		register_anchor(b, ev->data.scalar.anchor, n);
		if (!over_budget(b, 1, &n->pos))
			attach(b, n);
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		n = new_node(b, ev->type == YAML_SEQUENCE_START_EVENT ? YNODE_SEQ : YNODE_MAP, ev->start_mark,
			     ev->type == YAML_SEQUENCE_START_EVENT ? ev->data.sequence_start.tag
								   : ev->data.mapping_start.tag);
		if (b->depth >= YDOC_MAX_DEPTH) {
			diag_error(b->d, "yaml.syntax", &n->pos, "flatten the structure",
				   "nesting deeper than %d levels", YDOC_MAX_DEPTH);
			b->failed = true;
			break;
		}
		check_node(b, n, false);
		if (over_budget(b, 1, &n->pos))
			break;
		push(b, n,
		     ev->type == YAML_SEQUENCE_START_EVENT ? ev->data.sequence_start.anchor
							   : ev->data.mapping_start.anchor);
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT: {
		struct frame *f = &b->stack[--b->depth];
		finish_collection(b, f);
		attach(b, f->node);
		break;
	}
	case YAML_ALIAS_EVENT: {
		struct pos at;
		pos_from_mark(b, &at, ev->start_mark);
		n = hmap_get(&b->anchors, (const char *)ev->data.alias.anchor);
		if (!n) {
			diag_error(b->d, "yaml.syntax", &at, "define the anchor (&name) before using it",
				   "unknown alias '*%s'", (const char *)ev->data.alias.anchor);
			b->failed = true;
			break;
		}
		for (size_t i = 0; i < b->depth; i++) {
			if (b->stack[i].node == n) {
				diag_error(b->d, "yaml.syntax", &at,
					   "an alias cannot point into the node that contains it",
					   "recursive alias '*%s'", (const char *)ev->data.alias.anchor);
				b->failed = true;
				return;
			}
		}
		/* The alias costs what its expansion would: this is what bounds
		 * billion-laughs files without ever expanding them. */
		if (!over_budget(b, n->weight, &at))
			attach(b, n);
		break;
	}
	default: break;
	}
}

int ydoc_parse(struct ydoc **out, const char *label, const char *data, size_t len, struct diags *d)
{
	*out = NULL;
	if (precheck(label, data, len, d) < 0)
		return -1;
	struct ydoc *doc = xcalloc(1, sizeof(*doc));
	doc->file = arena_strdup(&doc->arena, label);
	struct builder b = { .doc = doc, .d = d, .data = data, .len = len };
	yaml_parser_t parser;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	int docs = 0;
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			report_parser_error(&b, &parser);
			break;
		}
		yaml_event_type_t type = ev.type;
		handle_event(&b, &ev, &docs);
		yaml_event_delete(&ev);
		/* An unfinished collection cannot be attached once we stop
		 * early; builder_release frees what is left on the stack. */
		if (type == YAML_STREAM_END_EVENT || b.failed)
			break;
	}
	yaml_parser_delete(&parser);
	builder_release(&b);
	if (b.failed || b.invalid) {
		ydoc_free(doc);
		return -1;
	}
	*out = doc;
	return 0;
}

int ydoc_load_file(struct ydoc **out, const char *path, const char *label, struct diags *d)
{
	*out = NULL;
	struct pos at = { label, 0, 0 };
	FILE *f = fopen(path, "rb");
	if (!f) {
		diag_error(d, "yaml.syntax", &at, NULL, "cannot open file: %s", strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && st.st_size > (off_t)YDOC_MAX_BYTES) {
		fclose(f);
		diag_error(d, "yaml.syntax", &at, "split the accounts over several files",
			   "file is %lld bytes, over the limit of %u bytes", (long long)st.st_size,
			   YDOC_MAX_BYTES);
		return -1;
	}
	struct strbuf sb = STRBUF_INIT;
	char chunk[65536];
	size_t got;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		sb_add(&sb, chunk, got);
		if (sb.len > YDOC_MAX_BYTES)
			break; /* a file that grew while we read it; precheck reports it */
	}
	bool err = ferror(f);
	fclose(f);
	if (err) {
		sb_release(&sb);
		diag_error(d, "yaml.syntax", &at, NULL, "cannot read file");
		return -1;
	}
	int rc = ydoc_parse(out, label, sb_str(&sb), sb.len, d);
	sb_release(&sb);
	return rc;
}

void ydoc_free(struct ydoc *doc)
{
	if (!doc)
		return;
	arena_free(&doc->arena);
	free(doc);
}

bool ynode_is_null(const struct ynode *n)
{
	if (!n)
		return true;
	if (n->kind != YNODE_SCALAR || !n->plain)
		return false;
	return n->len == 0 || strcmp(n->str, "~") == 0 || strcmp(n->str, "null") == 0 ||
	       strcmp(n->str, "Null") == 0 || strcmp(n->str, "NULL") == 0;
}

struct ynode *ynode_get(const struct ynode *map, const char *key)
{
	if (!map || map->kind != YNODE_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (map->keys[i]->kind == YNODE_SCALAR && strcmp(map->keys[i]->str, key) == 0)
			return map->items[i];
	return NULL;
}

const char *ynode_kind_name(const struct ynode *n)
{
	if (!n)
		return "nothing";
	switch (n->kind) {
	case YNODE_SEQ: return "a list";
	case YNODE_MAP: return "a mapping";
	default:
		if (ynode_is_null(n))
			return "null";
		return "a scalar";
	}
}
