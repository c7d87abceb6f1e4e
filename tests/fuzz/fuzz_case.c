/* Fuzzes the case-file parser (YAML -> FtCase, with the material library, expressions and every
 * section's checks): any input must give a case or one error message, never a crash or a leak. */
#include "case/case.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char  *text = FuzzText(data, size);
  char   err[1024] = "";
  FtCase c;
  int    rc = FtCaseParseBytes("/tmp/fuzz-case.yaml", text, size, &c, err, sizeof err);
  FuzzCheckMessage(rc, err);
  if (!rc) FtCaseFree(&c);
  free(text);
  return 0;
}
