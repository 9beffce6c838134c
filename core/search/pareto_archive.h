#pragma once

#include <cstdint>
#include <vector>

namespace dnas {

// The non-dominated set of the feasible points seen so far (all objectives minimised),
// updated one point at a time: a new point that no member dominates joins and evicts the
// members it dominates. Points equal in every objective are all kept.
class ParetoArchive {
public:
    struct Entry {
        std::int64_t id = 0; // the caller's identifier (a candidate's row in the run store)
        std::vector<double> objectives;
    };

    // Returns true when the point joins the front.
    bool insert(std::int64_t id, std::vector<double> objectives);
    void clear() { front_.clear(); }
    const std::vector<Entry>& front() const { return front_; }
    bool contains(std::int64_t id) const;
    // Gives the member `from` (if it is one) the identifier `to`: a point inserted before the
    // caller knew its id (the run store assigns it when the point's row is committed).
    void relabel(std::int64_t from, std::int64_t to);
    // Hypervolume of the front against `reference` (see hypervolume()).
    double hypervolume(const std::vector<double>& reference) const;

private:
    std::vector<Entry> front_;
};

} // namespace dnas
