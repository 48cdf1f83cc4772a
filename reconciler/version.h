/* The one place the version is written. */
#ifndef RECONCILER_VERSION_H
#define RECONCILER_VERSION_H

#define RECONCILER_VERSION "0.1.0"
#define RECONCILER_NAME "reconciler"

#endif
