#pragma once

#include <string>
#include <string_view>

namespace dnas {

// "a, b, c" from any range of things convertible to std::string_view.
template <class Range>
std::string join(const Range& items, std::string_view separator = ", ") {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty())
            out += separator;
        out += std::string_view(item);
    }
    return out;
}

} // namespace dnas
