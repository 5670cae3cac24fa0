/* A GPU plugin from "another build" (validation/plugin): the loader must refuse it with a clear
 * reason instead of calling into structures whose layout may differ. */
#include "core/plugin.h"

static const dlops_gpu_plugin fake = {
    .abi = DLOPS_PLUGIN_ABI + 1,
    .ctx_size = sizeof(struct dlops_ctx_s),
    .comm_size = sizeof(dlops_comm),
    .ops_size = sizeof(dlops_comm_ops),
    .version = {DLOPS_VERSION_MAJOR, DLOPS_VERSION_MINOR, DLOPS_VERSION_PATCH},
    .probe = NULL,
    .nccl_create = NULL,
};

__attribute__((visibility("default"))) const dlops_gpu_plugin *dlops_gpu_plugin_v1(void);
const dlops_gpu_plugin *dlops_gpu_plugin_v1(void) { return &fake; }
