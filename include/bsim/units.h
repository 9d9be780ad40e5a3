/*
 * units.h: the units every floor of bsim shares, defined once: an
 * instant on the virtual clock, and the longest URL a browser loads. The
 * jar (cookie.h) and the script view (script.h) both speak them, and
 * neither may include the other, so they live here.
 */
#ifndef BSIM_UNITS_H
#define BSIM_UNITS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Milliseconds since 1970-01-01T00:00:00Z on the virtual clock. */
typedef int64_t bsim_time;

/* No instant: nothing is due (a time far past any scenario's clock). */
#define BSIM_TIME_NEVER INT64_MAX

/* 2015-01-01T00:00:00Z: the default start of the virtual clock (inside the window the public cookie suites assume). */
#define BSIM_DEFAULT_START_TIME ((bsim_time)1420070400000)

/* Browsers cap URLs near 2 MB (Chromium's url::kMaxURLChars); bsim refuses longer input. */
#define BSIM_URL_MAX_LEN (2 * 1024 * 1024)

#ifdef __cplusplus
}
#endif
#endif
