/* Fuzzes the load-history CSV reader (src/fatigue/history.c) with two channels F and T: a history
 * is read (time strictly increasing, every value finite) or refused with one message. */
#include <math.h>

#include "fatigue/history.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  FtFatigueChannel ch[2];
  FtFatigueCase    f;
  FtHistory        h;
  char             err[1024] = "";
  memset(&f, 0, sizeof f);
  memset(ch, 0, sizeof ch);
  snprintf(ch[0].name, sizeof ch[0].name, "F");
  snprintf(ch[1].name, sizeof ch[1].name, "T");
  ch[0].scale = ch[1].scale = 1;
  f.channels  = ch;
  f.nchannels = 2;
  snprintf(f.history, sizeof f.history, "%s", FuzzFile(data, size, "csv"));
  int rc = FtHistoryReadCSV(&f, &h, err, sizeof err);
  FuzzCheckMessage(rc, err);
  if (!rc) {
    for (long t = 0; t < h.nsteps; t++) {
      if (!isfinite(h.time[t]) || (t && !(h.time[t] > h.time[t - 1]))) abort();
      for (int k = 0; k < h.nchan; k++)
        if (!isfinite(h.L[(size_t)t * h.nchan + k])) abort();
    }
    FtHistoryFree(&h);
  }
  return 0;
}
