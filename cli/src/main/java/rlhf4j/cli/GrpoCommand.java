package rlhf4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import rlhf4j.data.config.ConfigTree;
import rlhf4j.data.preference.PromptFiles;
import rlhf4j.data.world.GoldJudge;
import rlhf4j.model.Transformer;
import rlhf4j.model.io.AtomicFiles;
import rlhf4j.model.io.ModelIO;
import rlhf4j.tensor.Parallel;
import rlhf4j.tokenizer.Tokenizer;
import rlhf4j.tokenizer.Tokenizers;
import rlhf4j.train.eval.ChatEval;
import rlhf4j.train.grpo.GrpoConfig;
import rlhf4j.train.grpo.GrpoStage;
import rlhf4j.train.loop.Trainer;
import rlhf4j.train.reward.RewardModel;
import rlhf4j.train.reward.RewardNorm;
import rlhf4j.train.rl.RlEval;
import rlhf4j.train.sft.SftConfig;

/** {@code rlhf4j grpo}: group-relative policy optimization with the gold judge or a reward model as the reward. */
@Command(name = "grpo", mixinStandardHelpOptions = true,
        description = "Train a chat model with GRPO (DeepSeekMath): G sampled answers per prompt, group-relative advantages, "
                + "clipped ratio objective, k3 KL to the SFT model; reward.kind gold (verifiable) or rm.")
final class GrpoCommand implements Callable<Integer> {
    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws IOException {
        Path out = run.out("grpo");
        GrpoConfig cfg = run.resolve(GrpoConfig.defaults(), GrpoConfig.class);
        if (run.printConfig) {
            System.out.println(ConfigTree.toJson(cfg));
            return 0;
        }
        if (cfg.model().initFrom().isEmpty() || cfg.data().prompts().isEmpty()) throw new IllegalArgumentException(
                "set model.init_from (the SFT run) and data.prompts (RL prompts JSONL)");
        String kind = cfg.reward().kind();
        if (!kind.equals("gold") && !kind.equals("rm")) throw new IllegalArgumentException("reward.kind must be gold or rm, got " + kind);
        if (kind.equals("gold") && cfg.reward().world().isEmpty()) throw new IllegalArgumentException("reward.kind gold needs reward.world");
        if (kind.equals("rm") && cfg.reward().model().isEmpty()) throw new IllegalArgumentException("reward.kind rm needs reward.model");
        if (cfg.grpo().updatesPerBatch() < 1) throw new IllegalArgumentException("grpo.updates_per_batch must be ≥ 1");
        if (cfg.train().threads() > 0) Parallel.setThreads(cfg.train().threads());
        Path init = Path.of(cfg.model().initFrom());
        Files.createDirectories(out);
        AtomicFiles.writeString(out.resolve("grpo_config.json"), ConfigTree.toJson(cfg));
        Tokenizer tok = Tokenizers.load(init.toString());
        Tokenizers.save(tok, out);
        Transformer policy = ModelIO.load(init);
        Transformer reference = cfg.grpo().klCoef() > 0 ? policy.copy() : null;

        GrpoStage.Rewarder gold = null;
        if (!cfg.reward().world().isEmpty()) {
            GoldJudge judge = GoldJudge.load(Path.of(cfg.reward().world()));
            gold = (ps, as) -> {
                float[] r = new float[ps.size()];
                for (int i = 0; i < r.length; i++) r[i] = (float) judge.score(ps.get(i), as.get(i)).total();
                return r;
            };
        }
        GrpoStage.Rewarder reward = gold;
        String rewardNote = "gold judge of " + cfg.reward().world();
        if (kind.equals("rm")) {
            Path rmDir = Path.of(cfg.reward().model());
            RewardModel rm = RewardModel.load(rmDir);
            RewardNorm norm = Files.exists(rmDir.resolve(RewardNorm.FILE)) ? RewardNorm.read(rmDir) : null;
            reward = (ps, as) -> {
                float[] r = rm.score(ps, as, 64);
                if (norm != null) for (int i = 0; i < r.length; i++) r[i] = (float) norm.apply(r[i]);
                return r;
            };
            rewardNote = "reward model " + rmDir + (norm != null ? " (normalised by reward_norm.json)" : "");
        }
        SftConfig.Eval e = cfg.eval();
        if (e.world().isEmpty() && !cfg.reward().world().isEmpty()) {
            e = new SftConfig.Eval(cfg.reward().world(), e.questions(), e.maxNewTokens(), e.temperature(), e.topK(), e.batch(), e.seed());
        }
        ChatEval chat = RlEval.of(tok, e);
        List<String> prompts = PromptFiles.read(Path.of(cfg.data().prompts()));
        GrpoConfig.Grpo g = cfg.grpo();
        GrpoStage stage = new GrpoStage(policy, reference, tok, prompts, reward, gold,
                new GrpoStage.Settings(cfg.data().promptsPerStep(), cfg.data().group(), cfg.sampling().maxNew(),
                        cfg.sampling().temperature(), cfg.sampling().topK(), (float) g.clip(), (float) g.klCoef(), g.scaleByStd(),
                        g.updatesPerBatch()), cfg.train().seed(), chat);
        System.err.printf("grpo: from %s, %,d parameters; %d prompts, %d × %d answers per rollout; reward: %s; run folder %s%n",
                init, policy.parameterCount(), prompts.size(), cfg.data().promptsPerStep(), cfg.data().group(), rewardNote, out);
        Map<String, Double> base = RlEval.base(out, stage::evaluate);
        System.err.println("grpo: start " + base);
        Trainer.Outcome outcome = new Trainer(stage, cfg.train(), out).run(run.resume);
        if (outcome.interrupted()) return 130;
        RlEval.report(out, "GRPO report", List.of(
                "from: " + init + " (a frozen copy is the KL reference)",
                "reward: " + rewardNote,
                "prompts: " + cfg.data().prompts() + ", " + cfg.data().promptsPerStep() + " × " + cfg.data().group() + " answers per rollout, "
                        + g.updatesPerBatch() + " update(s) each",
                "clip ε " + g.clip() + ", KL coef " + g.klCoef() + ", advantages " + (g.scaleByStd() ? "/ group std" : "centred only"),
                cfg.train().steps() + " steps, lr " + cfg.train().lr() + "; time " + Math.round(outcome.seconds()) + " s"),
                base, outcome.finalEval(), stage.lastChatEval());
        System.err.println("grpo: done in " + Math.round(outcome.seconds()) + " s; report in " + out.resolve("report.md"));
        return 0;
    }
}
