package rlhf4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import rlhf4j.data.config.ConfigTree;
import rlhf4j.data.preference.Comparison;
import rlhf4j.data.preference.PreferenceFiles;
import rlhf4j.data.preference.PromptFiles;
import rlhf4j.model.ScalarHead;
import rlhf4j.model.Transformer;
import rlhf4j.model.io.AtomicFiles;
import rlhf4j.model.io.ModelIO;
import rlhf4j.tensor.Parallel;
import rlhf4j.tensor.Rng;
import rlhf4j.tokenizer.Tokenizer;
import rlhf4j.tokenizer.Tokenizers;
import rlhf4j.train.loop.Trainer;
import rlhf4j.train.reward.AnswerSampler;
import rlhf4j.train.reward.RewardConfig;
import rlhf4j.train.reward.RewardEval;
import rlhf4j.train.reward.RewardModel;
import rlhf4j.train.reward.RewardNorm;
import rlhf4j.train.reward.RewardReport;
import rlhf4j.train.reward.RewardStage;

/** {@code rlhf4j reward}: stage 3, a reward model trained on ranked comparisons. */
@Command(name = "reward", mixinStandardHelpOptions = true,
        description = "Train a reward model (SFT model + scalar head) on comparisons with InstructGPT's pairwise loss.",
        subcommands = {RewardScoreCommand.class, RewardBestOfNCommand.class})
final class RewardCommand implements Callable<Integer> {
    @Mixin
    RunOptions run;
    @Option(names = "--lora", paramLabel = "R,ALPHA[,TARGET...]", description = LoraOption.DESCRIPTION)
    String lora;

    @Override
    public Integer call() throws IOException {
        Path out = run.out("reward");
        RewardConfig cfg = run.resolve(RewardConfig.defaults(), RewardConfig.class);
        cfg = cfg.withLora(LoraOption.resolve(cfg.lora(), lora));
        if (run.printConfig) {
            System.out.println(ConfigTree.toJson(cfg));
            return 0;
        }
        if (cfg.model().initFrom().isEmpty() || cfg.data().train().isEmpty()) throw new IllegalArgumentException(
                "set model.init_from (the SFT run) and data.train (comparisons from `rlhf4j label`)");
        if (!cfg.data().ties().equals("skip") && !cfg.data().ties().equals("half")) throw new IllegalArgumentException(
                "data.ties must be skip or half, got " + cfg.data().ties());
        if (cfg.train().threads() > 0) Parallel.setThreads(cfg.train().threads());
        Path init = Path.of(cfg.model().initFrom());
        Files.createDirectories(out);
        AtomicFiles.writeString(out.resolve("reward_config.json"), ConfigTree.toJson(cfg));
        Tokenizer tok = Tokenizers.load(init.toString());
        Tokenizers.save(tok, out);
        Transformer model = LoraOption.apply(ModelIO.load(init), cfg.lora(), cfg.train().seed(), init, "reward");
        ScalarHead head = new ScalarHead(model.config().dModel(), new Rng(cfg.train().seed()), cfg.model().headStd());
        RewardModel rm = new RewardModel(model, head, tok, cfg.model().maxLen());

        List<Comparison> all = PreferenceFiles.read(Path.of(cfg.data().train()));
        List<Comparison> train = new ArrayList<>(), val = new ArrayList<>();
        if (!cfg.data().val().isEmpty()) {
            train.addAll(all);
            val.addAll(PreferenceFiles.read(Path.of(cfg.data().val())));
        } else {
            // held out by prompt, so a prompt's answers never sit on both sides
            for (Comparison c : all) (heldOut(c.prompt(), cfg.data().valFraction()) ? val : train).add(c);
        }
        RewardStage stage = new RewardStage(rm, train, val, cfg.data().promptsPerBatch(), cfg.data().trainOnTies(), cfg.train().seed());
        int dropped = stage.droppedAllTied(train.size());
        System.err.printf("reward: from %s, %,d parameters; %d training comparisons (%d all tied, left out), %d held out; run folder %s%n",
                init, model.parameterCount(), train.size() - dropped, dropped, val.size(), out);
        Trainer.Outcome outcome = new Trainer(stage, cfg.train(), out).run(run.resume);
        if (outcome.interrupted()) return 130;
        RewardEval.Result v = val.isEmpty() ? null : RewardEval.run(rm, val, cfg.data().trainOnTies(), cfg.data().promptsPerBatch());

        RewardNorm norm = null;
        if (!cfg.norm().prompts().isEmpty()) {
            Path policyDir = cfg.norm().policy().isEmpty() ? init : Path.of(cfg.norm().policy());
            List<String> prompts = PromptFiles.read(Path.of(cfg.norm().prompts()));
            if (cfg.norm().maxPrompts() > 0 && prompts.size() > cfg.norm().maxPrompts()) prompts = prompts.subList(0, cfg.norm().maxPrompts());
            AnswerSampler policy = new AnswerSampler(ModelIO.load(policyDir), tok, cfg.norm().maxNew(), 64);
            norm = RewardNorm.measure(rm, policy, prompts, cfg.norm().temperature(), cfg.norm().seed(), policyDir.toString(), cfg.norm().prompts());
            norm.write(out);
            System.err.printf("reward: policy answers score %.4f ± %.4f; reward_norm.json written%n", norm.offset(), norm.scale());
        }
        RewardReport.write(out, cfg, outcome, v, val, norm, train.size() - dropped, dropped);
        System.err.println("reward: done in " + Math.round(outcome.seconds()) + " s; report in " + out.resolve("report.md"));
        return 0;
    }

    static boolean heldOut(String prompt, double fraction) {
        long h = prompt.hashCode() * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        return Math.floorMod(h, 10_000) < fraction * 10_000;
    }
}
