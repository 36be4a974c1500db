#include <deskboard/server/redis/redis_client.h>

#include "cluster_router.h"
#include "node_connection.h"

namespace deskboard::server::redis {

// One of the two: a connection to a single Redis, or the router over a cluster's nodes.
class Client::Impl {
  public:
    Impl(boost::asio::io_context& io, Endpoint endpoint, ClientOptions options) {
        if (endpoint.cluster) {
            cluster_ = std::make_shared<ClusterRouter>(io, std::move(endpoint), std::move(options));
        } else {
            node_ = std::make_shared<NodeConnection>(io, std::move(endpoint), std::move(options));
        }
    }

    std::shared_ptr<NodeConnection> node_;
    std::shared_ptr<ClusterRouter> cluster_;
};

Client::Client(boost::asio::io_context& io, Endpoint endpoint, ClientOptions options)
    : impl_(std::make_shared<Impl>(io, std::move(endpoint), std::move(options))) {}

Client::~Client() {
    stop();
}

void Client::start() {
    impl_->node_ ? impl_->node_->start() : impl_->cluster_->start();
}

void Client::stop() {
    impl_->node_ ? impl_->node_->stop() : impl_->cluster_->stop();
}

bool Client::isConnected() const {
    return impl_->node_ ? impl_->node_->isConnected() : impl_->cluster_->isConnected();
}

bool Client::isCluster() const {
    return impl_->cluster_ != nullptr;
}

void Client::command(const std::vector<std::string>& argv, Callback callback) {
    if (impl_->node_) {
        impl_->node_->command(argv, std::move(callback));
    } else {
        impl_->cluster_->command(argv, std::move(callback));
    }
}

void Client::evalScript(Script& script, std::vector<std::string> keys,
                        std::vector<std::string> args, Callback callback) {
    if (impl_->node_) {
        impl_->node_->evalScript(script, std::move(keys), std::move(args), std::move(callback));
    } else {
        impl_->cluster_->evalScript(script, std::move(keys), std::move(args), std::move(callback));
    }
}

}  // namespace deskboard::server::redis
