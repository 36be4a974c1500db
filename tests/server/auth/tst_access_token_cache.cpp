// The access-token cache on its own (no Redis): what it serves and for how long, that it serves
// and keeps nothing unless every listener hears revocations, that a revocation forgets its login
// and voids lookups begun before it, that it stays within its capacity, and that the workers'
// threads can share it.
#include <atomic>
#include <thread>

#include <QTest>

#include "auth/access_token_cache.h"

using deskboard::server::auth::AccessTokenCache;
using deskboard::server::auth::Principal;
using namespace std::chrono_literals;

namespace {

constexpr long long kNow = 1'800'000'000;  // unix seconds

Principal principal(const std::string& login, long long expiresAt = kNow + 900) {
    return Principal{"user-" + login, "name-" + login, login, expiresAt, "personal-" + login};
}

}  // namespace

class AccessTokenCacheTest : public QObject {
    Q_OBJECT

  private:
    AccessTokenCache::Clock::time_point t0_ = AccessTokenCache::Clock::now();

    // A cache with one listener that hears.
    static std::unique_ptr<AccessTokenCache> heardCache(std::chrono::seconds lifetime = 60s) {
        auto cache = std::make_unique<AccessTokenCache>(lifetime);
        cache->setHearing(cache->addListener(), true);
        return cache;
    }

  private slots:
    void servesWhatItStoredUntilItsLifetimeEnds() {
        auto cache = heardCache(60s);
        QVERIFY(!cache->find("h1", kNow, t0_));
        cache->store("h1", principal("l1"), cache->generation(), kNow, t0_);
        const auto found = cache->find("h1", kNow, t0_ + 59s);
        QVERIFY(found.has_value());
        QCOMPARE(found->userId, std::string("user-l1"));
        QCOMPARE(found->username, std::string("name-l1"));
        QCOMPARE(found->loginId, std::string("l1"));
        QCOMPARE(found->expiresAt, kNow + 900);
        QCOMPARE(found->personalWorkspace, std::string("personal-l1"));
        QVERIFY(!cache->find("h2", kNow, t0_));
        QVERIFY(!cache->find("h1", kNow, t0_ + 60s));
        QCOMPARE(cache->size(), std::size_t{0});  // an expired entry goes when met
    }

    void neverServesATokenPastItsExpiry() {
        auto cache = heardCache(600s);
        cache->store("h1", principal("l1", kNow + 10), cache->generation(), kNow, t0_);
        QVERIFY(cache->find("h1", kNow + 9, t0_ + 9s));
        QVERIFY(!cache->find("h1", kNow + 10, t0_ + 10s));
        // A token already expired (or without an expiry) is not kept at all.
        cache->store("h2", principal("l2", kNow), cache->generation(), kNow, t0_);
        cache->store("h3", principal("l3", 0), cache->generation(), kNow, t0_);
        QCOMPARE(cache->size(), std::size_t{0});
    }

    void isOffUnlessEveryListenerHears() {
        AccessTokenCache never(60s);  // no listener (the admin command line)
        QVERIFY(!never.active());
        never.store("h1", principal("l1"), never.generation(), kNow, t0_);
        QCOMPARE(never.size(), std::size_t{0});

        AccessTokenCache zero(0s);  // DESKBOARD_TOKEN_CACHE_SECONDS=0
        zero.setHearing(zero.addListener(), true);
        QVERIFY(!zero.active());
        zero.store("h1", principal("l1"), zero.generation(), kNow, t0_);
        QVERIFY(!zero.find("h1", kNow, t0_));

        // Two workers' subscribers.
        AccessTokenCache shared(60s);
        const auto first = shared.addListener();
        const auto second = shared.addListener();
        QVERIFY(!shared.active());  // both start deaf
        shared.setHearing(first, true);
        QVERIFY(!shared.active());
        shared.setHearing(second, true);
        QVERIFY(shared.active());
        shared.store("h1", principal("l1"), shared.generation(), kNow, t0_);
        QVERIFY(shared.find("h1", kNow, t0_));

        shared.setHearing(second, false);  // that subscriber lost its connection
        QVERIFY(!shared.active());
        QVERIFY(!shared.find("h1", kNow, t0_));
        shared.store("h2", principal("l2"), shared.generation(), kNow, t0_);
        QCOMPARE(shared.size(), std::size_t{1});
        // Subscribed again: what was announced meanwhile was not heard, so all is forgotten.
        shared.setHearing(second, true);
        QVERIFY(shared.active());
        QVERIFY(!shared.find("h1", kNow, t0_));
        QCOMPARE(shared.size(), std::size_t{0});
        // Hearing on and on forgets nothing.
        shared.store("h3", principal("l3"), shared.generation(), kNow, t0_);
        shared.setHearing(first, true);
        QVERIFY(shared.find("h3", kNow, t0_));
    }

    // Workers find, store and forget from their own threads at once; a forgotten login is gone
    // for all of them (run under ASan and UBSan too, in build-sanitize).
    void workersShareIt() {
        auto cache = heardCache();
        std::atomic<bool> failed{false};
        std::vector<std::thread> workers;
        for (int w = 0; w < 4; ++w) {
            workers.emplace_back([&cache, &failed, w, t0 = t0_] {
                for (int i = 0; i < 2000; ++i) {
                    const std::string hash = "w" + std::to_string(w) + "-" + std::to_string(i % 50);
                    const std::string login = "login-" + std::to_string(w);
                    const auto generation = cache->generation();
                    cache->store(hash, principal(login), generation, kNow, t0);
                    const auto found = cache->find(hash, kNow, t0);
                    if (found && found->loginId != login) {
                        failed = true;
                    }
                    if (i % 100 == 0) {
                        cache->forgetLogin("login-" + std::to_string((w + 1) % 4));
                    }
                }
            });
        }
        for (auto& worker : workers) {
            worker.join();
        }
        QVERIFY(!failed);
        cache->forgetLogin("login-0");
        QVERIFY(!cache->find("w0-0", kNow, t0_));
    }

    void forgettingALoginForgetsAllItsTokensOnly() {
        auto cache = heardCache();
        cache->store("a1", principal("la"), cache->generation(), kNow, t0_);
        cache->store("a2", principal("la"), cache->generation(), kNow, t0_);
        cache->store("b1", principal("lb"), cache->generation(), kNow, t0_);
        cache->forgetLogin("la");
        QVERIFY(!cache->find("a1", kNow, t0_));
        QVERIFY(!cache->find("a2", kNow, t0_));
        QVERIFY(cache->find("b1", kNow, t0_));
        cache->forgetLogin("unknown");
        QVERIFY(cache->find("b1", kNow, t0_));
    }

    // A lookup sent before a revocation may answer after it with the token still valid: its
    // answer must not be kept.
    void aLookupOvertakenByARevocationStoresNothing() {
        auto cache = heardCache();
        const auto before = cache->generation();
        cache->forgetLogin("l1");
        cache->store("h1", principal("l1"), before, kNow, t0_);
        QVERIFY(!cache->find("h1", kNow, t0_));
        const auto beforeAll = cache->generation();
        cache->forgetAll();
        cache->store("h1", principal("l1"), beforeAll, kNow, t0_);
        QCOMPARE(cache->size(), std::size_t{0});
        cache->store("h1", principal("l1"), cache->generation(), kNow, t0_);
        QVERIFY(cache->find("h1", kNow, t0_));
    }

    void staysWithinItsCapacity() {
        auto cache = heardCache(60s);
        const auto capacity = AccessTokenCache::kCapacity;
        // Half of them stored a minute earlier: they are the ones dropped when it fills up.
        for (std::size_t i = 0; i < capacity; ++i) {
            const auto at = i < capacity / 2 ? t0_ : t0_ + 60s;
            cache->store("old-or-new-" + std::to_string(i), principal("l"), cache->generation(),
                         kNow, at);
        }
        QCOMPARE(cache->size(), capacity);
        cache->store("one-more", principal("l"), cache->generation(), kNow, t0_ + 61s);
        QCOMPARE(cache->size(), capacity - capacity / 2 + 1);
        QVERIFY(cache->find("one-more", kNow, t0_ + 61s));
        // Full of live entries: all go, the new one stays.
        for (std::size_t i = 0; cache->size() < capacity; ++i) {
            cache->store("fill-" + std::to_string(i), principal("l"), cache->generation(), kNow,
                         t0_ + 61s);
        }
        cache->store("last", principal("l"), cache->generation(), kNow, t0_ + 61s);
        QCOMPARE(cache->size(), std::size_t{1});
        QVERIFY(cache->find("last", kNow, t0_ + 61s));
    }
};

QTEST_GUILESS_MAIN(AccessTokenCacheTest)
#include "tst_access_token_cache.moc"
