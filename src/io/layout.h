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
/* results file of `ftwin fatigue` (and the /fatigue group of an asset file); README.md "Fatigue
 * method" and docs/fatigue.md say what each holds */
#define FT_H5_G_FATIGUE           "/fatigue"
#define FT_H5_FATIGUE             "fatigue"              /* the same group, created under the root */
#define FT_H5_FAT_DAMAGE          "damage"               /* /fatigue: [nodes] damage per history */
#define FT_H5_FAT_LIFE_HOURS      "life_hours"           /* /fatigue: [nodes] h */
#define FT_H5_FAT_REMAINING_HOURS "remaining_life_hours" /* /fatigue: [nodes] h (1 - prior_damage left) */
#define FT_H5_FAT_WORST_RANGE     "worst_range"          /* /fatigue: [nodes] Pa, largest equivalent-stress range */
#define FT_H5_FAT_CYCLES          "cycles"               /* /fatigue: [nodes] counted cycles (half cycles 0.5) */
#define FT_H5_FAT_CRITICAL        "critical_channel"     /* /fatigue: [nodes] equivalent-stress channel (plane) of the damage */
#define FT_H5_FAT_SCREENED        "screened"             /* /fatigue: [nodes] u8, 1 = not counted in this run (node screening: damage exactly 0) */
#define FT_H5_FAT_SCREENED_NODES  "screened_nodes"       /* /fatigue attribute: how many (i64) */
#define FT_H5_FAT_COUNTING_FLAGS  "counting_flags"       /* /fatigue: [nodes] i32, bit 1: count approximate (residue overflow), bit 2: NaN samples skipped */
#define FT_H5_P_FATIGUE_FIELD     "/fatigue/%s"          /* a field above */
#define FT_H5_HOT_SPOTS           "hot_spots"            /* /fatigue group: the worst nodes, worst first */
#define FT_H5_HS_NODE             "node"                 /* hot_spots: [hot] global node index */
#define FT_H5_HS_POSITION         "position"             /* hot_spots: [hot][3] m */
#define FT_H5_HS_REGION           "region"               /* hot_spots: [hot] region tag (-1 none) */
#define FT_H5_HS_DAMAGE           "damage"               /* hot_spots: [hot] */
#define FT_H5_HS_LIFE_HOURS       "life_hours"           /* hot_spots: [hot] h */
#define FT_H5_HS_REMAINING_HOURS  "remaining_life_hours" /* hot_spots: [hot] h */
#define FT_H5_HS_WORST_RANGE      "worst_range"          /* hot_spots: [hot] Pa */
#define FT_H5_HS_DOMINANT         "dominant_channel"     /* hot_spots: [hot] load channel */
#define FT_H5_HS_CHANNEL_DAMAGE   "channel_damage"       /* hot_spots: [hot][channels] damage with one channel acting */
#define FT_H5_HOT_SPOT_HISTOGRAM  "hot_spot_histogram"   /* /fatigue group */
#define FT_H5_HH_COUNTS           "counts"               /* hot_spot_histogram: [range bins][mean bins] cycles */
#define FT_H5_HH_RANGE_EDGES      "range_edges"          /* hot_spot_histogram: [range bins + 1] Pa */
#define FT_H5_HH_MEAN_EDGES       "mean_edges"           /* hot_spot_histogram: [mean bins + 1] Pa */
/* attributes a later run reads back: /fatigue's, and the root's basis_file */
#define FT_H5_FAT_SETTINGS        "settings"        /* /fatigue: the settings line (FtFatigueSettings) */
#define FT_H5_FAT_FIRST_TIME      "first_time"      /* /fatigue: s, first sample counted */
#define FT_H5_FAT_LAST_TIME       "last_time"       /* /fatigue: s, last sample counted */
#define FT_H5_FAT_SAMPLES         "samples_counted" /* /fatigue: long */
#define FT_H5_FAT_INTERRUPTED     "interrupted"     /* /fatigue: int, 1 after a stop signal */
#define FT_H5_BASIS_FILE          "basis_file"      /* root: the basis the file was counted on */
#define FT_H5_REGION_NAMES        "region_names"    /* root: comma-separated region names */
/* The counting state (format_version 1; docs/fatigue.md): one row per counted signal s = node *
 * signals + channel (signals: the equivalent stress's channels, attribute `signals`), rows of every
 * node of the results file. FtRainflowState (kernels/ft_rainflow.h) and FtDamageAcc (kernels/ft_sn.h),
 * member by member. */
#define FT_H5_G_COUNTING_STATE     "/fatigue/counting_state"
#define FT_H5_COUNTING_STATE       "counting_state"     /* the same group, created under /fatigue */
#define FT_H5_CS_VERSION           3                    /* its FT_H5_FORMAT_VERSION (2: + spill_length, spill; 3: + counted, load_min,
                                                           load_max, load_record (node screening); 1 and 2 are still read) */
#define FT_H5_CS_SIGNALS           "signals"            /* attribute: equivalent-stress channels per node */
#define FT_H5_CS_MAX_RESIDUE       "max_residue"        /* attribute: FT_RF_MAX_RESIDUE, the width of `residue` */
#define FT_H5_CS_GATE              "gate"               /* [rows] f64 Pa: FtReversalFilter.gate */
#define FT_H5_CS_CANDIDATE         "candidate"          /* [rows] f64 Pa: .cand, pending extreme */
#define FT_H5_CS_LOW               "low"                /* [rows] f64 Pa: .lo */
#define FT_H5_CS_HIGH              "high"               /* [rows] f64 Pa: .hi */
#define FT_H5_CS_DIRECTION         "direction"          /* [rows] i32: .dir, -1, 0 or +1 */
#define FT_H5_CS_STARTED           "started"            /* [rows] i32: .started, 0 or 1 */
#define FT_H5_CS_REVERSALS         "reversals"          /* [rows] i64: FtRainflowState.nrev */
#define FT_H5_CS_RAINFLOW_FLAGS    "rainflow_flags"     /* [rows] u32: .flags, FT_RF_ERR_* */
#define FT_H5_CS_RESIDUE_LENGTH    "residue_length"     /* [rows] i32: .n */
#define FT_H5_CS_RESIDUE           "residue"            /* [rows][max_residue] f64 Pa: .res (first residue_length live) */
#define FT_H5_CS_SPILL_LENGTH      "spill_length"       /* [rows] i64: FtRfSpill.n, the older residue points of the row (v2) */
#define FT_H5_CS_SPILL             "spill"              /* [sum spill_length] f64 Pa: the rows' spills concatenated in row order, each oldest first (v2) */
#define FT_H5_CS_COUNTED           "counted"            /* [nodes] u8: 1 = the node's rows hold its count of every sample so far, 0 = screened so far (rows empty) (v3) */
#define FT_H5_CS_LOAD_MIN          "load_min"           /* [channels] f64: smallest load multiplier counted so far (NaN: unknown, v3) */
#define FT_H5_CS_LOAD_MAX          "load_max"           /* [channels] f64: largest (v3) */
#define FT_H5_CS_LOAD_RECORD       "load_record"        /* [samples][channels] f64: every load counted so far, only while a node is screened (v3) */
#define FT_H5_CS_DAMAGE            "damage"             /* [rows] f64: FtDamageAcc.damage */
#define FT_H5_CS_COMPENSATION      "compensation"       /* [rows] f64: .comp, Neumaier compensation */
#define FT_H5_CS_CYCLES            "cycles"             /* [rows] f64: .cycles */
#define FT_H5_CS_MAX_RANGE         "max_range"          /* [rows] f64 Pa: .max_range */
#define FT_H5_CS_INVALID_CYCLES    "invalid_cycles"     /* [rows] f64: .invalid_cycles */
#define FT_H5_CS_DAMAGE_FLAGS      "damage_flags"       /* [rows] u32: .flags */
#define FT_H5_CS_ERROR_CODE        "error_code"         /* [rows] i32: .err_code, FT_FAT_* */
#define FT_H5_CS_ERROR_AMPLITUDE   "error_amplitude"    /* [rows] f64 Pa: .err_amp */
#define FT_H5_CS_ERROR_MEAN        "error_mean"         /* [rows] f64 Pa: .err_mean */
/* the raw-struct state of ftwin before format_version 1 (recognised only to refuse it) */
#define FT_H5_P_OLD_RAINFLOW_STATE "/fatigue/rainflow_state"

/* ---- the provenance record of every output (io/seal.c; docs/provenance.md) -------------------- */
#define FT_H5_G_PROVENANCE       "/provenance"
#define FT_H5_PROVENANCE         "provenance"          /* the same group, under the root; not part of the results digest */
#define FT_H5_PROVENANCE_FORMAT  1                     /* its FT_H5_FORMAT_VERSION */
#define FT_H5_PROV_RUN_COUNT     "run_count"           /* /provenance attribute: int, the number of the last run record */
#define FT_H5_PROV_LAST          "last_record_sha256"  /* /provenance attribute: the last record's sha256 (hex) */
#define FT_H5_PROV_OBJECTS       "objects"             /* /provenance: [objects] "<sha256 hex>  <path>" of every other object */
#define FT_H5_G_PROVENANCE_RUNS  "/provenance/runs"
#define FT_H5_PROV_RUNS_GROUP    "runs"                /* the same group, under /provenance: one group per run */
#define FT_H5_PROV_RUN_NAME      "run_%06d"            /* a run record's group (run number from 1) */
#define FT_H5_PROV_RECORD        "record"              /* run record attribute: its text (docs/provenance.md) */
#define FT_H5_PROV_SHA256        "sha256"              /* run record attribute: the SHA-256 of the text (hex) */

/* ---- the design basis file (fleet/) ---------------------------------------------------------- */
/* `ftwin basis` output: the `ftwin run` layout of the unit load cases at the priors, plus /basis */
#define FT_H5_G_BASIS                   "/basis"
#define FT_H5_BASIS                     "basis"    /* the same group, created under the root */
#define FT_H5_BASIS_FORMAT               1         /* FT_H5_FORMAT_VERSION of /basis this ftwin writes and reads */
#define FT_H5_BASIS_DESIGN_HASH         "design_hash"  /* /basis attribute: FtCaseDesignHash, %016llx */
#define FT_H5_BASIS_MESH_HASH           "mesh_hash"    /* /basis attribute: FtMeshFileHash, %016llx */
#define FT_H5_BASIS_PARAMETERS          "parameters"   /* /basis attribute: parameter names, comma-separated */
#define FT_H5_BASIS_METHOD              "method"       /* /basis attribute */
#define FT_H5_BASIS_THETA_LIN           "theta_lin"            /* /basis: [np] linearisation point */
#define FT_H5_BASIS_DELTA               "delta"                /* /basis: [np] forward-difference steps */
#define FT_H5_BASIS_RESPONSE            "response"             /* /basis: [ns][nl] sensor responses, SI */
#define FT_H5_BASIS_RESPONSE_SENSITIVITY "response_sensitivity" /* /basis: [np][ns*nl] d response / d theta_j */
#define FT_H5_BASIS_STRESS_SENSITIVITY  "stress_sensitivity_%d_%d" /* /basis: [nodes][6] Pa per unit theta_j; parameter j, load case l */
#define FT_H5_P_BASIS_THETA_LIN            "/basis/theta_lin"
#define FT_H5_P_BASIS_DELTA                "/basis/delta"
#define FT_H5_P_BASIS_RESPONSE             "/basis/response"
#define FT_H5_P_BASIS_RESPONSE_SENSITIVITY "/basis/response_sensitivity"
#define FT_H5_P_BASIS_STRESS_SENSITIVITY   "/basis/stress_sensitivity_%d_%d" /* parameter j, load case l */

/* ---- calibration results and the asset state (assim/, fleet/) ------------------------------- */
#define FT_H5_G_CALIBRATION     "/calibration"
#define FT_H5_CALIBRATION       "calibration"     /* the same group, created under the root of the asset file */
#define FT_H5_CAL_PARAMETERS    "parameters"      /* /calibration group: names, value, std, covariance, prior, bounds */
#define FT_H5_CAL_SENSORS       "sensors"         /* /calibration group: per-sensor checks, measured, predicted, flag */
#define FT_H5_CAL_LOADS         "loads"           /* /calibration group: time, values, std of the identified loads */
#define FT_H5_CAL_IDENTIFIABILITY "identifiability" /* /calibration group: rank, condition, singular_values */
#define FT_H5_CAL_LIFE          "life"            /* /calibration group: the life band */
#define FT_H5_CAL_VALUE         "value"           /* parameters: [np] */
#define FT_H5_CAL_STD           "std"             /* parameters: [np]; loads: [steps][nk] */
#define FT_H5_CAL_COVARIANCE    "covariance"      /* parameters, state: [np][np] */
#define FT_H5_CAL_STD_GN        "std_gauss_newton" /* parameters: [np] sd by (J^T J)^-1 (NaN: held) */
#define FT_H5_CAL_STD_SANDWICH  "std_sandwich"    /* parameters: [np] sd by the sandwich (NaN: held) */
#define FT_H5_CAL_PRIOR         "prior"           /* parameters: [np] */
#define FT_H5_CAL_PRIOR_SIGMA   "prior_sigma"     /* parameters: [np] */
#define FT_H5_CAL_LOWER         "lower"           /* parameters: [np] */
#define FT_H5_CAL_UPPER         "upper"           /* parameters: [np] */
#define FT_H5_CAL_LIN_POINT     "linearisation_point" /* parameters: [np] */
#define FT_H5_CAL_RMS_BEFORE    "residual_rms_before" /* sensors: [ns] */
#define FT_H5_CAL_RMS_AFTER     "residual_rms_after"  /* sensors: [ns] */
#define FT_H5_CAL_DROPPED       "dropped"         /* sensors: [ns] */
#define FT_H5_CAL_BAD_FRACTION  "bad_fraction"    /* sensors: [ns] */
#define FT_H5_CAL_FLAG_COUNTS   "flag_counts"     /* sensors: [ns][flags] */
#define FT_H5_CAL_NOISE         "noise"           /* sensors: [ns] */
#define FT_H5_CAL_RESPONSE      "response_at_linearisation_point" /* sensors: [ns][nl] */
#define FT_H5_CAL_OUTLIERS      "outliers"        /* sensors: [ns] */
#define FT_H5_CAL_MEASURED      "measured"        /* sensors: [steps][ns] */
#define FT_H5_CAL_PREDICTED     "predicted"       /* sensors: [steps][ns] */
#define FT_H5_CAL_FLAG          "flag"            /* sensors: [steps][ns] uint8 */
#define FT_H5_CAL_TIME          "time"            /* loads: [steps] s */
#define FT_H5_CAL_VALUES        "values"          /* loads: [steps][nk] */
#define FT_H5_CAL_SINGULAR_VALUES "singular_values" /* identifiability: [nk] */
#define FT_H5_CAL_LIFE_SAMPLES  "samples_hours"   /* life: [ensemble] h (reflected; raw: the samples' own) */
#define FT_H5_CAL_LIFE_SAMPLES_RAW "samples_raw_hours" /* life: [ensemble] h, the samples' own lives */
/* the asset state: what the next `ftwin asset` run continues */
#define FT_H5_G_ASSET_STATE     "/calibration/state"
#define FT_H5_ASSET_STATE       "state"           /* the same group, created under /calibration */
#define FT_H5_ASSET_STATE_FORMAT 1                /* FT_H5_FORMAT_VERSION of /calibration/state this ftwin writes and reads */
#define FT_H5_STATE_PROCESSED_UNTIL "processed_until" /* attribute: last judged time [s] */
#define FT_H5_STATE_RUNS        "runs"            /* attribute */
#define FT_H5_STATE_FITTED_RUNS "fitted_runs"     /* attribute */
#define FT_H5_STATE_RELINEARISED "relinearised"   /* attribute: counted on the asset's own basis (0/1) */
#define FT_H5_STATE_DESIGN_HASH "design_hash"     /* attribute: %016llx */
#define FT_H5_STATE_COUNTING_BASIS "counting_basis" /* attribute: the basis file the counting is on */
#define FT_H5_STATE_THETA       "theta"           /* [np] */
#define FT_H5_STATE_COVARIANCE  "covariance"      /* [np][np] */
#define FT_H5_STATE_SCREEN_MEDIAN "screen_median" /* [ns] */
#define FT_H5_STATE_SCREEN_SCALE "screen_scale"   /* [ns] */
#define FT_H5_STATE_LOAD_MEDIAN_STD "load_median_std" /* [nk] */
#define FT_H5_STATE_BASIS_THETA_LIN "basis_theta_lin" /* [np] */
#define FT_H5_STATE_LOG         "log"             /* [runs][4 + np] */
/* per run, after it: the worst node's damage counted so far (per history, /fatigue/damage's largest)
 * and that node; NaN and -1 for runs of a file written before these were kept (format 1 all the same:
 * optional datasets, a reader of format 1 that does not know them ignores them) */
#define FT_H5_STATE_DAMAGE_LOG  "damage_log"      /* [runs] */
#define FT_H5_STATE_HOT_NODE_LOG "hot_node_log"   /* [runs] i64 global node index */
#define FT_H5_P_STATE_DAMAGE_LOG      "/calibration/state/damage_log"
#define FT_H5_P_STATE_HOT_NODE_LOG    "/calibration/state/hot_node_log"
#define FT_H5_P_STATE_THETA           "/calibration/state/theta"
#define FT_H5_P_STATE_COVARIANCE      "/calibration/state/covariance"
#define FT_H5_P_STATE_SCREEN_MEDIAN   "/calibration/state/screen_median"
#define FT_H5_P_STATE_SCREEN_SCALE    "/calibration/state/screen_scale"
#define FT_H5_P_STATE_LOAD_MEDIAN_STD "/calibration/state/load_median_std"
#define FT_H5_P_STATE_BASIS_THETA_LIN "/calibration/state/basis_theta_lin"
#define FT_H5_P_STATE_LOG             "/calibration/state/log"

/* ---- inputs: load histories and sensor data in HDF5 (fatigue/history.c, sensors/) ------------ */
#define FT_H5_G_HISTORY  "/history"    /* a load history file: one dataset per channel, and time */
#define FT_H5_P_HISTORY  "/history/%s" /* channel or time column */
#define FT_H5_P_SENSORS  "/sensors/%s" /* a sensor data file: sensor id or time column */
#endif
