/*
 * fuzz: what the fuzz targets share: libFuzzer's entry point, and the
 * fuzzer's input as a file for the loaders of lib/ that read a path.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Each target's test of one input; libFuzzer calls it. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Make the SIZE bytes at DATA the content of the file "hx.json" (the name
 * hx_project_load reads) in a directory of this process's own, and return
 * the file's path.  Aborts when it cannot: the fuzzer must not go on.
 */
const char *fuzz_file(const uint8_t *data, size_t size);

/* The directory that holds the file. */
const char *fuzz_file_dir(void);

#endif
