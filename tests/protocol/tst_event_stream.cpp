// The Server-Sent Events framing (event_stream.h): the writer's exact text, and the incremental
// parser against the WHATWG rules however the bytes are chunked: byte by byte, in random
// chunks, with "\r\n" split between chunks, CR-only and CRLF line ends, comments, multi-line
// data, ids carried over, a leading BOM, and the bounded buffer.
#include <random>

#include <QTest>

#include <deskboard/protocol/event_stream.h>

using namespace deskboard::protocol;

namespace {

std::vector<SseEvent> feedAll(SseParser& parser, std::string_view text) {
    return parser.feed(text);
}

std::vector<SseEvent> feedBytes(SseParser& parser, std::string_view text) {
    std::vector<SseEvent> all;
    for (const char c : text) {
        for (auto& event : parser.feed(std::string_view(&c, 1))) {
            all.push_back(std::move(event));
        }
    }
    return all;
}

std::vector<SseEvent> feedRandomChunks(SseParser& parser, std::string_view text,
                                       std::mt19937& random) {
    std::vector<SseEvent> all;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t size = std::uniform_int_distribution<std::size_t>(0, 9)(random);
        for (auto& event : parser.feed(text.substr(pos, size))) {
            all.push_back(std::move(event));
        }
        pos += size;
    }
    return all;
}

std::string describe(const std::vector<SseEvent>& events) {
    std::string text;
    for (const auto& event : events) {
        text += "[" + event.id + "|" + event.event + "|" + event.data + "]";
    }
    return text;
}

std::string withLineEnds(std::string_view text, std::string_view end) {
    std::string out;
    for (const char c : text) {
        if (c == '\n') {
            out.append(end);
        } else {
            out += c;
        }
    }
    return out;
}

// A server stream: greeting, two events, heartbeats, a multi-line event.
const std::string kStream =
    "retry: 2000\n: connected\n\n"
    "id: 1\nevent: version\ndata: {\"version\":1}\n\n"
    ": heartbeat\n\n"
    "id: 2\nevent: version\ndata: {\"version\":2}\n\n"
    "data: first\ndata:second\ndata\ndata:  two spaces\n\n"
    ": heartbeat\n\n";

const std::vector<SseEvent> kExpected{
    {"1", "version", "{\"version\":1}"},
    {"2", "version", "{\"version\":2}"},
    {"2", "message", "first\nsecond\n\n two spaces"},
};

}  // namespace

class EventStreamTest : public QObject {
    Q_OBJECT

  private slots:
    void writerFramesAnEvent() {
        std::string out = "x";
        appendSseEvent(out, SseEvent{"42", "version", R"({"version":42})"});
        QCOMPARE(out, std::string("xid: 42\nevent: version\ndata: {\"version\":42}\n\n"));
        std::string views;
        appendSseEvent(views, "42", "version", R"({"version":42})");
        QCOMPARE(views, out.substr(1));
    }

    void writerSplitsDataAndLeavesOutEmptyFields() {
        std::string out;
        appendSseEvent(out, SseEvent{"", "", "a\nb\r\nc\rd"});
        QCOMPARE(out, std::string("data: a\ndata: b\ndata: c\ndata: d\n\n"));
        std::string empty;
        appendSseEvent(empty, SseEvent{"7", "ping", ""});
        QCOMPARE(empty, std::string("id: 7\nevent: ping\ndata: \n\n"));
        // Line breaks cannot be carried in id and event; NUL would make the parser drop the id.
        std::string broken;
        appendSseEvent(broken, SseEvent{std::string("1\n2\r\0", 5), "a\nb", "x"});
        QCOMPARE(broken, std::string("id: 12\nevent: ab\ndata: x\n\n"));
    }

    void writerWritesCommentsAndRetry() {
        std::string out;
        appendSseRetry(out, 2000);
        appendSseComment(out, "connected");
        QCOMPARE(out, std::string("retry: 2000\n: connected\n\n"));
        std::string lines;
        appendSseComment(lines, "one\ntwo");
        QCOMPARE(lines, std::string(": one\n: two\n\n"));
    }

    void parsesAServerStream() {
        SseParser parser;
        const auto events = feedAll(parser, kStream);
        QCOMPARE(describe(events), describe(kExpected));
        QCOMPARE(parser.commentsSeen(), std::size_t{3});
        QCOMPARE(parser.retryMilliseconds(), std::optional<std::int64_t>(2000));
        QCOMPARE(parser.lastEventId(), std::string("2"));
        QVERIFY(!parser.failed());
    }

    void anyChunkingGivesTheSameEvents_data() {
        QTest::addColumn<QByteArray>("lineEnd");
        QTest::newRow("LF") << QByteArray("\n");
        QTest::newRow("CRLF") << QByteArray("\r\n");
        QTest::newRow("CR") << QByteArray("\r");
    }

    void anyChunkingGivesTheSameEvents() {
        QFETCH(QByteArray, lineEnd);
        const std::string text = withLineEnds(kStream, lineEnd.toStdString());
        {
            SseParser parser;
            QCOMPARE(describe(feedAll(parser, text)), describe(kExpected));
            QCOMPARE(parser.commentsSeen(), std::size_t{3});
        }
        {
            SseParser parser;
            QCOMPARE(describe(feedBytes(parser, text)), describe(kExpected));
            QCOMPARE(parser.commentsSeen(), std::size_t{3});
        }
        std::mt19937 random(12345);
        for (int round = 0; round < 200; ++round) {
            SseParser parser;
            QCOMPARE(describe(feedRandomChunks(parser, text, random)), describe(kExpected));
            QCOMPARE(parser.commentsSeen(), std::size_t{3});
            QVERIFY(!parser.failed());
        }
    }

    void crlfSplitAcrossChunksIsOneLineEnd() {
        SseParser parser;
        QVERIFY(parser.feed("data: a\r").empty());
        // The '\n' completes "\r\n"; it is not a second (empty) line that would dispatch.
        QVERIFY(parser.feed("\n").empty());
        QVERIFY(parser.feed("data: b\r").empty());
        const auto events = parser.feed("\n\r\n");
        QCOMPARE(describe(events), describe({{"", "message", "a\nb"}}));
    }

    void mixedLineEnds() {
        SseParser parser;
        const auto events = parser.feed("data: a\rdata: b\r\ndata: c\n\r\r\nid: 9\r\ndata: d\n\n");
        QCOMPARE(describe(events), describe({{"", "message", "a\nb\nc"}, {"9", "message", "d"}}));
    }

    void fieldRules() {
        SseParser parser;
        const auto events = parser.feed(
            // No space after the colon, unknown fields, a field without a colon, id carried over.
            "id:5\nevent:update\nfoo: bar\ndata:x\n\n"
            "data: y\n\n"
            // An empty id resets; an id with NUL is ignored.
            "id\ndata: z\n\n" +
            std::string("id: a\0b\ndata: w\n\n", 17) +
            // Only the first colon splits; a blank data line adds an empty line.
            "data: k: v\ndata:\n\n"
            // No data: nothing is dispatched, and the event type does not leak to the next.
            "event: lost\nid: 8\n\n"
            "data: after\n\n"
            // Bad retry values are ignored.
            "retry: 12a\nretry: \nretry: 300\n\n");
        QCOMPARE(describe(events), describe({{"5", "update", "x"},
                                             {"5", "message", "y"},
                                             {"", "message", "z"},
                                             {"", "message", "w"},
                                             {"", "message", "k: v\n"},
                                             {"8", "message", "after"}}));
        QCOMPARE(parser.retryMilliseconds(), std::optional<std::int64_t>(300));
        QCOMPARE(parser.lastEventId(), std::string("8"));
    }

    void unfinishedEventIsNotDispatched() {
        SseParser parser;
        QVERIFY(parser.feed("id: 3\ndata: half").empty());
        QVERIFY(parser.feed("\n").empty());
        QCOMPARE(describe(parser.feed("\n")), describe({{"3", "message", "half"}}));
    }

    void leadingBomIsSkipped() {
        const std::string text =
            "\xEF\xBB\xBF"
            "data: a\n\n";
        {
            SseParser parser;
            QCOMPARE(describe(parser.feed(text)), describe({{"", "message", "a"}}));
        }
        {
            SseParser parser;
            QCOMPARE(describe(feedBytes(parser, text)), describe({{"", "message", "a"}}));
        }
        {
            // Only one, and only at the start: a second BOM is part of the field name.
            SseParser parser;
            const auto events = parser.feed(
                "\xEF\xBB\xBF\xEF\xBB\xBF"
                "data: a\n\ndata: b\n\n");
            QCOMPARE(describe(events), describe({{"", "message", "b"}}));
        }
        {
            // A start that only looks like a BOM is kept.
            SseParser parser;
            QVERIFY(parser.feed("\xEF").empty());
            QCOMPARE(parser
                         .feed("\xBB"
                               "x\ndata: c\n\n")
                         .size(),
                     std::size_t{1});
        }
    }

    void oversizeLineFails() {
        SseParser parser(16, 1024);
        QVERIFY(parser.feed("data: 0123456789\n\n").size() == 1);  // exactly 16 bytes
        const auto events = parser.feed("data: ok\n\ndata: 01234567890\n\n");
        QCOMPARE(describe(events), describe({{"", "message", "ok"}}));
        QVERIFY(parser.failed());
        QVERIFY(parser.feed("data: more\n\n").empty());
        // Also when the long line never ends and arrives a byte at a time.
        SseParser trickle(16, 1024);
        for (int i = 0; i < 16; ++i) {
            trickle.feed("x");
        }
        QVERIFY(!trickle.failed());
        trickle.feed("x");
        QVERIFY(trickle.failed());
    }

    void oversizeEventFails() {
        SseParser parser(64, 10);
        QCOMPARE(parser.feed("data: 1234\ndata: 1234\n\n").size(), std::size_t{1});  // 10 bytes
        parser.feed("data: 1234\ndata: 12345\n");
        QVERIFY(parser.failed());
    }

    void writerAndParserAgree() {
        std::mt19937 random(7);
        std::string stream;
        std::vector<SseEvent> written;
        const std::string alphabet = "ab: \n\r{}\"x";
        for (int i = 0; i < 100; ++i) {
            std::string data;
            const int length = std::uniform_int_distribution<int>(0, 20)(random);
            for (int j = 0; j < length; ++j) {
                data += alphabet[std::uniform_int_distribution<std::size_t>(
                    0, alphabet.size() - 1)(random)];
            }
            SseEvent event{std::to_string(i + 1), "version", data};
            appendSseEvent(stream, event);
            if (i % 7 == 0) {
                appendSseComment(stream, "heartbeat");
            }
            // The parser sees every line end as '\n'.
            std::string normalized;
            for (std::size_t k = 0; k < data.size(); ++k) {
                if (data[k] == '\r') {
                    normalized += '\n';
                    if (k + 1 < data.size() && data[k + 1] == '\n') {
                        ++k;
                    }
                } else {
                    normalized += data[k];
                }
            }
            event.data = normalized;
            written.push_back(event);
        }
        SseParser parser;
        QCOMPARE(describe(feedRandomChunks(parser, stream, random)), describe(written));
        QCOMPARE(parser.commentsSeen(), std::size_t{15});
    }
};

QTEST_APPLESS_MAIN(EventStreamTest)
#include "tst_event_stream.moc"
