/* placeholder: being written */
#include "ops_test_util.h"
int main(int argc, char **argv) {
  dlops_ctx world = dlops_test_init(&argc, &argv);
  return dlops_test_finish(world);
}
