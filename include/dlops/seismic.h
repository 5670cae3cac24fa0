/** @file
 * dlops/seismic.h: seismic imaging operators: Kirchhoff demigration/migration (least-squares migration). Included by dlops.h.
 */
#ifndef DLOPS_SEISMIC_H
#define DLOPS_SEISMIC_H

#include "op.h"

#ifdef __cplusplus
extern "C" {
#endif
/** @addtogroup group_seismic
 * @{ */

/** @} */

#ifdef __cplusplus
}
#endif
#endif
