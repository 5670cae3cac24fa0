/* Attributes of internal declarations, in a header without MPI or other dependencies so that the
 * parsers' headers (spec.h, npy_parse.h), which the fuzz targets compile alone, share them with
 * error.h. Never installed. */
#ifndef DLOPS_CORE_INTERN_H
#define DLOPS_CORE_INTERN_H

#if defined(__GNUC__)
#define DLOPS_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define DLOPS_INTERN __attribute__((visibility("hidden")))
/* Internal, but exported from libdlops.so for the GPU plugin (core/plugin.h); not API. */
#define DLOPS_PLUGIN_API __attribute__((visibility("default")))
#else
#define DLOPS_PLUGIN_API
#define DLOPS_PRINTF(a, b)
#define DLOPS_INTERN
#endif

#endif
