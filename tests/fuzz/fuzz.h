/*
 * Fuzz targets: each tests/fuzz/fuzz_NAME.c defines LLVMFuzzerTestOneInput
 * for one parser of untrusted input. `make fuzz` links them with libFuzzer
 * (clang, ASan + UBSan) and runs each for a set time on its corpus;
 * `make test` links them with replay.c and runs every committed corpus
 * file through them, so a crash found once stays fixed.
 */
#ifndef RECONCILER_TESTS_FUZZ_H
#define RECONCILER_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
