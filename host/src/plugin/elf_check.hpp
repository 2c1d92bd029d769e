#pragma once
// The ELF check run on a plugin's bytes before dlopen ever sees them: dlopen maps segments
// straight from the file, so a truncated or half-copied .so faults (SIGBUS) inside the dynamic
// loader instead of failing with an error. Checked here: the file is complete (header, program
// and section header tables and every loadable segment lie within it), it is a 64-bit shared
// object (ET_DYN) in the host's byte order, built for the host's machine. See elf(5).
#include <string>
#include <string_view>

namespace sluice {

// "" when `bytes` can be handed to dlopen, else the cause, worded for "<path>: <cause>".
std::string elfProblem(std::string_view bytes);

}  // namespace sluice
