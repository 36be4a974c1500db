#include "cluster_slots.h"

#include <charconv>

namespace deskboard::server::redis::cluster {

namespace {

constexpr std::array<std::uint16_t, 256> makeCrcTable() {
    std::array<std::uint16_t, 256> table{};
    for (unsigned byte = 0; byte < 256; ++byte) {
        auto crc = static_cast<std::uint16_t>(byte << 8);
        for (int bit = 0; bit < 8; ++bit) {
            crc = (crc & 0x8000) != 0 ? static_cast<std::uint16_t>((crc << 1) ^ 0x1021)
                                      : static_cast<std::uint16_t>(crc << 1);
        }
        table[byte] = crc;
    }
    return table;
}

constexpr auto kCrcTable = makeCrcTable();

template <typename Number>
std::optional<Number> numberOf(std::string_view text) {
    Number value{};
    const auto* end = text.data() + text.size();
    const auto result = std::from_chars(text.data(), end, value);
    if (text.empty() || result.ec != std::errc() || result.ptr != end) {
        return std::nullopt;
    }
    return value;
}

// The parsers below read both hiredis's own replies (a subscriber's reader) and the copies the
// command connections hand out (redis::Reply); these overloads are all they need of either.
std::string_view textOf(const redisReply* reply) {
    if (reply != nullptr &&
        (reply->type == REDIS_REPLY_STRING || reply->type == REDIS_REPLY_STATUS)) {
        return {reply->str, reply->len};
    }
    return {};
}
std::string_view textOf(const Reply* reply) {
    if (reply != nullptr && (reply->isString() || reply->type == Reply::Type::Status)) {
        return reply->text;
    }
    return {};
}
std::optional<long long> exactIntegerOf(const redisReply* reply) {
    if (reply != nullptr && reply->type == REDIS_REPLY_INTEGER) {
        return reply->integer;
    }
    return std::nullopt;
}
std::optional<long long> exactIntegerOf(const Reply* reply) {
    if (reply != nullptr && reply->isInteger()) {
        return reply->integer;
    }
    return std::nullopt;
}
bool isList(const redisReply* reply) {
    return reply != nullptr && reply->type == REDIS_REPLY_ARRAY;
}
bool isList(const Reply* reply) {
    return reply != nullptr && reply->isArray();
}
std::size_t countOf(const redisReply* reply) {
    return isList(reply) ? reply->elements : 0;
}
std::size_t countOf(const Reply* reply) {
    return isList(reply) ? reply->elements.size() : 0;
}
const redisReply* elementOf(const redisReply* reply, std::size_t index) {
    return reply->element[index];
}
const Reply* elementOf(const Reply* reply, std::size_t index) {
    return &reply->elements[index];
}
std::optional<std::string_view> errorOf(const redisReply* reply) {
    if (reply != nullptr && reply->type == REDIS_REPLY_ERROR) {
        return std::string_view(reply->str, reply->len);
    }
    return std::nullopt;
}
std::optional<std::string_view> errorOf(const Reply* reply) {
    if (reply != nullptr && reply->isError()) {
        return std::string_view(reply->text);
    }
    return std::nullopt;
}

template <typename R>
std::optional<long long> integerOf(const R* reply) {
    if (auto exact = exactIntegerOf(reply)) {
        return exact;
    }
    return numberOf<long long>(textOf(reply));
}

// Calls `field(name, value)` for each entry of a RESP2 flat key/value array (the hiredis of
// Debian 12, 0.14, speaks RESP2 only).
template <typename R, typename Field>
bool forEachField(const R* reply, Field&& field) {
    if (!isList(reply) || countOf(reply) % 2 != 0) {
        return false;
    }
    for (std::size_t i = 0; i + 1 < countOf(reply); i += 2) {
        field(textOf(elementOf(reply, i)), elementOf(reply, i + 1));
    }
    return true;
}

template <typename R>
std::optional<Node> parseNode(const R* reply) {
    Node node;
    std::string_view ip;
    std::string_view endpoint;
    std::optional<long long> port;
    std::optional<long long> tlsPort;
    std::string_view role;
    std::string_view health;
    if (!forEachField(reply, [&](std::string_view name, const R* value) {
            if (name == "id") {
                node.id = textOf(value);
            } else if (name == "ip") {
                ip = textOf(value);
            } else if (name == "endpoint") {
                endpoint = textOf(value);
            } else if (name == "port") {
                port = integerOf(value);
            } else if (name == "tls-port") {
                tlsPort = integerOf(value);
            } else if (name == "role") {
                role = textOf(value);
            } else if (name == "health") {
                health = textOf(value);
            }
        })) {
        return std::nullopt;
    }
    const auto chosenPort = port ? port : tlsPort;
    if (!chosenPort || *chosenPort <= 0 || *chosenPort > 65535 || node.id.empty()) {
        return std::nullopt;
    }
    node.port = static_cast<std::uint16_t>(*chosenPort);
    // "?" marks an unknown endpoint; fall back to the ip then.
    node.host = std::string(!endpoint.empty() && endpoint != "?" ? endpoint : ip);
    node.primary = role == "master";
    node.online = health.empty() || health == "online";
    return node;
}

template <typename R>
std::optional<std::vector<Shard>> parseShardsOf(const R* reply, std::string* error) {
    auto fail = [error](std::string text) -> std::optional<std::vector<Shard>> {
        if (error != nullptr) {
            *error = std::move(text);
        }
        return std::nullopt;
    };
    if (auto redisError = errorOf(reply)) {
        return fail(std::string(*redisError));
    }
    if (!isList(reply)) {
        return fail("CLUSTER SHARDS did not answer a list");
    }
    std::vector<Shard> shards;
    for (std::size_t i = 0; i < countOf(reply); ++i) {
        Shard shard;
        bool valid = true;
        const bool isMap = forEachField(elementOf(reply, i), [&](std::string_view name,
                                                                 const R* value) {
            if (name == "slots") {
                if (!isList(value) || countOf(value) % 2 != 0) {
                    valid = false;
                    return;
                }
                for (std::size_t k = 0; k + 1 < countOf(value); k += 2) {
                    const auto first = integerOf(elementOf(value, k));
                    const auto last = integerOf(elementOf(value, k + 1));
                    if (!first || !last || *first < 0 || *last < *first || *last >= kSlotCount) {
                        valid = false;
                        return;
                    }
                    shard.slotRanges.emplace_back(static_cast<std::uint16_t>(*first),
                                                  static_cast<std::uint16_t>(*last));
                }
            } else if (name == "nodes") {
                if (!isList(value)) {
                    valid = false;
                    return;
                }
                for (std::size_t k = 0; k < countOf(value); ++k) {
                    auto node = parseNode(elementOf(value, k));
                    if (!node) {
                        valid = false;
                        return;
                    }
                    shard.nodes.push_back(std::move(*node));
                }
            }
        });
        if (!isMap || !valid) {
            return fail("CLUSTER SHARDS: shard " + std::to_string(i) + " is malformed");
        }
        shards.push_back(std::move(shard));
    }
    return shards;
}

}  // namespace

std::uint16_t crc16(std::string_view data) {
    std::uint16_t crc = 0;
    for (const char c : data) {
        const auto byte = static_cast<unsigned char>(c);
        crc = static_cast<std::uint16_t>((crc << 8) ^ kCrcTable[((crc >> 8) ^ byte) & 0xff]);
    }
    return crc;
}

std::string_view hashTagOf(std::string_view key) {
    const auto open = key.find('{');
    if (open == std::string_view::npos) {
        return key;
    }
    const auto close = key.find('}', open + 1);
    if (close == std::string_view::npos || close == open + 1) {
        return key;
    }
    return key.substr(open + 1, close - open - 1);
}

std::uint16_t keySlot(std::string_view key) {
    return static_cast<std::uint16_t>(crc16(hashTagOf(key)) & (kSlotCount - 1));
}

std::optional<std::uint16_t> commonSlot(const std::vector<std::string>& keys) {
    if (keys.empty()) {
        return std::nullopt;
    }
    const auto slot = keySlot(keys.front());
    for (const auto& key : keys) {
        if (keySlot(key) != slot) {
            return std::nullopt;
        }
    }
    return slot;
}

std::optional<Redirect> parseRedirect(std::string_view error) {
    if (!error.empty() && error.front() == '-') {
        error.remove_prefix(1);
    }
    Redirect redirect;
    if (error.starts_with("MOVED ")) {
        redirect.kind = Redirect::Kind::Moved;
        error.remove_prefix(6);
    } else if (error.starts_with("ASK ")) {
        redirect.kind = Redirect::Kind::Ask;
        error.remove_prefix(4);
    } else {
        return std::nullopt;
    }
    const auto space = error.find(' ');
    if (space == std::string_view::npos) {
        return std::nullopt;
    }
    const auto slot = numberOf<unsigned>(error.substr(0, space));
    const auto address = error.substr(space + 1);
    const auto colon = address.rfind(':');
    if (!slot || *slot >= kSlotCount || colon == std::string_view::npos) {
        return std::nullopt;
    }
    const auto port = numberOf<unsigned>(address.substr(colon + 1));
    if (!port || *port == 0 || *port > 65535 || address.find(' ') != std::string_view::npos) {
        return std::nullopt;
    }
    redirect.slot = static_cast<std::uint16_t>(*slot);
    redirect.host = std::string(address.substr(0, colon));
    redirect.port = static_cast<std::uint16_t>(*port);
    return redirect;
}

std::optional<SlotMap> SlotMap::fromShards(std::vector<Shard> shards, std::string* error) {
    auto fail = [error](std::string text) -> std::optional<SlotMap> {
        if (error != nullptr) {
            *error = std::move(text);
        }
        return std::nullopt;
    };
    if (shards.size() >= kNoShard) {
        return fail("too many shards");
    }
    SlotMap map;
    map.slotShard_.assign(kSlotCount, kNoShard);
    map.primaryIndex_.assign(shards.size(), kNoShard);
    for (std::size_t s = 0; s < shards.size(); ++s) {
        const auto& shard = shards[s];
        // After a primary crashed and its replica took over, the dead node may still be listed
        // as a primary of the shard (health "failed") until it comes back as a replica: prefer
        // a primary that is online.
        for (std::size_t n = 0; n < shard.nodes.size() && n < kNoShard; ++n) {
            if (shard.nodes[n].primary &&
                (map.primaryIndex_[s] == kNoShard ||
                 (shard.nodes[n].online && !shard.nodes[map.primaryIndex_[s]].online))) {
                map.primaryIndex_[s] = static_cast<std::uint16_t>(n);
            }
        }
        if (!shard.slotRanges.empty() && map.primaryIndex_[s] == kNoShard) {
            return fail("a shard with slots has no primary");
        }
        for (const auto& [first, last] : shard.slotRanges) {
            if (first > last || last >= kSlotCount) {
                return fail("bad slot range " + std::to_string(first) + "-" + std::to_string(last));
            }
            for (unsigned slot = first; slot <= last; ++slot) {
                if (map.slotShard_[slot] != kNoShard) {
                    return fail("slot " + std::to_string(slot) + " is claimed by two shards");
                }
                map.slotShard_[slot] = static_cast<std::uint16_t>(s);
            }
        }
    }
    map.shards_ = std::move(shards);
    return map;
}

std::optional<std::vector<Shard>> SlotMap::parseShards(const redisReply* reply,
                                                       std::string* error) {
    return parseShardsOf(reply, error);
}

std::optional<std::vector<Shard>> SlotMap::parseShards(const Reply& reply, std::string* error) {
    return parseShardsOf(&reply, error);
}

std::optional<SlotMap> SlotMap::fromReply(const redisReply* reply, std::string* error) {
    auto shards = parseShards(reply, error);
    if (!shards) {
        return std::nullopt;
    }
    return fromShards(std::move(*shards), error);
}

std::optional<SlotMap> SlotMap::fromReply(const Reply& reply, std::string* error) {
    auto shards = parseShards(reply, error);
    if (!shards) {
        return std::nullopt;
    }
    return fromShards(std::move(*shards), error);
}

const Node* SlotMap::primaryFor(std::uint16_t slot) const {
    if (slot >= kSlotCount || slotShard_.empty() || slotShard_[slot] == kNoShard) {
        return nullptr;
    }
    const auto s = slotShard_[slot];
    return &shards_[s].nodes[primaryIndex_[s]];
}

std::vector<const Node*> SlotMap::replicasFor(std::uint16_t slot) const {
    std::vector<const Node*> replicas;
    if (slot >= kSlotCount || slotShard_.empty() || slotShard_[slot] == kNoShard) {
        return replicas;
    }
    for (const auto& node : shards_[slotShard_[slot]].nodes) {
        if (!node.primary) {
            replicas.push_back(&node);
        }
    }
    return replicas;
}

std::vector<const Node*> SlotMap::nodes() const {
    std::vector<const Node*> all;
    for (const auto& shard : shards_) {
        for (const auto& node : shard.nodes) {
            all.push_back(&node);
        }
    }
    return all;
}

bool SlotMap::coversAllSlots() const {
    if (slotShard_.empty()) {
        return false;
    }
    for (const auto owner : slotShard_) {
        if (owner == kNoShard) {
            return false;
        }
    }
    return true;
}

}  // namespace deskboard::server::redis::cluster
