package rlhf4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import rlhf4j.data.config.ConfigTree;
import rlhf4j.data.preference.Comparison;
import rlhf4j.data.preference.PreferenceFiles;
import rlhf4j.model.Transformer;
import rlhf4j.model.io.AtomicFiles;
import rlhf4j.model.io.ModelIO;
import rlhf4j.tensor.Parallel;
import rlhf4j.tokenizer.Tokenizer;
import rlhf4j.tokenizer.Tokenizers;
import rlhf4j.train.dpo.DpoConfig;
import rlhf4j.train.dpo.DpoStage;
import rlhf4j.train.eval.ChatEval;
import rlhf4j.train.loop.Trainer;
import rlhf4j.train.rl.RlEval;

/** {@code rlhf4j dpo}: Direct Preference Optimization of an SFT model on comparisons. */
@Command(name = "dpo", mixinStandardHelpOptions = true,
        description = "Train a chat model with DPO (Rafailov et al. 2023) on pairwise or K-wise comparisons; the SFT model is the reference.")
final class DpoCommand implements Callable<Integer> {
    @Mixin
    RunOptions run;
    @Option(names = "--lora", paramLabel = "R,ALPHA[,TARGET...]", description = LoraOption.DESCRIPTION)
    String lora;

    @Override
    public Integer call() throws IOException {
        Path out = run.out("dpo");
        DpoConfig cfg = run.resolve(DpoConfig.defaults(), DpoConfig.class);
        cfg = cfg.withLora(LoraOption.resolve(cfg.lora(), lora));
        if (run.printConfig) {
            System.out.println(ConfigTree.toJson(cfg));
            return 0;
        }
        if (cfg.model().initFrom().isEmpty() || cfg.data().train().isEmpty()) throw new IllegalArgumentException(
                "set model.init_from (the SFT run) and data.train (comparisons from `rlhf4j label`)");
        if (!(cfg.dpo().beta() > 0)) throw new IllegalArgumentException("dpo.beta must be positive, got " + cfg.dpo().beta());
        if (!(cfg.dpo().sftCoef() >= 0)) throw new IllegalArgumentException("dpo.sft_coef must be 0 or more, got " + cfg.dpo().sftCoef());
        if (cfg.train().threads() > 0) Parallel.setThreads(cfg.train().threads());
        Path init = Path.of(cfg.model().initFrom());
        Files.createDirectories(out);
        AtomicFiles.writeString(out.resolve("dpo_config.json"), ConfigTree.toJson(cfg));
        Tokenizer tok = Tokenizers.load(init.toString());
        Tokenizers.save(tok, out);
        Transformer reference = ModelIO.load(init);
        Transformer policy = LoraOption.apply(reference, cfg.lora(), cfg.train().seed(), init, "dpo");
        int maxLen = cfg.model().maxLen() > 0 ? Math.min(cfg.model().maxLen(), policy.config().maxSeqLen()) : policy.config().maxSeqLen();

        List<Comparison> all = PreferenceFiles.read(Path.of(cfg.data().train()));
        List<Comparison> train = new ArrayList<>(), val = new ArrayList<>();
        if (!cfg.data().val().isEmpty()) {
            train.addAll(all);
            val.addAll(PreferenceFiles.read(Path.of(cfg.data().val())));
        } else {
            for (Comparison c : all) (RewardCommand.heldOut(c.prompt(), cfg.data().valFraction()) ? val : train).add(c);
        }
        ChatEval chat = RlEval.of(tok, cfg.eval());
        long t0 = System.nanoTime();
        // the policy still computes what the SFT model does here: the reference's log-probs are read once
        DpoStage stage = new DpoStage(policy, reference, DpoStage.pairs(train, tok, maxLen), DpoStage.pairs(val, tok, maxLen),
                (float) cfg.dpo().beta(), (float) cfg.dpo().sftCoef(), cfg.data().pairsPerBatch(), cfg.train().seed(), chat);
        System.err.printf("dpo: from %s, %,d parameters; %d training pairs from %d comparisons, %d held-out pairs; "
                        + "reference log-probs cached in %.1f s; run folder %s%n", init, policy.parameterCount(), stage.trainPairs(),
                train.size(), stage.valPairs(), (System.nanoTime() - t0) / 1e9, out);
        Map<String, Double> base = RlEval.base(out, stage::evaluate);
        System.err.println("dpo: start " + base);
        Trainer.Outcome outcome = new Trainer(stage, cfg.train(), out).run(run.resume);
        if (outcome.interrupted()) return 130;
        RlEval.report(out, "DPO report", List.of(
                "from: " + init + " (also the reference)",
                "data: " + cfg.data().train() + " — " + stage.trainPairs() + " pairs, " + stage.valPairs() + " held out",
                "β " + cfg.dpo().beta() + ", " + cfg.train().steps() + " steps × " + cfg.data().pairsPerBatch() + " pairs, lr " + cfg.train().lr(),
                "time: " + Math.round(outcome.seconds()) + " s"), base, outcome.finalEval(), stage.lastChatEval());
        System.err.println("dpo: done in " + Math.round(outcome.seconds()) + " s; report in " + out.resolve("report.md"));
        return 0;
    }
}
