/* The options facility (include/dlops/options.h), label options, one process: parsing of argv
 * and the environment variable (argv wins, the last copy of a key wins, -key= and --key= forms,
 * positional arguments, help tokens), the typed getters and their refusals of malformed values
 * (naming the key), the -help listing of the options asked for, and the unused-options report. */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <unistd.h>

#include "dlops_test.h"

/* Run f with stdout and stderr going to a file; return what it printed (malloc'ed). */
static char *captured(void (*f)(dlops_options, int *), dlops_options o, int *res) {
  char path[64];
  snprintf(path, sizeof path, "options.%d.txt", (int)getpid());
  fflush(stdout);
  fflush(stderr);
  int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600), so = dup(1), se = dup(2);
  dup2(fd, 1);
  dup2(fd, 2);
  close(fd);
  f(o, res);
  fflush(stdout);
  fflush(stderr);
  dup2(so, 1);
  dup2(se, 2);
  close(so);
  close(se);
  char *buf = calloc(1, 65536);
  FILE *in = fopen(path, "rb");
  if (in && buf) {
    size_t n = fread(buf, 1, 65535, in);
    buf[n] = '\0';
  }
  if (in) fclose(in);
  remove(path);
  return buf;
}

static void do_help(dlops_options o, int *res) { *res = dlops_options_print_help(o, "usage: prog [key=value ...]", 1); }
static void do_unused(dlops_options o, int *res) {
  int n = -1;
  dlops_options_report_unused(o, 1, &n);
  *res = n;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  setenv("TEST_OPTS", "n=3 extra=1,env_only=env", 1);
  char *args[] = {"prog", "n=5", "-tol=1e-3", "--name=abc", "flag=YES", "input.npz", "bad_int=12x", "unused_key=3",
                  "niter=1", "niter=7", "big=99999999999999999999", "x=inf", "b=maybe", "nitre=4", "empty="};
  const int nargs = (int)(sizeof args / sizeof args[0]);
  dlops_options o = NULL;
  T_REQUIRE(dlops_options_create(nargs, args, "TEST_OPTS", &o));
  int64_t i = 0;
  double d = 0;
  int b = -1, h = -1;
  const char *s = NULL;
  T_CALL(dlops_options_get_int(o, "n", 10, "problem size", &i));
  T_CHECK(i == 5, "n = %lld, expected 5 (the command line wins over TEST_OPTS)", (long long)i);
  T_CALL(dlops_options_get_double(o, "tol", 0.5, "tolerance", &d));
  T_CHECK(d == 1e-3, "tol = %g, expected 1e-3 (-tol=)", d);
  T_CALL(dlops_options_get_string(o, "name", "def", "a name", &s));
  T_CHECK(s && !strcmp(s, "abc"), "name = %s, expected abc (--name=)", s ? s : "(null)");
  T_CALL(dlops_options_get_bool(o, "flag", 0, "a switch", &b));
  T_CHECK(b == 1, "flag = %d, expected 1 (YES)", b);
  T_CALL(dlops_options_get_int(o, "niter", 0, "iterations", &i));
  T_CHECK(i == 7, "niter = %lld, expected 7 (the last copy)", (long long)i);
  T_CALL(dlops_options_get_string(o, "env_only", NULL, NULL, &s));
  T_CHECK(s && !strcmp(s, "env"), "env_only = %s, expected env (from TEST_OPTS)", s ? s : "(null)");
  T_CALL(dlops_options_get_int(o, "missing", -4, "not given", &i));
  T_CHECK(i == -4, "missing = %lld, expected the default -4", (long long)i);
  T_CALL(dlops_options_get_string(o, "missing_s", NULL, NULL, &s));
  T_CHECK(s == NULL, "missing_s: expected the NULL default");
  T_CALL(dlops_options_get_positional(o, 0, &s));
  T_CHECK(s && !strcmp(s, "input.npz"), "positional 0 = %s, expected input.npz", s ? s : "(null)");
  T_CALL(dlops_options_get_positional(o, 1, &s));
  T_CHECK(s == NULL, "positional 1 = %s, expected none", s ? s : "(null)");
  T_CALL(dlops_options_help_requested(o, &h));
  T_CHECK(h == 0, "help requested without a help token");

  /* malformed values: DLOPS_ERR_ARG naming the key, the output left at the default */
  i = 0;
  T_CHECK(dlops_options_get_int(o, "bad_int", 11, NULL, &i) == DLOPS_ERR_ARG && i == 11 &&
              strstr(dlops_last_error(), "bad_int=12x"),
          "bad_int=12x: %lld, %s", (long long)i, dlops_last_error());
  T_CHECK(dlops_options_get_int(o, "big", 0, NULL, &i) == DLOPS_ERR_ARG && strstr(dlops_last_error(), "overflows"),
          "big: %s", dlops_last_error());
  T_CHECK(dlops_options_get_double(o, "x", 1.0, NULL, &d) == DLOPS_ERR_ARG && d == 1.0 &&
              strstr(dlops_last_error(), "x=inf"),
          "x=inf: %s", dlops_last_error());
  T_CHECK(dlops_options_get_bool(o, "b", 1, NULL, &b) == DLOPS_ERR_ARG && b == 1 && strstr(dlops_last_error(), "b=maybe"),
          "b=maybe: %s", dlops_last_error());
  T_CHECK(dlops_options_get_int(o, "empty", 2, NULL, &i) == DLOPS_ERR_ARG, "empty=: %s", dlops_last_error());
  T_EXPECT_ERR(dlops_options_get_int(NULL, "n", 0, NULL, &i), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_options_get_int(o, NULL, 0, NULL, &i), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_options_get_double(o, "tol", 0, NULL, NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_options_get_positional(o, -1, &s), DLOPS_ERR_ARG);

  /* the listing: every option asked for, in order, with type, default, given value, description */
  int res = -1;
  char *out = captured(do_help, o, &res);
  T_CHECK(res == 0 && strstr(out, "usage: prog"), "print_help: %d\n%s", res, out);
  T_CHECK(strstr(out, "  n=<int> [10] (given: 5): problem size\n"), "listing of n:\n%s", out);
  T_CHECK(strstr(out, "  tol=<real> [0.5] (given: 1e-3): tolerance\n"), "listing of tol:\n%s", out);
  T_CHECK(strstr(out, "  missing=<int> [-4]: not given\n"), "listing of missing:\n%s", out);
  T_CHECK(strstr(out, "flag=<bool> [0] (given: YES): a switch"), "listing of flag:\n%s", out);
  T_CHECK(strstr(out, "n=<int>") < strstr(out, "tol=<real>"), "listing not in the order asked");
  free(out);
  /* unused: extra (environment), unused_key, nitre (nearest: niter); n=3 of the environment is
   * overridden, not unused */
  out = captured(do_unused, o, &res);
  T_CHECK(res == 3, "%d unused options, expected 3 (extra, unused_key, nitre):\n%s", res, out);
  T_CHECK(strstr(out, "option unused_key=3 was given but never used"), "unused_key not reported:\n%s", out);
  T_CHECK(strstr(out, "option nitre=4 was given but never used (did you mean niter?)"), "nitre not reported:\n%s",
          out);
  T_CHECK(strstr(out, "option extra=1"), "extra (from the environment) not reported:\n%s", out);
  free(out);
  T_CALL(dlops_options_destroy(&o));
  T_CHECK(o == NULL, "destroy did not clear the handle");
  T_CALL(dlops_options_destroy(&o));

  /* help tokens, insert, create errors */
  char *hargs[] = {"prog", "-help"};
  T_REQUIRE(dlops_options_create(2, hargs, NULL, &o));
  T_CALL(dlops_options_help_requested(o, &h));
  T_CHECK(h == 1, "-help not seen");
  T_CALL(dlops_options_insert(o, "k=v"));
  T_CALL(dlops_options_get_string(o, "k", NULL, NULL, &s));
  T_CHECK(s && !strcmp(s, "v"), "inserted k = %s", s ? s : "(null)");
  T_EXPECT_ERR(dlops_options_insert(o, "=5"), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_options_insert(o, NULL), DLOPS_ERR_ARG);
  T_CALL(dlops_options_destroy(&o));
  char *eargs[] = {"prog", "--=3"};
  T_CHECK(dlops_options_create(2, eargs, NULL, &o) == DLOPS_ERR_ARG && o == NULL, "empty key accepted");
  T_EXPECT_ERR(dlops_options_create(-1, NULL, NULL, &o), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_options_create(2, NULL, NULL, &o), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_options_create(0, NULL, NULL, NULL), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_options_destroy(NULL), DLOPS_ERR_ARG);
  T_REQUIRE(dlops_options_create(0, NULL, NULL, &o)); /* nothing at all */
  T_CALL(dlops_options_report_unused(o, 0, &res));
  T_CHECK(res == 0, "%d unused in an empty database", res);
  T_CALL(dlops_options_destroy(&o));

  printf("%ld passed, %ld failed\n", dlops_test_pass_, dlops_test_fail_);
  MPI_Finalize();
  return dlops_test_fail_ ? 1 : 0;
}
