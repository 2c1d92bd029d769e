#include "storage/config_store.hpp"

#include <cctype>

namespace sluice {

const char* targetStateName(TargetState state) {
  switch (state) {
    case TargetState::Paused:
      return "PAUSED";
    case TargetState::Stopped:
      return "STOPPED";
    default:
      return "STARTED";
  }
}

bool parseTargetState(const std::string& text, TargetState& out) {
  std::string up;
  for (char c : text) up += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (up == "RUNNING" || up == "STARTED") out = TargetState::Started;
  else if (up == "PAUSED") out = TargetState::Paused;
  else if (up == "STOPPED") out = TargetState::Stopped;
  else return false;
  return true;
}

}  // namespace sluice
