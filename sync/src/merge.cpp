// The three-way merge of PRODUCT.md section 3 (rules in merge.h). Every decision depends only
// on the three documents and is taken in a fixed order (ids sorted), so every machine merging
// the same inputs gets the same bytes, conflicted copy ids included.
//
// Beyond merge.h:
// - A field changed to the same value on both sides is no conflict.
// - Dashboards merge by id; titles three-way (server wins a true conflict). A dashboard deleted
//   on one side is kept when the other side retitled it or holds a widget added or edited
//   (against base) in it; its widgets then follow the widget rules (unedited ones stay deleted).
// - Dashboard order: when the server kept base's order, local's order (then dashboards only the
//   server has); otherwise the server's order, then dashboards only local has, in local order.
// - A widget's dashboard is merged like its rect (a move, not an edit); a widget whose merged
//   dashboard did not survive goes to its server, then local, dashboard, else the first one.
// - Rects three-way per rect (both moved differently: the server's), then pushDownOverlaps.
// - `preferences` and widget `settings` three-way key by key, server wins a true conflict.
// - Conflicted copy: id = <id> + "-c" + sha256Hex(local content)[0, 8) (the next 8 hex digits
//   if that id holds other content; none made when it already holds this content), the local
//   widget's type and settings, title "<local title> (conflicted copy)", placed with
//   firstFreeRect (the local rect's size) in the original's dashboard after the push-down.
#include <algorithm>
#include <initializer_list>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <deskboard/protocol/canonical_json.h>
#include <deskboard/protocol/identifiers.h>
#include <deskboard/sync/layout.h>
#include <deskboard/sync/merge.h>

namespace deskboard::sync {
namespace {

using nlohmann::json;

// Where a widget lives in one of the three documents.
struct Slot {
    const Dashboard* dashboard = nullptr;
    const Widget* widget = nullptr;
    const WidgetRect* rect = nullptr;  // null when the document has none for it
};

// Every widget of a document, sorted by id (a merge join beats hashing at this size).
struct Entry {
    std::string_view id;
    Slot slot;
};
using WidgetIndex = std::vector<Entry>;

WidgetIndex indexWidgets(const Document& document) {
    WidgetIndex index;
    index.reserve(document.widgetCount());
    for (const auto& board : document.dashboards) {
        // Widgets and layout are maps with the same keys (as a rule): walk them side by side.
        auto rect = board.layout.begin();
        for (const auto& [id, widget] : board.widgets) {
            while (rect != board.layout.end() && rect->first < id) {
                ++rect;
            }
            const bool found = rect != board.layout.end() && rect->first == id;
            index.push_back({id, Slot{&board, &widget, found ? &rect->second : nullptr}});
        }
    }
    if (document.dashboards.size() > 1) {
        const auto byId = [](const Entry& a, const Entry& b) { return a.id < b.id; };
        std::stable_sort(index.begin(), index.end(), byId);
        // An id twice (not a valid document): its first place counts.
        index.erase(std::unique(index.begin(), index.end(),
                                [](const Entry& a, const Entry& b) { return a.id == b.id; }),
                    index.end());
    }
    return index;
}

const Slot* lookup(const WidgetIndex& index, std::string_view id) {
    const auto it =
        std::lower_bound(index.begin(), index.end(), id,
                         [](const Entry& e, std::string_view key) { return e.id < key; });
    return it != index.end() && it->id == id ? &it->slot : nullptr;
}

template <typename T>
bool same(const T* a, const T* b) {
    return a == b || (a && b && *a == *b);
}

enum class Side { Local, Server, Conflict };

// Which side's value a three-way merge keeps (null pointers are "absent").
template <typename T>
Side threeWay(const T* base, const T* local, const T* server) {
    if (same(local, server) || same(server, base)) {
        return Side::Local;
    }
    if (same(local, base)) {
        return Side::Server;
    }
    return Side::Conflict;
}

template <typename T>
const T* pick(const T* base, const T* local, const T* server) {
    return threeWay(base, local, server) == Side::Local ? local : server;
}

// Objects key by key; anything else as one value.
json mergeObjects(const json* base, const json& local, const json& server) {
    if (local == server || (base && server == *base)) {
        return local;
    }
    if (base && local == *base) {
        return server;
    }
    const bool baseIsObject = !base || base->is_object();
    if (!local.is_object() || !server.is_object() || !baseIsObject) {
        return server;  // a true conflict of whole values
    }
    static const json kEmpty = json::object();
    const json& baseObject = base ? *base : kEmpty;
    auto member = [](const json& object, const std::string& key) -> const json* {
        const auto it = object.find(key);
        return it == object.end() ? nullptr : &*it;
    };
    json result = json::object();
    auto mergeKey = [&](const std::string& key) {
        const json* b = member(baseObject, key);
        const json* l = member(local, key);
        const json* s = member(server, key);
        if (const json* kept = pick(b, l, s)) {
            result[key] = *kept;
        }
    };
    for (const auto& [key, value] : local.items()) {
        mergeKey(key);
    }
    for (const auto& [key, value] : server.items()) {
        if (!local.contains(key)) {
            mergeKey(key);
        }
    }
    // Keys only base has were deleted on both sides: gone.
    return result;
}

// Fields one by one; `contentConflict` tells that both sides changed the content differently.
Widget mergeWidget(const Widget* base, const Widget& local, const Widget& server,
                   bool& contentConflict) {
    contentConflict = false;
    if (local == server || (base && server == *base)) {
        return local;
    }
    if (base && local == *base) {
        return server;
    }
    static const Widget kNoBase{};  // added on both sides: every field counts as new
    const Widget& b = base ? *base : kNoBase;
    Widget result;
    result.type = *pick(&b.type, &local.type, &server.type);
    result.title = *pick(&b.title, &local.title, &server.title);
    result.settings = mergeObjects(&b.settings, local.settings, server.settings);
    const Side content = threeWay(&b.content, &local.content, &server.content);
    result.content = content == Side::Local ? local.content : server.content;
    contentConflict = content == Side::Conflict;
    return result;
}

bool edited(const Slot* base, const Widget& widget) {
    return !base || !(*base->widget == widget);
}

std::vector<std::string_view> dashboardIds(const Document& document) {
    std::vector<std::string_view> ids;
    ids.reserve(document.dashboards.size());
    for (const auto& board : document.dashboards) {
        ids.emplace_back(board.id);
    }
    return ids;
}

struct PendingCopy {
    std::size_t dashboard;  // index in the result
    std::string originalId;
    const Slot* local;
};

class Merger {
  public:
    Merger(const Document& base, const Document& local, const Document& server)
        : base_(base),
          local_(local),
          server_(server),
          baseWidgets_(indexWidgets(base)),
          localWidgets_(indexWidgets(local)),
          serverWidgets_(indexWidgets(server)) {}

    MergeResult run() {
        MergeResult result;
        result.document.schema = kDocumentSchema;
        mergeDashboards(result.document);
        mergeWidgets(result.document);
        for (auto& board : result.document.dashboards) {
            pushDownOverlaps(board.layout);
            placeUnplaced(board);
        }
        addConflictedCopies(result);
        result.document.preferences =
            mergeObjects(&base_.preferences, local_.preferences, server_.preferences);
        result.removedFromLocal = std::move(removedFromLocal_);  // in id order already
        return result;
    }

  private:
    // A dashboard present on one side only, deleted on the other: kept when that side changed
    // something in it worth keeping (its title, or a widget added or edited there).
    bool keptDespiteDelete(const Dashboard& kept, const Dashboard& baseBoard) const {
        if (kept.title != baseBoard.title) {
            return true;
        }
        for (const auto& [id, widget] : kept.widgets) {
            if (edited(lookup(baseWidgets_, id), widget)) {
                return true;
            }
        }
        return false;
    }

    bool survives(std::string_view id) const {
        const Dashboard* l = local_.dashboard(id);
        const Dashboard* s = server_.dashboard(id);
        if (l && s) {
            return true;
        }
        if (!l && !s) {
            return false;
        }
        const Dashboard* b = base_.dashboard(id);
        return !b || keptDespiteDelete(l ? *l : *s, *b);
    }

    void addDashboard(Document& out, std::string_view id) {
        if (dashboardIndex_.contains(id) || !survives(id)) {
            return;
        }
        const Dashboard* b = base_.dashboard(id);
        const Dashboard* l = local_.dashboard(id);
        const Dashboard* s = server_.dashboard(id);
        Dashboard board;
        board.id = std::string(id);
        if (l && s) {
            board.title = *pick(b ? &b->title : nullptr, &l->title, &s->title);
        } else {
            board.title = l ? l->title : s->title;
        }
        dashboardIndex_.emplace(id, out.dashboards.size());
        out.dashboards.push_back(std::move(board));
    }

    void mergeDashboards(Document& out) {
        const auto baseOrder = dashboardIds(base_);
        const auto localOrder = dashboardIds(local_);
        const auto serverOrder = dashboardIds(server_);
        // Dashboard ids are views into the inputs, alive as long as this merger.
        const bool serverKeptOrder = serverOrder == baseOrder;
        const auto& first = serverKeptOrder ? localOrder : serverOrder;
        const auto& second = serverKeptOrder ? serverOrder : localOrder;
        for (const auto id : first) {
            addDashboard(out, id);
        }
        for (const auto id : second) {
            addDashboard(out, id);
        }
    }

    // The result dashboard for a widget: its merged dashboard when that survived, else the
    // server's, the local one, the first of the result (or its merged one brought back).
    std::size_t home(Document& out, std::initializer_list<const Dashboard*> candidates) {
        for (const Dashboard* board : candidates) {
            if (board) {
                if (const auto it = dashboardIndex_.find(board->id); it != dashboardIndex_.end()) {
                    return it->second;
                }
            }
        }
        if (!out.dashboards.empty()) {
            return 0;
        }
        const Dashboard* board = *candidates.begin();
        dashboardIndex_.emplace(board->id, 0);
        out.dashboards.push_back(Dashboard{board->id, board->title, {}, {}});
        return 0;
    }

    void mergeWidgets(Document& out) {
        // A merge join of the sorted indexes: every id of local or server, in id order.
        auto b = baseWidgets_.begin();
        auto l = localWidgets_.begin();
        auto s = serverWidgets_.begin();
        while (l != localWidgets_.end() || s != serverWidgets_.end()) {
            const bool takeLocal =
                l != localWidgets_.end() && (s == serverWidgets_.end() || l->id <= s->id);
            const std::string_view id = takeLocal ? l->id : s->id;
            const Slot* localSlot = takeLocal ? &(l++)->slot : nullptr;
            const Slot* serverSlot = nullptr;
            if (s != serverWidgets_.end() && s->id == id) {
                serverSlot = &(s++)->slot;
            }
            while (b != baseWidgets_.end() && b->id < id) {
                ++b;
            }
            const Slot* baseSlot = b != baseWidgets_.end() && b->id == id ? &b->slot : nullptr;
            mergeOne(out, id, baseSlot, localSlot, serverSlot);
        }
    }

    void mergeOne(Document& out, std::string_view id, const Slot* b, const Slot* l, const Slot* s) {
        if (l && s) {
            bool contentConflict = false;
            Widget widget =
                mergeWidget(b ? b->widget : nullptr, *l->widget, *s->widget, contentConflict);
            const std::string* baseBoard = b ? &b->dashboard->id : nullptr;
            const Dashboard* merged =
                pick(baseBoard, &l->dashboard->id, &s->dashboard->id) == &l->dashboard->id
                    ? l->dashboard
                    : s->dashboard;
            const std::size_t board = home(out, {merged, s->dashboard, l->dashboard});
            const WidgetRect* rect = pick(b ? b->rect : nullptr, l->rect, s->rect);
            place(out, board, id, std::move(widget), rect ? rect : s->rect ? s->rect : l->rect);
            if (contentConflict) {
                copies_.push_back({board, std::string(id), l});
            }
            return;
        }
        const Slot& only = l ? *l : *s;
        if (b && !edited(b, *only.widget)) {
            // Deleted on one side, unchanged (or only moved) on the other.
            if (l) {
                removedFromLocal_.emplace_back(id);
            }
            return;
        }
        place(out, home(out, {only.dashboard}), id, *only.widget, only.rect);
    }

    void place(Document& out, std::size_t board, std::string_view id, Widget widget,
               const WidgetRect* rect) {
        Dashboard& dashboard = out.dashboards[board];
        const auto inserted = dashboard.widgets.emplace_hint(dashboard.widgets.end(),
                                                             std::string(id), std::move(widget));
        if (rect) {
            dashboard.layout.emplace_hint(dashboard.layout.end(), inserted->first,
                                          clampToGrid(*rect));
        }
    }

    // Widgets that no side gave a rect: the first free cell of their type's size, in id order.
    static void placeUnplaced(Dashboard& board) {
        for (const auto& [id, widget] : board.widgets) {
            if (!board.layout.contains(id)) {
                const WidgetRect size = defaultRect(widget.type);
                board.layout.emplace(id, firstFreeRect(board.layout, size.w, size.h));
            }
        }
    }

    // The widget `id` of the result, or null.
    static const Widget* findWidget(const Document& out, const std::string& id) {
        for (const auto& board : out.dashboards) {
            if (const auto it = board.widgets.find(id); it != board.widgets.end()) {
                return &it->second;
            }
        }
        return nullptr;
    }

    void addConflictedCopies(MergeResult& result) {
        Document& out = result.document;
        // Per dashboard, the copies to place, in the order they were made.
        std::vector<std::vector<std::pair<std::string, WidgetRect>>> toPlace(out.dashboards.size());
        for (const auto& pending : copies_) {
            const Widget& local = *pending.local->widget;
            const std::string hash = protocol::sha256Hex(local.content);
            // Room for "-c" + 8 hex digits within the 64 characters of an id.
            const std::string stem =
                pending.originalId.substr(0, protocol::kMaxIdentifierLength - 10) + "-c";
            std::optional<std::string> copyId;
            bool alreadyThere = false;
            for (std::size_t at = 0; at + 8 <= hash.size() && !copyId && !alreadyThere; at += 8) {
                std::string candidate = stem + hash.substr(at, 8);
                const Widget* existing = findWidget(out, candidate);
                if (!existing) {
                    copyId = std::move(candidate);
                } else if (existing->content == local.content) {
                    alreadyThere = true;
                }
            }
            if (!copyId) {
                continue;
            }
            out.dashboards[pending.dashboard].widgets.emplace(
                *copyId, Widget{local.type, local.title + std::string(kConflictedCopySuffix),
                                local.settings, local.content});
            const WidgetRect size =
                pending.local->rect ? *pending.local->rect : defaultRect(local.type);
            toPlace[pending.dashboard].emplace_back(*copyId, size);
            result.conflictedCopies.push_back(*copyId);
        }
        for (std::size_t board = 0; board < toPlace.size(); ++board) {
            if (!toPlace[board].empty()) {
                placeInFirstFreeCells(out.dashboards[board].layout, toPlace[board]);
            }
        }
    }

    const Document& base_;
    const Document& local_;
    const Document& server_;
    const WidgetIndex baseWidgets_;
    const WidgetIndex localWidgets_;
    const WidgetIndex serverWidgets_;
    std::unordered_map<std::string_view, std::size_t> dashboardIndex_;
    std::vector<std::string> removedFromLocal_;
    std::vector<PendingCopy> copies_;
};

}  // namespace

MergeResult mergeDocuments(const Document& base, const Document& local, const Document& server) {
    return Merger(base, local, server).run();
}

}  // namespace deskboard::sync
