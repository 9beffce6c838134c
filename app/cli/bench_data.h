#pragma once

#include "cli/command.h"

namespace dnas::cli {

// `dnas bench data`: decode + resize throughput of a generated image folder (cold cache, one
// thread and all cores) and batches per second from the warm cache.
Command addBenchDataCommand(CLI::App& bench);

} // namespace dnas::cli
