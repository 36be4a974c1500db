// Internal: the server's fast validation of a save body (POST /api/dashboard/state). The same
// rules and error codes as protocol::parseSaveStateRequest, but parsed with simdjson instead of
// building an nlohmann document, because JSON work bounds how many saves a core can take.
// The state is kept in its RFC 8785 canonical form: the form its checksum is taken of, compact
// and deterministic, and what GET returns. One parser per worker (it reuses its buffers).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <deskboard/protocol/expected.h>

namespace deskboard::server::api {

struct ParsedSave {
    std::int64_t version = 0;
    std::string canonicalState;  // the state object as RFC 8785 JSON
    std::string checksum;        // SHA-256 hex of canonicalState
};

class SaveBodyParser {
  public:
    SaveBodyParser(std::size_t maxBytes, int maxDepth);
    ~SaveBodyParser();

    // too_large, invalid_json (syntax, UTF-8, depth, numbers out of range, duplicate keys),
    // invalid_body (naming the field), checksum_mismatch: in that order.
    protocol::Expected<ParsedSave> parse(std::string body);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace deskboard::server::api
