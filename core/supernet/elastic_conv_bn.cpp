#include "supernet/elastic_conv_bn.h"

#include <torch/torch.h>

#include "space/architecture.h"

namespace dnas {

torch::Tensor conv2dSame(const torch::Tensor& x, const torch::Tensor& weight, int stride,
                         int groups) {
    const auto kernel = static_cast<int>(weight.size(2));
    const auto rows = samePadding(static_cast<int>(x.size(2)), kernel, stride);
    const auto cols = samePadding(static_cast<int>(x.size(3)), kernel, stride);
    if (rows.before == rows.after && cols.before == cols.after)
        return torch::conv2d(x, weight, {}, stride, {rows.before, cols.before}, 1, groups);
    const auto padded =
        torch::constant_pad_nd(x, {cols.before, cols.after, rows.before, rows.after});
    const std::int64_t none[2] = {0, 0};
    return torch::conv2d(padded, weight, {}, stride, none, 1, groups);
}

ElasticConvBnImpl::ElasticConvBnImpl(int maxIn, int maxOut, int maxKernel, bool depthwise)
    : maxIn_(maxIn)
    , maxOut_(maxOut)
    , maxKernel_(maxKernel)
    , depthwise_(depthwise) {
    TORCH_CHECK(maxIn > 0 && maxOut > 0 && maxKernel % 2 == 1, "invalid elastic conv sizes");
    weight = register_parameter(
        "weight", torch::empty({maxOut, depthwise ? 1 : maxIn, maxKernel, maxKernel}));
    torch::nn::init::kaiming_normal_(weight, 0.0, torch::kFanOut, torch::kReLU);
    gamma = register_parameter("gamma", torch::ones({maxOut}));
    beta = register_parameter("beta", torch::zeros({maxOut}));
    runningMean = register_buffer("running_mean", torch::zeros({maxOut}));
    runningVar = register_buffer("running_var", torch::ones({maxOut}));
}

torch::Tensor ElasticConvBnImpl::activeWeight(int in, int out, int kernel) const {
    TORCH_CHECK(out <= maxOut_ && kernel <= maxKernel_ && kernel % 2 == 1,
                "active size exceeds the elastic conv");
    const int off = (maxKernel_ - kernel) / 2;
    auto w = weight.slice(0, 0, out);
    if (kernel != maxKernel_)
        w = w.slice(2, off, off + kernel).slice(3, off, off + kernel);
    if (depthwise_)
        return w;
    if (in == 1 && maxIn_ == 3) // grayscale stem
        return w.sum(1, /*keepdim=*/true);
    TORCH_CHECK(in <= maxIn_, "active input channels exceed the elastic conv");
    return w.slice(1, 0, in);
}

torch::Tensor ElasticConvBnImpl::forward(const torch::Tensor& x, int in, int out, int kernel,
                                         int stride) {
    const auto w = activeWeight(in, out, kernel);
    auto y = conv2dSame(x, w, stride, depthwise_ ? out : 1);
    return torch::batch_norm(y, gamma.slice(0, 0, out), beta.slice(0, 0, out),
                             runningMean.slice(0, 0, out), runningVar.slice(0, 0, out),
                             is_training(), kMomentum, kEps, false);
}

} // namespace dnas
