#include "auth_key_migration.h"

#include <memory>

#include "auth_keys.h"

namespace deskboard::server::auth {
namespace {

// The 0.1 layout had no tag: "deskboard:" + the same suffixes. "deskboard:revocations" is a
// pub/sub channel, never a key.
constexpr std::string_view kOldUsers = "deskboard:users";

// One SCAN step. ARGV[1] cursor, ARGV[2] COUNT, ARGV[3] the new prefix ("deskboard:{auth}:").
// Renames every untagged "deskboard:*" key whose new name is free (RENAME keeps the TTL); a
// login's token set gets its members (old key names) rewritten to the new names, TTL kept.
// Returns {next cursor, keys moved}.
constexpr std::string_view kStep = R"lua(
local found = redis.call('SCAN', ARGV[1], 'MATCH', 'deskboard:*', 'COUNT', ARGV[2])
local moved = 0
local oldPrefix = 'deskboard:'
for _, key in ipairs(found[2]) do
    local rest = string.sub(key, #oldPrefix + 1)
    if string.sub(rest, 1, 1) ~= '{' then
        local target = ARGV[3] .. rest
        if redis.call('EXISTS', target) == 0 then
            redis.call('RENAME', key, target)
            moved = moved + 1
            if string.sub(rest, 1, 6) == 'login:' and redis.call('TYPE', target).ok == 'zset' then
                local ttl = redis.call('PTTL', target)
                local members = redis.call('ZRANGE', target, 0, -1, 'WITHSCORES')
                redis.call('DEL', target)
                for i = 1, #members, 2 do
                    local member = members[i]
                    if string.sub(member, 1, #oldPrefix) == oldPrefix and
                            string.sub(member, #oldPrefix + 1, #oldPrefix + 1) ~= '{' then
                        member = ARGV[3] .. string.sub(member, #oldPrefix + 1)
                    end
                    redis.call('ZADD', target, members[i + 1], member)
                end
                if ttl > 0 then
                    redis.call('PEXPIRE', target, ttl)
                end
            end
        end
    end
end
return {found[1], moved}
)lua";

class Migration : public std::enable_shared_from_this<Migration> {
  public:
    Migration(redis::Client& redis, std::function<void(KeyMigrationResult)> done)
        : redis_(redis), script_(std::string(kStep)), done_(std::move(done)) {}

    void start() {
        redis_.command(
            {"EXISTS", std::string(kOldUsers)}, [self = shared_from_this()](redis::Result result) {
                if (!result.succeeded()) {
                    self->finish(false,
                                 "cannot check for keys of the 0.1 layout: " + result.describe());
                } else if (result.reply().integer == 0) {
                    self->finish(true, {});
                } else {
                    self->step("0");
                }
            });
    }

  private:
    void step(const std::string& cursor) {
        // The script declares no keys: it runs only on a single Redis, where that is allowed.
        redis_.evalScript(
            script_, {}, {cursor, "1000", std::string(keys::kPrefix)},
            [self = shared_from_this()](redis::Result result) {
                const auto& reply = result.reply();
                if (!result.succeeded() || !reply.isArray() || reply.elements.size() != 2) {
                    self->finish(false, "moving the auth keys stopped: " + result.describe());
                    return;
                }
                self->moved_ += reply.elements[1].integer;
                const auto next = reply.elements[0].asString();
                if (!next || *next == "0") {
                    self->finish(true, {});
                } else {
                    self->step(std::string(*next));
                }
            });
    }

    void finish(bool ok, std::string error) {
        done_(KeyMigrationResult{ok, moved_, std::move(error)});
    }

    redis::Client& redis_;
    redis::Script script_;
    std::function<void(KeyMigrationResult)> done_;
    long long moved_ = 0;
};

}  // namespace

void migrateAuthKeys(redis::Client& redis, std::function<void(KeyMigrationResult)> done) {
    std::make_shared<Migration>(redis, std::move(done))->start();
}

}  // namespace deskboard::server::auth
