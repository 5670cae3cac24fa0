# Driver of the checkpoint kill test (cmake -P): for each case, a first job checkpoints every 4
# iterations and is killed at iteration 10 (its last rank raises SIGKILL, so the job really ends
# there: no cleanup, no MPI_Finalize); then one job resumes every case from its checkpoint and
# compares with an uninterrupted run (test_checkpoint resume).
# Variables: MPIEXEC, NPFLAG, NP, FLAGS ("|"-separated), EXE, DIR, CASES ("|"-separated).
string(REPLACE "|" ";" flags "${FLAGS}")
string(REPLACE "|" ";" cases "${CASES}")
file(REMOVE_RECURSE "${DIR}")
file(MAKE_DIRECTORY "${DIR}")
foreach(c IN LISTS cases)
  execute_process(COMMAND ${MPIEXEC} ${NPFLAG} ${NP} ${flags} ${EXE} kill ${c} ${DIR}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 120)
  # the job must have died (a non-zero status, not a timeout) after a checkpoint was complete
  if(NOT rc MATCHES "^[0-9]+$" OR rc EQUAL 0 OR NOT out MATCHES "\\[ckpt-kill\\] iteration 10, sidecar present"
     OR out MATCHES "NOT KILLED")
    message(FATAL_ERROR "kill run of ${c}: status '${rc}'\n--- stdout\n${out}\n--- stderr\n${err}")
  endif()
  message(STATUS "${c}: killed at iteration 10 (status ${rc})")
endforeach()
execute_process(COMMAND ${MPIEXEC} ${NPFLAG} ${NP} ${flags} ${EXE} resume ${DIR} ${cases}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 300)
message("${out}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "resume run: status '${rc}'\n--- stderr\n${err}")
endif()
file(REMOVE_RECURSE "${DIR}")
