/** @file
 * dlops/options.h: application options from the command line and the environment, in the
 * spirit of PETSc's options database: key=value tokens, typed getters with defaults and
 * descriptions, a -help listing of the options the program asked for, and a report of the
 * options given but never asked for (PETSc's -options_left). Included by dlops.h.
 *
 * Tokens are "key=value" (a leading "-" or "--" on the key is dropped: -niter=10 is niter=10);
 * "help", "-help", "--help" and "-h" ask for the listing; any other token without '=' is a
 * positional argument (dlops_options_get_positional). Options are local: nothing here
 * communicates, and every rank reads its own argv and environment (MPI launchers give every rank
 * the same ones). Keys are case-sensitive; a key given twice keeps its last value, the command
 * line after the environment. */
#ifndef DLOPS_OPTIONS_H
#define DLOPS_OPTIONS_H

#include "base.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An options database (opaque). */
typedef struct dlops_options_s *dlops_options;

/** Create an options database from the environment variable env_var (tokens separated by
 *  spaces, tabs, newlines, commas or semicolons; NULL or unset: none) and then argv[1..argc-1]
 *  (argv[0], the program, is skipped; the command line wins over the environment). Not
 *  collective, no MPI.
 *  @param[in]  argc     number of entries of argv (0: none)
 *  @param[in]  argv     the program's arguments (may be NULL when argc is 0); copied
 *  @param[in]  env_var  name of an environment variable holding more tokens, or NULL
 *  @param[out] opts     the new database (NULL on failure)
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG for a NULL opts, a negative argc, a NULL argv with argc
 *          > 0, or a token with an empty key ("=5"); DLOPS_ERR_MEM when out of memory. */
DLOPS_EXTERN int dlops_options_create(int argc, char **argv, const char *env_var, dlops_options *opts); /* fortran: manual */

/** Add one token, as if it came last on the command line: "key=value", a help token or a
 *  positional argument (the Fortran dlops_options_create reads the command line with this).
 *  Not collective.
 *  @param[in] opts   the database
 *  @param[in] token  the token
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG for a NULL opts or token or an empty key;
 *          DLOPS_ERR_MEM when out of memory. */
DLOPS_EXTERN int dlops_options_insert(dlops_options opts, const char *token);

/** Destroy a database (NULL *opts: nothing to do). Not collective.
 *  @param[in,out] opts  the database; set to NULL
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when opts is NULL. */
DLOPS_EXTERN int dlops_options_destroy(dlops_options *opts);

/** Integer option: *out = the value of key, or def when the key was not given. The key, its
 *  default and description are remembered for dlops_options_print_help, and a given key counts
 *  as used. Not collective.
 *  @param[in]  opts  the database
 *  @param[in]  key   the key (without leading dashes)
 *  @param[in]  def   the default
 *  @param[in]  help  one-line description for the listing (may be NULL)
 *  @param[out] out   the value
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG for a NULL argument, or a value that is not a whole
 *          decimal integer of int64_t range (the message names the key and the value). *out is
 *          def on failure. */
DLOPS_EXTERN int dlops_options_get_int(dlops_options opts, const char *key, int64_t def, const char *help,
                                       int64_t *out);

/** Real option, as dlops_options_get_int: the value is a decimal or hexadecimal floating-point
 *  number (strtod syntax, "inf" and "nan" refused). Not collective.
 *  @param[in]  opts  the database
 *  @param[in]  key   the key
 *  @param[in]  def   the default
 *  @param[in]  help  one-line description (may be NULL)
 *  @param[out] out   the value
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG for a NULL argument or a value that is not a finite
 *          number. *out is def on failure. */
DLOPS_EXTERN int dlops_options_get_double(dlops_options opts, const char *key, double def, const char *help,
                                          double *out);

/** Boolean option, as dlops_options_get_int: 1, true, yes, on and 0, false, no, off (any case);
 *  a key given without a value ("-verbose" is positional, "verbose=" is empty) is refused. Not
 *  collective.
 *  @param[in]  opts  the database
 *  @param[in]  key   the key
 *  @param[in]  def   the default (0 or not 0)
 *  @param[in]  help  one-line description (may be NULL)
 *  @param[out] out   1 or 0
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG for a NULL argument or another value. *out is the
 *          default (0 or 1) on failure. */
DLOPS_EXTERN int dlops_options_get_bool(dlops_options opts, const char *key, int def, const char *help, int *out);

/** String option, as dlops_options_get_int: *out points to the value (owned by the database,
 *  valid until it is destroyed) or is def when the key was not given. Not collective.
 *  @param[in]  opts  the database
 *  @param[in]  key   the key
 *  @param[in]  def   the default (may be NULL)
 *  @param[in]  help  one-line description (may be NULL)
 *  @param[out] out   the value
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG for a NULL opts, key or out. */
DLOPS_EXTERN int dlops_options_get_string(dlops_options opts, const char *key, const char *def, const char *help,
                                          const char **out); /* fortran: manual */

/** The index-th positional argument (a token without '=', in order, counting from 0), or NULL
 *  when there are fewer. Not collective.
 *  @param[in]  opts   the database
 *  @param[in]  index  which one (>= 0)
 *  @param[out] out    the argument (owned by the database) or NULL
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG for a NULL opts or out or a negative index. */
DLOPS_EXTERN int dlops_options_get_positional(dlops_options opts, int index, const char **out);

/** Whether help was asked for ("help", "-help", "--help" or "-h" on the command line or in the
 *  environment variable). Not collective.
 *  @param[in]  opts  the database
 *  @param[out] help  1 or 0
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG for a NULL argument. */
DLOPS_EXTERN int dlops_options_help_requested(dlops_options opts, int *help);

/** Print on stdout, when print is not 0 (pass rank == 0), the options the program has asked for
 *  so far, in that order: key, type, default, the value given (if any) and the description;
 *  title is printed first (may be NULL). Not collective.
 *  @param[in] opts   the database
 *  @param[in] title  a heading, e.g. the program's name and usage line, or NULL
 *  @param[in] print  0: print nothing
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when opts is NULL. */
DLOPS_EXTERN int dlops_options_print_help(dlops_options opts, const char *title, int print);

/** The options given but never asked for (misspelt keys, options of another program): their
 *  number in *nunused and, when print is not 0, one warning line each on stderr naming the key,
 *  its value and the nearest key that was asked for. Not collective.
 *  @param[in]  opts     the database
 *  @param[in]  print    0: count only
 *  @param[out] nunused  the number of unused options (may be NULL)
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when opts is NULL. */
DLOPS_EXTERN int dlops_options_report_unused(dlops_options opts, int print, int *nunused);

#ifdef __cplusplus
}
#endif

#endif
