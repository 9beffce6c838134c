#include <cstring>
#include <iostream>

#include "cli/cli.h"
#include "common/malloc_tuning.h"

int main(int argc, char** argv) {
    // `dnas --glibc-malloc ...`: glibc's default malloc, for `dnas bench eval`'s "before".
    if (argc > 1 && std::strcmp(argv[1], "--glibc-malloc") == 0) {
        argv[1] = argv[0];
        return dnas::cli::run(argc - 1, argv + 1, std::cout, std::cerr);
    }
    dnas::tuneMalloc();
    return dnas::cli::run(argc, argv, std::cout, std::cerr);
}
