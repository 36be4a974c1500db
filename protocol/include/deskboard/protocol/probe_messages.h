// The answers of the operations probes /healthz and /readyz (docs/openapi.yaml HealthStatus and
// ReadyStatus): {"status":"ok"} while the process serves HTTP, {"status":"ready"} once Redis
// answers. Their failures are ordinary error bodies (error.h). Kept beside the other wire types
// so the server writes them through toJson() like every other answer, and a monitor or test can
// read them back with the same rules.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include <deskboard/protocol/expected.h>

namespace deskboard::protocol {

// What a probe reports: Ok for /healthz, Ready for /readyz.
enum class ProbeStatus { Ok, Ready };

// "ok" or "ready", as the wire spells them.
std::string_view probeStatusName(ProbeStatus status);

// GET /healthz and GET /readyz answer (200): {status}.
struct ProbeResponse {
    ProbeStatus status = ProbeStatus::Ok;

    friend bool operator==(const ProbeResponse&, const ProbeResponse&) = default;
};

nlohmann::json toJson(const ProbeResponse& response);
// invalid_body naming `status` unless it is "ok" or "ready".
Expected<ProbeResponse> probeResponseFromJson(const nlohmann::json& json);

}  // namespace deskboard::protocol
