# Test helpers. Every distributed test goes through dlops_add_mpi_test so rank counts,
# launcher flags, labels, skip conventions and environment are the same everywhere.
#
#   dlops_add_mpi_test(NAME n TARGET t NP p [ARGS ...] [LABELS ...] [BACKEND mpi|rma|nccl] [GPU]
#                      [SPEC tokens...] [VARIANT v])
#       one test "n.<backend>[.v].np<p>" running t under mpiexec with p ranks, DLOPS_SPEC=comm=<backend>
#       plus SPEC, labels: mpi np<p> <backend label> plus LABELS.
#   dlops_add_mpi_tests(NAME n TARGET t [NPS ...] [BACKENDS ...] [ARGS ...] [LABELS ...] [GPU] [EMU])
#       the above for every rank count (default DLOPS_TEST_NP = 1 2 3 4) and every host backend
#       compiled in (mpi, and rma when DLOPS_ENABLE_RMA). EMU (with DLOPS_ENABLE_EMU) registers
#       each test a second time on the emulated device: "n.<backend>.emu.np<p>", spec mem=emu,
#       label emu (the test's arrays, local operators and solvers then hold device data the host
#       cannot touch). In CUDA builds, EMU also registers "n.mpi.dev.np<p>" (NP 1 and 2, two-sided MPI),
#       spec mem=device, labels gpu and device: the suite on the CUDA memory space, skipped without
#       a usable GPU (not the examples, which are programs for users and do not skip).
#   dlops_add_serial_test(NAME n TARGET t [ARGS ...] [LABELS ...])
#       a test run without mpiexec (label unit).
#
# Tests skip by printing "[DLOPS-SKIP] reason" and exiting 77 (validation/support/dlops_test.h).

set(DLOPS_MPIEXEC_FLAGS "" CACHE STRING "Extra flags for mpiexec in tests")
execute_process(COMMAND ${MPIEXEC_EXECUTABLE} --version OUTPUT_VARIABLE _mpiexec_version ERROR_QUIET)
set(_dlops_mpiexec_extra ${DLOPS_MPIEXEC_FLAGS})
if(_mpiexec_version MATCHES "Open MPI|OpenRTE")
  # More ranks than cores are fine in tests; the environment below also lets root run them.
  list(APPEND _dlops_mpiexec_extra --oversubscribe)
endif()

set(DLOPS_TEST_ENV
  OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
  OMPI_MCA_mpi_yield_when_idle=1 OMPI_MCA_btl_vader_single_copy_mechanism=none OMPI_MCA_rmaps_base_oversubscribe=1
  PRTE_MCA_rmaps_default_mapping_policy=:oversubscribe)
if(DLOPS_SANITIZE MATCHES "address")
  # Leak detection is off: Open MPI's own allocations at MPI_Init/MPI_Finalize are reported as
  # leaks and every test program initialises MPI. AddressSanitizer's other checks (overflows,
  # use after free) and UBSan stay on, and abort the test on the first report.
  list(APPEND DLOPS_TEST_ENV ASAN_OPTIONS=detect_leaks=0)
endif()

set(DLOPS_TEST_BACKENDS mpi)
# Where validation/nccl puts the test-only GPU plugin built on the NCCL stand-in (label nccl).
set(DLOPS_NCCL_STANDIN_DIR ${PROJECT_BINARY_DIR}/nccl-standin)
if(DLOPS_ENABLE_RMA)
  list(APPEND DLOPS_TEST_BACKENDS rma)
endif()

function(dlops_add_mpi_test)
  cmake_parse_arguments(T "GPU" "NAME;TARGET;NP;BACKEND;TIMEOUT;VARIANT" "ARGS;LABELS;SPEC" ${ARGN})
  if(NOT T_BACKEND)
    set(T_BACKEND mpi)
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  if(T_VARIANT)
    set(name ${T_NAME}.${T_BACKEND}.${T_VARIANT}.np${T_NP})
  else()
    set(name ${T_NAME}.${T_BACKEND}.np${T_NP})
  endif()
  add_test(NAME ${name}
           COMMAND ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} ${T_NP} ${_dlops_mpiexec_extra} ${MPIEXEC_PREFLAGS}
                   $<TARGET_FILE:${T_TARGET}> ${MPIEXEC_POSTFLAGS} ${T_ARGS})
  if(T_BACKEND STREQUAL "mpi")
    set(blabel mpi2s)
  else()
    set(blabel ${T_BACKEND})
  endif()
  set(labels mpi np${T_NP} ${blabel} ${T_LABELS})
  if(T_GPU)
    list(APPEND labels gpu)
  endif()
  set(spec "comm=${T_BACKEND}")
  if(T_SPEC)
    string(JOIN " " spec ${spec} ${T_SPEC})
  endif()
  set_tests_properties(${name} PROPERTIES PROCESSORS ${T_NP} LABELS "${labels}" TIMEOUT ${T_TIMEOUT}
    SKIP_RETURN_CODE 77 SKIP_REGULAR_EXPRESSION "\\[DLOPS-SKIP\\]"
    ENVIRONMENT "${DLOPS_TEST_ENV};DLOPS_SPEC=${spec}")
  if(T_GPU)
    set_tests_properties(${name} PROPERTIES RESOURCE_LOCK dlops_gpu)
  endif()
endfunction()

function(dlops_add_mpi_tests)
  cmake_parse_arguments(T "GPU;EMU" "NAME;TARGET;TIMEOUT" "NPS;BACKENDS;ARGS;LABELS" ${ARGN})
  if(NOT T_NPS)
    set(T_NPS ${DLOPS_TEST_NP})
  endif()
  if(NOT T_BACKENDS)
    set(T_BACKENDS ${DLOPS_TEST_BACKENDS})
  endif()
  set(gpu)
  if(T_GPU)
    set(gpu GPU)
  endif()
  set(to)
  if(T_TIMEOUT)
    set(to TIMEOUT ${T_TIMEOUT})
  endif()
  foreach(b IN LISTS T_BACKENDS)
    foreach(np IN LISTS T_NPS)
      dlops_add_mpi_test(NAME ${T_NAME} TARGET ${T_TARGET} NP ${np} BACKEND ${b} ARGS ${T_ARGS}
                         LABELS ${T_LABELS} ${gpu} ${to})
      if(T_EMU AND DLOPS_ENABLE_EMU)
        dlops_add_mpi_test(NAME ${T_NAME} TARGET ${T_TARGET} NP ${np} BACKEND ${b} ARGS ${T_ARGS} VARIANT emu
                           SPEC mem=emu LABELS ${T_LABELS} emu ${gpu} ${to})
      endif()
      # the same suite on the CUDA memory space (labels gpu, device): two-sided MPI at NP 1-2 (one
      # GPU is enough: ranks may share it with mem=device); skipped without a usable device
      if(T_EMU AND DLOPS_ENABLE_CUDA AND b STREQUAL "mpi" AND np LESS_EQUAL 2 AND NOT "examples" IN_LIST T_LABELS)
        dlops_add_mpi_test(NAME ${T_NAME} TARGET ${T_TARGET} NP ${np} BACKEND ${b} ARGS ${T_ARGS} VARIANT dev
                           SPEC mem=device LABELS ${T_LABELS} device GPU ${to})
      endif()
      # ... and through NCCL on it at NP 1 (one GPU): the shared stream of kernels and collectives
      if(T_EMU AND DLOPS_ENABLE_NCCL AND b STREQUAL "mpi" AND np EQUAL 1 AND NOT "examples" IN_LIST T_LABELS)
        dlops_add_mpi_test(NAME ${T_NAME} TARGET ${T_TARGET} NP ${np} BACKEND nccl ARGS ${T_ARGS} VARIANT dev
                           SPEC mem=device LABELS ${T_LABELS} device GPU ${to})
      endif()
    endforeach()
  endforeach()
endfunction()

function(dlops_add_serial_test)
  cmake_parse_arguments(T "" "NAME;TARGET" "ARGS;LABELS" ${ARGN})
  add_test(NAME ${T_NAME} COMMAND $<TARGET_FILE:${T_TARGET}> ${T_ARGS})
  set_tests_properties(${T_NAME} PROPERTIES LABELS "unit;${T_LABELS}" TIMEOUT 120
    SKIP_RETURN_CODE 77 SKIP_REGULAR_EXPRESSION "\\[DLOPS-SKIP\\]" ENVIRONMENT "${DLOPS_TEST_ENV}")
endfunction()

# Parity with PyLops-MPI (label parity):
#   dlops_add_parity_tests(NAME n TARGET t SCRIPT s.py [LABELS ...] [GEN_NP 4])
# registers n_golden.* (t compares with the committed golden/ folder next to the script, always)
# and, when DLOPS_PYTHON is set, n_pylops_gen (runs `mpiexec -n GEN_NP python s.py OUTDIR` to
# write fresh references; it skips with "[DLOPS-SKIP] ..." when pylops_mpi cannot be imported)
# followed by n_live.* (t compares with those; it skips when they are missing).
function(dlops_add_parity_tests)
  cmake_parse_arguments(T "" "NAME;TARGET;SCRIPT;GEN_NP" "LABELS" ${ARGN})
  if(NOT T_GEN_NP)
    set(T_GEN_NP 4)
  endif()
  get_filename_component(_dir ${T_SCRIPT} DIRECTORY)
  dlops_add_mpi_tests(NAME ${T_NAME}_golden TARGET ${T_TARGET} LABELS parity ${T_LABELS} ARGS ${_dir}/golden EMU)
  if(NOT DLOPS_PYTHON)
    return()
  endif()
  set(_live ${CMAKE_CURRENT_BINARY_DIR}/live)
  add_test(NAME ${T_NAME}_pylops_gen
           COMMAND ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} ${T_GEN_NP} ${_dlops_mpiexec_extra} ${MPIEXEC_PREFLAGS}
                   ${DLOPS_PYTHON} ${T_SCRIPT} ${_live})
  string(JOIN ";" _labels parity ${T_LABELS} mpi np${T_GEN_NP})
  set_tests_properties(${T_NAME}_pylops_gen PROPERTIES LABELS "${_labels}" PROCESSORS ${T_GEN_NP} TIMEOUT 600
    SKIP_RETURN_CODE 77 SKIP_REGULAR_EXPRESSION "\\[DLOPS-SKIP\\]" ENVIRONMENT "${DLOPS_TEST_ENV}"
    FIXTURES_SETUP ${T_NAME}_pylops)
  dlops_add_mpi_tests(NAME ${T_NAME}_live TARGET ${T_TARGET} LABELS parity ${T_LABELS} ARGS ${_live})
  foreach(b IN LISTS DLOPS_TEST_BACKENDS)
    foreach(np IN LISTS DLOPS_TEST_NP)
      set_tests_properties(${T_NAME}_live.${b}.np${np} PROPERTIES FIXTURES_REQUIRED ${T_NAME}_pylops)
    endforeach()
  endforeach()
endfunction()
