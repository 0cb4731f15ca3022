#include "util.h"

const char *greeting(void) { return "hello"; }
