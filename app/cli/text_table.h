#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace dnas::cli {

// A plain-text table for terminal output: columns sized to their widest cell, numbers
// right-aligned, text left-aligned.
class TextTable {
public:
    enum class Align { Left, Right };

    void addColumn(std::string header, Align align);
    void addRow(std::vector<std::string> cells);
    void print(std::ostream& out, const std::string& indent = "  ") const;

private:
    std::vector<std::string> headers_;
    std::vector<Align> aligns_;
    std::vector<std::vector<std::string>> rows_;
};

} // namespace dnas::cli
