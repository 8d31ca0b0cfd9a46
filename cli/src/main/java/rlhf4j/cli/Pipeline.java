package rlhf4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import rlhf4j.data.config.ConfigTree;
import rlhf4j.data.world.WorldFiles;
import rlhf4j.data.world.WorldSize;
import rlhf4j.model.io.AtomicFiles;
import rlhf4j.tensor.Parallel;
import rlhf4j.train.eval.PipelineEval;
import rlhf4j.train.eval.PipelineReport;
import rlhf4j.train.loop.ProgressLine;

/**
 * Runs the stages in order, each in its own folder under the pipeline's output folder, by calling
 * the same commands a user would. A stage that finished leaves a marker and is skipped on the next
 * run; one that was interrupted is run again with {@code --resume}, so it continues from its last
 * checkpoint; {@code --from} deletes a stage's folder and every later one.
 */
final class Pipeline {
    /** Written into a stage's folder when it completes: the seconds it took. */
    static final String DONE = ".pipeline-done";

    /** One stage: its name (also its folder) and what it does. */
    private record Step(String name, String what, Callable<Integer> body) {
    }

    /** The run was stopped (a signal, or a stage's failure); the exit code says which. */
    static final class Stopped extends RuntimeException {
        final int code;

        Stopped(int code, String message) {
            super(message);
            this.code = code;
        }
    }

    private final PipelineConfig cfg;
    private final Path out;
    private final String preset;
    private final List<Step> steps = new ArrayList<>();
    private final Map<String, Double> seconds = new LinkedHashMap<>();
    private final long startNanos = System.nanoTime();
    private double expectedDone, actualDone;

    Pipeline(PipelineConfig cfg, String preset, Path out) {
        this.cfg = cfg;
        this.preset = preset;
        this.out = out;
        steps.add(new Step("world", "the built-in world: corpus, conversations, prompts, held-out questions", this::world));
        steps.add(new Step("tokenizer", "byte-level BPE trained on the corpus", this::tokenizer));
        steps.add(new Step("prepare", "corpus cleaned, deduplicated and tokenized into shards", this::prepare));
        steps.add(new Step("pretrain", "stage 1: next-token prediction", this::pretrain));
        steps.add(new Step("sft", "stage 2: supervised fine-tuning on conversations", this::sft));
        steps.add(new Step("label", "comparisons: SFT answers ranked by the gold judge (the labelers)", this::label));
        steps.add(new Step("reward", "stage 3: reward model on the comparisons", this::reward));
        steps.add(new Step("ppo", "stage 4: PPO against the reward model, KL to the SFT model", this::ppo));
        if (cfg.stages().dpo()) steps.add(new Step("dpo", "DPO on the same comparisons", this::dpo));
        if (cfg.stages().grpo()) steps.add(new Step("grpo", "GRPO from the same SFT model", this::grpo));
        steps.add(new Step("eval", "every model on the same held-out questions, scored by the gold judge", this::eval));
    }

    static List<String> stageNames(boolean dpo, boolean grpo) {
        List<String> names = new ArrayList<>(List.of("world", "tokenizer", "prepare", "pretrain", "sft", "label", "reward", "ppo"));
        if (dpo) names.add("dpo");
        if (grpo) names.add("grpo");
        names.add("eval");
        return names;
    }

    /** Runs every stage not yet done (from {@code from} on, when given, everything is redone), then the report. */
    void run(String from) throws IOException {
        Files.createDirectories(out);
        AtomicFiles.writeString(out.resolve("pipeline_config.json"), ConfigTree.toJson(cfg));
        if (from != null) forget(from);
        if (cfg.threads() > 0) Parallel.setThreads(cfg.threads());
        try {
            for (int i = 0; i < steps.size(); i++) runStep(i);
        } finally {
            ProgressLine.setContext(null);
        }
        Map<String, Double> secs = new LinkedHashMap<>();
        for (Step s : steps) secs.put(s.name(), readDone(out.resolve(s.name())));
        PipelineReport.write(out, secs, preset, ConfigTree.toJson(cfg));
        System.err.printf("pipeline: done in %s; report in %s%n", ProgressLine.clock(elapsed()), out.resolve("report.md"));
    }

    private void runStep(int i) throws IOException {
        Step step = steps.get(i);
        Path dir = out.resolve(step.name());
        double expected = expectedSeconds(step.name());
        if (Files.exists(dir.resolve(DONE))) {
            System.err.printf("[%d/%d] %s: done before (%s), skipped%n", i + 1, steps.size(), step.name(), ProgressLine.clock(readDone(dir)));
            return;
        }
        System.err.printf("[%d/%d] %s — %s%n", i + 1, steps.size(), step.name(), step.what());
        double remainingAfter = 0;
        for (int j = i + 1; j < steps.size(); j++) {
            if (!Files.exists(out.resolve(steps.get(j).name()).resolve(DONE))) remainingAfter += expectedSeconds(steps.get(j).name());
        }
        final double later = remainingAfter;
        String tag = String.format("[%d/%d %s] ", i + 1, steps.size(), step.name());
        ProgressLine.setContext(stageEta -> tag + "pipeline " + ProgressLine.clock(elapsed()) + ", ETA "
                + ProgressLine.clock((Double.isNaN(stageEta) ? expected : stageEta) + later * pace()) + " | ");
        long t0 = System.nanoTime();
        int code;
        try {
            code = step.body().call();
        } catch (RuntimeException | IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        if (code == 130) throw new Stopped(130, step.name() + " stopped; run the same command again to resume");
        if (code != 0) throw new Stopped(code, step.name() + " failed (exit code " + code + "); fix the cause and run again to resume");
        double secs = (System.nanoTime() - t0) / 1e9;
        if (expected >= 20) { // the quick stages say nothing about this machine's pace
            expectedDone += expected;
            actualDone += secs;
        }
        AtomicFiles.writeString(dir.resolve(DONE), String.format("%.3f%n", secs));
        System.err.printf("[%d/%d] %s: finished in %s (pipeline %s)%n", i + 1, steps.size(), step.name(),
                ProgressLine.clock(secs), ProgressLine.clock(elapsed()));
    }

    /** How this machine compares to the preset's reference timings, from the stages run so far. */
    private double pace() {
        return expectedDone > 0 && actualDone > 0 ? actualDone / expectedDone : 1;
    }

    private double elapsed() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private double expectedSeconds(String stage) {
        return switch (stage) {
            case "pretrain" -> cfg.pretrain().train().steps() * 0.25;
            case "sft" -> cfg.sft().train().steps() * 0.35;
            case "reward" -> cfg.reward().train().steps() * 0.3;
            case "ppo" -> cfg.ppo().train().iterations() * 2.0;
            case "dpo" -> cfg.dpo().train().steps() * 0.3;
            case "grpo" -> cfg.grpo().train().steps() * 1.5;
            case "label", "eval" -> 30;
            default -> 5;
        };
    }

    private static double readDone(Path dir) {
        try {
            return Double.parseDouble(Files.readString(dir.resolve(DONE)).trim());
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** Deletes the folder of {@code from} and of every stage after it, so they run again from scratch. */
    private void forget(String from) throws IOException {
        int at = -1;
        for (int i = 0; i < steps.size(); i++) if (steps.get(i).name().equals(from)) at = i;
        if (at < 0) {
            List<String> names = steps.stream().map(Step::name).toList();
            throw new IllegalArgumentException("--from " + from + ": no such stage; stages: " + String.join(", ", names));
        }
        for (int i = at; i < steps.size(); i++) deleteTree(out.resolve(steps.get(i).name()));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    // ---- the stages: each calls the command a user would, with the paths that chain them ----

    private Path worldDir() {
        return out.resolve("world");
    }

    private Integer world() throws IOException {
        PipelineConfig.World w = cfg.world();
        WorldSize size = WorldSize.parse(w.size());
        if (w.people() > 0) size = size.withPeople(w.people());
        if (w.repeats() > 0) size = size.withRepeats(w.repeats());
        if (w.chattyDemos() >= 0) size = size.withChattyDemos(w.chattyDemos());
        WorldFiles.Summary s = WorldFiles.generate(worldDir(), cfg.seed(), size);
        System.err.print(WorldFiles.readmeOf(s));
        return 0;
    }

    private Integer tokenizer() {
        return command(new TokenizerTrainCommand(), "--input", worldDir().resolve("corpus.jsonl").toString(),
                "--vocab-size", String.valueOf(cfg.tokenizer().vocabSize()), "--pattern", cfg.tokenizer().pattern(),
                "--out", out.resolve("tokenizer").toString());
    }

    private Integer prepare() throws IOException {
        return command(new DataPrepareCommand(), "--input", worldDir().resolve("corpus.jsonl").toString(),
                "--out", out.resolve("prepare").toString(), "--tokenizer", out.resolve("tokenizer").toString(),
                "--config", stageConfig("prepare", cfg.prepare()).toString());
    }

    private Integer pretrain() throws IOException {
        return trainCommand(new PretrainCommand(), "pretrain", cfg.pretrain(),
                "data.dir=" + out.resolve("prepare"), "data.tokenizer=" + out.resolve("tokenizer"));
    }

    private Integer sft() throws IOException {
        return trainCommand(new SftCommand(), "sft", cfg.sft(),
                "model.init_from=" + out.resolve("pretrain"), "data.train=" + worldDir().resolve("sft.jsonl"));
    }

    private Integer label() throws IOException {
        PipelineConfig.Label l = cfg.label();
        Path prompts = switch (l.prompts()) {
            case "sft" -> worldDir().resolve("sft.jsonl");
            case "rl" -> worldDir().resolve("rl_prompts.jsonl");
            case "both" -> {
                Path both = out.resolve("label").resolve("prompts.jsonl");
                Files.createDirectories(both.getParent());
                // the RL prompts first: the SFT model was not trained on them, so its answers differ more
                AtomicFiles.writeString(both, Files.readString(worldDir().resolve("rl_prompts.jsonl"))
                        + Files.readString(worldDir().resolve("sft.jsonl")));
                yield both;
            }
            default -> throw new IllegalArgumentException("label.prompts must be sft, rl or both, got " + l.prompts());
        };
        return command(new LabelCommand(), "--model", out.resolve("sft").toString(), "--prompts", prompts.toString(),
                "--world", worldDir().toString(), "--out", comparisons().toString(), "--k", String.valueOf(l.k()),
                "--noise", String.valueOf(l.noise()), "--max-new", String.valueOf(l.maxNew()),
                "--temperature", String.valueOf(l.temperature()), "--limit", String.valueOf(l.limit()),
                "--batch", String.valueOf(l.batch()), "--seed", String.valueOf(l.seed()));
    }

    private Path comparisons() {
        return out.resolve("label").resolve("comparisons.jsonl");
    }

    private Integer reward() throws IOException {
        return trainCommand(new RewardCommand(), "reward", cfg.reward(), "model.init_from=" + out.resolve("sft"),
                "data.train=" + comparisons(), "norm.prompts=" + worldDir().resolve("rl_prompts.jsonl"));
    }

    private Integer ppo() throws IOException {
        return trainCommand(new PpoCommand(), "ppo", cfg.ppo(), "model.policy=" + out.resolve("sft"),
                "model.reward=" + out.resolve("reward"), "data.prompts=" + worldDir().resolve("rl_prompts.jsonl"),
                "data.world=" + worldDir(), "data.ptx=" + out.resolve("prepare"));
    }

    private Integer dpo() throws IOException {
        return trainCommand(new DpoCommand(), "dpo", cfg.dpo(), "model.init_from=" + out.resolve("sft"), "data.train=" + comparisons());
    }

    private Integer grpo() throws IOException {
        List<String> wiring = new ArrayList<>(List.of("model.init_from=" + out.resolve("sft"),
                "data.prompts=" + worldDir().resolve("rl_prompts.jsonl")));
        // the reward it is told to use: the gold judge of this world, or this pipeline's reward model
        wiring.add(cfg.grpo().reward().kind().equals("gold") ? "reward.world=" + worldDir() : "reward.model=" + out.resolve("reward"));
        return trainCommand(new GrpoCommand(), "grpo", cfg.grpo(), wiring.toArray(String[]::new));
    }

    private Integer eval() throws IOException {
        Map<String, Path> policies = new LinkedHashMap<>();
        policies.put("base", out.resolve("pretrain"));
        policies.put("sft", out.resolve("sft"));
        policies.put("ppo", out.resolve("ppo"));
        if (cfg.stages().dpo()) policies.put("dpo", out.resolve("dpo"));
        if (cfg.stages().grpo()) policies.put("grpo", out.resolve("grpo"));
        PipelineConfig.Eval e = cfg.eval();
        PipelineEval.Settings settings = new PipelineEval.Settings(e.questions(), e.samples(), e.bestOfN(), e.temperature(), e.maxNew(),
                e.batch(), e.seed(), e.examples());
        PipelineEval.run(worldDir(), policies, out.resolve("reward"), settings, out.resolve("eval"));
        return 0;
    }

    // ---- calling a command ----

    /** A training stage: its section of the pipeline config as its --config, the chaining paths as --set, --resume always. */
    private Integer trainCommand(Callable<Integer> command, String name, Object section, String... wiring) throws IOException {
        List<String> args = new ArrayList<>(List.of("--config", stageConfig(name, section).toString(),
                "--out", out.resolve(name).toString(), "--resume"));
        for (String w : wiring) {
            args.add("--set");
            args.add(w);
        }
        return command(command, args.toArray(String[]::new));
    }

    /** Writes a stage's section of the config to configs/NAME.json, where its command reads it. */
    private Path stageConfig(String name, Object section) throws IOException {
        Path file = out.resolve("configs").resolve(name + ".json");
        Files.createDirectories(file.getParent());
        AtomicFiles.writeString(file, ConfigTree.toJson(section));
        return file;
    }

    private static Integer command(Object command, String... args) {
        CommandLine cl = new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true);
        // a stage's error surfaces as an exception of the pipeline, with the stage's own message
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            throw ex;
        });
        return cl.execute(args);
    }
}
