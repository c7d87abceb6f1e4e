/* Shared by the libFuzzer harnesses: the fuzz input written to a private temporary file (for
 * readers that take a path). Each harness is built with -fsanitize=fuzzer,address,undefined. */
#ifndef FT_FUZZ_COMMON_H
#define FT_FUZZ_COMMON_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Writes data to /tmp/ftwin-fuzz-<pid>.<ext> (one file per process, rewritten each input). */
static inline const char *FuzzFile(const uint8_t *data, size_t size, const char *ext)
{
  static char path[128];
  snprintf(path, sizeof path, "/tmp/ftwin-fuzz-%ld.%s", (long)getpid(), ext);
  FILE *f = fopen(path, "wb");
  if (!f) abort();
  if (size && fwrite(data, 1, size, f) != size) abort();
  fclose(f);
  return path;
}

/* A NUL-terminated copy of the input (caller frees). */
static inline char *FuzzText(const uint8_t *data, size_t size)
{
  char *t = malloc(size + 1);
  if (!t) abort();
  memcpy(t, data, size);
  t[size] = 0;
  return t;
}

/* A reader's contract on failure: a one-line message. */
static inline void FuzzCheckMessage(int rc, const char *err)
{
  if (rc && (!err[0] || strpbrk(err, "\n\r"))) {
    fprintf(stderr, "reader failed without a one-line message: '%s'\n", err);
    abort();
  }
}
#endif
