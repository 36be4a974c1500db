// Test support: readable QCOMPARE failures for std::string and nlohmann::json. QCOMPARE on two
// json values does not compile (Qt's qfloat16 overloads meet json's converting constructors),
// so JSON is compared through its dump.
#pragma once

#include <string>

#include <QTest>
#include <nlohmann/json.hpp>

namespace QTest {
template <>
inline char* toString(const std::string& text) {
    return qstrdup(text.c_str());
}
}  // namespace QTest

#define QCOMPARE_JSON(actual, expected) \
    QCOMPARE(nlohmann::json(actual).dump(), nlohmann::json(expected).dump())
