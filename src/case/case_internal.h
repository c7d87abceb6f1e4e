/* The case parser's sections, internal to src/case: case.c reads the top-level keys and calls
 * these in a fixed order (see the top of case.c), so that each section can check its references
 * to the sections read before it. Each returns 0, or -1 after reporting the first error through
 * the YamlReader (yaml_read.h); on error the partly filled FtCase is freed by FtCaseFree.
 */
#ifndef FT_CASE_INTERNAL_H
#define FT_CASE_INTERNAL_H

#include "case/case.h"
#include "case/yaml_read.h"

/* section_fe.c: the finite-element sections */
int case_read_mesh(YamlReader *reader, const yaml_node_t *m, FtCase *c);
int case_read_materials(YamlReader *reader, const yaml_node_t *s, FtCase *c);
int case_read_thermal(YamlReader *reader, const yaml_node_t *s, FtCase *c);
int case_read_mechanical(YamlReader *reader, const yaml_node_t *m, FtCase *c); /* after materials, thermal */
int case_read_output(YamlReader *reader, const yaml_node_t *m, FtCase *c);
int case_read_solver(YamlReader *reader, const yaml_node_t *m, FtCase *c);
/* A load case named by the node (a fatigue channel's, a load_scale parameter's): its index in
   c->loads, else an error that lists the load cases. */
int case_read_load_case_name(YamlReader *reader, const yaml_node_t *n, const char *path, const FtCase *c, int *index);

/* section_fatigue.c: the fatigue section (after mechanical and output) */
int case_read_fatigue(YamlReader *reader, const yaml_node_t *m, FtCase *c);
/* A fatigue material mapping: inline in the case, or an entry of a material library. */
int case_read_fatigue_material(YamlReader *reader, const yaml_node_t *m, const char *path, FtFatigueMaterial *mat);

/* material_library.c: where a material given by name comes from */
typedef struct {
  char               path[FT_PATH_MAX];
  const char        *how;  /* "fatigue.library", "the environment variable FTWIN_MATERIALS", ... */
  const yaml_node_t *node; /* where in the case file to report that the library cannot be read */
  char               key_path[KEY_PATH_MAX]; /* that node's key path */
} MaterialLibraryRef;
/* The library for the material named at `material` (key path `material_path`) of the fatigue
   mapping `fatigue`: fatigue.library, else $FTWIN_MATERIALS, else materials.yaml next to the case
   file, else the compile-time FTWIN_MATERIALS_FILE. */
int case_find_material_library(YamlReader *reader, const yaml_node_t *fatigue, const yaml_node_t *material, const char *material_path,
                               MaterialLibraryRef *lib);
/* The entry named `want` of that library (*entry_line: its line in the library file). */
int case_load_library_material(YamlReader *reader, const MaterialLibraryRef *lib, const yaml_node_t *material, const char *material_path,
                               const char *want, FtFatigueMaterial *mat, unsigned long *entry_line);

/* section_sensors.c, section_calibration.c (in this order, after fatigue) */
int case_read_sensors(YamlReader *reader, const yaml_node_t *m, FtCase *c);
int case_read_calibration(YamlReader *reader, const yaml_node_t *m, FtCase *c);

#endif
