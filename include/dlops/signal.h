/** @file
 * dlops/signal.h: signal processing operators: FFT, Fredholm1 and multi-dimensional convolution (MDC), non-stationary convolution. Included by dlops.h.
 */
#ifndef DLOPS_SIGNAL_H
#define DLOPS_SIGNAL_H

#include "op.h"

#ifdef __cplusplus
extern "C" {
#endif
/** @addtogroup group_signal
 * @{ */

/** @} */

#ifdef __cplusplus
}
#endif
#endif
