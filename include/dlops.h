/* dlops: distributed linear operators and solvers for inverse problems.
 * The one header users include. See README.md for an example. */
#ifndef DLOPS_H
#define DLOPS_H

#include "dlops/base.h"
#include "dlops/ctx.h"
#include "dlops/darray.h"
#include "dlops/op.h"
#include "dlops/solver.h"
#include "dlops/dense.h"
#include "dlops/signal.h"
#include "dlops/seismic.h"
#include "dlops/options.h"

#endif
