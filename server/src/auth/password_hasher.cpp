// argon2id hashing on a fixed pool of worker threads: `threads` hashes run at once, further
// requests wait in a FIFO queue. Results are posted to the caller's io_context; a work guard
// keeps that io_context from running out of work while a job is outstanding.
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <sodium.h>

#include <deskboard/server/auth/password_hasher.h>

namespace deskboard::server::auth {
namespace {

struct Limits {
    unsigned long long opslimit;
    std::size_t memlimit;
};

Limits limitsOf(PasswordHasher::Cost cost) {
    if (cost == PasswordHasher::Cost::Minimal) {  // tests only
        return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
    }
    return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

std::string hashWith(const Limits& limits, const std::string& password) {
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, password.data(), password.size(), limits.opslimit,
                          limits.memlimit) != 0) {
        return {};  // out of memory
    }
    return std::string(out);
}

bool verifyWith(const std::string& hash, const std::string& password) {
    // crypto_pwhash_str_verify needs a NUL-terminated string of at most STRBYTES - 1 bytes.
    if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES ||
        hash.find('\0') != std::string::npos) {
        return false;
    }
    return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

// Passwords do not outlive their job in our memory.
void wipe(std::string& secret) {
    if (!secret.empty()) {
        sodium_memzero(secret.data(), secret.size());
    }
    secret.clear();
}

}  // namespace

class PasswordHasher::Pool {
  public:
    Pool(unsigned threads, Limits limits) : limits_(limits) {
        if (sodium_init() < 0) {
            throw std::runtime_error("libsodium cannot be initialised");
        }
        const unsigned count = threads == 0 ? 1 : threads;
        workers_.reserve(count);
        for (unsigned i = 0; i < count; ++i) {
            workers_.emplace_back([this] { work(); });
        }
    }

    ~Pool() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        for (auto& worker : workers_) {
            worker.join();
        }
    }

    void submit(std::function<void()> job) {
        {
            std::lock_guard lock(mutex_);
            queue_.push_back(std::move(job));
        }
        wake_.notify_one();
    }

    const Limits& limits() const { return limits_; }

  private:
    // Runs jobs until stopped and the queue is drained (queued work is finished, not dropped).
    void work() {
        for (;;) {
            std::function<void()> job;
            {
                std::unique_lock lock(mutex_);
                wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
                if (queue_.empty()) {
                    return;
                }
                job = std::move(queue_.front());
                queue_.pop_front();
            }
            job();
        }
    }

    Limits limits_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> queue_;
    bool stopping_ = false;
    std::vector<std::thread> workers_;
};

PasswordHasher::PasswordHasher(unsigned threads, Cost cost)
    : pool_(std::make_unique<Pool>(threads, limitsOf(cost))) {}

PasswordHasher::~PasswordHasher() = default;

void PasswordHasher::hash(std::string password, boost::asio::io_context& io,
                          std::function<void(std::string hash)> done) {
    pool_->submit([limits = pool_->limits(), password = std::move(password), &io,
                   work = boost::asio::make_work_guard(io), done = std::move(done)]() mutable {
        std::string result = hashWith(limits, password);
        wipe(password);
        boost::asio::post(io, [done = std::move(done), result = std::move(result)]() mutable {
            done(std::move(result));
        });
        work.reset();
    });
}

void PasswordHasher::verify(std::string hash, std::string password, boost::asio::io_context& io,
                            std::function<void(bool matches)> done) {
    pool_->submit([hash = std::move(hash), password = std::move(password), &io,
                   work = boost::asio::make_work_guard(io), done = std::move(done)]() mutable {
        const bool matches = verifyWith(hash, password);
        wipe(password);
        boost::asio::post(io, [done = std::move(done), matches] { done(matches); });
        work.reset();
    });
}

// The blocking forms queue like everything else, so the bound on concurrent hashes holds.
std::string PasswordHasher::hashNow(const std::string& password) {
    std::promise<std::string> promise;
    auto future = promise.get_future();
    pool_->submit([limits = pool_->limits(), &password, &promise] {
        promise.set_value(hashWith(limits, password));
    });
    return future.get();
}

bool PasswordHasher::verifyNow(const std::string& hash, const std::string& password) {
    std::promise<bool> promise;
    auto future = promise.get_future();
    pool_->submit([&hash, &password, &promise] { promise.set_value(verifyWith(hash, password)); });
    return future.get();
}

}  // namespace deskboard::server::auth
