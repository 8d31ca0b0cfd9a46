package rlhf4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class TransformerConfigTest {

    @Test
    void gpt2ConfigRoundTripsThroughHfKeys() {
        TransformerConfig c = TransformerConfig.gpt2(50257, 768, 12, 12, 1024);
        ObjectNode json = c.toJson();
        assertThat(json.get("model_type").asText()).isEqualTo("gpt2");
        assertThat(json.get("architectures").get(0).asText()).isEqualTo("GPT2LMHeadModel");
        assertThat(json.get("n_embd").asInt()).isEqualTo(768);
        assertThat(json.get("n_layer").asInt()).isEqualTo(12);
        assertThat(json.get("n_head").asInt()).isEqualTo(12);
        assertThat(json.get("n_positions").asInt()).isEqualTo(1024);
        assertThat(json.get("vocab_size").asInt()).isEqualTo(50257);
        assertThat(json.get("layer_norm_epsilon").asDouble()).isEqualTo(1e-5, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(json.get("n_inner").isNull()).isTrue();
        assertThat(TransformerConfig.fromJson(c.toJsonString())).isEqualTo(c);
    }

    @Test
    void llamaConfigRoundTripsThroughHfKeys() {
        TransformerConfig c = TransformerConfig.llama(32000, 256, 4, 8, 2, 688, 512).withRopeTheta(500000f);
        ObjectNode json = c.toJson();
        assertThat(json.get("model_type").asText()).isEqualTo("llama");
        assertThat(json.get("architectures").get(0).asText()).isEqualTo("LlamaForCausalLM");
        assertThat(json.get("hidden_size").asInt()).isEqualTo(256);
        assertThat(json.get("num_hidden_layers").asInt()).isEqualTo(4);
        assertThat(json.get("num_attention_heads").asInt()).isEqualTo(8);
        assertThat(json.get("num_key_value_heads").asInt()).isEqualTo(2);
        assertThat(json.get("intermediate_size").asInt()).isEqualTo(688);
        assertThat(json.get("max_position_embeddings").asInt()).isEqualTo(512);
        assertThat(json.get("rope_theta").asDouble()).isEqualTo(500000.0);
        assertThat(json.get("tie_word_embeddings").asBoolean()).isFalse();
        assertThat(TransformerConfig.fromJson(c.toJsonString())).isEqualTo(c);
    }

    @Test
    void readsAnHfGpt2ConfigWithItsDefaults() {
        String hf = """
                {"activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"], "model_type": "gpt2",
                 "n_ctx": 1024, "n_embd": 768, "n_head": 12, "n_layer": 12, "n_positions": 1024,
                 "vocab_size": 50257, "resid_pdrop": 0.1}""";
        TransformerConfig c = TransformerConfig.fromJson(hf);
        assertThat(c.family()).isEqualTo(Family.GPT2);
        assertThat(c.ffnHidden()).isEqualTo(3072);
        assertThat(c.normEps()).isEqualTo(1e-5f);
        assertThat(c.tiedEmbeddings()).isTrue();
        assertThat(c.headDim()).isEqualTo(64);
    }

    @Test
    void readsAnHfLlamaConfigWithoutKvHeadsAsMultiHead() {
        String hf = """
                {"model_type": "llama", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
                 "intermediate_size": 128, "vocab_size": 100, "rms_norm_eps": 1e-6}""";
        TransformerConfig c = TransformerConfig.fromJson(hf);
        assertThat(c.nKvHeads()).isEqualTo(4);
        assertThat(c.normEps()).isEqualTo(1e-6f);
        assertThat(c.ropeTheta()).isEqualTo(10000f);
        assertThat(c.tiedEmbeddings()).isFalse();
    }

    @Test
    void rejectsInconsistentShapesWithTheNumbers() {
        assertThatThrownBy(() -> TransformerConfig.llama(100, 64, 2, 6, 2, 128, 64))
                .hasMessageContaining("dModel 64").hasMessageContaining("nHeads 6");
        assertThatThrownBy(() -> TransformerConfig.llama(100, 64, 2, 4, 3, 128, 64))
                .hasMessageContaining("nKvHeads 3");
        assertThatThrownBy(() -> TransformerConfig.fromJson(
                "{\"model_type\": \"mamba\", \"architectures\": [\"MambaForCausalLM\"]}"))
                .hasMessageContaining("mamba").hasMessageContaining("MambaForCausalLM");
        assertThatThrownBy(() -> TransformerConfig.fromJson("{\"model_type\": \"llama\", \"vocab_size\": 10}"))
                .hasMessageContaining("hidden_size");
    }

    @Test
    void readsQwen2AndRopeScalingAndNamesWhatItCannotRead() {
        TransformerConfig q = TransformerConfig.fromJson("""
                {"model_type": "qwen2", "architectures": ["Qwen2ForCausalLM"], "hidden_size": 32,
                 "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
                 "intermediate_size": 64, "vocab_size": 64, "rope_theta": 1000000.0, "tie_word_embeddings": true,
                 "use_sliding_window": false, "sliding_window": 4096, "max_window_layers": 2}""");
        assertThat(q.qkvBias()).isTrue();
        assertThat(q.modelType()).isEqualTo("qwen2");
        assertThat(TransformerConfig.fromJson(q.toJson())).isEqualTo(q);

        TransformerConfig l3 = TransformerConfig.fromJson("""
                {"model_type": "llama", "hidden_size": 32, "num_hidden_layers": 1, "num_attention_heads": 4,
                 "intermediate_size": 64, "vocab_size": 64, "rope_scaling": {"rope_type": "llama3", "factor": 8.0,
                 "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 64}}""");
        assertThat(l3.ropeScaling()).isEqualTo(new RopeScaling("llama3", 8f, 1f, 4f, 64));
        assertThat(TransformerConfig.fromJson(l3.toJson())).isEqualTo(l3);
        // θ 10000, hd 8: wavelengths 6.3 (kept), 63 (blended), 628 and 6283 (divided by 8)
        float[] f = l3.ropeScaling().inverseFrequencies(10000f, 8);
        assertThat(f[0]).isEqualTo(1f);
        assertThat(f[2]).isCloseTo(0.01f / 8, org.assertj.core.data.Offset.offset(1e-9f));
        assertThat(f[1]).isBetween(0.1f / 8, 0.1f);
        assertThat(RopeScaling.linear(2f).inverseFrequencies(10000f, 8)[1]).isCloseTo(0.05f, org.assertj.core.data.Offset.offset(1e-8f));

        String base = "{\"model_type\": \"llama\", \"hidden_size\": 32, \"num_hidden_layers\": 1, "
                + "\"num_attention_heads\": 4, \"intermediate_size\": 64, \"vocab_size\": 64, ";
        assertThatThrownBy(() -> TransformerConfig.fromJson(base + "\"rope_scaling\": {\"type\": \"yarn\", \"factor\": 4}}"))
                .hasMessageContaining("yarn");
        assertThatThrownBy(() -> TransformerConfig.fromJson(base + "\"attention_bias\": true}"))
                .hasMessageContaining("attention_bias");
        assertThatThrownBy(() -> TransformerConfig.fromJson(base + "\"hidden_act\": \"gelu\"}"))
                .hasMessageContaining("gelu");
        assertThatThrownBy(() -> TransformerConfig.fromJson(base.replace("llama", "mistral")
                + "\"sliding_window\": 16, \"max_position_embeddings\": 64}")).hasMessageContaining("sliding");
    }
}
