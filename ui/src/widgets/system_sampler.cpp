// Reads CPU and memory use from /proc; see system_sampler.h.
#include "system_sampler.h"

#include <QFile>
#include <QList>

namespace deskboard::ui::widgets {
namespace {

QByteArray readAll(const QString& path) {
    QFile file(path);
    // /proc files report size 0: read until the end rather than by size.
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    return file.readAll();
}

}  // namespace

std::optional<SystemSampler::CpuTimes> SystemSampler::parseStat(const QByteArray& text) {
    for (const QByteArray& line : text.split('\n')) {
        if (!line.startsWith("cpu ")) {
            continue;
        }
        // cpu user nice system idle iowait irq softirq steal guest guest_nice; guest time is
        // already counted in user and nice.
        const QList<QByteArray> fields = line.simplified().split(' ');
        if (fields.size() < 5) {
            return std::nullopt;
        }
        CpuTimes times;
        for (qsizetype i = 1; i < fields.size() && i <= 8; ++i) {
            bool ok = false;
            const quint64 value = fields[i].toULongLong(&ok);
            if (!ok) {
                return std::nullopt;
            }
            times.total += value;
            if (i == 4 || i == 5) {
                times.idle += value;
            }
        }
        return times;
    }
    return std::nullopt;
}

std::optional<SystemSampler::Memory> SystemSampler::parseMeminfo(const QByteArray& text) {
    std::optional<quint64> total;
    std::optional<quint64> available;
    for (const QByteArray& line : text.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon < 0) {
            continue;
        }
        const QByteArray key = line.left(colon);
        if (key != "MemTotal" && key != "MemAvailable") {
            continue;
        }
        // "MemTotal:       16314252 kB"
        const QList<QByteArray> value = line.mid(colon + 1).simplified().split(' ');
        bool ok = false;
        const quint64 number = value.value(0).toULongLong(&ok);
        if (!ok) {
            return std::nullopt;
        }
        const quint64 bytes = value.value(1) == "kB" ? number * 1024 : number;
        (key == "MemTotal" ? total : available) = bytes;
    }
    if (!total || !available || *available > *total) {
        return std::nullopt;
    }
    return Memory{*total, *total - *available};
}

std::optional<double> SystemSampler::cpuPercent(const CpuTimes& before, const CpuTimes& after) {
    if (after.total <= before.total || after.idle < before.idle) {
        return std::nullopt;
    }
    const double total = static_cast<double>(after.total - before.total);
    const double idle = static_cast<double>(after.idle - before.idle);
    const double busy = 100.0 * (total - idle) / total;
    return busy < 0 ? 0.0 : busy > 100 ? 100.0 : busy;
}

SystemSampler::SystemSampler(QString procRoot) : procRoot_(std::move(procRoot)) {}

SystemSampler::Sample SystemSampler::sample() {
    Sample result;
    const std::optional<CpuTimes> times = parseStat(readAll(procRoot_ + QStringLiteral("/stat")));
    if (times && previous_) {
        result.cpuPercent = cpuPercent(*previous_, *times);
    }
    if (times) {
        previous_ = times;
    }
    result.memory = parseMeminfo(readAll(procRoot_ + QStringLiteral("/meminfo")));
    return result;
}

}  // namespace deskboard::ui::widgets
