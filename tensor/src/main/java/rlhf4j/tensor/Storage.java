package rlhf4j.tensor;

/**
 * The memory a tensor and its reshaped views share: values and, once something needs them,
 * gradients of the same length. Reshaping a tensor never copies; both views see one Storage.
 */
final class Storage {
    final float[] data;
    float[] grad;
    /** Parameters own their gradient for good; intermediates borrow theirs from the tape. */
    final boolean persistent;

    Storage(float[] data, boolean persistent) {
        this.data = data;
        this.persistent = persistent;
    }
}
