#include "util/csv.h"

#include <string.h>

int FtCsvSplit(char *line, char **fields, int cap)
{
  int   n = 0;
  char *p = line;
  for (;;) {
    char *q = strchr(p, ',');
    if (q) *q = 0;
    while (*p == ' ' || *p == '\t') p++;
    char *e = p + strlen(p);
    while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n')) *--e = 0;
    if (n < cap) fields[n] = p;
    n++;
    if (!q) break;
    p = q + 1;
  }
  return n;
}

int FtCsvSkippedLine(const char *line)
{
  const char *p = line + strspn(line, " \t");
  return *p == '#' || p[strspn(p, " \t\r\n")] == 0;
}

char *FtCsvSkipBom(char *line)
{
  return (unsigned char)line[0] == 0xEF && (unsigned char)line[1] == 0xBB && (unsigned char)line[2] == 0xBF ? line + 3 : line;
}
