// The HTTP layer against real sockets: an HttpServer on 127.0.0.1 (any free port) runs on an
// io_context in a background thread with a small test Handler; the test thread talks to it
// through raw, non-blocking POSIX sockets so that it controls the exact bytes. Every wait has a
// deadline.
#include <atomic>
#include <cerrno>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>  // before any Asio include (g++ 12 + Boost 1.74)
#include <vector>

#include <QTest>
#include <arpa/inet.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <deskboard/protocol/error.h>
#include <deskboard/server/http/http_server.h>

using namespace std::chrono_literals;
using deskboard::protocol::ApiError;
using deskboard::protocol::errorBody;
using deskboard::protocol::ErrorCode;
using namespace deskboard::server::http;
using Millis = std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kJson = "application/json; charset=utf-8";

bool waitUntil(const std::function<bool()>& condition, Millis timeout = 5s) {
    const auto deadline = Clock::now() + timeout;
    while (!condition()) {
        if (Clock::now() > deadline) {
            return false;
        }
        std::this_thread::sleep_for(2ms);
    }
    return true;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// A client socket in non-blocking mode, every operation bounded by a deadline.
class RawClient {
  public:
    explicit RawClient(std::uint16_t port, int receiveBuffer = 0) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (receiveBuffer > 0) {
            ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, sizeof receiveBuffer);
        }
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ =
            ::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
        ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
    }
    ~RawClient() { closeNow(); }
    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;

    bool connected() const { return connected_; }
    std::string& data() { return data_; }
    bool closed() const { return closed_; }

    // Sends every byte; false when the peer is gone or time ran out.
    bool send(std::string_view bytes, Millis timeout = 5s) {
        const auto deadline = Clock::now() + timeout;
        while (!bytes.empty()) {
            const auto sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (sent > 0) {
                bytes.remove_prefix(static_cast<std::size_t>(sent));
            } else if (sent < 0 && (errno == EAGAIN || errno == EINTR)) {
                if (!wait(POLLOUT, deadline)) {
                    return false;
                }
            } else {
                return false;
            }
        }
        return true;
    }

    // Reads until `done(data())`, the end of the connection or the timeout.
    bool readUntil(const std::function<bool(const std::string&)>& done, Millis timeout = 5s) {
        const auto deadline = Clock::now() + timeout;
        while (!done(data_)) {
            if (closed_ || !readSome(deadline)) {
                return done(data_);
            }
        }
        return true;
    }

    // Reads until the server closes the connection (EOF or reset).
    bool readUntilClosed(Millis timeout = 5s) {
        const auto deadline = Clock::now() + timeout;
        while (!closed_ && readSome(deadline)) {
        }
        return closed_;
    }

    void closeNow() {
        if (fd_ >= 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }

  private:
    bool wait(short events, Clock::time_point deadline) {
        const auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
        if (left <= 0) {
            return false;
        }
        pollfd item{fd_, events, 0};
        return ::poll(&item, 1, static_cast<int>(left)) > 0;
    }

    // One read; false when time ran out.
    bool readSome(Clock::time_point deadline) {
        for (;;) {
            char chunk[65536];
            const auto got = ::recv(fd_, chunk, sizeof chunk, 0);
            if (got > 0) {
                data_.append(chunk, static_cast<std::size_t>(got));
                return true;
            }
            if (got < 0 && (errno == EAGAIN || errno == EINTR)) {
                if (!wait(POLLIN, deadline)) {
                    return false;
                }
                continue;
            }
            closed_ = true;  // EOF or reset
            return true;
        }
    }

    int fd_ = -1;
    bool connected_ = false;
    bool closed_ = false;
    std::string data_;
};

std::string lowered(std::string text) {
    for (auto& c : text) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return text;
}

struct Answer {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
    std::string body;

    std::optional<std::string> header(const std::string& name) const {
        for (const auto& [key, value] : headers) {
            if (key == name) {
                return value;
            }
        }
        return std::nullopt;
    }
};

// Parses the answer at the front of `data` (a Content-Length body, or none); with `take`,
// removes it from `data`. Nothing while incomplete.
std::optional<Answer> parseAnswer(std::string& data, bool headRequest, bool take) {
    const auto end = data.find("\r\n\r\n");
    if (end == std::string::npos) {
        return std::nullopt;
    }
    Answer answer;
    std::size_t lineStart = 0;
    bool firstLine = true;
    while (lineStart < end) {
        auto lineEnd = data.find("\r\n", lineStart);
        const std::string line = data.substr(lineStart, lineEnd - lineStart);
        lineStart = lineEnd + 2;
        if (firstLine) {
            firstLine = false;
            answer.status = std::stoi(line.substr(9, 3));
            continue;
        }
        const auto colon = line.find(':');
        auto value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        answer.headers.emplace_back(lowered(line.substr(0, colon)), value);
    }
    std::size_t length = 0;
    const bool noBody =
        headRequest || answer.status < 200 || answer.status == 204 || answer.status == 304;
    if (!noBody && answer.header("content-length")) {
        length = std::stoul(*answer.header("content-length"));
    }
    if (data.size() < end + 4 + length) {
        return std::nullopt;
    }
    answer.body = data.substr(end + 4, length);
    if (take) {
        data.erase(0, end + 4 + length);
    }
    return answer;
}

std::optional<Answer> readAnswer(RawClient& client, bool headRequest = false, Millis timeout = 5s) {
    client.readUntil(
        [&](const std::string& data) {
            auto copy = data;
            return parseAnswer(copy, headRequest, false).has_value();
        },
        timeout);
    return parseAnswer(client.data(), headRequest, true);
}

std::optional<Answer> get(RawClient& client, const std::string& target,
                          const std::string& extraHeaders = {}) {
    if (!client.send("GET " + target + " HTTP/1.1\r\nHost: test\r\n" + extraHeaders + "\r\n")) {
        return std::nullopt;
    }
    return readAnswer(client);
}

Response jsonError(ErrorCode code, std::string message) {
    return Response{deskboard::protocol::httpStatus(code),
                    kJson,
                    errorBody(ApiError{code, std::move(message)}),
                    {}};
}

// The test's API layer. Runs on the io thread; the test thread only reads the atomics (and
// the containers once the io thread stopped).
class TestHandler : public Handler {
  public:
    explicit TestHandler(boost::asio::io_context& ioc) : ioc_(ioc) {}

    void handle(std::shared_ptr<Exchange> exchange) override {
        const auto& path = exchange->head().path;
        if (path == "/hello") {
            exchange->setRoute("/hello");
            exchange->setUserId("u1");
            exchange->respond({200, kJson, R"({"hello":"world"})", {{"X-Extra", "yes"}}});
        } else if (path == "/target") {
            exchange->respond({200, "text/plain", exchange->head().target, {}});
        } else if (path == "/echo") {
            exchange->setRoute("/echo");
            exchange->readBody(1024, jsonError(ErrorCode::TooLarge, "body over 1024 bytes"),
                               [exchange](std::string body) {
                                   exchange->respond({200, "text/plain", std::move(body), {}});
                               });
        } else if (path == "/refuse") {
            exchange->respond(jsonError(ErrorCode::Unauthorized, "no token"));
        } else if (path == "/delay") {
            auto timer = std::make_shared<boost::asio::steady_timer>(ioc_, 300ms);
            ++delayed;
            timer->async_wait([timer, exchange](const boost::system::error_code&) {
                exchange->respond({200, "text/plain", "late", {}});
            });
        } else if (path == "/hang") {
            kept.push_back(exchange);
            ++held;
        } else if (path == "/twice") {
            exchange->respond({200, "text/plain", "first", {}});
            exchange->respond({500, "text/plain", "second", {}});  // ignored
            if (!exchange->isOpen()) {
                ++closedAfterAnswer;
            }
        } else if (path == "/events") {
            exchange->setRoute("/events");
            auto stream = exchange->startEventStream({{"X-Accel-Buffering", "no"}});
            stream->onClosed([this] { ++streamsClosed; });
            stream->send("id: 1\nevent: version\ndata: {\"version\":1}\n\n");
            stream->send("id: 2\nevent: version\ndata: {\"version\":2}\n\n");
            streams.push_back(stream);
        } else if (path == "/flood") {
            auto stream = exchange->startEventStream({});
            stream->onClosed([this] { ++floodClosed; });
            flood(stream, 2000);
        } else {
            exchange->respond(jsonError(ErrorCode::NotFound, "no such route"));
        }
    }

    std::atomic<int> delayed{0};
    std::atomic<int> held{0};
    std::atomic<int> closedAfterAnswer{0};
    std::atomic<int> streamsClosed{0};
    std::atomic<int> floodClosed{0};
    std::atomic<bool> floodRefused{false};
    std::vector<std::shared_ptr<Exchange>> kept;
    std::vector<std::shared_ptr<EventStream>> streams;

  private:
    // 64 KiB events, one per turn of the io loop, until the stream refuses one.
    void flood(std::shared_ptr<EventStream> stream, int left) {
        if (left == 0) {
            return;
        }
        if (!stream->send("data: " + std::string(65536, 'x') + "\n\n")) {
            floodRefused = true;
            return;
        }
        boost::asio::post(ioc_, [this, stream, left] { flood(stream, left - 1); });
    }

    boost::asio::io_context& ioc_;
};

HttpServerOptions testOptions(HttpServerOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    return options;
}

// An HttpServer running on its own thread.
struct TestServer {
    explicit TestServer(HttpServerOptions options = {})
        : handler(ioc),
          server(ioc, testOptions(std::move(options)), handler, [this](const auto& r) {
              std::lock_guard lock(mutex);
              records.push_back(r);
          }) {
        server.start();
        thread = std::thread([this] {
            ioc.run();
            runReturned = true;
        });
    }
    ~TestServer() {
        if (thread.joinable()) {
            shutdown(0ms);
            waitStopped();
        }
    }

    std::uint16_t port() const { return server.port(); }

    void shutdown(Millis grace) {
        boost::asio::post(ioc, [this, grace] { server.shutdown(grace, [this] { ++doneCalls; }); });
    }

    // Waits for run() to return (stopping the io_context after the timeout).
    bool waitStopped(Millis timeout = 10s) {
        const bool returned = waitUntil([this] { return runReturned.load(); }, timeout);
        if (!returned) {
            ioc.stop();
        }
        thread.join();
        return returned;
    }

    std::vector<ExchangeRecord> recorded() {
        std::lock_guard lock(mutex);
        return records;
    }

    boost::asio::io_context ioc;
    TestHandler handler;
    std::mutex mutex;
    std::vector<ExchangeRecord> records;
    HttpServer server;
    std::atomic<bool> runReturned{false};
    std::atomic<int> doneCalls{0};
    std::thread thread;
};

bool isGeneratedId(const std::string& id) {
    return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

class HttpServerTest : public QObject {
    Q_OBJECT

  private slots:
    void answersWithTheRequiredHeaders() {
        TestServer server;
        RawClient client(server.port());
        QVERIFY(client.connected());
        auto answer = get(client, "/hello", "X-Request-Id: abc-123.4:5_6\r\n");
        QVERIFY(answer);
        QCOMPARE(answer->status, 200);
        QCOMPARE(answer->header("cache-control"), std::string("no-store"));
        QCOMPARE(answer->header("x-request-id"), std::string("abc-123.4:5_6"));
        QCOMPARE(answer->header("content-type"), std::string(kJson));
        QCOMPARE(answer->header("content-length"), std::string("17"));
        QCOMPARE(answer->header("x-extra"), std::string("yes"));
        QVERIFY(!answer->header("connection"));  // keep-alive: HTTP/1.1's default
        QCOMPARE(answer->body, std::string(R"({"hello":"world"})"));

        answer = get(client, "/hello");
        QVERIFY(answer);
        QVERIFY(isGeneratedId(answer->header("x-request-id").value_or("")));
        answer = get(client, "/hello", "X-Request-Id: bad/id\r\n");
        QVERIFY(answer);
        QVERIFY(isGeneratedId(answer->header("x-request-id").value_or("")));
        answer = get(client, "/hello", "X-Request-Id: " + std::string(129, 'a') + "\r\n");
        QVERIFY(answer);
        QVERIFY(isGeneratedId(answer->header("x-request-id").value_or("")));

        answer = get(client, "/nowhere");
        QVERIFY(answer);
        QCOMPARE(answer->status, 404);
        QCOMPARE(answer->header("cache-control"), std::string("no-store"));

        const auto records = server.recorded();
        QCOMPARE(records.size(), std::size_t(5));
        QCOMPARE(records[0].method, std::string("GET"));
        QCOMPARE(records[0].route, std::string("/hello"));
        QCOMPARE(records[0].status, 200);
        QCOMPARE(records[0].userId, std::string("u1"));
        QCOMPARE(records[0].requestId, std::string("abc-123.4:5_6"));
        QCOMPARE(records[0].remoteAddress, std::string("127.0.0.1"));
        QCOMPARE(records[4].route, std::string("unmatched"));
        QCOMPARE(records[4].status, 404);
    }

    void headRequestsGetNoBody() {
        TestServer server;
        RawClient client(server.port());
        QVERIFY(client.send("HEAD /hello HTTP/1.1\r\nHost: test\r\n\r\n"));
        auto answer = readAnswer(client, true);
        QVERIFY(answer);
        QCOMPARE(answer->status, 200);
        QCOMPARE(answer->header("content-length"), std::string("17"));
        QVERIFY(answer->body.empty());
        // Nothing stray follows: the next answer on the connection parses.
        answer = get(client, "/target?next");
        QVERIFY(answer);
        QCOMPARE(answer->body, std::string("/target?next"));
    }

    void keepsConnectionsAlive() {
        TestServer server;
        RawClient client(server.port());
        for (const auto* target : {"/target?1", "/target?2"}) {
            const auto answer = get(client, target);
            QVERIFY(answer);
            QCOMPARE(answer->body, std::string(target));
        }
        QCOMPARE(server.server.openConnections(), std::size_t(1));

        RawClient closing(server.port());
        auto answer = get(closing, "/hello", "Connection: close\r\n");
        QVERIFY(answer);
        QCOMPARE(answer->header("connection"), std::string("close"));
        QVERIFY(closing.readUntilClosed());

        RawClient old(server.port());
        QVERIFY(old.send("GET /hello HTTP/1.0\r\n\r\n"));
        answer = readAnswer(old);
        QVERIFY(answer);
        QCOMPARE(answer->status, 200);
        QVERIFY(old.readUntilClosed());
    }

    void answersPipelinedRequestsInOrder() {
        TestServer server;
        RawClient client(server.port());
        QVERIFY(
            client.send("GET /target?1 HTTP/1.1\r\nHost: test\r\n\r\n"
                        "POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 3\r\n\r\nabc"
                        "GET /target?3 HTTP/1.1\r\nHost: test\r\n\r\n"));
        for (const auto* body : {"/target?1", "abc", "/target?3"}) {
            const auto answer = readAnswer(client);
            QVERIFY(answer);
            QCOMPARE(answer->status, 200);
            QCOMPARE(answer->body, std::string(body));
        }
    }

    void readsBodies() {
        TestServer server;
        RawClient client(server.port());
        QVERIFY(
            client.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                        "Content-Length: 11\r\n\r\nhello world"));
        auto answer = readAnswer(client);
        QVERIFY(answer);
        QCOMPARE(answer->status, 200);
        QCOMPARE(answer->body, std::string("hello world"));

        QVERIFY(
            client.send("POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
                        "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
        answer = readAnswer(client);
        QVERIFY(answer);
        QCOMPARE(answer->body, std::string("hello world"));

        answer = get(client, "/echo");  // no body: an empty one
        QVERIFY(answer);
        QCOMPARE(answer->status, 200);
        QVERIFY(answer->body.empty());
        QCOMPARE(server.server.openConnections(), std::size_t(1));
    }

    void refusesLargeBodyWhileItIsBeingSent() {
        TestServer server;
        RawClient client(server.port());
        QVERIFY(
            client.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                        "Content-Length: 50000000\r\n\r\n"));
        client.send(std::string(1 << 20, 'x'), 10s);  // the client keeps uploading
        const auto answer = readAnswer(client);
        QVERIFY(answer);
        QCOMPARE(answer->status, 413);
        QCOMPARE(answer->header("connection"), std::string("close"));
        QCOMPARE(answer->body, errorBody(ApiError{ErrorCode::TooLarge, "body over 1024 bytes"}));
        QVERIFY(client.readUntilClosed());
    }

    void refusesLargeChunkedBody() {
        TestServer server;
        RawClient client(server.port());
        std::string request =
            "POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n";
        for (int i = 0; i < 4; ++i) {
            request += "1f4\r\n" + std::string(500, 'x') + "\r\n";
        }
        request += "0\r\n\r\n";
        client.send(request);
        const auto answer = readAnswer(client);
        QVERIFY(answer);
        QCOMPARE(answer->status, 413);
        QCOMPARE(answer->header("content-type"), std::string(kJson));
        QVERIFY(client.readUntilClosed());
    }

    void sendsContinueOnlyWhenTheBodyIsWanted() {
        TestServer server;
        RawClient client(server.port());
        QVERIFY(
            client.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\n"
                        "Expect: 100-continue\r\n\r\n"));
        QVERIFY(
            client.readUntil([](const std::string& data) { return contains(data, "\r\n\r\n"); }));
        QCOMPARE(client.data(), std::string("HTTP/1.1 100 Continue\r\n\r\n"));
        client.data().clear();
        QVERIFY(client.send("hello"));
        auto answer = readAnswer(client);
        QVERIFY(answer);
        QCOMPARE(answer->status, 200);
        QCOMPARE(answer->body, std::string("hello"));

        RawClient refused(server.port());
        QVERIFY(
            refused.send("POST /refuse HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\n"
                         "Expect: 100-continue\r\n\r\n"));
        answer = readAnswer(refused);
        QVERIFY(answer);
        QCOMPARE(answer->status, 401);
        QVERIFY(refused.readUntilClosed());
        QVERIFY(!contains(refused.data(), "100 Continue"));

        RawClient tooLarge(server.port());
        QVERIFY(
            tooLarge.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 5000\r\n"
                          "Expect: 100-continue\r\n\r\n"));
        answer = readAnswer(tooLarge);
        QVERIFY(answer);
        QCOMPARE(answer->status, 413);
    }

    void refusesOversizedHeader() {
        TestServer server;
        RawClient client(server.port());
        client.send("GET /hello HTTP/1.1\r\nHost: test\r\nX-Pad: " + std::string(9000, 'a') +
                    "\r\n\r\n");
        const auto answer = readAnswer(client);
        QVERIFY(answer);
        QCOMPARE(answer->status, 413);
        QCOMPARE(answer->header("content-type"), std::string(kJson));
        QCOMPARE(answer->header("cache-control"), std::string("no-store"));
        QCOMPARE(answer->body,
                 errorBody(ApiError{ErrorCode::TooLarge, "request header over 8192 bytes"}));
        QVERIFY(client.readUntilClosed());
    }

    void refusesMalformedRequest() {
        TestServer server;
        RawClient client(server.port());
        QVERIFY(client.send("THIS IS NOT HTTP\r\n\r\n"));
        const auto answer = readAnswer(client);
        QVERIFY(answer);
        QCOMPARE(answer->status, 400);
        QCOMPARE(answer->header("content-type"), std::string(kJson));
        QVERIFY(contains(answer->body,
                         "{\"error\":\"invalid_body\",\"message\":\"malformed HTTP request: "));
        QVERIFY(client.readUntilClosed());
        QVERIFY(waitUntil([&] { return server.recorded().size() == 1; }));
        QCOMPARE(server.recorded()[0].status, 400);
    }

    void dropsStalledClients() {
        HttpServerOptions options;
        options.headerTimeout = 300ms;
        options.bodyTimeout = 300ms;
        options.idleTimeout = 300ms;
        TestServer server(options);

        RawClient halfHeader(server.port());
        RawClient halfBody(server.port());
        RawClient idle(server.port());
        const auto start = Clock::now();
        QVERIFY(halfHeader.send("GET /hello HTTP/1.1\r\nHost: test\r\n"));
        QVERIFY(
            halfBody.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 10\r\n\r\nabc"));
        QVERIFY(get(idle, "/hello"));
        QVERIFY(halfHeader.readUntilClosed());
        QVERIFY(halfBody.readUntilClosed());
        QVERIFY(idle.readUntilClosed());
        QVERIFY(Clock::now() - start >= 250ms);
        QVERIFY(halfHeader.data().empty());
        QVERIFY(halfBody.data().empty());
        QVERIFY(idle.data().empty());
        QVERIFY(waitUntil([&] { return server.server.openConnections() == 0; }));
    }

    void streamsEvents() {
        TestServer server;
        RawClient client(server.port());
        QVERIFY(
            client.send("GET /events HTTP/1.1\r\nHost: test\r\nX-Request-Id: stream-1\r\n\r\n"));
        QVERIFY(client.readUntil(
            [](const std::string& data) { return contains(data, "data: {\"version\":2}\n\n"); }));
        const auto answer = parseAnswer(client.data(), false, false);
        QVERIFY(answer);
        QCOMPARE(answer->status, 200);
        QCOMPARE(answer->header("content-type"), std::string("text/event-stream"));
        QCOMPARE(answer->header("cache-control"), std::string("no-store"));
        QCOMPARE(answer->header("x-request-id"), std::string("stream-1"));
        QCOMPARE(answer->header("transfer-encoding"), std::string("chunked"));
        QCOMPARE(answer->header("x-accel-buffering"), std::string("no"));
        QVERIFY(!answer->header("content-length"));
        const auto first = client.data().find("id: 1\nevent: version\ndata: {\"version\":1}\n\n");
        const auto second = client.data().find("id: 2\nevent: version\ndata: {\"version\":2}\n\n");
        QVERIFY(first != std::string::npos);
        QVERIFY(second != std::string::npos && second > first);
        QCOMPARE(server.server.openStreams(), std::size_t(1));
        const auto records = server.recorded();
        QCOMPARE(records.size(), std::size_t(1));
        QCOMPARE(records[0].route, std::string("/events"));
        QCOMPARE(records[0].status, 200);

        client.closeNow();
        QVERIFY(waitUntil([&] { return server.handler.streamsClosed == 1; }));
        QVERIFY(waitUntil([&] {
            return server.server.openStreams() == 0 && server.server.openConnections() == 0;
        }));
    }

    void dropsSlowStreamConsumers() {
        HttpServerOptions options;
        options.maxStreamQueuedEvents = 4;
        TestServer server(options);
        RawClient client(server.port(), 4096);  // and never reads
        QVERIFY(client.send("GET /flood HTTP/1.1\r\nHost: test\r\n\r\n"));
        QVERIFY(waitUntil([&] { return server.handler.floodClosed == 1; }, 20s));
        QVERIFY(server.handler.floodRefused);
        QVERIFY(waitUntil([&] { return server.server.openStreams() == 0; }));
    }

    void shutdownFinishesInFlightExchanges() {
        TestServer server;
        RawClient idle(server.port());
        RawClient busy(server.port());
        RawClient stream(server.port());
        QVERIFY(stream.send("GET /events HTTP/1.1\r\nHost: test\r\n\r\n"));
        QVERIFY(stream.readUntil(
            [](const std::string& data) { return contains(data, "data: {\"version\":2}\n\n"); }));
        QVERIFY(busy.send("GET /delay HTTP/1.1\r\nHost: test\r\n\r\n"));
        QVERIFY(waitUntil([&] { return server.handler.delayed == 1; }));
        QVERIFY(waitUntil([&] { return server.server.openConnections() == 3; }));

        server.shutdown(5s);
        const auto answer = readAnswer(busy);
        QVERIFY(answer);
        QCOMPARE(answer->status, 200);
        QCOMPARE(answer->body, std::string("late"));
        QCOMPARE(answer->header("connection"), std::string("close"));
        QVERIFY(busy.readUntilClosed());
        QVERIFY(idle.readUntilClosed());
        QVERIFY(idle.data().empty());
        QVERIFY(stream.readUntilClosed());
        QVERIFY(stream.data().ends_with("\r\n0\r\n\r\n"));  // the last chunk
        QVERIFY(waitUntil([&] { return server.handler.streamsClosed == 1; }));
        busy.closeNow();
        stream.closeNow();
        QVERIFY(server.waitStopped());
        QCOMPARE(server.doneCalls.load(), 1);
        RawClient refused(server.port());
        QVERIFY(!refused.connected());
    }

    void shutdownClosesWhatOutlivesTheGrace() {
        TestServer server;
        RawClient client(server.port());
        QVERIFY(client.send("GET /hang HTTP/1.1\r\nHost: test\r\n\r\n"));
        QVERIFY(waitUntil([&] { return server.handler.held == 1; }));
        server.shutdown(200ms);
        QVERIFY(client.readUntilClosed());
        QVERIFY(client.data().empty());
        QVERIFY(server.waitStopped());
        QCOMPARE(server.doneCalls.load(), 1);
        // The io thread is gone: the exchange may be inspected here. Answering is a no-op.
        const auto exchange = server.handler.kept.at(0);
        QVERIFY(!exchange->isOpen());
        exchange->respond({200, "text/plain", "too late", {}});
    }

    void lateAndDoubleAnswersAreHarmless() {
        TestServer server;
        {
            RawClient client(server.port());
            QVERIFY(client.send("GET /hang HTTP/1.1\r\nHost: test\r\n\r\n"));
            QVERIFY(waitUntil([&] { return server.handler.held == 1; }));
        }  // the client leaves before the answer
        std::atomic<bool> answered{false};
        boost::asio::post(server.ioc, [&] {
            const auto exchange = server.handler.kept.at(0);
            exchange->respond({200, "text/plain", "late", {}});
            exchange->respond({200, "text/plain", "again", {}});  // ignored
            answered = !exchange->isOpen();
        });
        QVERIFY(waitUntil([&] { return answered.load(); }));

        RawClient client(server.port());
        auto answer = get(client, "/twice");
        QVERIFY(answer);
        QCOMPARE(answer->body, std::string("first"));
        QVERIFY(waitUntil([&] { return server.handler.closedAfterAnswer == 1; }));
        answer = get(client, "/target?after");
        QVERIFY(answer);
        QCOMPARE(answer->body, std::string("/target?after"));
    }

    void refusesConnectionsBeyondTheCap() {
        HttpServerOptions options;
        options.maxConnections = 2;
        TestServer server(options);
        RawClient first(server.port());
        RawClient second(server.port());
        QVERIFY(get(first, "/hello"));
        QVERIFY(get(second, "/hello"));

        RawClient third(server.port());
        auto answer = readAnswer(third);
        QVERIFY(answer);
        QCOMPARE(answer->status, 503);
        QCOMPARE(answer->header("content-type"), std::string(kJson));
        QCOMPARE(answer->body, errorBody(ApiError{ErrorCode::StorageUnavailable, "server busy"}));
        QVERIFY(third.readUntilClosed());
        QCOMPARE(server.server.openConnections(), std::size_t(2));

        first.closeNow();
        QVERIFY(waitUntil([&] { return server.server.openConnections() == 1; }));
        RawClient fourth(server.port());
        answer = get(fourth, "/hello");
        QVERIFY(answer);
        QCOMPARE(answer->status, 200);
    }

    void startFailsOnAPortInUse() {
        const int taken = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        QCOMPARE(::bind(taken, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
        QCOMPARE(::listen(taken, 4), 0);
        socklen_t length = sizeof address;
        ::getsockname(taken, reinterpret_cast<sockaddr*>(&address), &length);
        const auto port = ntohs(address.sin_port);

        boost::asio::io_context ioc;
        TestHandler handler(ioc);
        HttpServerOptions options;
        options.port = port;
        HttpServer server(ioc, options, handler);
        std::string message;
        try {
            server.start();
        } catch (const std::system_error& error) {
            message = error.what();
        }
        ::close(taken);
        QVERIFY2(contains(message, "cannot listen on 127.0.0.1:" + std::to_string(port) + ": "),
                 message.c_str());
        QVERIFY2(contains(message, "in use"), message.c_str());
    }

    void workersShareAPort() {
        TestServer first;
        boost::asio::io_context ioc;
        TestHandler handler(ioc);
        HttpServerOptions options;
        options.port = first.port();
        HttpServer second(ioc, options, handler);
        second.start();  // SO_REUSEPORT: no throw
        QCOMPARE(second.port(), first.port());
    }
};

QTEST_APPLESS_MAIN(HttpServerTest)
#include "tst_http_server.moc"
