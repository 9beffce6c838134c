#include "data/file_image_source.h"

#include "data/image_decoder.h"

namespace dnas {

cv::Mat FileImageSource::load(std::size_t i) const {
    return decodeImageFile(paths_[i]);
}

} // namespace dnas
