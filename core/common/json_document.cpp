#include "common/json_document.h"

#include <algorithm>
#include <fstream>

#include "common/error.h"
#include "common/json_reader.h"

namespace dnas {
namespace {

// Walks a JSON text that is known to be valid and records the line of every value.
class LineIndexer {
public:
    LineIndexer(std::string_view text, std::unordered_map<std::string, int>& out)
        : text_(text)
        , out_(out) {}

    void run() { value(""); }

private:
    void skipSpace() {
        while (pos_ < text_.size()) {
            const char c = text_[pos_];
            if (c == '\n')
                ++line_;
            else if (c != ' ' && c != '\t' && c != '\r')
                return;
            ++pos_;
        }
    }

    std::string string() {
        std::string s;
        ++pos_; // opening quote
        while (pos_ < text_.size() && text_[pos_] != '"') {
            if (text_[pos_] == '\\' && pos_ + 1 < text_.size())
                ++pos_;
            s += text_[pos_++];
        }
        ++pos_; // closing quote
        return s;
    }

    void value(const std::string& path) {
        skipSpace();
        if (pos_ >= text_.size())
            return;
        out_.emplace(path, line_);
        const char c = text_[pos_];
        if (c == '{') {
            ++pos_;
            for (;;) {
                skipSpace();
                if (pos_ >= text_.size() || text_[pos_] == '}')
                    break;
                if (text_[pos_] == ',') {
                    ++pos_;
                    continue;
                }
                const std::string key = string();
                skipSpace();
                ++pos_; // ':'
                value(JsonReader::key(path, key));
            }
            ++pos_;
        } else if (c == '[') {
            ++pos_;
            std::size_t index = 0;
            for (;;) {
                skipSpace();
                if (pos_ >= text_.size() || text_[pos_] == ']')
                    break;
                if (text_[pos_] == ',') {
                    ++pos_;
                    continue;
                }
                value(JsonReader::index(path, index++));
            }
            ++pos_;
        } else if (c == '"') {
            string();
        } else {
            while (pos_ < text_.size() &&
                   std::string_view(",]} \t\r\n").find(text_[pos_]) == std::string_view::npos)
                ++pos_;
        }
    }

    std::string_view text_;
    std::unordered_map<std::string, int>& out_;
    std::size_t pos_ = 0;
    int line_ = 1;
};

// Line (1-based) of byte `offset` of `text`.
int lineAt(std::string_view text, std::size_t offset) {
    const auto end = std::min(offset, text.size());
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + end, '\n'));
}

// Refuses nesting deeper than kMaxDepth before anything recursive sees the text (a parser,
// a destructor, the line indexer): "[[[[..." of a few hundred KB would exhaust the stack.
void checkNesting(std::string_view text, const std::string& origin) {
    int depth = 0;
    bool inString = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > JsonDocument::kMaxDepth)
                throw InputError(
                    {{origin,
                      lineAt(text, i),
                      {},
                      "JSON nested more than " + std::to_string(JsonDocument::kMaxDepth) +
                          " levels deep; not a DNAS Studio file"}});
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
}

// The line of the first occurrence of a number that does not fit a double ("1e999"), named
// in nlohmann's out_of_range.406 message as "number overflow parsing '1e999'".
int overflowLine(std::string_view text, const std::string& what) {
    const auto open = what.find('\'');
    const auto close = open == std::string::npos ? open : what.find('\'', open + 1);
    if (close == std::string::npos)
        return 0;
    const auto token = what.substr(open + 1, close - open - 1);
    const auto at = text.find(token);
    return at == std::string_view::npos ? 0 : lineAt(text, at);
}

// nlohmann's message is "[json.exception.parse_error.101] parse error at line 3, column 5:
// syntax error while parsing ..."; keep the part after the position.
std::string syntaxMessage(const std::string& what) {
    const auto column = what.find("column ");
    if (column != std::string::npos) {
        const auto colon = what.find(": ", column);
        if (colon != std::string::npos)
            return what.substr(colon + 2);
    }
    const auto bracket = what.find("] ");
    return bracket == std::string::npos ? what : what.substr(bracket + 2);
}

} // namespace

JsonDocument::JsonDocument(std::string text, std::string origin, nlohmann::json root)
    : text_(std::move(text))
    , origin_(std::move(origin))
    , root_(std::move(root)) {}

JsonDocument JsonDocument::fromFile(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw InputError({{path.string(), 0, {}, "file does not exist"}});
    if (std::filesystem::is_directory(path, ec))
        throw InputError({{path.string(), 0, {}, "is a directory, expected a JSON file"}});
    if (!std::filesystem::is_regular_file(path, ec)) // a FIFO would block, a device not end
        throw InputError({{path.string(), 0, {}, "is not a regular file, expected a JSON file"}});
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError({{path.string(), 0, {}, "cannot be opened for reading"}});
    // Read at most one chunk beyond the limit: /dev/zero or a huge file must not fill memory.
    std::string text;
    char chunk[1 << 16];
    while (text.size() <= kMaxBytes && in.read(chunk, sizeof chunk).gcount() > 0)
        text.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (in.bad())
        throw InputError({{path.string(), 0, {}, "read error"}});
    return fromText(std::move(text), path.string()); // refuses more than kMaxBytes
}

JsonDocument JsonDocument::fromText(std::string text, std::string origin) {
    if (text.size() > kMaxBytes)
        throw InputError({{origin,
                           0,
                           {},
                           "larger than " + std::to_string(kMaxBytes >> 20) +
                               " MiB; not a DNAS Studio JSON file"}});
    checkNesting(text, origin);
    try {
        auto root = nlohmann::json::parse(text);
        return JsonDocument(std::move(text), std::move(origin), std::move(root));
    } catch (const nlohmann::json::parse_error& e) {
        const std::size_t end = std::min<std::size_t>(e.byte > 0 ? e.byte - 1 : 0, text.size());
        int line = 1;
        for (std::size_t i = 0; i < end; ++i)
            line += text[i] == '\n' ? 1 : 0;
        throw InputError({{origin, line, {}, "malformed JSON: " + syntaxMessage(e.what())}});
    } catch (const nlohmann::json::out_of_range& e) {
        throw InputError(
            {{origin,
              overflowLine(text, e.what()),
              {},
              "malformed JSON: " + syntaxMessage(e.what()) + " (beyond the range of a double)"}});
    } catch (const nlohmann::json::exception& e) {
        throw InputError({{origin, 0, {}, "malformed JSON: " + syntaxMessage(e.what())}});
    }
}

int JsonDocument::lineOf(const std::string& path) const {
    if (lines_.empty())
        LineIndexer(text_, lines_).run();
    const auto it = lines_.find(path);
    return it == lines_.end() ? 0 : it->second;
}

} // namespace dnas
