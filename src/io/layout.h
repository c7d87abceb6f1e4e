/* Every group and dataset of ftwin's HDF5 files, named once. README.md ("Output layout",
 * "Fatigue method", "Calibration") says what each holds, with units.
 *
 *   FT_H5_G_*   a group (absolute path)
 *   FT_H5_*     a dataset or attribute name, relative to the group its comment names
 *   FT_H5_P_*   a printf pattern of an absolute path (its arguments in the comment)
 *
 * Files that outlive the binary (the counting state, the asset state, the design basis) carry a
 * format version (FT_H5_FORMAT_VERSION attribute on their group); a reader refuses a version it
 * does not know with one message naming the file, the group and the version. */
#ifndef FT_LAYOUT_H
#define FT_LAYOUT_H

#define FT_H5_FORMAT_VERSION "format_version" /* integer attribute of a versioned group */

/* ---- every results file: root attributes and the mesh (io/output.c, fatigue/) ------------- */
#define FT_H5_CASE_FILE        "case_file" /* root: the case file's text (int8) */
#define FT_H5_G_MESH           "/mesh"
#define FT_H5_MESH             "mesh"        /* the same group, created under the root */
#define FT_H5_MESH_COORDINATES "coordinates" /* /mesh: [nodes][3] m */
#define FT_H5_MESH_TOPOLOGY    "topology"    /* /mesh: [cells][4 or 10] node indices */
#define FT_H5_MESH_REGION      "region"      /* /mesh: [cells] region tag */
#define FT_H5_MESH_RANK        "rank"        /* /mesh: [cells] owning MPI rank */
#define FT_H5_P_MESH_COORDINATES "/mesh/coordinates"
#define FT_H5_P_MESH_TOPOLOGY    "/mesh/topology"
#define FT_H5_P_MESH_REGION      "/mesh/region"

/* ---- `ftwin run` results (io/output.c) ------------------------------------------------------ */
#define FT_H5_THERMAL          "thermal"     /* root group: one group per thermal case */
#define FT_H5_TEMPERATURE      "temperature" /* /thermal/<case>: [nodes] K */
#define FT_H5_LOAD_CASES       "load_cases"  /* root group: one group per load case */
#define FT_H5_DISPLACEMENT     "displacement"   /* /load_cases/<case>: [nodes][3] m */
#define FT_H5_STRESS           "stress"         /* /load_cases/<case>: [nodes][6] Pa, Voigt xx yy zz yz xz xy */
#define FT_H5_VON_MISES        "von_mises"      /* /load_cases/<case>: [nodes] Pa */
#define FT_H5_PRINCIPAL        "principal"      /* /load_cases/<case>: [nodes][3] Pa */
#define FT_H5_STRESS_CELL      "stress_cell"    /* /load_cases/<case>: [cells][6] Pa */
#define FT_H5_VON_MISES_CELL   "von_mises_cell" /* /load_cases/<case>: [cells] Pa */
#define FT_H5_P_LOAD_CASE_FIELD  "/load_cases/%s/%s"       /* load case, field */
#define FT_H5_P_LOAD_CASE_STRESS "/load_cases/%s/stress"   /* load case */
#define FT_H5_P_TEMPERATURE      "/thermal/%s/temperature" /* thermal case */

/* ---- fatigue results and the counting state (fatigue/) -------------------------------------- */

/* ---- the design basis file (fleet/) ---------------------------------------------------------- */

/* ---- calibration results and the asset state (assim/, fleet/) ------------------------------- */

/* ---- inputs: load histories and sensor data in HDF5 (fatigue/history.c, sensors/) ------------ */
#define FT_H5_G_HISTORY  "/history"    /* a load history file: one dataset per channel, and time */
#define FT_H5_P_HISTORY  "/history/%s" /* channel or time column */
#define FT_H5_P_SENSORS  "/sensors/%s" /* a sensor data file: sensor id or time column */
#endif
