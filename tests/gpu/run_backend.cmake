# gpu.run_backend: `ftwin run --backend cuda` against `--backend cpu` on a case with a thermal field
# (P1 and P2; conduction, stiffness and stress kernels through the backend table; also with chunks
# capped at 5 elements): bit-identical in CUDA emulation, 1e-8 relative on a real GPU (direct
# solves; tests/gpu/backend_agree.py says why). Skipped (77) where the cuda backend cannot run.
add_test(NAME gpu.run_backend
  COMMAND ${FTWIN_PYTHON} ${CMAKE_SOURCE_DIR}/tests/gpu/backend_agree.py --ftwin ${FTWIN_BIN}
          --source ${CMAKE_SOURCE_DIR} --mpirun "${FTWIN_MPIRUN}" --out ${FTWIN_TEST_OUT}/gpu/run_backend)
set_tests_properties(gpu.run_backend PROPERTIES LABELS "gpu;e2e;mpi" PROCESSORS 2 SKIP_RETURN_CODE 77 TIMEOUT 900)
