// The system monitor widget: CPU use, memory in use and one disk's space, with sparklines of
// the last four minutes (a sample every 2 s while live, 120 kept).
//   settings            none synced
//   localOptions "disk" the root path of the disk shown (default "/"): machine-local, as
//                       PRODUCT.md asks, since every computer has its own disks
// CPU and memory come from /proc (SystemSampler); the disk from QStorageInfo.
#include <QComboBox>
#include <QDir>
#include <QGridLayout>
#include <QLocale>
#include <QProgressBar>
#include <QStorageInfo>
#include <QTimer>
#include <QVBoxLayout>

#include <deskboard/ui/widget_catalog.h>

#include "sparkline.h"
#include "system_sampler.h"
#include "widget_util.h"

namespace deskboard::ui {
namespace {

using namespace widgets;

constexpr int kSampleMs = 2000;
constexpr int kSamplesKept = 120;

QString diskOf(const LocalOptions& options) {
    if (!options.value) {
        return QDir::rootPath();
    }
    const QString disk = options.value(QStringLiteral("disk"), QDir::rootPath()).toString();
    return disk.isEmpty() ? QDir::rootPath() : disk;
}

QString sizeText(quint64 bytes) {
    return QLocale().formattedDataSize(static_cast<qint64>(bytes), 1,
                                       QLocale::DataSizeTraditionalFormat);
}

class SysmonView : public WidgetView {
  public:
    explicit SysmonView(QWidget* parent) : WidgetView(parent) {
        auto* grid = new QGridLayout(this);
        grid->setContentsMargins(8, 4, 8, 4);
        grid->setVerticalSpacing(2);
        int row = 0;
        auto addRow = [&](const QString& name, QLabel*& value) {
            auto* label = new QLabel(name, this);
            QFont bold = label->font();
            bold.setBold(true);
            label->setFont(bold);
            value = new QLabel(QStringLiteral("…"), this);
            value->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
            grid->addWidget(label, row, 0);
            grid->addWidget(value, row, 1);
            ++row;
        };
        addRow(tr("CPU"), cpuValue_);
        cpuLine_ = new Sparkline(this);
        cpuLine_->setCapacity(kSamplesKept);
        cpuLine_->setRange(0.0, 100.0);
        cpuLine_->setAccessibleDescription(tr("CPU use over the last four minutes"));
        grid->addWidget(cpuLine_, row++, 0, 1, 2);
        addRow(tr("Memory"), memoryValue_);
        memoryLine_ = new Sparkline(this);
        memoryLine_->setCapacity(kSamplesKept);
        memoryLine_->setRange(0.0, 100.0);
        memoryLine_->setAccessibleDescription(tr("Memory use over the last four minutes"));
        grid->addWidget(memoryLine_, row++, 0, 1, 2);
        addRow(tr("Disk"), diskValue_);
        diskLabel_ = qobject_cast<QLabel*>(grid->itemAtPosition(row - 1, 0)->widget());
        diskBar_ = new QProgressBar(this);
        diskBar_->setTextVisible(false);
        diskBar_->setMaximumHeight(8);
        diskBar_->setRange(0, 1000);
        grid->addWidget(diskBar_, row++, 0, 1, 2);
        grid->setRowStretch(row, 1);
        grid->setColumnStretch(1, 1);

        timer_ = new QTimer(this);
        timer_->setInterval(kSampleMs);
        connect(timer_, &QTimer::timeout, this, [this] { sampleNow(); });
        setMinimumSize(160, 120);
    }

    void setWidget(const sync::Widget& /*widget*/) override { showDisk(); }

    void setLive(bool live) override {
        WidgetView::setLive(live);
        if (live) {
            sampleNow();
            timer_->start();
        } else {
            timer_->stop();
        }
    }

  private:
    void sampleNow() {
        const SystemSampler::Sample sample = sampler_.sample();
        if (sample.cpuPercent) {
            cpuValue_->setText(QStringLiteral("%1 %").arg(*sample.cpuPercent, 0, 'f', 0));
            cpuLine_->addValue(*sample.cpuPercent);
        }
        if (sample.memory) {
            const SystemSampler::Memory& memory = *sample.memory;
            memoryValue_->setText(
                tr("%1 of %2").arg(sizeText(memory.usedBytes), sizeText(memory.totalBytes)));
            memoryLine_->addValue(100.0 * static_cast<double>(memory.usedBytes) /
                                  static_cast<double>(std::max<quint64>(1, memory.totalBytes)));
        } else {
            memoryValue_->setText(tr("not available"));
        }
        showDisk();
    }

    void showDisk() {
        const QString root = diskOf(localOptions());
        diskLabel_->setText(tr("Disk %1").arg(root));
        QStorageInfo storage(root);
        if (!storage.isValid() || !storage.isReady() || storage.bytesTotal() <= 0) {
            diskValue_->setText(tr("not found"));
            diskBar_->setValue(0);
            setProblem(tr("The disk %1 is not mounted on this computer.").arg(root));
            return;
        }
        setProblem(QString());
        const auto total = static_cast<quint64>(storage.bytesTotal());
        const quint64 used = total - static_cast<quint64>(storage.bytesAvailable());
        diskValue_->setText(tr("%1 of %2").arg(sizeText(used), sizeText(total)));
        diskBar_->setValue(
            static_cast<int>(1000.0 * static_cast<double>(used) / static_cast<double>(total)));
        diskBar_->setToolTip(storage.displayName());
    }

    void setProblem(const QString& problem) {
        if (problem != problem_) {
            problem_ = problem;
            emit problemChanged(problem);
        }
    }

    SystemSampler sampler_;
    QString problem_;
    QLabel* cpuValue_ = nullptr;
    QLabel* memoryValue_ = nullptr;
    QLabel* diskValue_ = nullptr;
    QLabel* diskLabel_ = nullptr;
    Sparkline* cpuLine_ = nullptr;
    Sparkline* memoryLine_ = nullptr;
    QProgressBar* diskBar_ = nullptr;
    QTimer* timer_ = nullptr;
};

class SysmonSettingsForm : public WidgetSettingsForm {
  public:
    explicit SysmonSettingsForm(QWidget* parent) : WidgetSettingsForm(parent) {
        auto* layout = new QVBoxLayout(this);
        auto* label = new QLabel(tr("Disk to show (on this computer only):"), this);
        disks_ = new QComboBox(this);
        disks_->setAccessibleName(tr("Disk to show"));
        label->setBuddy(disks_);
        layout->addWidget(label);
        layout->addWidget(disks_);
        layout->addStretch();
    }

    void load(const sync::Widget& /*widget*/) override {
        disks_->clear();
        for (const QStorageInfo& volume : QStorageInfo::mountedVolumes()) {
            if (!volume.isValid() || !volume.isReady()) {
                continue;
            }
            const QString text =
                volume.displayName() == volume.rootPath()
                    ? volume.rootPath()
                    : QStringLiteral("%1 (%2)").arg(volume.displayName(), volume.rootPath());
            disks_->addItem(
                text + QStringLiteral(" — ") + sizeText(static_cast<quint64>(volume.bytesTotal())),
                volume.rootPath());
        }
        const QString current = diskOf(localOptions());
        int index = disks_->findData(current);
        if (index < 0) {
            // A disk chosen earlier that is not mounted now stays chosen until changed.
            disks_->addItem(tr("%1 (not mounted)").arg(current), current);
            index = disks_->count() - 1;
        }
        disks_->setCurrentIndex(index);
    }

    // The disk is machine-local: written to the local options, never to the settings.
    sync::Widget apply(sync::Widget widget) const override {
        if (localOptions().setValue && disks_->currentIndex() >= 0) {
            localOptions().setValue(QStringLiteral("disk"), disks_->currentData().toString());
        }
        return widget;
    }

  private:
    QComboBox* disks_ = nullptr;
};

}  // namespace

WidgetType sysmonWidgetType() {
    return makeWidgetType<SysmonView, SysmonSettingsForm>(
        "sysmon", QObject::tr("System monitor"),
        QObject::tr("CPU, memory and disk use of this computer"),
        [](sync::Widget& widget) { widget.title = ss(QObject::tr("System")); });
}

}  // namespace deskboard::ui
