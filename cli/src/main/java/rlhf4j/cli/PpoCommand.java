package rlhf4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import rlhf4j.data.config.ConfigTree;
import rlhf4j.data.preference.PromptFiles;
import rlhf4j.data.sft.PromptDataset;
import rlhf4j.data.world.GoldJudge;
import rlhf4j.model.ScalarHead;
import rlhf4j.model.Transformer;
import rlhf4j.model.io.AtomicFiles;
import rlhf4j.model.io.ModelIO;
import rlhf4j.tokenizer.Tokenizer;
import rlhf4j.tokenizer.Tokenizers;
import rlhf4j.train.eval.ChatEval;
import rlhf4j.train.ppo.PpoConfig;
import rlhf4j.train.ppo.PpoReport;
import rlhf4j.train.ppo.PpoTrainer;
import rlhf4j.train.ppo.Rollout;
import rlhf4j.train.reward.RewardModel;
import rlhf4j.train.reward.RewardNorm;

/** {@code rlhf4j ppo}: stage 4, PPO against a reward model with a KL penalty toward the SFT policy. */
@Command(name = "ppo", mixinStandardHelpOptions = true,
        description = "Optimize an SFT policy against a reward model with PPO (policy, frozen reference, frozen reward model, value model).")
final class PpoCommand implements Callable<Integer> {
    @Mixin
    RunOptions run;
    @Option(names = "--lora", paramLabel = "R,ALPHA[,TARGET...]", description = LoraOption.DESCRIPTION)
    String lora;

    @Override
    public Integer call() throws Exception {
        Path out = run.out("ppo");
        PpoConfig cfg = run.resolve(PpoConfig.defaults(), PpoConfig.class);
        cfg = cfg.withLora(LoraOption.resolve(cfg.lora(), lora));
        if (run.printConfig) {
            System.out.println(ConfigTree.toJson(cfg));
            return 0;
        }
        if (cfg.model().policy().isEmpty() || cfg.model().reward().isEmpty() || cfg.data().prompts().isEmpty()) {
            throw new IllegalArgumentException("set model.policy (SFT run), model.reward (reward run) and data.prompts (RL prompts JSONL), e.g. "
                    + "--set model.policy=runs/sft --set model.reward=runs/reward --set data.prompts=world/rl_prompts.jsonl");
        }
        Path policyDir = Path.of(cfg.model().policy()), rmDir = Path.of(cfg.model().reward());
        Files.createDirectories(out);
        AtomicFiles.writeString(out.resolve("ppo_config.json"), ConfigTree.toJson(cfg));
        Tokenizer tokenizer = Tokenizers.load(policyDir.toString());
        Tokenizers.save(tokenizer, out);

        Transformer policy = LoraOption.apply(ModelIO.load(policyDir), cfg.lora(), cfg.train().seed(), policyDir, "ppo");
        RewardModel rm = RewardModel.load(rmDir);
        if (rm.model().config().vocabSize() != policy.config().vocabSize()) throw new IllegalArgumentException(
                "the reward model's vocabulary (" + rm.model().config().vocabSize() + ") differs from the policy's ("
                        + policy.config().vocabSize() + "); the value model starts from the reward model and must read the policy's tokens");
        // the value model: a second, trained copy of the reward model — with LoRA, adapters over the frozen
        // reward model's own weights (no second copy)
        Transformer value = cfg.lora().enabled()
                ? LoraOption.apply(rm.model(), cfg.lora(), cfg.train().seed() + 1, rmDir, "ppo value")
                : ModelIO.load(rmDir);
        ScalarHead valueHead = ModelIO.loadScalarHead(rmDir, value.config().dModel());
        RewardNorm norm = null;
        if (cfg.reward().normalize()) {
            if (!Files.exists(rmDir.resolve(RewardNorm.FILE))) throw new IllegalArgumentException(rmDir.resolve(RewardNorm.FILE)
                    + " is missing: train the reward model with norm.prompts set, or --set reward.normalize=false");
            norm = RewardNorm.read(rmDir);
        }
        Rollout.Scorer scorer = scorer(rm, norm, cfg.reward());

        List<String> prompts = PromptFiles.read(Path.of(cfg.data().prompts()));
        GoldJudge judge = null;
        ChatEval eval = null;
        if (!cfg.data().world().isEmpty()) {
            Path world = Path.of(cfg.data().world());
            judge = GoldJudge.load(world);
            List<PromptDataset.Prompt> qs = PromptDataset.read(world.resolve("eval.jsonl"));
            PpoConfig.Eval e = cfg.eval();
            if (e.questions() > 0 && e.questions() < qs.size()) qs = qs.subList(0, e.questions());
            eval = new ChatEval(tokenizer, judge, qs, new ChatEval.Settings(e.maxNew(), e.temperature(), 0, e.batch(), e.seed()));
        }
        System.err.printf("ppo: policy %s (%,d parameters), reward model %s%s, %d RL prompts, run folder %s%n",
                policyDir, policy.parameterCount(), rmDir, norm == null ? " (raw scores)"
                        : String.format(" (normalized: offset %.3f, scale %.3f)", norm.offset(), norm.scale()), prompts.size(), out);
        PpoTrainer trainer = new PpoTrainer(cfg, policy, value, valueHead, tokenizer, prompts, scorer, judge, eval);
        PpoTrainer.Outcome outcome = trainer.run(out, run.resume);
        long rss = Rss.peakMb();
        System.err.printf("ppo: peak RSS %d MiB%n", rss);
        if (outcome.interrupted()) return 130;
        PpoReport.write(out, cfg, outcome, rss);
        System.err.println("ppo: done in " + Math.round(outcome.seconds()) + " s; report in " + out.resolve("report.md"));
        return 0;
    }

    /** The frozen reward model's score, normalized, clipped, with the penalty for answers that never closed their turn. */
    static Rollout.Scorer scorer(RewardModel rm, RewardNorm norm, PpoConfig.Reward r) {
        return (prompts, answers, ids, finished) -> {
            float[] raw = rm.score(prompts, answers, 32);
            float[] out = new float[raw.length];
            for (int i = 0; i < raw.length; i++) {
                double s = norm == null ? raw[i] : norm.apply(raw[i]);
                if (r.clip() > 0) s = Math.max(-r.clip(), Math.min(r.clip(), s));
                if (!finished[i]) s -= r.unfinishedPenalty();
                out[i] = (float) s;
            }
            return out;
        };
    }
}
