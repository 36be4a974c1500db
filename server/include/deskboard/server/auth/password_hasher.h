// argon2id password hashing (libsodium crypto_pwhash_str, INTERACTIVE limits: ~140 ms and
// 64 MiB each) off the io threads: a small pool of worker threads with bounded concurrency,
// results posted back to the caller's io_context. Shared by all server workers.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

namespace deskboard::server::auth {

class PasswordHasher {
  public:
    // The argon2id cost of new hashes. Production always uses Interactive (libsodium
    // OPSLIMIT/MEMLIMIT_INTERACTIVE). Minimal (OPSLIMIT/MEMLIMIT_MIN) is for tests only, to keep
    // suites fast; never configure it in the server.
    enum class Cost { Interactive, Minimal };

    // `threads`: how many hashes may run at once (each takes 64 MiB while it runs); more
    // requests wait in a queue in front of them.
    explicit PasswordHasher(unsigned threads = 2, Cost cost = Cost::Interactive);
    ~PasswordHasher();  // finishes queued work, joins the threads
    PasswordHasher(const PasswordHasher&) = delete;
    PasswordHasher& operator=(const PasswordHasher&) = delete;

    // `done(hash)` on `io`; an empty hash means hashing failed (out of memory).
    void hash(std::string password, boost::asio::io_context& io,
              std::function<void(std::string hash)> done);

    // `done(matches)` on `io`.
    void verify(std::string hash, std::string password, boost::asio::io_context& io,
                std::function<void(bool matches)> done);

    // Blocking forms for the admin command line.
    std::string hashNow(const std::string& password);
    bool verifyNow(const std::string& hash, const std::string& password);

  private:
    class Pool;
    std::unique_ptr<Pool> pool_;
};

}  // namespace deskboard::server::auth
