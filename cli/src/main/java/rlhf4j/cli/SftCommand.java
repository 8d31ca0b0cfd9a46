package rlhf4j.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import rlhf4j.model.Transformer;
import rlhf4j.model.io.AtomicFiles;
import rlhf4j.model.io.ModelIO;
import rlhf4j.tensor.Parallel;
import rlhf4j.tokenizer.Tokenizer;
import rlhf4j.tokenizer.Tokenizers;
import rlhf4j.data.config.ConfigTree;
import rlhf4j.train.loop.Trainer;
import rlhf4j.train.sft.SftConfig;
import rlhf4j.train.sft.SftReport;
import rlhf4j.train.sft.SftStage;

/** {@code rlhf4j sft}: stage 2, supervised fine-tuning of a pretrained run on conversations. */
@Command(name = "sft", mixinStandardHelpOptions = true,
        description = "Fine-tune a pretrained run on conversations (SFT JSONL), training only on the assistant's turns.")
final class SftCommand implements Callable<Integer> {
    @Mixin
    RunOptions run;
    private static final String BASE_EVAL = "base_eval.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--lora", paramLabel = "R,ALPHA[,TARGET...]", description = LoraOption.DESCRIPTION)
    String lora;

    @Override
    public Integer call() throws IOException {
        Path out = run.out("sft");
        SftConfig cfg = run.resolve(SftConfig.defaults(), SftConfig.class);
        cfg = cfg.withLora(LoraOption.resolve(cfg.lora(), lora));
        if (run.printConfig) {
            System.out.println(ConfigTree.toJson(cfg));
            return 0;
        }
        if (cfg.model().initFrom().isEmpty() || cfg.data().train().isEmpty()) {
            throw new IllegalArgumentException("set model.init_from (a pretrained run folder) and data.train (SFT JSONL), e.g. "
                    + "--set model.init_from=runs/pretrain --set data.train=world/sft.jsonl");
        }
        Path init = Path.of(cfg.model().initFrom());
        Files.createDirectories(out);
        AtomicFiles.writeString(out.resolve("sft_config.json"), ConfigTree.toJson(cfg));
        Tokenizer tokenizer = Tokenizers.load(init.toString());
        Tokenizers.save(tokenizer, out);
        if (cfg.train().threads() > 0) Parallel.setThreads(cfg.train().threads());
        Transformer model = LoraOption.apply(ModelIO.load(init), cfg.lora(), cfg.train().seed(), init, "sft");
        SftStage stage = new SftStage(model, tokenizer, cfg);
        System.err.printf("sft: from %s, %,d parameters; %d conversations to train on, %d held out%s; run folder %s%n",
                init, model.parameterCount(), stage.trainExamples(), stage.valExamples(),
                stage.truncatedExamples() > 0 ? " (" + stage.truncatedExamples() + " cut to " + stage.seqLen() + " tokens)" : "", out);

        // the model as it came from pretraining, evaluated once, so the report can compare
        Path baseFile = out.resolve(BASE_EVAL);
        Map<String, Double> base;
        if (Files.exists(baseFile)) {
            base = JSON.readValue(baseFile.toFile(), new TypeReference<>() {});
        } else {
            long t0 = System.nanoTime();
            base = stage.evaluateDetailed();
            AtomicFiles.writeString(baseFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(base));
            System.err.printf("sft: base model (%.0f s): %s%n", (System.nanoTime() - t0) / 1e9, brief(base));
        }

        Trainer.Outcome outcome = new Trainer(stage, cfg.train(), out).run(run.resume);
        if (outcome.interrupted()) return 130;
        Map<String, Double> after = stage.lastDetailed(outcome.finalEval());
        SftReport.write(out, model, cfg, stage, outcome, base, after, stage.lastChatEval());
        System.err.println("sft: done in " + Math.round(outcome.seconds()) + " s; report in " + out.resolve("report.md"));
        return 0;
    }

    private static String brief(Map<String, Double> m) {
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> {
            if (!k.contains(".")) sb.append(sb.isEmpty() ? "" : ", ").append(k).append(' ').append(String.format("%.4f", v));
        });
        return sb.toString();
    }
}
