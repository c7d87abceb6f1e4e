/* Messages stay on one line whatever the input put into them (block scalars, a field with odd
 * bytes): line breaks, tabs and other control characters become '?' or a space. Header-only, so
 * the pure-C readers (case, sensors, histories) share it without a library. */
#ifndef FT_ONELINE_H
#define FT_ONELINE_H
static inline void FtMessageOneLine(char *s)
{
  for (; s && *s; s++) {
    const unsigned char c = (unsigned char)*s;
    if (c == '\n' || c == '\r' || c == '\t') *s = ' ';
    else if (c < 0x20 || c == 0x7f) *s = '?';
  }
}
#endif
