#include "cli/task_host_command.hpp"

#include "runtime/task_host.hpp"

namespace sluice {

void addTaskHostCommand(CLI::App& app) {
  struct Options {
    int fd = -1;
    int parent = 0;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("task-host", "Run one isolated connector task for a worker (internal)");
  cmd->group("");  // hidden from --help
  cmd->add_option("--fd", opts->fd, "The socket to the worker")->required();
  cmd->add_option("--parent", opts->parent, "The worker's process id")->required();
  cmd->callback([opts] {
    int code = runTaskHost(opts->fd, static_cast<pid_t>(opts->parent));
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace sluice
