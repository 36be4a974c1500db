// Three-way merge of dashboard documents (PRODUCT.md section 3): `base` is the last state both
// sides agreed on, `local` this machine's document, `server` the server's. A pure function, so
// every machine that merges the same three documents gets the same result.
// Rules: dashboards and widgets merged by id, fields one by one (settings key by key); an edit
// on one side wins over no change on the other; a widget deleted on one side and edited
// (type, title, settings or content) on the other is kept; a move or resize is not an edit, so
// a widget removed on one side and only moved on the other stays removed; the same field changed
// differently on both sides -> the server's value stays, and for `content` the local text is
// kept as a new widget titled "<title> (conflicted copy)" whose id is derived from the original
// id and the local text (the same on every machine). The result's layout never has overlaps.
#pragma once

#include <string>
#include <vector>

#include <deskboard/sync/document.h>

namespace deskboard::sync {

struct MergeResult {
    Document document;
    // Ids of the conflicted copies the merge created.
    std::vector<std::string> conflictedCopies;
    // Widgets present in `local` and absent from the result (what the person will see vanish).
    std::vector<std::string> removedFromLocal;
};

MergeResult mergeDocuments(const Document& base, const Document& local, const Document& server);

// The suffix merge appends to a conflicted copy's title.
inline constexpr std::string_view kConflictedCopySuffix = " (conflicted copy)";

}  // namespace deskboard::sync
