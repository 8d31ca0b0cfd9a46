package rlhf4j.model;

/** The two architectures a {@link Transformer} can take; both load Hugging Face checkpoints. */
public enum Family {
    /** RMSNorm, rotary positions (rotate-half), SwiGLU MLP, grouped-query attention, no biases. */
    LLAMA("llama", "LlamaForCausalLM"),
    /** LayerNorm with bias, learned positions, GELU (tanh) MLP of 4·D, biases everywhere, tied LM head. */
    GPT2("gpt2", "GPT2LMHeadModel");

    private final String modelType;
    private final String architecture;

    Family(String modelType, String architecture) {
        this.modelType = modelType;
        this.architecture = architecture;
    }

    /** HF's {@code model_type}. */
    public String modelType() {
        return modelType;
    }

    /** HF's class name for the causal-LM head, written into {@code architectures}. */
    public String architecture() {
        return architecture;
    }

    public static Family fromModelType(String modelType) {
        for (Family f : values()) if (f.modelType.equals(modelType)) return f;
        throw new IllegalArgumentException("unsupported model_type '" + modelType + "' (expected llama or gpt2)");
    }
}
