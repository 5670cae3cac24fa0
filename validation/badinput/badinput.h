/* Framework of the hostile bad-input suite (issue 10). Each case is a table entry
 *   {name, entry point, bad argument, which rank gets it, expected code, function}
 * and the runner executes every case in ONE MPI job:
 *   - the case function runs on every rank (bad = 1 where the bad input is passed, 0 elsewhere);
 *     LOCAL cases (non-collective calls) run on rank size-1 only, the other ranks do not call;
 *   - every rank's return code is gathered (MPI_Allgather on MPI_COMM_WORLD) and must equal the
 *     expected code on every rank (LOCAL: on rank size-1; the others report 0);
 *   - the fixture arrays (and the buffers a case watches itself) must be unchanged;
 *   - a health collective (a dot on the world context) must then succeed on every rank with the
 *     same value;
 *   - a watchdog (alarm) names a case that hangs and exits 3; a crash handler names a case that
 *     crashes, prints a backtrace and re-raises the signal.
 * Usage: test_badinput [case-substring] | --list | --list-markdown
 * Environment: DLOPS_BADINPUT_SKIP=name1,name2 (exact names) skips cases;
 *              DLOPS_BADINPUT_TIMEOUT=seconds (default 20) sets the watchdog. */
#ifndef DLOPS_BADINPUT_H
#define DLOPS_BADINPUT_H

#include "dlops_test.h"

enum { M_ALL = 0, M_LAST = 1, M_FIRST = 2, M_LOCAL = 3 };
#define F_HOSTONLY 1 /* only meaningful when the test context holds host memory */
#define NOALT (-1)
#define SAME (-1)
#define WRONG_RESULT 100 /* a case returns this when the call succeeded with a wrong answer */

typedef struct {
  const char *name;
  const char *entry;
  const char *arg;
  int mode;
  int code;    /* expected code */
  int alt;     /* an accepted alternative code (the same on every rank), or NOALT */
  int code_p1; /* expected code at one rank, or SAME */
  int flags;
  int (*fn)(int bad);
} bcase;

#define CASE(nm) static int c_##nm(int bad __attribute__((unused)))
#define B(good, badv) (bad ? (badv) : (good))

#define ARG DLOPS_ERR_ARG
#define SIZE DLOPS_ERR_SIZE
#define STATE DLOPS_ERR_STATE
#define UNSUP DLOPS_ERR_UNSUPPORTED
#define OK DLOPS_SUCCESS
/* table entries: E(name, entry point, bad argument, mode, code); EX(..., alt, code at 1 rank, flags) */
#define E(nm, entry, arg, mode, code) {#nm, entry, arg, mode, code, NOALT, SAME, 0, c_##nm}
#define EX(nm, entry, arg, mode, code, alt, p1, flags) {#nm, entry, arg, mode, code, alt, p1, flags, c_##nm}

#endif
