/* Fuzzes the load-history CSV reader (src/fatigue/history.c) with two channels F and T: a history
 * is read (time strictly increasing, every value finite) or refused with one message. */
#include "fuzz_common.h"
#include "fuzz_readers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  FtFatigueChannel ch[2];
  FtFatigueCase    f;
  FtHistory        h;
  char             err[1024] = "";
  FuzzHistoryCase(&f, ch, FuzzFile(data, size, "csv"));
  int rc = FtHistoryReadCSV(&f, &h, err, sizeof err);
  FuzzCheckMessage(rc, err);
  if (!rc) {
    FuzzCheckHistory(&h);
    FtHistoryFree(&h);
  }
  return 0;
}
