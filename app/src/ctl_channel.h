// What travels over the instance's local socket: one request (a ctl command line with the
// caller's working directory and standard input, or "raise the window") and one reply (exit
// code, standard output, standard error). Each is a CBOR map behind a 4-byte big-endian length.
#pragma once

#include <optional>

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace deskboard::app {

struct CtlRequest {
    enum class Kind { Ctl, Raise, Ping };
    Kind kind = Kind::Ctl;
    QStringList arguments;  // after "ctl"
    QString workingDirectory;
    QByteArray input;  // standard input, when the command reads it
};

struct CtlReply {
    int exitCode = 0;
    QByteArray out;
    QByteArray err;
};

// Frames are at most this large (a 1 MB document exported as JSON fits many times).
inline constexpr qsizetype kMaxFrameBytes = 64 * 1024 * 1024;

QByteArray encodeRequest(const CtlRequest& request);
QByteArray encodeReply(const CtlReply& reply);
std::optional<CtlRequest> decodeRequest(const QByteArray& payload);
std::optional<CtlReply> decodeReply(const QByteArray& payload);

// Incremental reading: appends `data` to `buffer` and, when a whole frame is there, takes it
// out. Returns nothing while incomplete; sets `error` on a frame that is too large.
std::optional<QByteArray> takeFrame(QByteArray& buffer, bool& error);

}  // namespace deskboard::app
