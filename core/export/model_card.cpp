#include "export/model_card.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include <nlohmann/json.hpp>

namespace dnas {
namespace {

std::string escape(const std::string& s) {
    std::string out;
    for (const char c : s) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string fixed(double v, int digits) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

const char* colourOf(const std::string& mode) {
    return mode == "hwnas" ? "#d95f02" : "#1b9e77";
}

struct Plot {
    double x0 = 70, x1 = 620, y0 = 330, y1 = 20; // pixel box (y grows downwards)
    double sramMax = 1, accMin = 0, accMax = 1;
    double x(double sram) const { return x0 + (x1 - x0) * sram / sramMax; }
    double y(double acc) const { return y0 + (y1 - y0) * (acc - accMin) / (accMax - accMin); }
};

} // namespace

std::string frontierSvg(const std::vector<FrontierPoint>& points, double sramBudgetBytes) {
    Plot p;
    double lo = 1, hi = 0;
    for (const auto& q : points) {
        p.sramMax = std::max(p.sramMax, q.sramBytes);
        lo = std::min(lo, q.accuracy);
        hi = std::max(hi, q.accuracy);
    }
    p.sramMax = std::max(p.sramMax, sramBudgetBytes) * 1.05;
    if (points.empty())
        lo = 0, hi = 1;
    const double pad = std::max(0.01, (hi - lo) * 0.08);
    p.accMin = std::max(0.0, lo - pad);
    p.accMax = std::min(1.0, hi + pad);
    if (p.accMax - p.accMin < 1e-6)
        p.accMax = p.accMin + 0.01;
    std::ostringstream s;
    s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"380\" "
         "viewBox=\"0 0 640 380\" font-family=\"sans-serif\" font-size=\"11\">\n"
      << "<rect width=\"640\" height=\"380\" fill=\"white\"/>\n"
      << "<rect x=\"70\" y=\"20\" width=\"550\" height=\"310\" fill=\"none\" stroke=\"#888\"/>\n";
    for (int i = 0; i <= 4; ++i) {
        const double a = p.accMin + (p.accMax - p.accMin) * i / 4.0;
        const double kib = p.sramMax / 1024.0 * i / 4.0;
        s << "<text x=\"64\" y=\"" << fixed(p.y(a) + 4, 1) << "\" text-anchor=\"end\">"
          << fixed(a, 3) << "</text>\n"
          << "<text x=\"" << fixed(p.x(kib * 1024), 1) << "\" y=\"346\" text-anchor=\"middle\">"
          << fixed(kib, 0) << "</text>\n";
    }
    s << "<text x=\"345\" y=\"366\" text-anchor=\"middle\">peak SRAM (KiB)</text>\n"
      << "<text x=\"16\" y=\"175\" text-anchor=\"middle\" transform=\"rotate(-90 16 175)\">"
         "validation accuracy</text>\n";
    if (sramBudgetBytes > 0)
        s << "<line x1=\"" << fixed(p.x(sramBudgetBytes), 1) << "\" y1=\"20\" x2=\""
          << fixed(p.x(sramBudgetBytes), 1)
          << "\" y2=\"330\" stroke=\"#c00\" stroke-dasharray=\"5,4\"/>\n"
          << "<text x=\"" << fixed(p.x(sramBudgetBytes) - 4, 1)
          << "\" y=\"32\" text-anchor=\"end\" fill=\"#c00\">SRAM budget</text>\n";
    for (const auto& q : points)
        s << "<circle cx=\"" << fixed(p.x(q.sramBytes), 1) << "\" cy=\""
          << fixed(p.y(q.accuracy), 1) << "\" r=\"2.5\" fill=\"" << colourOf(q.mode)
          << "\" fill-opacity=\"0.3\"/>\n";
    for (const std::string mode : {"dnas", "hwnas"}) {
        std::vector<FrontierPoint> front;
        for (const auto& q : points)
            if (q.onFrontier && q.mode == mode)
                front.push_back(q);
        std::sort(front.begin(), front.end(),
                  [](const auto& a, const auto& b) { return a.sramBytes < b.sramBytes; });
        if (front.empty())
            continue;
        s << "<polyline fill=\"none\" stroke=\"" << colourOf(mode)
          << "\" stroke-width=\"2\" points=\"";
        for (std::size_t i = 0; i < front.size(); ++i) {
            if (i > 0)
                s << fixed(p.x(front[i].sramBytes), 1) << ','
                  << fixed(p.y(front[i - 1].accuracy), 1) << ' ';
            s << fixed(p.x(front[i].sramBytes), 1) << ',' << fixed(p.y(front[i].accuracy), 1)
              << ' ';
        }
        s << "\"/>\n";
    }
    for (const auto& q : points)
        if (q.selected)
            s << "<circle cx=\"" << fixed(p.x(q.sramBytes), 1) << "\" cy=\""
              << fixed(p.y(q.accuracy), 1)
              << "\" r=\"7\" fill=\"none\" stroke=\"black\" stroke-width=\"2\"/>\n";
    s << "<text x=\"80\" y=\"36\" fill=\"" << colourOf("dnas") << "\">DNAS</text>\n"
      << "<text x=\"120\" y=\"36\" fill=\"" << colourOf("hwnas") << "\">HW-NAS</text>\n"
      << "<text x=\"174\" y=\"36\">ringed: this model</text>\n</svg>\n";
    return s.str();
}

namespace {

std::string percent(const nlohmann::json& v) {
    return v.is_number() ? fixed(v.get<double>() * 100, 2) + " %" : "-";
}

std::string kib(const nlohmann::json& v) {
    return v.is_number() ? fixed(v.get<double>() / 1024.0, 1) + " KiB" : "-";
}

void accuracyTable(std::ostringstream& h, const nlohmann::json& card) {
    h << "<h2>Accuracy</h2>\n<table><tr><th>split</th><th>float</th><th>int8</th>"
         "<th>int8 - float</th><th>images</th></tr>\n";
    for (const auto& split : {"validation", "test"}) {
        if (!card["accuracy"].contains(split))
            continue;
        const auto& a = card["accuracy"][split];
        h << "<tr><td>" << split << "</td><td>" << percent(a["float"]["accuracy"]) << "</td><td>"
          << percent(a["int8"]["accuracy"]) << "</td><td>"
          << fixed(a["int8_minus_float"].get<double>() * 100, 2) << " points</td><td>"
          << a["float"]["samples"].get<long long>() << "</td></tr>\n";
    }
    h << "</table>\n";
    const auto& classes = card["classes"];
    const auto& v = card["accuracy"]["validation"];
    h << "<table><tr><th>class</th><th>float</th><th>int8</th></tr>\n";
    for (std::size_t c = 0; c < classes.size(); ++c)
        h << "<tr><td>" << escape(classes[c].get<std::string>()) << "</td><td>"
          << percent(v["float"]["per_class_accuracy"][c]) << "</td><td>"
          << percent(v["int8"]["per_class_accuracy"][c]) << "</td></tr>\n";
    h << "</table>\n";
    if (v["float"].contains("f1"))
        h << "<p>Binary task (positive class " << escape(classes[1].get<std::string>())
          << "), validation, float / int8: precision " << percent(v["float"]["precision"]) << " / "
          << percent(v["int8"]["precision"]) << ", recall " << percent(v["float"]["recall"])
          << " / " << percent(v["int8"]["recall"]) << ", F1 " << percent(v["float"]["f1"]) << " / "
          << percent(v["int8"]["f1"]) << ".</p>\n";
    if (v["int8"].contains("per_flag_accuracy")) {
        h << "<table><tr><th>flag</th><th>int8 accuracy</th><th>images</th></tr>\n";
        for (const auto& f : v["int8"]["per_flag_accuracy"])
            h << "<tr><td>" << escape(f["flag"].get<std::string>()) << "</td><td>"
              << percent(f["accuracy"]) << "</td><td>" << f["samples"].get<long long>()
              << "</td></tr>\n";
        h << "</table>\n";
    }
}

} // namespace

std::string reportHtml(const nlohmann::json& card, const std::string& svg) {
    std::ostringstream h;
    const auto& data = card["data"];
    h << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>"
      << escape(card["name"].get<std::string>())
      << "</title>\n<style>body{font-family:sans-serif;"
         "max-width:900px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:.5em 0}"
         "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f3f3}"
         "td:first-child{text-align:left}.no{color:#b00}.yes{color:#070}</style></head><body>\n"
      << "<h1>" << escape(card["name"].get<std::string>()) << "</h1>\n"
      << "<p>Exported by DNAS Studio on " << escape(card["created"].get<std::string>())
      << ". Input " << data["resolution"].get<int>() << " x " << data["resolution"].get<int>()
      << " " << escape(data["colour"].get<std::string>()) << "; "
      << escape(data["preprocessing"].get<std::string>()) << ".</p>\n";
    accuracyTable(h, card);
    if (card.contains("finetune"))
        h << "<p>Fine-tuned for " << card["finetune"]["epochs"].get<int>()
          << " epochs; float validation accuracy before: "
          << percent(card["finetune"]["before"]["validation"]["accuracy"]) << ".</p>\n";
    h << "<h2>Costs</h2>\n<p>Budgets of the search: SRAM " << kib(card["budgets"]["sram_bytes"])
      << ", flash " << kib(card["budgets"]["flash_bytes"]) << " ("
      << escape(card["budgets"]["mcu"].get<std::string>()) << ").</p>\n"
      << "<table><tr><th>MCU</th><th>runtime</th><th>peak SRAM</th><th>flash</th>"
         "<th>latency</th><th>within budgets</th><th>fits the MCU</th></tr>\n";
    for (const auto& c : card["costs"])
        h << "<tr><td>" << escape(c["name"].get<std::string>()) << "</td><td>"
          << escape(c["runtime"].get<std::string>()) << "</td><td>" << kib(c["peak_sram_bytes"])
          << "</td><td>" << kib(c["flash_bytes"]) << "</td><td>"
          << fixed(c["latency_ms"].get<double>(), 1) << " ms</td><td class=\""
          << (c["fits_budgets"].get<bool>() ? "yes\">yes" : "no\">no") << "</td><td class=\""
          << (c["fits_mcu"].get<bool>() ? "yes\">yes" : "no\">no") << "</td></tr>\n";
    h << "</table>\n<p>model_int8.tflite is " << card["tflite"]["bytes"].get<long long>()
      << " bytes; the cost model estimated " << card["tflite"]["cost_model_bytes"].get<long long>()
      << " bytes of weights and model data. Tensor arena: "
      << card["tensor_arena"]["size_bytes"].get<long long>() << " bytes (estimate "
      << card["tensor_arena"]["estimate_bytes"].get<long long>() << " + "
      << fixed(card["tensor_arena"]["margin"].get<double>() * 100, 0) << " %).</p>\n"
      << "<h2>Place on the frontier</h2>\n"
      << svg
      << "<h2>Checks by independent runtimes</h2>\n<table><tr><th>runtime</th><th>file</th>"
         "<th>images</th><th>largest difference</th><th>each op alone</th>"
         "<th>pooled features</th><th>classifier on its features</th><th>on the logits</th>"
         "<th>softmax of its logits</th><th>tolerance</th>"
         "<th>same top class</th></tr>\n";
    const auto steps = [](const nlohmann::json& check, const char* key) {
        const auto it = check.find(key);
        return it != check.end() && it->is_number() ? std::to_string(it->get<int>())
                                                    : std::string("-");
    };
    for (const auto& c : card["checks"]) {
        h << "<tr><td>" << escape(c["runtime"].get<std::string>()) << "</td><td>"
          << escape(c["file"].get<std::string>()) << "</td><td>" << c["images"].get<long long>()
          << "</td><td>" << c["largest_difference"].get<double>() << "</td>";
        for (const char* key : {"largest_op_difference", "largest_feature_difference",
                                "largest_classifier_difference", "largest_logit_difference",
                                "largest_softmax_difference"})
            h << "<td>" << steps(c, key) << "</td>";
        h << "<td>" << c["tolerance"].get<double>() << "</td><td>"
          << c["same_top_class"].get<long long>() << "</td></tr>\n";
    }
    h << "</table>\n<h2>Files</h2>\n<table><tr><th>file</th><th>bytes</th></tr>\n";
    for (const auto& f : card["files"])
        h << "<tr><td>" << escape(f["path"].get<std::string>()) << "</td><td>"
          << f["bytes"].get<long long>() << "</td></tr>\n";
    h << "</table>\n<h2>Provenance</h2>\n<pre>" << escape(card["provenance"].dump(2))
      << "</pre>\n</body></html>\n";
    return h.str();
}

} // namespace dnas
