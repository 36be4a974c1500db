// Test support: random JSON documents that reach the corners of RFC 8785 (astral and
// private-use keys, control characters, extreme doubles, integers beyond 2^53), and a writer
// that prints a document with shuffled keys and random whitespace.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace deskboard::testing {

class RandomJson {
  public:
    explicit RandomJson(std::uint64_t seed) : rng_(seed) {}

    // A random object nested at most `maxDepth` levels.
    nlohmann::json object(int maxDepth) {
        nlohmann::json result = nlohmann::json::object();
        const int members = below(7);
        for (int i = 0; i < members; ++i) {
            result[string()] = value(maxDepth - 1);
        }
        return result;
    }

    nlohmann::json value(int maxDepth) {
        switch (below(maxDepth > 0 ? 9 : 7)) {
            case 0:
                return nullptr;
            case 1:
                return below(2) == 1;
            case 2:
                return integer();
            case 3:
            case 4:
                return number();
            case 5:
            case 6:
                return string();
            case 7: {
                nlohmann::json array = nlohmann::json::array();
                const int elements = below(5);
                for (int i = 0; i < elements; ++i) {
                    array.push_back(value(maxDepth - 1));
                }
                return array;
            }
            default:
                return object(maxDepth);
        }
    }

    // A finite double: special values, decimal-looking values, or random bit patterns.
    double number() {
        static const std::vector<double> kSpecial{0.0,
                                                  -0.0,
                                                  0.1,
                                                  1e21,
                                                  1e-7,
                                                  1e-6,
                                                  9.999999999999997e-7,
                                                  1e20,
                                                  1e23,
                                                  5e-324,
                                                  -5e-324,
                                                  1.7976931348623157e308,
                                                  333333333.3333333,
                                                  9007199254740992.0,
                                                  295147905179352830000.0,
                                                  0.5,
                                                  100.0};
        switch (below(3)) {
            case 0:
                return kSpecial[static_cast<std::size_t>(below(static_cast<int>(kSpecial.size())))];
            case 1:
                return static_cast<double>(below(2000000) - 1000000) / std::pow(10.0, below(12));
            default:
                for (;;) {
                    const double candidate = std::bit_cast<double>(rng_());
                    if (std::isfinite(candidate)) {
                        return candidate;
                    }
                }
        }
    }

    nlohmann::json integer() {
        switch (below(3)) {
            case 0:
                return below(2001) - 1000;
            case 1:
                return static_cast<std::int64_t>(rng_() >> 11) * (below(2) ? 1 : -1);
            default:
                return static_cast<std::uint64_t>(rng_());  // often above 2^53
        }
    }

    // A string of code points drawn from every class the canonical form treats specially.
    std::string string() {
        static const std::vector<char32_t> kPool{
            'a',    'b',    'Z',    '0',    '_',    ' ',    '"',     '\\',    '/',     0x01,
            0x08,   0x09,   0x0A,   0x0C,   0x0D,   0x1F,   0x7F,    0x80,    0xE9,    0x20AC,
            0x2028, 0x2029, 0xFB33, 0xE000, 0xFFFD, 0xFEFF, 0x10000, 0x1F600, 0x10FFFF};
        std::string text;
        const int length = below(6);
        for (int i = 0; i < length; ++i) {
            appendUtf8(text,
                       kPool[static_cast<std::size_t>(below(static_cast<int>(kPool.size())))]);
        }
        return text;
    }

    // `document` as JSON text with every object's keys in a random order and random
    // insignificant whitespace.
    std::string shuffledText(const nlohmann::json& document) {
        std::string out;
        writeShuffled(out, document);
        return out;
    }

    int below(int bound) { return std::uniform_int_distribution<int>(0, bound - 1)(rng_); }

    static void appendUtf8(std::string& out, char32_t cp) {
        if (cp < 0x80) {
            out.push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
            out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else if (cp < 0x10000) {
            out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else {
            out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        }
    }

  private:
    void whitespace(std::string& out) {
        static const char kSpaces[] = {' ', '\t', '\n', '\r'};
        const int count = below(3);
        for (int i = 0; i < count; ++i) {
            out.push_back(kSpaces[below(4)]);
        }
    }

    void writeShuffled(std::string& out, const nlohmann::json& value) {
        whitespace(out);
        if (value.is_object()) {
            std::vector<std::string> keys;
            for (const auto& [key, unused] : value.items()) {
                keys.push_back(key);
            }
            std::shuffle(keys.begin(), keys.end(), rng_);
            out.push_back('{');
            for (std::size_t i = 0; i < keys.size(); ++i) {
                if (i > 0) {
                    out.push_back(',');
                }
                whitespace(out);
                out += nlohmann::json(keys[i]).dump();
                whitespace(out);
                out.push_back(':');
                writeShuffled(out, value.at(keys[i]));
            }
            whitespace(out);
            out.push_back('}');
        } else if (value.is_array()) {
            out.push_back('[');
            for (std::size_t i = 0; i < value.size(); ++i) {
                if (i > 0) {
                    out.push_back(',');
                }
                writeShuffled(out, value[i]);
            }
            whitespace(out);
            out.push_back(']');
        } else {
            out += value.dump();
        }
        whitespace(out);
    }

    std::mt19937_64 rng_;
};

}  // namespace deskboard::testing
