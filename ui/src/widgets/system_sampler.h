// Reads what the system monitor shows from Linux's /proc: CPU use from the deltas of
// /proc/stat's first "cpu" line, memory in use as MemTotal - MemAvailable from /proc/meminfo.
// No widgets, so the parsers are tested on fixed text; elsewhere than Linux, or when /proc is
// unreadable, a sample simply has no values.
#pragma once

#include <optional>

#include <QByteArray>
#include <QString>

namespace deskboard::ui::widgets {

class SystemSampler {
  public:
    // Jiffies since boot: all of them, and those spent idle (idle + iowait).
    struct CpuTimes {
        quint64 total = 0;
        quint64 idle = 0;
    };
    struct Memory {
        quint64 totalBytes = 0;
        quint64 usedBytes = 0;  // MemTotal - MemAvailable
    };
    struct Sample {
        std::optional<double> cpuPercent;  // none for the first sample (it needs a delta)
        std::optional<Memory> memory;
    };

    // The aggregate "cpu " line of /proc/stat, or nothing when the text has none.
    static std::optional<CpuTimes> parseStat(const QByteArray& text);
    // MemTotal and MemAvailable (kB in the file), or nothing when either is missing.
    static std::optional<Memory> parseMeminfo(const QByteArray& text);
    // Busy share between two readings, 0..100; nothing when no time passed.
    static std::optional<double> cpuPercent(const CpuTimes& before, const CpuTimes& after);

    // `procRoot` is "/proc" except in tests.
    explicit SystemSampler(QString procRoot = QStringLiteral("/proc"));
    // Reads both files; the CPU share is relative to the previous call.
    Sample sample();

  private:
    QString procRoot_;
    std::optional<CpuTimes> previous_;
};

}  // namespace deskboard::ui::widgets
