package rlhf4j.model;

import rlhf4j.tensor.Ops;
import rlhf4j.tensor.Tensor;

/** One projection of a block: weight [out, in], optional bias [out], optional LoRA adapter. */
final class Linear {
    final Tensor weight;
    final Tensor bias;          // null when the family has none
    final LoraAdapter adapter;  // null unless LoRA targets this projection

    Linear(Tensor weight, Tensor bias, LoraAdapter adapter) {
        this.weight = weight;
        this.bias = bias;
        this.adapter = adapter;
    }

    /** x [..., in] → [..., out]. */
    Tensor forward(Tensor x) {
        Tensor y = Ops.linear(x, weight, bias);
        return adapter == null ? y : adapter.addTo(y, x);
    }
}
