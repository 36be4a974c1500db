// Internal: redis::Client over a Redis Cluster. Debian 12 ships no C or C++ cluster client, so
// this is ours, on hiredis: it learns the slot map with `CLUSTER SHARDS` from the seed nodes,
// keeps one pipelined NodeConnection per primary, and sends every command and script to the
// primary owning the CRC16 slot of its (hash-tagged) keys.
//
// What it retries, and why that is safe: a `-MOVED` (the slot lives elsewhere: retry there and
// refresh the map), an `-ASK` (the slot is migrating: `ASKING` + retry on the named node),
// `-TRYAGAIN` / `-CLUSTERDOWN` (keys of a migrating slot split, or a failover under way: retry
// after a short pause), and a command that never left because its node's connection was down.
// Redis refuses all of those before running anything. A command whose outcome is unknown (the
// connection broke or timed out after it was sent) is never repeated: it fails upwards (503),
// and the client repeats the save through the same compare-and-set rule. Every retry stays
// inside the command deadline. Use it only from the thread that runs its io_context.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <deskboard/server/redis/redis_client.h>

#include "cluster_slots.h"
#include "node_connection.h"

namespace deskboard::server::redis {

class ClusterRouter : public std::enable_shared_from_this<ClusterRouter> {
  public:
    // `endpoint.seeds` names the nodes asked for the slot map; its credentials are used on
    // every node.
    ClusterRouter(boost::asio::io_context& io, Endpoint endpoint, ClientOptions options);
    ~ClusterRouter();
    ClusterRouter(const ClusterRouter&) = delete;
    ClusterRouter& operator=(const ClusterRouter&) = delete;

    void start();
    void stop();
    // The slot map covers every slot and every primary's connection is up.
    bool isConnected() const;

    // Routed by the command's first key (argv[1]); keyless commands (PING, PUBLISH, ...) go to
    // any connected primary.
    void command(const std::vector<std::string>& argv, Callback callback);
    // Routed by the slot all `keys` share; keys in different slots are refused (CROSSSLOT).
    void evalScript(Script& script, std::vector<std::string> keys, std::vector<std::string> args,
                    Callback callback);

    // How often the slot map was fetched (for tests and metrics).
    std::uint64_t mapRefreshes() const { return refreshes_; }

  private:
    struct Operation;
    using OperationPtr = std::shared_ptr<Operation>;

    void dispatch(const OperationPtr& operation);
    void onResult(const OperationPtr& operation, Result result);
    void retryLater(const OperationPtr& operation, std::chrono::milliseconds delay);
    void finish(const OperationPtr& operation, Result result);

    void watchHealth();
    void refreshMap();
    void refreshAt(std::chrono::steady_clock::time_point due);
    void askForShards(std::vector<std::pair<std::string, std::uint16_t>> candidates,
                      std::size_t next);
    void applyMap(cluster::SlotMap map);
    void runWaiters();

    std::shared_ptr<NodeConnection> connectionTo(const std::string& host, std::uint16_t port);
    std::shared_ptr<NodeConnection> anyConnectedPrimary();
    // The primary the map names for each shard that has slots.
    std::vector<const cluster::Node*> servingPrimaries() const;
    void event(std::string_view name);
    void log(const std::string& line);

    boost::asio::io_context& io_;
    Endpoint endpoint_;
    ClientOptions options_;
    ClientOptions nodeOptions_;
    std::optional<cluster::SlotMap> map_;
    std::map<std::string, std::shared_ptr<NodeConnection>> nodes_;  // by "host:port"
    std::vector<OperationPtr> waiters_;  // for a slot map that covers their slot
    boost::asio::steady_timer refreshTimer_;
    boost::asio::steady_timer healthTimer_;
    std::chrono::steady_clock::time_point lastRefresh_{};
    std::chrono::milliseconds failedRefreshPause_;
    bool refreshing_ = false;
    bool refreshAgain_ = false;
    bool refreshTimerArmed_ = false;
    bool stopped_ = true;
    std::uint64_t refreshes_ = 0;
};

}  // namespace deskboard::server::redis
