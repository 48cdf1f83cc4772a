/*
 * util/: the pieces the large-configuration path leans on. SHA-256 against
 * the FIPS 180-4 vectors, fed whole and in every split (the CPU's SHA
 * extensions take whole blocks, the portable code the rest); the arena's
 * alignment with strings packed between; hmap_insert's first-wins and a
 * reserved map that never moves; folding into an arena; UTF-8 checked in
 * words with the offset of a bad byte exact.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/hmap.h"
#include "util/sha256.h"
#include "util/text.h"

static void digest(const void *p, size_t n, size_t step, char out[65])
{
	struct sha256 c;
	sha256_init(&c);
	const unsigned char *b = p;
	for (size_t off = 0; off < n; off += step)
		sha256_update(&c, b + off, n - off < step ? n - off : step);
	sha256_hex(&c, out);
}

static void test_sha256_vectors(void **state)
{
	(void)state;
	char out[65];
	digest("abc", 3, 3, out);
	assert_string_equal(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	digest("", 0, 1, out);
	assert_string_equal(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	digest(two, strlen(two), strlen(two), out);
	assert_string_equal(out, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	size_t n = 1000000;
	char *a = malloc(n);
	memset(a, 'a', n);
	/* Whole, then in pieces that straddle blocks every way. */
	static const size_t steps[] = { 1000000, 1, 7, 63, 64, 65, 200, 4096 };
	for (size_t i = 0; i < sizeof(steps) / sizeof(*steps); i++) {
		digest(a, n, steps[i], out);
		assert_string_equal(out, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	}
	free(a);
}

static void test_arena_alignment_and_strings(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	for (int i = 0; i < 20000; i++) {
		char *s = arena_strdup(&a, i % 3 ? "ab" : "a longer string");
		assert_string_equal(s, i % 3 ? "ab" : "a longer string");
		void *p = arena_alloc(&a, (size_t)(i % 40) + 1);
		assert_int_equal((uintptr_t)p % alignof(max_align_t), 0);
		assert_int_equal(((unsigned char *)p)[0], 0);
	}
	/* Larger than a block, and past a megabyte in all. */
	unsigned char *big = arena_alloc(&a, 3u << 20);
	assert_int_equal(big[(3u << 20) - 1], 0);
	char *after = arena_strndup(&a, "tail", 4);
	assert_string_equal(after, "tail");
	arena_free(&a);
}

static void test_hmap_insert_first_wins(void **state)
{
	(void)state;
	struct hmap m = HMAP_INIT;
	int one = 1, two = 2;
	assert_null(hmap_insert(&m, "k", &one));
	assert_ptr_equal(hmap_insert(&m, "k", &two), &one);
	assert_ptr_equal(hmap_get(&m, "k"), &one);
	hmap_free(&m);

	char keys[5000][12];
	hmap_reserve(&m, 5000);
	struct hmap_slot *slots = m.slots;
	for (int i = 0; i < 5000; i++) {
		snprintf(keys[i], sizeof(keys[i]), "%d", i);
		uint64_t h = hmap_hash(keys[i]);
		hmap_prefetch(&m, h);
		assert_null(hmap_insert_hashed(&m, keys[i], h, keys[i]));
	}
	assert_ptr_equal(m.slots, slots); /* reserved: never rehashed */
	for (int i = 0; i < 5000; i++)
		assert_ptr_equal(hmap_get(&m, keys[i]), keys[i]);
	hmap_free(&m);
}

static void test_fold_and_utf8(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	assert_string_equal(str_fold_arena(&a, "  Acme Corp\t"), "acme corp");
	assert_string_equal(str_fold_arena(&a, NULL), "");
	assert_string_equal(str_fold_arena(&a, " \n "), "");
	arena_free(&a);

	const char *ok = "plain ASCII text, long enough for words, then caf\xc3\xa9 and more ASCII";
	assert_true(utf8_valid(ok, strlen(ok), NULL));
	char bad[64];
	memset(bad, 'x', sizeof(bad));
	for (size_t at = 0; at < 40; at++) {
		memset(bad, 'x', sizeof(bad));
		bad[at] = (char)0xff;
		size_t off = 99;
		assert_false(utf8_valid(bad, sizeof(bad), &off));
		assert_int_equal(off, at);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_vectors),
		cmocka_unit_test(test_arena_alignment_and_strings),
		cmocka_unit_test(test_hmap_insert_first_wins),
		cmocka_unit_test(test_fold_and_utf8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
