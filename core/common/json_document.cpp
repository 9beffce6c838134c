#include "common/json_document.h"

#include <fstream>
#include <sstream>

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
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError({{path.string(), 0, {}, "cannot be opened for reading"}});
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return fromText(buffer.str(), path.string());
}

JsonDocument JsonDocument::fromText(std::string text, std::string origin) {
    try {
        auto root = nlohmann::json::parse(text);
        return JsonDocument(std::move(text), std::move(origin), std::move(root));
    } catch (const nlohmann::json::parse_error& e) {
        const std::size_t end = std::min<std::size_t>(e.byte > 0 ? e.byte - 1 : 0, text.size());
        int line = 1;
        for (std::size_t i = 0; i < end; ++i)
            line += text[i] == '\n' ? 1 : 0;
        throw InputError({{origin, line, {}, "malformed JSON: " + syntaxMessage(e.what())}});
    }
}

int JsonDocument::lineOf(const std::string& path) const {
    if (lines_.empty())
        LineIndexer(text_, lines_).run();
    const auto it = lines_.find(path);
    return it == lines_.end() ? 0 : it->second;
}

} // namespace dnas
