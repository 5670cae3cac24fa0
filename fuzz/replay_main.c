/* A main() for the fuzz targets where libFuzzer is not available (gcc): it runs
 * LLVMFuzzerTestOneInput on every file named on the command line or found in a named folder (one
 * level), then on -runs=N inputs made from them by simple deterministic mutations (bit flips,
 * interesting bytes, cut, insert, duplicate), so a crash, a sanitizer report or an abort() of the
 * target's own checks fails the run. Options libFuzzer takes (-name=value) are accepted; only
 * -runs and -seed are used. Exit 0 when every input returned.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
  unsigned char *b;
  size_t n;
} input;

static input *g_in = NULL;
static size_t g_nin = 0, g_cap = 0;

static void add_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return;
  size_t cap = 4096, n = 0;
  unsigned char *b = malloc(cap);
  size_t r;
  while (b && (r = fread(b + n, 1, cap - n, f)) > 0) {
    n += r;
    if (n == cap) {
      unsigned char *nb = realloc(b, cap * 2);
      if (!nb) {
        free(b);
        b = NULL;
        break;
      }
      b = nb;
      cap *= 2;
    }
  }
  fclose(f);
  if (!b) return;
  if (g_nin == g_cap) {
    g_cap = g_cap ? 2 * g_cap : 64;
    input *ni = realloc(g_in, g_cap * sizeof *g_in);
    if (!ni) {
      free(b);
      return;
    }
    g_in = ni;
  }
  g_in[g_nin].b = b;
  g_in[g_nin].n = n;
  g_nin++;
}

static void add_path(const char *path) {
  struct stat sb;
  if (stat(path, &sb) != 0) return;
  if (S_ISREG(sb.st_mode)) {
    add_file(path);
    return;
  }
  if (!S_ISDIR(sb.st_mode)) return;
  DIR *d = opendir(path);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    size_t len = strlen(path) + strlen(e->d_name) + 2;
    char *p = malloc(len);
    if (!p) continue;
    snprintf(p, len, "%s/%s", path, e->d_name);
    if (stat(p, &sb) == 0 && S_ISREG(sb.st_mode)) add_file(p);
    free(p);
  }
  closedir(d);
}

static uint64_t g_rng = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void) {
  g_rng ^= g_rng << 13;
  g_rng ^= g_rng >> 7;
  g_rng ^= g_rng << 17;
  return g_rng;
}

/* One mutated copy of src (malloc'ed, length in *n). */
static unsigned char *mutate(const input *src, size_t *n) {
  size_t len = src->n, cap = src->n + 64;
  unsigned char *b = malloc(cap);
  if (!b) return NULL;
  if (len) memcpy(b, src->b, len);
  static const unsigned char interesting[] = {0, 0xff, 0x7f, 0x80, '(', ')', ',', '\'', '"', '{', '}', ':',
                                              ' ', '\n', '0', '9', '-', 'L', '=', ';', 1, 2, 3};
  int steps = 1 + (int)(rnd() % 4);
  for (int s = 0; s < steps; s++) {
    switch (rnd() % 6) {
      case 0: /* flip a bit */
        if (len) b[rnd() % len] ^= (unsigned char)(1u << (rnd() % 8));
        break;
      case 1: /* an interesting byte */
        if (len) b[rnd() % len] = interesting[rnd() % sizeof interesting];
        break;
      case 2: /* cut the tail */
        if (len) len = rnd() % len;
        break;
      case 3: { /* delete a range */
        if (len < 2) break;
        size_t a = rnd() % len, k = 1 + rnd() % (len - a);
        memmove(b + a, b + a + k, len - a - k);
        len -= k;
        break;
      }
      case 4: { /* insert up to 8 random bytes */
        size_t k = 1 + rnd() % 8, a = len ? rnd() % (len + 1) : 0;
        if (len + k > cap) break;
        memmove(b + a + k, b + a, len - a);
        for (size_t j = 0; j < k; j++) b[a + j] = (unsigned char)rnd();
        len += k;
        break;
      }
      default: { /* copy a range over another place */
        if (len < 2) break;
        size_t a = rnd() % len, c = rnd() % len, k = 1 + rnd() % 16;
        if (a + k > len) k = len - a;
        if (c + k > len) k = len - c;
        memmove(b + c, b + a, k);
        break;
      }
    }
  }
  *n = len;
  return b;
}

int main(int argc, char **argv) {
  long runs = 0;
  for (int i = 1; i < argc; i++) {
    if (!strncmp(argv[i], "-runs=", 6))
      runs = atol(argv[i] + 6);
    else if (!strncmp(argv[i], "-seed=", 6))
      g_rng ^= (uint64_t)strtoull(argv[i] + 6, NULL, 10) * 0x100000001b3ULL;
    else if (argv[i][0] != '-')
      add_path(argv[i]);
  }
  for (size_t k = 0; k < g_nin; k++) LLVMFuzzerTestOneInput(g_in[k].b, g_in[k].n);
  LLVMFuzzerTestOneInput((const uint8_t *)"", 0);
  long done = 0;
  for (long r = 0; r < runs && g_nin; r++) {
    size_t n = 0;
    unsigned char *b = mutate(&g_in[rnd() % g_nin], &n);
    if (!b) continue;
    /* an exact-size copy, so a sanitizer sees reads past the end */
    unsigned char *e = malloc(n ? n : 1);
    if (e) {
      if (n) memcpy(e, b, n);
      LLVMFuzzerTestOneInput(e, n);
      free(e);
      done++;
    }
    free(b);
  }
  printf("replay: %zu corpus inputs and %ld mutated inputs ran without a failure (no libFuzzer: plain replay "
         "driver)\n", g_nin + 1, done);
  for (size_t k = 0; k < g_nin; k++) free(g_in[k].b);
  free(g_in);
  return 0;
}
