#include "plugin/elf_check.hpp"

#include <elf.h>

#include <cstdint>
#include <cstring>

namespace sluice {

namespace {

static_assert(sizeof(void*) == 8, "the ELF check reads ELF64 headers: plugins of a 64-bit host only");

#if defined(__x86_64__)
constexpr uint16_t kHostMachine = EM_X86_64;
#elif defined(__aarch64__)
constexpr uint16_t kHostMachine = EM_AARCH64;
#elif defined(__riscv) && __riscv_xlen == 64
constexpr uint16_t kHostMachine = EM_RISCV;
#elif defined(__powerpc64__)
constexpr uint16_t kHostMachine = EM_PPC64;
#elif defined(__s390x__)
constexpr uint16_t kHostMachine = EM_S390;
#else
#error "elf_check.cpp: add this architecture's e_machine (elf(5), <elf.h>)"
#endif

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
constexpr unsigned char kHostData = ELFDATA2LSB;
#else
constexpr unsigned char kHostData = ELFDATA2MSB;
#endif

const char* const kIncomplete = "incomplete: truncated, or still being copied";

std::string machineName(uint16_t machine) {
  switch (machine) {
    case EM_X86_64: return "x86-64";
    case EM_386: return "i386";
    case EM_AARCH64: return "AArch64";
    case EM_ARM: return "ARM";
    case EM_RISCV: return "RISC-V";
    case EM_PPC64: return "PowerPC64";
    case EM_S390: return "s390x";
    default: return "e_machine " + std::to_string(machine);
  }
}

std::string typeName(uint16_t type) {
  switch (type) {
    case ET_REL: return "a relocatable object (ET_REL)";
    case ET_EXEC: return "an executable (ET_EXEC)";
    case ET_CORE: return "a core dump (ET_CORE)";
    default: return "ELF type " + std::to_string(type);
  }
}

template <class T>
T readAt(std::string_view bytes, uint64_t offset) {
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof value);
  return value;
}

// "" when the bytes [offset, offset + count * entrySize) lie within the file, else why not.
// Overflow-safe: the header's numbers are untrusted.
std::string rangeProblem(const std::string& what, uint64_t offset, uint64_t count, uint64_t entrySize, uint64_t fileSize) {
  uint64_t length = 0, end = 0;
  bool overflow = __builtin_mul_overflow(count, entrySize, &length) || __builtin_add_overflow(offset, length, &end);
  if (!overflow && end <= fileSize) return "";
  return what + " (bytes " + std::to_string(offset) + " to " + (overflow ? std::string("beyond 2^64") : std::to_string(end)) +
         ") ends beyond the file's " + std::to_string(fileSize) + " bytes: " + kIncomplete;
}

}  // namespace

std::string elfProblem(std::string_view bytes) {
  const uint64_t size = bytes.size();
  if (size == 0) return std::string("the file is empty: ") + kIncomplete;
  if (std::memcmp(bytes.data(), ELFMAG, size < SELFMAG ? size : SELFMAG) != 0) return "not an ELF file (no \\x7fELF magic number)";
  if (size < sizeof(Elf64_Ehdr))
    return "the file is " + std::to_string(size) + " bytes, shorter than the " + std::to_string(sizeof(Elf64_Ehdr)) +
           "-byte ELF header: " + kIncomplete;
  auto eh = readAt<Elf64_Ehdr>(bytes, 0);
  if (eh.e_ident[EI_CLASS] != ELFCLASS64)
    return std::string("ELF class ") + (eh.e_ident[EI_CLASS] == ELFCLASS32 ? "32-bit" : std::to_string(eh.e_ident[EI_CLASS])) +
           " does not match the host's 64-bit";
  if (eh.e_ident[EI_DATA] != kHostData)
    return std::string("ELF byte order ") + (eh.e_ident[EI_DATA] == ELFDATA2MSB ? "big-endian" : eh.e_ident[EI_DATA] == ELFDATA2LSB ? "little-endian" : "unknown") +
           " does not match the host's " + (kHostData == ELFDATA2LSB ? "little-endian" : "big-endian");
  if (eh.e_ident[EI_VERSION] != EV_CURRENT || eh.e_version != EV_CURRENT)
    return "ELF version " + std::to_string(eh.e_version) + " is not the current version 1";
  if (eh.e_type != ET_DYN) return "the file is " + typeName(eh.e_type) + ", not a shared object (ET_DYN): build it with -shared";
  if (eh.e_machine != kHostMachine)
    return "built for " + machineName(eh.e_machine) + ", but the host is " + machineName(kHostMachine);
  if (eh.e_phnum == 0) return "no program headers: nothing to load";
  if (eh.e_phentsize != sizeof(Elf64_Phdr))
    return "program header entry size " + std::to_string(eh.e_phentsize) + " is not ELF64's " + std::to_string(sizeof(Elf64_Phdr));
  if (auto p = rangeProblem("the program header table", eh.e_phoff, eh.e_phnum, eh.e_phentsize, size); !p.empty()) return p;
  for (uint16_t i = 0; i < eh.e_phnum; ++i) {
    auto ph = readAt<Elf64_Phdr>(bytes, eh.e_phoff + uint64_t{i} * sizeof(Elf64_Phdr));
    // dlopen mmaps each PT_LOAD segment from the file: any byte of it past the end is a SIGBUS.
    if (ph.p_type != PT_LOAD) continue;
    if (auto p = rangeProblem("loadable segment #" + std::to_string(i), ph.p_offset, 1, ph.p_filesz, size); !p.empty()) return p;
  }
  if (eh.e_shoff != 0) {
    // e_shnum 0 with a table present: the real count is in section 0's sh_size (elf(5)).
    if (eh.e_shentsize != sizeof(Elf64_Shdr))
      return "section header entry size " + std::to_string(eh.e_shentsize) + " is not ELF64's " + std::to_string(sizeof(Elf64_Shdr));
    uint64_t count = eh.e_shnum;
    if (count == 0) {
      if (auto p = rangeProblem("the section header table", eh.e_shoff, 1, sizeof(Elf64_Shdr), size); !p.empty()) return p;
      count = readAt<Elf64_Shdr>(bytes, eh.e_shoff).sh_size;
    }
    // Linkers write this table last, so it is what a half-copied file lacks first.
    if (auto p = rangeProblem("the section header table", eh.e_shoff, count, sizeof(Elf64_Shdr), size); !p.empty()) return p;
  }
  return "";
}

}  // namespace sluice
