package rlhf4j.cli;

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
import rlhf4j.tensor.Rng;
import rlhf4j.tokenizer.Tokenizer;
import rlhf4j.tokenizer.Tokenizers;
import rlhf4j.data.config.ConfigTree;
import rlhf4j.train.loop.Trainer;
import rlhf4j.train.pretrain.PretrainConfig;
import rlhf4j.train.pretrain.PretrainReport;
import rlhf4j.train.pretrain.PretrainStage;

/** {@code rlhf4j pretrain}: stage 1, next-token prediction on prepared token shards. */
@Command(name = "pretrain", mixinStandardHelpOptions = true,
        description = "Train a language model from scratch on token shards (from `rlhf4j data prepare`).")
final class PretrainCommand implements Callable<Integer> {
    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws IOException {
        Path out = run.out("pretrain");
        PretrainConfig cfg = run.resolve(PretrainConfig.defaults(), PretrainConfig.class);
        if (run.printConfig) {
            System.out.println(ConfigTree.toJson(cfg));
            return 0;
        }
        if (cfg.data().dir().isEmpty() || cfg.data().tokenizer().isEmpty()) {
            throw new IllegalArgumentException("set data.dir (token shards) and data.tokenizer, e.g. "
                    + "--set data.dir=data/pretrain --set data.tokenizer=runs/tokenizer");
        }
        Files.createDirectories(out);
        AtomicFiles.writeString(out.resolve("pretrain_config.json"), ConfigTree.toJson(cfg));
        Tokenizer tokenizer = Tokenizers.load(cfg.data().tokenizer());
        Tokenizers.save(tokenizer, out);
        if (cfg.train().threads() > 0) Parallel.setThreads(cfg.train().threads());
        Transformer model = buildModel(cfg, tokenizer.vocabSize());
        System.err.printf("pretrain: %s, %,d parameters, vocabulary %d, run folder %s%n",
                model.config().family().toString().toLowerCase(), model.parameterCount(), tokenizer.vocabSize(), out);
        try (PretrainStage stage = new PretrainStage(model, tokenizer, cfg)) {
            Trainer trainer = new Trainer(stage, cfg.train(), out);
            Trainer.Outcome outcome = trainer.run(run.resume);
            if (outcome.interrupted()) return 130;
            PretrainReport.write(out, model, cfg, outcome, stage.samples(outcome.steps()));
            System.err.println("pretrain: done in " + Math.round(outcome.seconds()) + " s; report in " + out.resolve("report.md"));
        }
        return 0;
    }

    static Transformer buildModel(PretrainConfig cfg, int vocab) {
        PretrainConfig.Model m = cfg.model();
        if (!m.initFrom().isEmpty()) return ModelIO.load(Path.of(m.initFrom()));
        ModelShapeOptions shape = new ModelShapeOptions();
        shape.family = m.family();
        shape.vocab = vocab;
        shape.dModel = m.dModel();
        shape.layers = m.layers();
        shape.heads = m.heads();
        shape.kvHeads = m.kvHeads() > 0 ? m.kvHeads() : null;
        shape.ffnHidden = m.ffnHidden();
        return new Transformer(shape.config(m.seqLen()), new Rng(cfg.train().seed()));
    }
}
