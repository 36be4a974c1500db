// Test support for the save path's numbers: RFC 8785's number table (Appendix B), other JSON
// number literals with their canonical forms, and a writer that prints a document with every
// number spelled in one of the many JSON literals that denote the same double (exponents in
// either case, integer mantissas, the exact decimal expansion, which for a large integral
// double is an integer beyond 64 bits, and longer-than-exact expansions), so that both parsers
// meet every kind of number JSON allows.
#pragma once

#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace deskboard::testing {

// RFC 8785 Appendix B: an IEEE 754 double (its bits) and its canonical JSON form. (NaN and
// Infinity, which JSON cannot carry, are left out.)
struct Rfc8785Number {
    std::uint64_t bits;
    const char* canonical;
};

inline constexpr std::array<Rfc8785Number, 24> kRfc8785Numbers{{
    {0x0000000000000000, "0"},
    {0x8000000000000000, "0"},
    {0x0000000000000001, "5e-324"},
    {0x8000000000000001, "-5e-324"},
    {0x7fefffffffffffff, "1.7976931348623157e+308"},
    {0xffefffffffffffff, "-1.7976931348623157e+308"},
    {0x4340000000000000, "9007199254740992"},
    {0xc340000000000000, "-9007199254740992"},
    {0x4430000000000000, "295147905179352830000"},
    {0x44b52d02c7e14af5, "9.999999999999997e+22"},
    {0x44b52d02c7e14af6, "1e+23"},
    {0x44b52d02c7e14af7, "1.0000000000000001e+23"},
    {0x444b1ae4d6e2ef4e, "999999999999999700000"},
    {0x444b1ae4d6e2ef4f, "999999999999999900000"},
    {0x444b1ae4d6e2ef50, "1e+21"},
    {0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
    {0x3eb0c6f7a0b5ed8d, "0.000001"},
    {0x41b3de4355555553, "333333333.3333332"},
    {0x41b3de4355555554, "333333333.33333325"},
    {0x41b3de4355555555, "333333333.3333333"},
    {0x41b3de4355555556, "333333333.3333334"},
    {0x41b3de4355555557, "333333333.33333343"},
    {0xbecbf647612f3696, "-0.0000033333333333333333"},
    {0x43143ff3c1cb0959, "1424953923781206.2"},
}};

// A JSON number literal and the canonical form of the double it denotes.
struct NumberLiteral {
    const char* literal;
    const char* canonical;
};

// Literals beyond the RFC's table: integers beyond 64 bits, exponents, negative zero,
// subnormals, and the rounding boundaries (ties go to the even double).
inline const std::vector<NumberLiteral> kNumberLiterals{
    {"123456789012345680000", "123456789012345680000"},  // the example
    {"-123456789012345680000", "-123456789012345680000"},
    {"18446744073709551615", "18446744073709552000"},  // 2^64-1, still a 64-bit integer
    {"18446744073709551616", "18446744073709552000"},  // 2^64, the first beyond
    {"18446744073709553664", "18446744073709552000"},  // 2^64 + 2048: a tie, to even (2^64)
    {"18446744073709553665", "18446744073709556000"},  // just above the tie: up
    {"-9223372036854775808", "-9223372036854776000"},  // -2^63, still a 64-bit integer
    {"-9223372036854775809", "-9223372036854776000"},  // the first below
    {"9007199254740993", "9007199254740992"},          // 2^53 + 1: a tie, to even
    {"100000000000000000000000000000", "1e+29"},
    {"99999999999999999999999999999999999999999", "1e+41"},
    {"1000000000000000000000", "1e+21"},
    {"100000000000000000000", "100000000000000000000"},
    {"1E2", "100"},
    {"1e+2", "100"},
    {"1E-2", "0.01"},
    {"1e-7", "1e-7"},
    {"1e-6", "0.000001"},
    {"12e-1", "1.2"},
    {"0.1e1", "1"},
    {"1e0", "1"},
    {"1e007", "10000000"},
    {"1.5e300", "1.5e+300"},
    {"-1.5E-300", "-1.5e-300"},
    {"1e21", "1e+21"},
    {"1e20", "100000000000000000000"},
    {"1e308", "1e+308"},
    {"1.7976931348623157e308", "1.7976931348623157e+308"},
    {"1.7976931348623158e308", "1.7976931348623157e+308"},  // rounds down to the largest
    {"-0", "0"},
    {"-0.0", "0"},
    {"-0e5", "0"},
    {"0e400", "0"},
    {"-0.000E-3", "0"},
    {"1e-400", "0"},  // below the smallest subnormal: zero
    {"-1e-400", "0"},
    {"5e-324", "5e-324"},
    {"4.9406564584124654e-324", "5e-324"},
    {"2.4703282292062328e-324", "5e-324"},  // just above half the smallest: up
    {"1e-323", "1e-323"},
    {"2.225073858507201e-308", "2.225073858507201e-308"},  // the largest subnormal
    {"2.2250738585072011e-308", "2.225073858507201e-308"},
    {"2.2250738585072012e-308", "2.2250738585072014e-308"},
    {"2.2250738585072014e-308", "2.2250738585072014e-308"},  // the smallest normal
    {"0.30000000000000004", "0.30000000000000004"},
    {"0.1000000000000000055511151231257827021181583404541015625", "0.1"},  // exactly 0.1's double
    {"3.141592653589793238462643383279502884197169399375105820974944", "3.141592653589793"},
    {"-7", "-7"},
    {"4294967296", "4294967296"},
};

// Literals JSON allows that are no finite double: both parsers refuse them as invalid_json.
inline const std::vector<const char*> kOverflowingLiterals{
    "1e400",
    "-1e400",
    "1e309",
    "1.7976931348623159e308",
    "-1.8e308",
    // 2^1024 - 2^970, the tie between the largest double and 2^1024: to even, which is infinity
    "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977"
    "587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845"
    "817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559"
    "699508093042880177904174497792",
};

// The last digit one lower: the largest double. (Kept beside the tie above.)
inline const std::string kJustBelowOverflow =
    "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977"
    "587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845"
    "817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559"
    "699508093042880177904174497791";

// Half the smallest subnormal, exactly: a tie between 0 and 5e-324, to even (0).
inline std::string halfSmallestSubnormal() {
    // 2^-1074 has exactly 1074 decimals, which the C++ library prints; halved digit by digit.
    std::array<char, 1200> buffer{};
    const double smallest = std::numeric_limits<double>::denorm_min();
    const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), smallest,
                                      std::chars_format::fixed, 1100);
    const std::string exact(buffer.data(), result.ptr);
    std::string half;
    int carry = 0;
    for (const char c : exact) {
        if (c == '.') {
            half.push_back('.');
            continue;
        }
        const int value = carry * 10 + (c - '0');
        half.push_back(static_cast<char>('0' + value / 2));
        carry = value % 2;
    }
    if (carry != 0) {
        half.push_back('5');
    }
    while (half.back() == '0') {
        half.pop_back();
    }
    return half;
}

// The bits of `number`, for comparing doubles exactly (0 and -0 differ).
inline std::uint64_t bitsOf(double number) {
    return std::bit_cast<std::uint64_t>(number);
}

class NumberSpeller {
  public:
    explicit NumberSpeller(std::uint64_t seed) : rng_(seed) {}

    int below(int bound) { return std::uniform_int_distribution<int>(0, bound - 1)(rng_); }

    // A finite double from the corners: integral values beyond 2^64, subnormals, values near the
    // largest, powers of ten, ties, and random bit patterns.
    double interesting() {
        switch (below(8)) {
            case 0:  // integral, from 2^53 up to far beyond 2^64
                return std::ldexp(static_cast<double>(rng_() >> 11), 53 + below(200)) *
                       (below(2) ? 1 : -1);
            case 1:  // subnormal
                return std::bit_cast<double>(rng_() & 0x800fffffffffffffULL);
            case 2:  // near the largest
                return std::bit_cast<double>(0x7fefffffffffffffULL - (rng_() & 0xffff)) *
                       (below(2) ? 1 : -1);
            case 3:
                return std::pow(10.0, below(616) - 308);
            case 4:
                return below(2) ? 0.0 : -0.0;
            case 5:  // an integer of 64 bits or just beyond
                return static_cast<double>(rng_()) * (below(2) ? 1 : -1) * (below(2) ? 1 : 4);
            default:
                for (;;) {
                    const double candidate = std::bit_cast<double>(rng_());
                    if (std::isfinite(candidate)) {
                        return candidate;
                    }
                }
        }
    }

    // One of the literals that denote `number` exactly (after correct rounding).
    std::string spell(double number) {
        switch (below(7)) {
            case 0:
                return nlohmann::json(number).dump();
            case 1:
                return scientific(number);
            case 2:
                return integerMantissa(number);
            case 3:
            case 4:
                return exactDecimal(number);
            case 5:
                return exactWithFarTail(number);
            default:
                return zeroAware(number);
        }
    }

    // `document` as JSON text with every floating-point number spelled by spell().
    std::string text(const nlohmann::json& document) {
        std::string out;
        write(out, document);
        return out;
    }

    // Replaces about half of the numbers in `document` with interesting() doubles.
    void enrich(nlohmann::json& document) {
        if (document.is_structured()) {
            for (auto& child : document) {
                enrich(child);
            }
        } else if (document.is_number() && below(2) == 0) {
            document = interesting();
        }
    }

    // The exact decimal value of the double: every digit, no exponent. An integral double from
    // 2^64 up is an integer literal beyond 64 bits; 5e-324 has 1074 decimals.
    static std::string exactDecimal(double number) {
        std::array<char, 1500> buffer{};
        const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), number,
                                          std::chars_format::fixed, 1074);
        std::string text(buffer.data(), result.ptr);
        while (text.back() == '0') {
            text.pop_back();
        }
        if (text.back() == '.') {
            text.pop_back();
        }
        return text;
    }

  private:
    // Shortest round-trip digits in exponent form, with 'e' or 'E', an optional '+' and
    // leading zeros in the exponent.
    std::string scientific(double number) {
        std::array<char, 64> buffer{};
        const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), number,
                                          std::chars_format::scientific);
        std::string text(buffer.data(), result.ptr);  // e.g. -1.25e+02
        const auto e = text.find('e');
        std::string mantissa = text.substr(0, e);
        const char sign = text[e + 1];
        const std::string digits = text.substr(e + 2);
        std::string out = mantissa + (below(2) ? "e" : "E");
        if (sign == '-') {
            out.push_back('-');
        } else if (below(2)) {
            out.push_back('+');
        }
        out.append(static_cast<std::size_t>(below(3)), '0');
        return out + digits;
    }

    // The shortest digits as an integer with an exponent: 1.25e+02 -> 125e0.
    std::string integerMantissa(double number) {
        std::array<char, 64> buffer{};
        const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), number,
                                          std::chars_format::scientific);
        const std::string text(buffer.data(), result.ptr);
        const auto e = text.find('e');
        std::string mantissa;
        int fraction = 0;
        bool afterPoint = false;
        for (std::size_t i = 0; i < e; ++i) {
            if (text[i] == '.') {
                afterPoint = true;
            } else {
                mantissa.push_back(text[i]);
                fraction += afterPoint ? 1 : 0;
            }
        }
        const int exponent = std::stoi(text.substr(e + 1)) - fraction;
        return mantissa + "e" + std::to_string(exponent);
    }

    // The exact value plus 10^-1100, far less than half the gap to the next double at any
    // magnitude, so it still denotes `number`: more digits than a parser keeps (simdjson keeps
    // 768), where only correct rounding of the truncated rest gives the right double.
    static std::string exactWithFarTail(double number) {
        std::string text = exactDecimal(number);
        const auto point = text.find('.');
        std::size_t decimals = 0;
        if (point == std::string::npos) {
            text.push_back('.');
        } else {
            decimals = text.size() - point - 1;
        }
        text.append(1099 - decimals, '0');
        text.push_back('1');
        if (number == 0 && std::signbit(number) && text.front() != '-') {
            text.insert(text.begin(), '-');
        }
        return text;
    }

    // Zeros in every spelling; other numbers as nlohmann writes them.
    std::string zeroAware(double number) {
        if (number != 0) {
            return nlohmann::json(number).dump();
        }
        static const std::array<const char*, 6> kZeros{"0",        "0.0",    "0e0",
                                                       "0.000E-3", "0e+400", "0.0e-999"};
        return (std::signbit(number) ? "-" : "") + std::string(kZeros[below(6)]);
    }

    void write(std::string& out, const nlohmann::json& value) {
        if (value.is_object()) {
            out.push_back('{');
            bool first = true;
            for (const auto& [key, member] : value.items()) {
                if (!first) {
                    out.push_back(',');
                }
                first = false;
                out += nlohmann::json(key).dump();
                out.push_back(':');
                write(out, member);
            }
            out.push_back('}');
        } else if (value.is_array()) {
            out.push_back('[');
            for (std::size_t i = 0; i < value.size(); ++i) {
                if (i > 0) {
                    out.push_back(',');
                }
                write(out, value[i]);
            }
            out.push_back(']');
        } else if (value.is_number_float()) {
            out += spell(value.get<double>());
        } else {
            out += value.dump();
        }
        if (below(8) == 0) {
            out.push_back(' ');
        }
    }

    std::mt19937_64 rng_;
};

}  // namespace deskboard::testing
