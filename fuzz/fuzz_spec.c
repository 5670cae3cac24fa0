/* libFuzzer target: the spec-string parser (csrc/core/spec.c, dlops_spec_parse), compiled here
 * without MPI. The input is the spec (made NUL-terminated); any spec must be answered with
 * DLOPS_SUCCESS or DLOPS_ERR_ARG and a terminated message, and accepted fields must be in range. */
#include "../csrc/core/spec.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *spec = malloc(size + 1);
  if (!spec) return 0;
  memcpy(spec, data, size);
  spec[size] = '\0';
  dlops_spec_fields f;
  char msg[160];
  memset(msg, 'x', sizeof msg);
  int e = dlops_spec_parse(spec, &f, msg, sizeof msg);
  if (e != DLOPS_SUCCESS && e != DLOPS_ERR_ARG) abort();
  if (e && (!memchr(msg, '\0', sizeof msg) || msg[0] == '\0')) abort();
  if (!e) {
    if (f.backend < 0 || f.backend > 2 || f.mem < 0 || f.mem > 2 || f.sync < 0 || f.sync > 2) abort();
  }
  /* a check-only call (out NULL, no message buffer) gives the same answer */
  if (dlops_spec_parse(spec, NULL, msg, 0) != e) abort();
  free(spec);
  return 0;
}
