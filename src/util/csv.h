/* The numeric CSV dialect of ftwin's sensor and load-history files: comma-separated fields, no
 * quoting, blanks around fields ignored, LF or CRLF line ends, '#' comment lines, and a UTF-8
 * byte-order mark before the header accepted (Excel's "CSV UTF-8"). Pure C. */
#ifndef FT_CSV_H
#define FT_CSV_H

/* Splits `line` in place at commas, trimming blanks and the line end; stores at most `cap`
 * field pointers and returns the number of fields found (which may exceed cap). */
int FtCsvSplit(char *line, char **fields, int cap);
/* 1 for a line that carries no data: blank, or a comment (first non-blank character '#'). */
int FtCsvSkippedLine(const char *line);
/* `line` past a UTF-8 byte-order mark (EF BB BF), if it starts with one. */
char *FtCsvSkipBom(char *line);
#endif
