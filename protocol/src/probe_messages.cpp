#include <deskboard/protocol/probe_messages.h>

#include "wire_fields.h"

namespace deskboard::protocol {

std::string_view probeStatusName(ProbeStatus status) {
    return status == ProbeStatus::Ready ? "ready" : "ok";
}

nlohmann::json toJson(const ProbeResponse& response) {
    return nlohmann::json{{"status", probeStatusName(response.status)}};
}

Expected<ProbeResponse> probeResponseFromJson(const nlohmann::json& json) {
    if (auto error = wire::requireTopLevelObject(json)) {
        return *error;
    }
    auto status = wire::requireString(json, "status", "status");
    if (!status) {
        return status.error();
    }
    for (const auto known : {ProbeStatus::Ok, ProbeStatus::Ready}) {
        if (status.value() == probeStatusName(known)) {
            return ProbeResponse{known};
        }
    }
    return wire::invalidBody("status", "must be \"ok\" or \"ready\"");
}

}  // namespace deskboard::protocol
