#!/bin/sh
# Writes the hostile configuration files into DIR, with DIR/MANIFEST listing
# one per line:
#
#   NAME RC RULE POS   what it is
#
# RC is the exit status validate must give (1, or 0 where the input is in
# fact valid), RULE the rule id its first error must name ("-" when none),
# POS "y" when the error must carry FILE:LINE:COL. Big inputs (50 MB) are
# made here, at test time, never committed. POSIX sh + awk only.
#
# usage: tests/hostile/gen.sh DIR
set -eu
D=$1
mkdir -p "$D"
M=$D/MANIFEST
: >"$M"

# entry NAME RC RULE POS DESCRIPTION: records a file already written.
entry() { printf '%s %s %s %s %s\n' "$1" "$2" "$3" "$4" "$5" >>"$M"; }

# acct FIELDS: one account with the given extra flow-mapping fields.
ok_account='name: A, client_name: C, identifiers: [cookies]'
# doc NAME RC RULE POS DESC BODY: a file holding BODY (printf %b).
doc() {
	printf '%b' "$6" >"$D/$1"
	entry "$1" "$2" "$3" "$4" "$5"
}
# field NAME RULE DESC ACCOUNT-FIELDS: an account with its fields replaced.
acct() {
	doc "$1" 1 "$2" y "$3" "version: 1\naccounts:\n  - {$4}\n"
}

# ---- expansion and nesting ---------------------------------------------------------
{
	echo 'version: 1'
	echo 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'
	i=1
	while [ $i -le 9 ]; do
		p=$((i - 1))
		echo "a$i: &a$i [*a$p,*a$p,*a$p,*a$p,*a$p,*a$p,*a$p,*a$p,*a$p,*a$p]"
		i=$((i + 1))
	done
	echo 'accounts: []'
} >"$D/billion-laughs.yaml"
entry billion-laughs.yaml 1 yaml.syntax y "10^9 strings by aliases"
{
	echo 'version: 1'
	echo 'accounts:'
	echo '  - &m0 {name: A, client_name: C, identifiers: [cookies]}'
	i=1
	while [ $i -le 30 ]; do
		p=$((i - 1))
		echo "  - &m$i {<<: [*m$p, *m$p, *m$p, *m$p], name: N$i, client_name: C, identifiers: [cookies]}"
		i=$((i + 1))
	done
} >"$D/merge-bomb.yaml"
entry merge-bomb.yaml 0 - n "merge keys aliased 4^30 times (merges take keys, not copies: valid, bounded)"
{
	echo 'version: 1'
	echo 'base: &b {client_name: C, identifiers: [cookies]}'
	echo 'accounts:'
	i=0
	while [ $i -lt 200 ]; do echo "  - {<<: *b, name: Acct $i}"; i=$((i + 1)); done
} >"$D/merge-many.yaml"
entry merge-many.yaml 1 schema.unknown_field y "200 merges of one anchor (valid but for the anchor's key)"
{
	echo 'version: 1'
	echo 'accounts:'
	echo '  - &a {name: A, client_name: C, identifiers: [cookies]}'
	echo '  - &a {name: B, client_name: C, identifiers: [cookies]}'
	echo '  - {<<: *a, name: C2}'
} >"$D/anchor-redefined.yaml"
entry anchor-redefined.yaml 0 - n "an anchor defined twice: the later wins (YAML 1.2)"
doc recursive-alias.yaml 1 yaml.syntax y "an alias inside its own anchor" 'version: 1\naccounts: &a [*a]\n'
doc unknown-alias.yaml 1 yaml.syntax y "an alias to no anchor" 'version: 1\naccounts: *nowhere\n'
awk 'BEGIN { printf "version: 1\naccounts: "; for (i = 0; i < 10000; i++) printf "["; for (i = 0; i < 10000; i++) printf "]"; printf "\n" }' >"$D/deep-flow-seq.yaml"
entry deep-flow-seq.yaml 1 yaml.syntax y "10,000 nested flow sequences"
awk 'BEGIN { printf "version: 1\naccounts: "; for (i = 0; i < 10000; i++) printf "{a: "; for (i = 0; i < 10000; i++) printf "}"; printf "\n" }' >"$D/deep-flow-map.yaml"
entry deep-flow-map.yaml 1 yaml.syntax y "10,000 nested flow mappings"
awk 'BEGIN { printf "version: 1\naccounts: [[[[[[[[[[\n" }' >"$D/unclosed-flow.yaml"
entry unclosed-flow.yaml 1 yaml.syntax y "flow sequences never closed"
awk 'BEGIN { printf "version: 1\naccounts:\n"; for (i = 0; i < 10000; i++) printf "- "; printf "x\n" }' >"$D/deep-block-seq.yaml"
entry deep-block-seq.yaml 1 yaml.syntax y "10,000 nested block sequences"
awk 'BEGIN { printf "version: 1\naccounts:\n"; for (i = 0; i < 5000; i++) { for (j = 0; j < i; j++) printf " "; printf "a:\n" } }' >"$D/deep-block-map.yaml"
entry deep-block-map.yaml 1 yaml.syntax y "5,000 nested block mappings (12 MB of indentation)"

# ---- size ------------------------------------------------------------------------------
{
	printf 'version: 1\naccounts:\n  - name: '
	head -c 52428800 /dev/zero | tr '\0' a
	printf '\n    client_name: C\n    identifiers: [cookies]\n'
} >"$D/scalar-50mb.yaml"
entry scalar-50mb.yaml 1 yaml.syntax n "a 50 MB scalar (files over 16 MiB are refused)"
{
	printf 'version: 1\naccounts:\n  - name: '
	head -c 15000000 /dev/zero | tr '\0' a
	printf '\n    client_name: C\n    identifiers: [cookies]\n'
} >"$D/scalar-15mb.yaml"
entry scalar-15mb.yaml 1 account.name y "a 15 MB account name, just under the size limit"
awk 'BEGIN { printf "version: 1\naccounts:\n"; for (i = 0; i < 100000; i++) printf "  - {name: Same, client_name: C, identifiers: [cookies]}\n" }' >"$D/same-name-100k.yaml"
entry same-name-100k.yaml 1 account.name y "100,000 accounts sharing one name"
awk 'BEGIN { printf "version: 1\naccounts:\n"; for (i = 0; i < 100000; i++) printf "  - {name: \"  sAmE \", client_name: C, identifiers: [cookies]}\n" }' >"$D/same-name-case-100k.yaml"
entry same-name-case-100k.yaml 1 account.name y "100,000 accounts, one name in other cases and spaces"
awk 'BEGIN { printf "version: 1\naccounts:\n  - name: A\n    client_name: C\n    identifiers: [cookies]\n    segments:\n"; for (i = 0; i < 300000; i++) printf "      - %d\n", 1000000 + i }' >"$D/segments-300k.yaml"
entry segments-300k.yaml 0 - n "one account with 300,000 segments (valid)"
awk 'BEGIN { printf "version: 1\naccounts: []\nsettings:\n"; for (i = 0; i < 200000; i++) printf "  k%d: 1\n", i }' >"$D/keys-200k.yaml"
entry keys-200k.yaml 1 schema.unknown_field y "200,000 unknown keys"
awk 'BEGIN { printf "version: 1\naccounts:\n  - {name: A, client_name: C, identifiers: [cookies], segments: ["; for (i = 0; i < 1000000; i++) printf "%d,", i; printf "1]}\n" }' >"$D/long-line.yaml"
entry long-line.yaml 1 segment.duplicate y "one 7 MB line; a segment listed twice"

# ---- encoding ---------------------------------------------------------------------------
doc bom.yaml 0 - n "a UTF-8 byte order mark before a valid file (accepted)" '\357\273\277version: 1\naccounts:\n  - {name: A, client_name: C, identifiers: [cookies]}\n'
doc bom-twice.yaml 1 yaml.syntax y "two byte order marks" '\357\273\277\357\273\277version: 1\naccounts: []\n'
doc bom-utf16.yaml 1 yaml.syntax y "UTF-16LE with its BOM (only UTF-8 is read)" '\377\376v\000e\000r\000s\000i\000o\000n\000:\000 \0001\000\n\000'
doc utf8-overlong.yaml 1 yaml.syntax y "overlong UTF-8 for '/'" 'version: 1\naccounts:\n  - {name: "a\300\257b", client_name: C, identifiers: [cookies]}\n'
doc utf8-overlong-nul.yaml 1 yaml.syntax y "overlong UTF-8 for NUL" 'version: 1\naccounts:\n  - {name: "a\300\200b", client_name: C, identifiers: [cookies]}\n'
doc utf8-surrogate.yaml 1 yaml.syntax y "an encoded UTF-16 surrogate" 'version: 1\naccounts:\n  - {name: "a\355\240\200b", client_name: C, identifiers: [cookies]}\n'
doc utf8-truncated-end.yaml 1 yaml.syntax y "a sequence cut by the end of the file" 'version: 1\naccounts: []\n# \342\202'
doc utf8-truncated-mid.yaml 1 yaml.syntax y "a 3-byte sequence with 2 bytes" 'version: 1\naccounts:\n  - {name: "a\342\202b", client_name: C, identifiers: [cookies]}\n'
doc utf8-lone-continuation.yaml 1 yaml.syntax y "a lone continuation byte" 'version: 1\naccounts:\n  - {name: "a\200b", client_name: C, identifiers: [cookies]}\n'
doc utf8-ff.yaml 1 yaml.syntax y "bytes 0xFF 0xFE" 'version: 1\naccounts:\n  - {name: "a\377\376b", client_name: C, identifiers: [cookies]}\n'
doc utf8-too-big.yaml 1 yaml.syntax y "a code point over U+10FFFF" 'version: 1\naccounts:\n  - {name: "a\364\220\200\200b", client_name: C, identifiers: [cookies]}\n'
doc utf8-5byte.yaml 1 yaml.syntax y "a 5-byte sequence" 'version: 1\naccounts:\n  - {name: "a\370\210\200\200\200b", client_name: C, identifiers: [cookies]}\n'
doc utf8-in-comment.yaml 1 yaml.syntax y "invalid UTF-8 in a comment" 'version: 1 # \300\257\naccounts: []\n'
doc nul-start.yaml 1 yaml.syntax y "a NUL byte first" '\000version: 1\naccounts: []\n'
doc nul-in-name.yaml 1 yaml.syntax y "a NUL byte in a name" 'version: 1\naccounts:\n  - {name: "a\000b", client_name: C, identifiers: [cookies]}\n'
doc nul-escape.yaml 1 yaml.syntax y "a \\0 escape in a name" 'version: 1\naccounts:\n  - {name: "a\\0b", client_name: C, identifiers: [cookies]}\n'
doc control-chars.yaml 1 account.name y "control characters (ESC, BEL) in a name" 'version: 1\naccounts:\n  - {name: "\\e[31mred\\a", client_name: C, identifiers: [cookies]}\n'
doc bidi-name.yaml 0 - n "a right-to-left override and a zero-width space in a name (valid)" 'version: 1\naccounts:\n  - {name: "A\\u202eB\\u200b", client_name: C, identifiers: [cookies]}\n'
doc tab-indent.yaml 1 yaml.syntax y "a tab as indentation" 'version: 1\naccounts:\n\t- {name: A, client_name: C, identifiers: [cookies]}\n'
doc tab-in-value.yaml 0 - n "a tab inside a quoted client name (valid)" 'version: 1\naccounts:\n  - {name: A, client_name: "C\tD", identifiers: [cookies]}\n'
doc tab-separator.yaml 0 - n "a tab after a colon (valid separation)" 'version:\t1\naccounts: []\n'
doc tab-in-name.yaml 1 account.name y "a tab inside an account name" 'version: 1\naccounts:\n  - {name: "A\tB", client_name: C, identifiers: [cookies]}\n'
doc newline-in-name.yaml 1 account.name y "a line break inside an account name" 'version: 1\naccounts:\n  - name: "A\\nB"\n    client_name: C\n    identifiers: [cookies]\n'
doc crlf.yaml 0 - n "CRLF line ends (valid)" 'version: 1\r\naccounts:\r\n  - {name: A, client_name: C, identifiers: [cookies]}\r\n'
doc cr-only.yaml 0 - n "old Mac CR line ends (valid YAML)" 'version: 1\raccounts:\r  - {name: A, client_name: C, identifiers: [cookies]}\r'

# ---- documents --------------------------------------------------------------------------
doc empty.yaml 0 - n "an empty file declares nothing (valid)" ''
doc comments-only.yaml 0 - n "a file of comments only declares nothing (valid)" '# nothing\n# here\n'
doc dashes-only.yaml 0 - n "--- alone declares nothing (valid)" '---\n'
doc two-documents.yaml 1 yaml.syntax y "two documents" 'version: 1\naccounts: []\n---\nversion: 1\naccounts: []\n'
doc root-scalar.yaml 1 schema.type y "a scalar at the root" 'hello\n'
doc root-list.yaml 1 schema.type y "a list at the root" '- version: 1\n'
doc root-null-key.yaml 1 schema.unknown_field y "a null key" 'version: 1\naccounts: []\n~: 1\n'
doc complex-key.yaml 1 schema.type y "a mapping as a key" 'version: 1\naccounts: []\n? {a: 1}\n: 2\n'
doc tagged.yaml 1 yaml.syntax y "an explicit !!binary tag on a name" 'version: 1\naccounts:\n  - {name: !!binary aGVsbG8=, client_name: C, identifiers: [cookies]}\n'
doc custom-tag.yaml 1 yaml.syntax y "a custom tag on version" 'version: !evil 1\naccounts: []\n'
doc directive.yaml 1 yaml.syntax y "an unknown YAML version directive" '%YAML 9.9\n---\nversion: 1\naccounts: []\n'

# ---- duplicate keys ---------------------------------------------------------------------
doc dup-root.yaml 1 schema.duplicate_key y "version twice" 'version: 1\nversion: 1\naccounts: []\n'
doc dup-account-key.yaml 1 schema.duplicate_key y "name twice in an account" 'version: 1\naccounts:\n  - {name: A, name: B, client_name: C, identifiers: [cookies]}\n'
doc dup-settings.yaml 1 schema.duplicate_key y "prune twice" 'version: 1\nsettings:\n  prune: false\n  prune: true\naccounts: []\n'
doc dup-segment-key.yaml 1 schema.duplicate_key y "id twice in a segment" 'version: 1\naccounts:\n  - {name: A, client_name: C, identifiers: [cookies], segments: [{id: 1, id: 2}]}\n'
doc dup-quoted.yaml 1 schema.duplicate_key y "the same key plain and quoted" 'version: 1\n"version": 1\naccounts: []\n'

# ---- wrong types, field by field --------------------------------------------------------
doc t-version-string.yaml 1 schema.type y "version \"1\"" 'version: "1"\naccounts: []\n'
doc t-version-list.yaml 1 schema.type y "version a list" 'version: [1]\naccounts: []\n'
doc t-version-float.yaml 1 schema.version y "version 1.0" 'version: 1.0\naccounts: []\n'
doc t-version-huge.yaml 1 schema.version y "version 10^30" 'version: 1000000000000000000000000000000\naccounts: []\n'
doc t-version-inf.yaml 1 schema.version y "version 1e999" 'version: 1e999\naccounts: []\n'
doc t-version-negative.yaml 1 schema.version y "version -1" 'version: -1\naccounts: []\n'
doc t-version-bool.yaml 1 schema.type y "version true" 'version: true\naccounts: []\n'
doc t-accounts-scalar.yaml 1 schema.type y "accounts a string" 'version: 1\naccounts: lots\n'
doc t-accounts-map.yaml 1 schema.type y "accounts a mapping" 'version: 1\naccounts: {name: A}\n'
doc t-account-list.yaml 1 schema.type y "an account that is a list" 'version: 1\naccounts:\n  - [name, A]\n'
doc t-settings-list.yaml 1 schema.type y "settings a list" 'version: 1\nsettings: [prune]\naccounts: []\n'
doc t-shares-scalar.yaml 1 schema.type y "marketplace_shares a string" 'version: 1\naccounts: []\nmarketplace_shares: x\n'
doc t-prune-string.yaml 1 schema.type y "prune yes (a string in YAML 1.2)" 'version: 1\nsettings: {prune: yes}\naccounts: []\n'
doc t-prune-list.yaml 1 schema.type y "prune a list" 'version: 1\nsettings: {prune: [true]}\naccounts: []\n'
doc t-protect-map.yaml 1 schema.type y "protect a mapping" 'version: 1\nsettings: {protect: {a: 1}}\naccounts: []\n'
doc t-protect-nested.yaml 1 schema.type y "protect a list of lists" 'version: 1\nsettings: {protect: [[A]]}\naccounts: []\n'
doc t-org-list.yaml 1 schema.type y "org_id a list" 'version: 1\nsettings: {org_id: [1]}\naccounts: []\n'
doc t-destination-map.yaml 1 schema.type y "destination_id a mapping" 'version: 1\nsettings: {destination_id: {a: 1}}\naccounts: []\n'
doc t-integration-bool.yaml 1 schema.type y "integration_id true" 'version: 1\nsettings: {integration_id: true}\naccounts: []\n'
acct t-name-list.yaml schema.type "name a list" 'name: [A], client_name: C, identifiers: [cookies]'
acct t-name-map.yaml schema.type "name a mapping" 'name: {a: 1}, client_name: C, identifiers: [cookies]'
acct t-name-null.yaml schema.type "name null" 'name: null, client_name: C, identifiers: [cookies]'
acct t-name-bool.yaml schema.type "name false" 'name: false, client_name: C, identifiers: [cookies]'
acct t-name-empty.yaml account.name "name empty" 'name: "", client_name: C, identifiers: [cookies]'
acct t-name-spaces.yaml account.name "name only spaces" 'name: "   ", client_name: C, identifiers: [cookies]'
acct t-client-list.yaml schema.type "client_name a list" 'name: A, client_name: [C], identifiers: [cookies]'
acct t-identifiers-scalar.yaml schema.type "identifiers a string" 'name: A, client_name: C, identifiers: cookies'
acct t-identifiers-map.yaml schema.type "identifiers a mapping" 'name: A, client_name: C, identifiers: {cookies: 1}'
acct t-identifiers-int.yaml schema.type "identifiers [1]" 'name: A, client_name: C, identifiers: [1]'
acct t-precision-list.yaml schema.type "precision a list" "$ok_account, precision: [individual]"
acct t-precision-int.yaml kargo.precision "precision 3" "$ok_account, precision: 3"
acct t-status-list.yaml schema.type "status a list" "$ok_account, status: [active]"
acct t-status-bool.yaml schema.type "status true" "$ok_account, status: true"
acct t-expire-list.yaml schema.type "expire_at a list" "$ok_account, expire_at: [2027-01-01]"
acct t-expire-int.yaml account.expire_at "expire_at 20270101" "$ok_account, expire_at: 20270101"
acct t-expire-bool.yaml schema.type "expire_at true" "$ok_account, expire_at: true"
acct t-protected-string.yaml schema.type "protected \"yes\"" "$ok_account, protected: \"yes\""
acct t-protected-list.yaml schema.type "protected a list" "$ok_account, protected: [true]"
acct t-previous-scalar.yaml schema.type "previous_names a string" "$ok_account, previous_names: B"
acct t-previous-map.yaml schema.type "previous_names a mapping" "$ok_account, previous_names: {B: 1}"
acct t-segments-scalar.yaml schema.type "segments a string" "$ok_account, segments: 123"
acct t-segments-map.yaml schema.type "segments a mapping" "$ok_account, segments: {123: x}"
acct t-segment-bool.yaml schema.type "a segment true" "$ok_account, segments: [true]"
acct t-segment-null.yaml schema.type "a segment null" "$ok_account, segments: [null]"
acct t-segment-empty.yaml schema.type "a segment \"\"" "$ok_account, segments: [\"\"]"
acct t-segment-float.yaml segment.id "a segment 1.5" "$ok_account, segments: [1.5]"
acct t-segment-inf.yaml segment.id "a segment 1e999" "$ok_account, segments: [1e999]"
acct t-segment-nan.yaml segment.id "a segment .nan" "$ok_account, segments: [.nan]"
acct t-segment-id-list.yaml schema.type "a segment id a list" "$ok_account, segments: [{id: [1]}]"
acct t-segment-name-map.yaml schema.type "a segment name a mapping" "$ok_account, segments: [{id: 1, name: {a: 1}}]"
acct t-segment-type-list.yaml schema.type "a segment type a list" "$ok_account, segments: [{id: 1, type: [x]}]"
acct t-segment-offering-int.yaml schema.type "a segment offering 1" "$ok_account, segments: [{id: 1, type: data_marketplace, offering: 1}]"
acct t-record-sync-string.yaml schema.type "record_sync \"no\"" "$ok_account, record_sync: \"no\""
acct t-raw-fields-scalar.yaml schema.type "raw_fields a string" "$ok_account, raw_fields: email"
doc t-share-segment-list.yaml 1 schema.type y "a share's segment a list" 'version: 1\naccounts: []\nmarketplace_shares:\n  - {segment: [1], buyer: B, shared_on: 2026-11-01}\n'
doc t-share-buyer-map.yaml 1 schema.type y "a share's buyer a mapping" 'version: 1\naccounts: []\nmarketplace_shares:\n  - {segment: "1", buyer: {a: 1}, shared_on: 2026-11-01}\n'
doc t-share-date-int.yaml 1 share.shared_on y "a share's date a number" 'version: 1\naccounts: []\nmarketplace_shares:\n  - {segment: "1", buyer: B, shared_on: 20261101}\n'
doc t-share-allowlisted-string.yaml 1 schema.type y "seller_allowlisted \"true\"" 'version: 1\naccounts: []\nmarketplace_shares:\n  - {segment: "1", buyer: B, shared_on: 2026-11-01, seller_allowlisted: "true"}\n'

# ---- absurd numbers that are in fact valid ------------------------------------------------
doc n-segment-huge.yaml 0 - n "a segment id of 30 digits (ids are text: valid)" "version: 1\naccounts:\n  - {$ok_account, segments: [123456789012345678901234567890]}\n"
acct t-segment-hex.yaml segment.id "a segment id 0x1F unquoted (YAML reads 31: quote it)" "$ok_account, segments: [0x1F]"
acct t-segment-zeros.yaml segment.id "a segment id 0012 unquoted (YAML reads 12: quote it)" "$ok_account, segments: [0012]"
acct t-segment-blanks.yaml segment.id "a segment id with blanks around it" "$ok_account, segments: [\" 55 \"]"
doc n-segment-hex-quoted.yaml 0 - n "a segment id \"0x1F\" quoted (that exact text: valid)" "version: 1\naccounts:\n  - {$ok_account, segments: [\"0x1F\"]}\n"
doc n-version-hex.yaml 0 - n "version 0x1 (the integer 1 in YAML 1.2: valid)" "version: 0x1\naccounts: []\n"

# ---- dates ------------------------------------------------------------------------------
for d in 0000-00-00 2026-13-01 2027-02-29 2026-04-31 2026-00-10 2026-1-1 99999-01-01 2027-06-30T00:00:00Z -2027-01-01; do
	acct "date-$d.yaml" account.expire_at "expire_at $d" "$ok_account, expire_at: \"$d\""
done
# In the past: only the plan can tell kept from set, so validate warns.
doc "date-2020-01-01.yaml" 0 - n "expire_at 2020-01-01 (in the past: a warning)" "version: 1\naccounts:\n  - {$ok_account, expire_at: \"2020-01-01\"}\n"
for d in 9999-12-31 2028-02-29; do
	doc "date-$d.yaml" 0 - n "expire_at $d (valid)" "version: 1\naccounts:\n  - {$ok_account, expire_at: $d}\n"
done
