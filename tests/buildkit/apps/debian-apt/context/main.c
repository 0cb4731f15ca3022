#include <stdio.h>
#include "util.h"

int main(void) {
    printf("%s\n", greeting());
    return 0;
}
