package rlhf4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import rlhf4j.model.Transformer;
import rlhf4j.model.generate.Generator;
import rlhf4j.model.generate.SamplingParams;
import rlhf4j.model.io.ModelIO;
import rlhf4j.tokenizer.Tokenizer;
import rlhf4j.tokenizer.Tokenizers;

/** {@code rlhf4j sample}: continuations of a prompt from a trained run. */
@Command(name = "sample", mixinStandardHelpOptions = true, description = "Print continuations of a prompt from a model run folder.")
final class SampleCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "run folder (config.json, model.safetensors, tokenizer.json)")
    Path model;
    @Option(names = "--prompt", required = true)
    String prompt;
    @Option(names = "--max-tokens", defaultValue = "100")
    int maxTokens;
    @Option(names = "--temperature", defaultValue = "0.8", description = "0 for greedy (default: ${DEFAULT-VALUE})")
    float temperature;
    @Option(names = "--top-k", defaultValue = "0", description = "0: off")
    int topK;
    @Option(names = "--top-p", defaultValue = "1.0", description = "1: off")
    float topP;
    @Option(names = "--seed", defaultValue = "0")
    long seed;
    @Option(names = "--num", defaultValue = "1", description = "how many samples")
    int num;

    @Override
    public Integer call() throws IOException {
        Transformer m = ModelIO.load(model);
        Tokenizer tok = Tokenizers.load(model.toString());
        int[] ids = tok.encode(prompt);
        if (ids.length == 0) throw new IllegalArgumentException("the prompt is empty");
        int max = Math.min(maxTokens, m.config().maxSeqLen() - ids.length);
        Generator gen = new Generator(m);
        for (int i = 0; i < num; i++) {
            SamplingParams p = temperature <= 0 ? SamplingParams.greedy()
                    : SamplingParams.temperature(temperature, seed + i).withTopK(topK).withTopP(topP);
            int[] out = gen.generate(ids, max, p, tok.specialTokens().getOrDefault("<|endoftext|>", -1));
            System.out.println(prompt + tok.decode(out));
            if (num > 1) System.out.println("---");
        }
        return 0;
    }
}
