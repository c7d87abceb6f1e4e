/* The material library: a YAML file of fatigue materials (inputs/materials.yaml, described in
 * inputs/MATERIALS.md) from which a case takes a material by name (`fatigue.material: NAME`).
 * Which file: case_find_material_library; its entries are read as inline materials are
 * (case_read_fatigue_material), and errors inside it name the library file and its line.
 */
#include "case/case_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The entries of the library document read by `library`, each a fatigue material; a second
   document in the file is refused. Returns their number (*all, *lines: the materials and their
   lines; the caller frees them), or -1 after an error inside the library. */
static int read_library_entries(YamlReader *library, yaml_parser_t *parser, const char *text, FtFatigueMaterial **all, int **lines)
{
  static const char *const keys[] = {"materials", NULL};
  yaml_node_t             *root   = yaml_document_get_root_node(library->doc), *list;
  char                     cp[KEY_PATH_MAX], b[80];
  if (!root) return yr_error(library, NULL, "", "empty material library (expected a mapping with a 'materials' list)");
  if (root->type != YAML_MAPPING_NODE)
    return yr_error(library, root, "", "the material library must be a mapping with a 'materials' list, got %s",
                    yr_describe(root, b, sizeof b));
  if (yr_check_keys(library, root, "", keys) || !(list = yr_require(library, root, "", "materials", cp)) ||
      yr_expect_list(library, list, "materials"))
    return -1;
  yr_refuse_second_document(library, parser, text, "a second YAML document ('---') is not allowed in the material library");
  int n  = yr_list_length(list);
  *all   = calloc((size_t)(n ? n : 1), sizeof **all);
  *lines = calloc((size_t)(n ? n : 1), sizeof **lines);
  if (!*all || !*lines) return yr_error(library, list, "materials", "out of memory");
  for (int i = 0; i < n && !library->failed; i++) {
    yaml_node_t *entry = yr_list_item(library, list, i);
    char         ep[KEY_PATH_MAX];
    yr_index_path(ep, "materials", i);
    (*lines)[i] = (int)yr_line(entry);
    if (case_read_fatigue_material(library, entry, ep, &(*all)[i])) return -1;
    for (int j = 0; j < i; j++)
      if (!strcmp((*all)[j].name, (*all)[i].name)) {
        char np[KEY_PATH_MAX];
        yr_lookup(library, entry, ep, "name", np);
        return yr_error_at_line(library, yr_line(entry), np, "duplicate material name '%s' (also materials[%d], line %d)", (*all)[i].name,
                                j, (*lines)[j]);
      }
  }
  return library->failed ? -1 : n;
}

/* Loads `want` from the material library `lib` into *mat (*entry_line: its line there). Errors
   inside the library name the library file and line; an unknown name is reported at `material`
   (its key path `material_path`) in the case file. */
int case_load_library_material(YamlReader *reader, const MaterialLibraryRef *lib, const yaml_node_t *material, const char *material_path,
                               const char *want, FtFatigueMaterial *mat, unsigned long *entry_line)
{
  char  *text = NULL;
  size_t n    = 0;
  int    e    = yr_read_whole_file(lib->path, &text, &n);
  if (e)
    return yr_error(reader, lib->node, lib->key_path, "cannot read the material library '%s' (from %s): %s", lib->path, lib->how,
                    strerror(e));
  YamlReader library; /* messages name the library file and its lines */
  memset(&library, 0, sizeof library);
  library.file   = lib->path;
  library.err    = reader->err;
  library.errlen = reader->errlen;
  unsigned long nul_line = yr_nul_byte_line(text, n);
  if (nul_line) {
    free(text);
    yr_error_at_line(&library, nul_line, "", "the material library contains a NUL byte (not a text file?)");
    reader->failed = 1;
    return -1;
  }
  yaml_parser_t   parser;
  yaml_document_t doc;
  if (!yaml_parser_initialize(&parser)) {
    free(text);
    return yr_error(reader, material, material_path, "out of memory");
  }
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, n);
  if (!yaml_parser_load(&parser, &doc)) {
    yr_syntax_error(&library, &parser, text);
    yaml_parser_delete(&parser);
    free(text);
    reader->failed = 1;
    return -1;
  }
  library.doc              = &doc;
  FtFatigueMaterial *all   = NULL;
  int               *lines = NULL, found = -1;
  int                count = read_library_entries(&library, &parser, text, &all, &lines);
  for (int j = 0; j < count; j++)
    if (!strcmp(all[j].name, want)) found = j;
  if (count >= 0 && found < 0) {
    char list[1024] = "";
    for (int j = 0; j < count; j++) yr_append_name(list, sizeof list, all[j].name);
    if (strlen(list) == sizeof list - 1) memcpy(list + sizeof list - 4, "...", 4);
    yr_error(reader, material, material_path, "no material named '%s' in the material library %s (from %s; known: %s)", want, lib->path,
             lib->how, count ? list : "none");
  }
  if (library.failed) reader->failed = 1;
  if (!reader->failed) {
    *mat        = all[found];
    *entry_line = (unsigned long)lines[found];
  }
  free(all);
  free(lines);
  yaml_document_delete(&doc);
  yaml_parser_delete(&parser);
  free(text);
  return reader->failed ? -1 : 0;
}

/* Finds the library for a material given by name: fatigue.library, else $FTWIN_MATERIALS, else
   materials.yaml next to the case file, else the compile-time FTWIN_MATERIALS_FILE. */
int case_find_material_library(YamlReader *reader, const yaml_node_t *fatigue, const yaml_node_t *material, const char *material_path,
                                MaterialLibraryRef *lib)
{
  char         cp[KEY_PATH_MAX];
  yaml_node_t *v = yr_lookup(reader, fatigue, "fatigue", "library", cp);
  memset(lib, 0, sizeof *lib);
  if (v) {
    if (yr_read_path(reader, v, cp, lib->path)) return -1;
    strcpy(lib->key_path, cp);
    lib->how  = "fatigue.library";
    lib->node = v;
    return 0;
  }
  lib->node = material;
  strcpy(lib->key_path, material_path);
  const char *env = getenv("FTWIN_MATERIALS");
  if (env && env[0]) {
    if (strlen(env) >= sizeof lib->path)
      return yr_error(reader, material, material_path, "the environment variable FTWIN_MATERIALS is too long (at most %d characters)",
                      FT_PATH_MAX - 1);
    strcpy(lib->path, env);
    lib->how = "the environment variable FTWIN_MATERIALS";
    return 0;
  }
  int k = snprintf(lib->path, sizeof lib->path, "%smaterials.yaml", reader->dir);
  if (k > 0 && k < (int)sizeof lib->path) {
    errno   = 0;
    FILE *f = fopen(lib->path, "rb");
    if (f) {
      fclose(f);
      lib->how = "materials.yaml next to the case file";
      return 0;
    }
    if (errno != ENOENT) {
      lib->how = "materials.yaml next to the case file";
      return 0; /* exists but unreadable: case_load_library_material reports why */
    }
  }
#ifdef FTWIN_MATERIALS_FILE
  if (strlen(FTWIN_MATERIALS_FILE) < sizeof lib->path) {
    strcpy(lib->path, FTWIN_MATERIALS_FILE);
    lib->how = "the built-in default FTWIN_MATERIALS_FILE";
    return 0;
  }
#endif
  lib->path[0] = 0;
  return yr_error(reader, material, material_path,
                  "material '%s' names a library entry, but no material library was found: give fatigue.library, set FTWIN_MATERIALS, "
                  "or put materials.yaml next to the case file (%smaterials.yaml)",
                  yr_text(material), reader->dir);
}

