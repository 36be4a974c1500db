// Redis Cluster slot arithmetic and the slot map: the pure, I/O-free foundation of the cluster
// routing layer of issue 15, part 2. Debian 12 ships no C or C++ cluster client, so the server
// routes by itself on hiredis: it computes the slot of each command's (hash-tagged) key with
// keySlot(), looks the slot's primary up in a SlotMap built from a `CLUSTER SHARDS` reply, sends
// the command there, and on a `-MOVED` / `-ASK` error reads the redirect with parseRedirect()
// (MOVED: refresh the map and retry; ASK: `ASKING` + retry once on the named node). Nothing here
// opens a connection; the connection pool and the retry policy are built on top of it. A script
// or multi-key command is routable only when all of its keys hash to one slot (commonSlot()).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <hiredis/hiredis.h>

#include <deskboard/server/redis/redis_reply.h>

namespace deskboard::server::redis::cluster {

using redis::Reply;

inline constexpr std::uint16_t kSlotCount = 16384;

// CRC16/XMODEM (polynomial 0x1021, initial value 0): the checksum Redis Cluster uses.
std::uint16_t crc16(std::string_view data);

// The part of `key` that is hashed: the text between the first '{' and the first '}' after
// it when that text is non-empty, else the whole key (the rule of the Redis cluster spec).
std::string_view hashTagOf(std::string_view key);

// The cluster slot of `key` (what `CLUSTER KEYSLOT key` answers).
std::uint16_t keySlot(std::string_view key);

// The one slot all `keys` hash to; nothing when they span several slots or there are none.
std::optional<std::uint16_t> commonSlot(const std::vector<std::string>& keys);

struct Node {
    std::string id;    // the 40-character node id
    std::string host;  // the preferred endpoint, or the ip when the endpoint is unknown
    std::uint16_t port = 0;
    bool primary = false;
    bool online = true;  // health "online" (not "failed" or "loading")

    bool operator==(const Node&) const = default;
};

// One shard of a `CLUSTER SHARDS` reply: inclusive slot ranges and the nodes serving them.
struct Shard {
    std::vector<std::pair<std::uint16_t, std::uint16_t>> slotRanges;
    std::vector<Node> nodes;
};

// A `-MOVED <slot> <host>:<port>` or `-ASK <slot> <host>:<port>` error.
struct Redirect {
    enum class Kind { Moved, Ask };
    Kind kind = Kind::Moved;
    std::uint16_t slot = 0;
    std::string host;  // may be empty: Redis sends ":<port>" when the endpoint is unknown
    std::uint16_t port = 0;

    bool operator==(const Redirect&) const = default;
};

// Reads an error string (with or without the leading '-'); nothing when it is not a redirect.
// IPv6 hosts arrive unbracketed ("MOVED 3999 ::1:7002"): the port is after the last ':'.
std::optional<Redirect> parseRedirect(std::string_view error);

class SlotMap {
  public:
    // Builds the map from shards; fails (with `error` set) when two shards claim one slot or a
    // shard with slots has no primary. Slots no shard names stay unowned.
    static std::optional<SlotMap> fromShards(std::vector<Shard> shards, std::string* error);

    // Parses a `CLUSTER SHARDS` reply (RESP2: each map arrives as a flat key/value array).
    static std::optional<std::vector<Shard>> parseShards(const redisReply* reply,
                                                         std::string* error);
    static std::optional<SlotMap> fromReply(const redisReply* reply, std::string* error);
    // The same from the copy a command connection hands out.
    static std::optional<std::vector<Shard>> parseShards(const Reply& reply, std::string* error);
    static std::optional<SlotMap> fromReply(const Reply& reply, std::string* error);

    // The primary that owns `slot`, or nullptr when no shard serves it.
    const Node* primaryFor(std::uint16_t slot) const;
    // The replicas of the shard that owns `slot` (empty when unowned or without replicas).
    std::vector<const Node*> replicasFor(std::uint16_t slot) const;
    // Every node of every shard, primaries and replicas, in reply order.
    std::vector<const Node*> nodes() const;
    // Every slot has an owner.
    bool coversAllSlots() const;
    const std::vector<Shard>& shards() const { return shards_; }

  private:
    static constexpr std::uint16_t kNoShard = 0xffff;

    std::vector<Shard> shards_;
    std::vector<std::uint16_t> primaryIndex_;  // per shard: index of its primary in nodes
    std::vector<std::uint16_t> slotShard_;     // per slot: index into shards_, or kNoShard
};

}  // namespace deskboard::server::redis::cluster
