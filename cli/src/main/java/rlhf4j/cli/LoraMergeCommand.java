package rlhf4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import rlhf4j.model.ScalarHead;
import rlhf4j.model.Transformer;
import rlhf4j.model.io.LoraIO;
import rlhf4j.model.io.ModelIO;
import rlhf4j.model.io.Safetensors;
import rlhf4j.tokenizer.Tokenizers;

/** {@code rlhf4j lora merge}: base + (alpha/r)·B·A written as a plain model folder, with the tokenizer. */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Merge a LoRA run's adapters into its base and write a plain model folder (+ tokenizer) that loads like any run.")
final class LoraMergeCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "a LoRA run folder (adapter_config.json, adapter_model.safetensors)")
    Path model;
    @Option(names = "--out", required = true, description = "folder to write the merged model to")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (!LoraIO.isAdapterFolder(model)) throw new IllegalArgumentException(model + " has no " + LoraIO.ADAPTER_CONFIG
                + ": it is not a LoRA run folder (a plain model folder needs no merging)");
        Transformer adapted = LoraIO.loadWithAdapters(model);
        Transformer merged = adapted.merged();
        ScalarHead head = null;
        try (Safetensors.Reader r = Safetensors.open(model.resolve(LoraIO.ADAPTER_WEIGHTS))) {
            if (r.contains(LoraIO.PREFIX + ScalarHead.NAME)) head = ModelIO.loadScalarHead(model, merged.config().dModel());
        }
        Files.createDirectories(out);
        Tokenizers.save(Tokenizers.load(model.toString()), out);
        ModelIO.save(merged, head, out);
        System.err.printf("lora merge: %s (%d adapters, r=%d, alpha=%s) + base %s → %s (%,d parameters%s)%n", model,
                adapted.adapters().size(), adapted.lora().r(), adapted.lora().alpha(), adapted.baseDir(), out,
                merged.parameterCount(), head != null ? ", with the scalar head" : "");
        return 0;
    }
}
