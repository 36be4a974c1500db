#include "admin.h"

#include <istream>
#include <map>
#include <optional>
#include <ostream>
#include <set>

#include <boost/asio/io_context.hpp>

#include <deskboard/protocol/identifiers.h>
#include <deskboard/server/auth/auth_service.h>
#include <deskboard/server/log.h>
#include <deskboard/server/redis/redis_client.h>

namespace deskboard::server {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

// One administration command run to completion on its own io_context.
class AdminSession {
  public:
    AdminSession(const Config& config, std::ostream& out, std::ostream& err)
        : out_(out),
          err_(err),
          redis_(io_, config.redis, clientOptions(config)),
          hasher_(1),
          auth_(io_, redis_, hasher_,
                auth::AuthOptions{config.accessTokenTtl, config.refreshTokenTtl,
                                  config.refreshGraceSeconds, config.loginMaxFailures,
                                  config.loginWindowSeconds}),
          where_(config.redis.describe()) {
        redis_.start();
    }

    auth::AuthService& auth() { return auth_; }

    // Runs until `finish` was called; returns its exit code.
    int run() {
        io_.run();
        redis_.stop();
        return exitCode_.value_or(kExitFailed);
    }

    void finish(int code) {
        exitCode_ = code;
        redis_.stop();
        io_.stop();
    }

    // Reports an error value and finishes; true when there was one.
    template <typename T>
    bool failed(const protocol::Expected<T>& result) {
        if (result) {
            return false;
        }
        const auto& error = result.error();
        err_ << "deskboard-server: " << error.message;
        if (error.code == protocol::ErrorCode::StorageUnavailable) {
            err_ << " (Redis at " << where_ << ")";
        }
        err_ << '\n';
        finish(kExitFailed);
        return true;
    }

    // Calls `next` with the user named `name`; reports a missing user and finishes.
    void withUser(const std::string& name, std::function<void(const auth::User&)> next) {
        auth_.findUser(name, [this, name, next = std::move(next)](
                                 protocol::Expected<std::optional<auth::User>> user) {
            if (failed(user)) {
                return;
            }
            if (!user.value()) {
                err_ << "deskboard-server: no user named " << name << '\n';
                finish(kExitFailed);
                return;
            }
            next(*user.value());
        });
    }

    std::ostream& out() { return out_; }
    std::ostream& err() { return err_; }

  private:
    static redis::ClientOptions clientOptions(const Config& config) {
        redis::ClientOptions options;
        options.commandTimeout = std::chrono::milliseconds(config.redisTimeoutMs);
        options.reconnectMin = std::chrono::milliseconds(50);
        return options;
    }

    std::ostream& out_;
    std::ostream& err_;
    boost::asio::io_context io_;
    redis::Client redis_;
    auth::PasswordHasher hasher_;
    auth::AuthService auth_;
    std::string where_;
    std::optional<int> exitCode_;
};

std::optional<std::string> readPassword(std::istream& in, std::ostream& err) {
    std::string password;
    if (!std::getline(in, password)) {
        err << "deskboard-server: expected the password on the first line of standard input\n";
        return std::nullopt;
    }
    if (!password.empty() && password.back() == '\r') {
        password.pop_back();
    }
    if (!protocol::isValidPassword(password)) {
        err << "deskboard-server: the password must be " << protocol::kMinPasswordBytes << " to "
            << protocol::kMaxPasswordBytes << " bytes\n";
        return std::nullopt;
    }
    return password;
}

int usage(std::ostream& err, std::string_view what) {
    err << "deskboard-server: " << what << "; see --help\n";
    return kExitUsage;
}

void printWorkspaces(std::ostream& out, const std::vector<auth::Workspace>& workspaces) {
    for (const auto& workspace : workspaces) {
        out << workspace.id << '\t' << workspace.name << '\n';
    }
}

int userCommand(std::span<const std::string_view> args, const Config& config, std::istream& in,
                std::ostream& out, std::ostream& err) {
    const std::string_view verb = args.size() > 1 ? args[1] : std::string_view();
    if (verb == "list" && args.size() == 2) {
        AdminSession session(config, out, err);
        session.auth().listUsers([&](protocol::Expected<std::vector<auth::User>> users) {
            if (session.failed(users)) {
                return;
            }
            for (const auto& user : users.value()) {
                out << user.id << '\t' << user.username << '\n';
            }
            session.finish(kExitOk);
        });
        return session.run();
    }
    if ((verb != "add" && verb != "passwd" && verb != "del") || args.size() != 3) {
        return usage(err, "user takes add NAME, passwd NAME, del NAME or list");
    }
    const std::string name(args[2]);
    if (!protocol::isValidUsername(name)) {
        return usage(err, "a user name is 1-64 of A-Z a-z 0-9 . _ -");
    }
    std::string password;
    if (verb != "del") {
        auto read = readPassword(in, err);
        if (!read) {
            return kExitUsage;
        }
        password = std::move(*read);
    }
    AdminSession session(config, out, err);
    const auto report = [&](const char* what) {
        return [&session, what](protocol::Expected<auth::User> user) {
            if (session.failed(user)) {
                return;
            }
            session.out() << what << " user " << user.value().username << " (" << user.value().id
                          << ")\n";
            session.finish(kExitOk);
        };
    };
    if (verb == "add") {
        session.auth().createUser(name, std::move(password), report("created"));
    } else if (verb == "passwd") {
        session.auth().setPassword(name, std::move(password), report("changed the password of"));
    } else {
        session.auth().deleteUser(name, report("deleted"));
    }
    return session.run();
}

int workspaceCommand(std::span<const std::string_view> args, const Config& config,
                     std::ostream& out, std::ostream& err) {
    const std::string_view verb = args.size() > 1 ? args[1] : std::string_view();
    if (verb == "add" && args.size() == 4) {
        AdminSession session(config, out, err);
        const std::string owner(args[2]);
        const std::string name(args[3]);
        session.withUser(owner, [&](const auth::User& user) {
            session.auth().createWorkspace(
                user.id, name, [&](protocol::Expected<auth::Workspace> workspace) {
                    if (session.failed(workspace)) {
                        return;
                    }
                    out << workspace.value().id << '\t' << workspace.value().name << '\n';
                    session.finish(kExitOk);
                });
        });
        return session.run();
    }
    if (verb == "list" && args.size() == 3) {
        AdminSession session(config, out, err);
        const std::string owner(args[2]);
        session.withUser(owner, [&](const auth::User& user) {
            session.auth().workspacesOf(user.id,
                                        [&](protocol::Expected<std::vector<auth::Workspace>> list) {
                                            if (session.failed(list)) {
                                                return;
                                            }
                                            printWorkspaces(out, list.value());
                                            session.finish(kExitOk);
                                        });
        });
        return session.run();
    }
    if (verb == "list" && args.size() == 2) {
        // Every workspace of every user, each once.
        AdminSession session(config, out, err);
        auto all = std::make_shared<std::map<std::string, auth::Workspace>>();
        session.auth().listUsers([&, all](protocol::Expected<std::vector<auth::User>> users) {
            if (session.failed(users)) {
                return;
            }
            auto remaining = std::make_shared<std::size_t>(users.value().size());
            if (*remaining == 0) {
                session.finish(kExitOk);
                return;
            }
            for (const auto& user : users.value()) {
                session.auth().workspacesOf(
                    user.id,
                    [&, all, remaining](protocol::Expected<std::vector<auth::Workspace>> list) {
                        if (session.failed(list)) {
                            return;
                        }
                        for (const auto& workspace : list.value()) {
                            all->emplace(workspace.id, workspace);
                        }
                        if (--*remaining == 0) {
                            std::vector<auth::Workspace> sorted;
                            for (const auto& [id, workspace] : *all) {
                                sorted.push_back(workspace);
                            }
                            printWorkspaces(out, sorted);
                            session.finish(kExitOk);
                        }
                    });
            }
        });
        return session.run();
    }
    if ((verb == "grant" || verb == "revoke") && args.size() == 4) {
        AdminSession session(config, out, err);
        const std::string workspace(args[2]);
        const std::string user(args[3]);
        auto done = [&](protocol::Expected<bool> changed) {
            if (session.failed(changed)) {
                return;
            }
            out << (verb == "grant" ? "granted " : "revoked ") << user
                << (verb == "grant" ? " access to " : " access from ") << workspace
                << (changed.value() ? "" : " (nothing changed)") << '\n';
            session.finish(kExitOk);
        };
        if (verb == "grant") {
            session.auth().grant(workspace, user, done);
        } else {
            session.auth().revoke(workspace, user, done);
        }
        return session.run();
    }
    return usage(err,
                 "workspace takes add OWNER NAME, list [USER], grant WORKSPACE_ID USER or "
                 "revoke WORKSPACE_ID USER");
}

}  // namespace

int runAdmin(std::span<const std::string_view> args, const Config& config, std::istream& in,
             std::ostream& out, std::ostream& err) {
    if (args.front() == "user") {
        return userCommand(args, config, in, out, err);
    }
    return workspaceCommand(args, config, out, err);
}

}  // namespace deskboard::server
