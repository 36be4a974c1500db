// The few functions of the HTTP layer's plain types (no Beast here).
#include <algorithm>

#include <deskboard/server/http/http_types.h>

namespace deskboard::server::http {

namespace {

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return lower(x) == lower(y); });
}

}  // namespace

std::optional<std::string_view> RequestHead::header(std::string_view name) const {
    for (const auto& h : headers) {
        if (equalsIgnoringCase(h.name, name)) {
            return std::string_view(h.value);
        }
    }
    return std::nullopt;
}

}  // namespace deskboard::server::http
