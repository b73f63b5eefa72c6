#ifndef CSYSTEMD_SHIM_H
#define CSYSTEMD_SHIM_H
// Function-like macros (sd_journal_send -> ..._with_location) are not imported
// by Swift anyway; suppress them so the C declarations are what Swift sees.
#define SD_JOURNAL_SUPPRESS_LOCATION 1
#include <systemd/sd-journal.h>
#include <systemd/sd-daemon.h>
#endif
