#include "state_save_handler.h"

#include <deskboard/protocol/messages.h>

#include "api_responses.h"

namespace deskboard::server::api {

StateSaveHandler::StateSaveHandler(const Config& config, state::StateService& state,
                                   Metrics& metrics)
    : config_(config),
      state_(state),
      metrics_(metrics),
      parser_(config.maxStateBytes, config.maxJsonDepth) {}

void StateSaveHandler::handle(const std::shared_ptr<http::Exchange>& exchange,
                              const protocol::StateKeys& keys, std::string deviceId) {
    const protocol::ApiError tooLarge{
        protocol::ErrorCode::TooLarge,
        "body is over the limit of " + std::to_string(config_.maxStateBytes) + " bytes"};
    exchange->readBody(
        config_.maxStateBytes, errorResponse(tooLarge),
        [this, exchange, keys, deviceId = std::move(deviceId)](std::string body) {
            auto validated = parser_.parse(std::move(body));
            if (!validated) {
                fail(exchange, validated.error());
                return;
            }
            auto& save = validated.value();
            const std::size_t bytes = save.canonicalState.size();
            state_.save(
                keys, save.version, std::move(save.canonicalState), std::move(save.checksum),
                deviceId, [this, exchange, bytes](protocol::Expected<state::SaveOutcome> outcome) {
                    if (!outcome) {
                        fail(exchange, outcome.error());
                        return;
                    }
                    // The protocol's append-style writers of SaveStateResponse: no document is
                    // built on the hot path, and the stored state is spliced in as it is.
                    const auto& saved = outcome.value();
                    std::string answer;
                    switch (saved.kind) {
                        case state::SaveOutcome::Kind::Accepted:
                            metrics_.recordBytesStored(bytes);
                            protocol::appendSaveWritten(answer, saved.serverVersion);
                            exchange->respond(jsonResponse(200, std::move(answer)));
                            return;
                        case state::SaveOutcome::Kind::Idempotent:
                            protocol::appendSaveUnchanged(answer, saved.serverVersion);
                            exchange->respond(jsonResponse(200, std::move(answer)));
                            return;
                        case state::SaveOutcome::Kind::Conflict:
                            metrics_.recordConflict();
                            protocol::appendSaveConflict(answer, saved.serverVersion,
                                                         saved.serverStateJson, saved.lastModified);
                            exchange->respond(jsonResponse(409, std::move(answer)));
                            return;
                    }
                });
        });
}

}  // namespace deskboard::server::api
