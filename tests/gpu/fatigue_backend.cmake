# The fatigue engine end to end with --backend cuda against --backend cpu (docs/gpu-fatigue.md):
# `ftwin fatigue` for three equivalent stresses, its fast mode, an incremental continuation in two
# runs, the refusal of superposition: gemm, and `ftwin asset` (the fatigue stage and the life band)
# from a design basis. Equal results: bit for bit in CPU emulation, damage within 1e-13 relative on
# a GPU. Exits 77 (skipped) unless `ftwin info` reports the CUDA emulation or a CUDA device.
add_test(NAME gpu.fatigue_backend
  COMMAND ${FTWIN_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/fatigue_backend.py ${FTWIN_BIN} "${FTWIN_MPIRUN}" ${FTWIN_TEST_OUT}/gpu/fatigue_backend)
set_tests_properties(gpu.fatigue_backend PROPERTIES LABELS "gpu;fatigue;e2e" SKIP_RETURN_CODE 77 PROCESSORS 2 TIMEOUT 1200)
