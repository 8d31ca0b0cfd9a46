package rlhf4j.data.world;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The world's gold judge: it plays the human labeler. Given a prompt the world's generator wrote
 * (recognized by parsing it against the question templates and looking the names up in the world,
 * never by looking at a model) and any answer text, it scores the answer in four parts:
 * <ul>
 *   <li><b>correct</b> (weight {@value #W_CORRECT}): 1 when the asked fact is present and nothing
 *       contradicts it: no other value of the same kind (another town, another job, another person,
 *       a number that is neither the answer, a number from the question, nor a true number about the
 *       people asked about) and no negation ("not", "never", "...n't"). Listing every town is wrong.</li>
 *   <li><b>wellFormed</b> ({@value #W_FORM}): thirds for a first sentence that starts with a capital
 *       letter, ends with a period, and names the subject(s).</li>
 *   <li><b>concise</b> ({@value #W_CONCISE}): 1 up to twice the canonical answer's length in words,
 *       then {@code 2·ref/len}; times the fraction of distinct word bigrams and times the
 *       fraction of words that are not a third-or-later use of the same word (repetition costs).</li>
 *   <li><b>cleanStop</b> ({@value #W_STOP}): 1 when nothing follows the first sentence-ending
 *       punctuation; 0 with trailing text or with no sentence end at all.</li>
 * </ul>
 * {@code total = 0.6·correct + 0.15·wellFormed + 0.15·concise + 0.1·cleanStop}, in [0, 1]; the
 * canonical answer scores 1 and an empty answer 0. {@link #accuracy} is {@code correct} alone.
 */
public final class GoldJudge {
    public static final double W_CORRECT = 0.6, W_FORM = 0.15, W_CONCISE = 0.15, W_STOP = 0.1;

    /** One answer's score and its parts, all in [0, 1]. {@code type} is the question type's key. */
    public record Score(String type, double total, double correct, double wellFormed, double concise,
                        double cleanStop) {}

    private static final Set<String> NEGATIONS = Set.of("not", "never", "cannot", "unknown", "nobody", "nothing");
    private static final Pattern TOKEN = Pattern.compile("[a-z0-9]+(?:'[a-z]+)?|'s");
    private static final Pattern NUMBER = Pattern.compile("\\d+");

    private final World world;
    private final WorldIndex index;
    private final Map<QuestionType.Kind, Set<String>> values = new HashMap<>();
    /** "cat" and "cats" both map to "cat". */
    private final Map<String, String> petForms = new HashMap<>();
    private final Map<String, Integer> numberWords = new HashMap<>();

    public GoldJudge(World world) {
        this.world = world;
        this.index = new WorldIndex(world);
        values.put(QuestionType.Kind.TOWN, lower(world.towns()));
        values.put(QuestionType.Kind.JOB, lower(world.jobs()));
        values.put(QuestionType.Kind.COLOR, lower(world.colors()));
        values.put(QuestionType.Kind.FOOD, lower(world.foods()));
        for (String k : world.petKinds()) {
            petForms.put(k, k);
            petForms.put(English.plural(k), k);
        }
        for (int i = 0; i < English.SMALL_NUMBERS.length; i++) numberWords.put(English.SMALL_NUMBERS[i], i);
    }

    /** The judge of the world stored in {@code dir/world.json}. */
    public static GoldJudge load(Path worldDir) {
        return new GoldJudge(WorldFiles.readWorld(worldDir));
    }

    public World world() {
        return world;
    }

    /** The question (with its gold answer) a prompt asks, if it is one of this world's questions. */
    public Optional<Question> question(String prompt) {
        return Questions.parse(index, prompt);
    }

    public boolean recognizes(String prompt) {
        return question(prompt).isPresent();
    }

    /** Scores {@code answer} to {@code prompt}; throws if the prompt is not a question of this world. */
    public Score score(String prompt, String answer) {
        Question q = question(prompt).orElseThrow(() -> new IllegalArgumentException(
                "not a question of this world (seed " + world.seed() + "): '" + prompt + "'"));
        return score(q, answer);
    }

    /** 1 when the answer states the asked fact and contradicts nothing, else 0. */
    public double accuracy(String prompt, String answer) {
        return score(prompt, answer).correct();
    }

    public Score score(Question q, String answer) {
        String text = answer == null ? "" : answer.replace('\u2019', '\'').strip();
        String key = q.type().key();
        if (text.isEmpty()) return new Score(key, 0, 0, 0, 0, 0);
        List<String> tokens = tokens(text);
        double correct = correct(q, tokens);
        String first = firstSentence(text);
        double wellFormed = wellFormed(q, first);
        double concise = concise(q, tokens);
        double cleanStop = cleanStop(text);
        double total = W_CORRECT * correct + W_FORM * wellFormed + W_CONCISE * concise + W_STOP * cleanStop;
        return new Score(key, Math.min(1.0, total), correct, wellFormed, concise, cleanStop);
    }

    private double correct(Question q, List<String> tokens) {
        for (String t : tokens) if (NEGATIONS.contains(t) || t.endsWith("n't")) return 0;
        String gold = q.gold().toLowerCase(Locale.ROOT);
        return switch (q.type().kind) {
            case TOWN, JOB, COLOR, FOOD -> {
                Set<String> all = values.get(q.type().kind);
                boolean present = false;
                for (String t : tokens) {
                    if (t.equals(gold)) present = true;
                    else if (all.contains(t)) yield 0; // another town, job, colour or food
                }
                yield present ? 1 : 0;
            }
            case PET_KIND -> {
                boolean present = false;
                for (String t : tokens) {
                    String kind = petForms.get(t);
                    if (kind == null) continue;
                    if (kind.equals(gold)) present = true;
                    else yield 0;
                }
                yield present ? 1 : 0;
            }
            case PERSON -> {
                Person goldPerson = index.byName(q.gold());
                boolean present = false;
                for (String t : tokens) {
                    Person p = index.byFirst(t);
                    if (p == null) continue;
                    if (p == goldPerson) present = true;
                    else if (p.id() != q.x()) yield 0; // someone else named as the answer
                }
                yield present ? 1 : 0;
            }
            case NUMBER -> {
                int goldN = Integer.parseInt(q.gold());
                Set<Integer> allowed = allowedNumbers(q);
                boolean present = false;
                for (int n : numbers(tokens)) {
                    if (n == goldN) present = true;
                    else if (!allowed.contains(n)) yield 0;
                }
                yield present ? 1 : 0;
            }
        };
    }

    /** Numbers an answer may mention besides the gold one: those in the question and true numbers about the people asked about. */
    private Set<Integer> allowedNumbers(Question q) {
        Set<Integer> ok = new HashSet<>(numbers(tokens(q.prompt().toLowerCase(Locale.ROOT))));
        for (int id : new int[] {q.x(), q.y()}) {
            if (id < 0) continue;
            Person p = world.person(id);
            ok.add(p.age());
            ok.add(p.birthYear(world.year()));
            ok.add(p.pets());
        }
        return ok;
    }

    /** Digits, number words up to twenty, "no pets" as 0 and "a cat" as 1. */
    private List<Integer> numbers(List<String> tokens) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            String next = i + 1 < tokens.size() ? tokens.get(i + 1) : "";
            boolean petNext = next.equals("pet") || next.equals("pets") || petForms.containsKey(next);
            if (NUMBER.matcher(t).matches() && t.length() <= 6) out.add(Integer.parseInt(t));
            else if (numberWords.containsKey(t)) out.add(numberWords.get(t));
            else if (t.equals("no") && petNext) out.add(0);
            else if ((t.equals("a") || t.equals("an")) && (next.equals("pet") || world.petKinds().contains(next))) out.add(1);
        }
        return out;
    }

    private double wellFormed(Question q, String first) {
        double s = 0;
        if (Character.isUpperCase(first.charAt(0))) s += 1.0 / 3;
        if (first.endsWith(".")) s += 1.0 / 3;
        List<String> toks = tokens(first);
        int subjects = q.y() >= 0 ? 2 : 1, named = 0;
        if (toks.contains(world.person(q.x()).first().toLowerCase(Locale.ROOT))) named++;
        if (q.y() >= 0 && toks.contains(world.person(q.y()).first().toLowerCase(Locale.ROOT))) named++;
        s += (1.0 / 3) * named / subjects;
        return s;
    }

    private double concise(Question q, List<String> tokens) {
        int ref = tokens(q.answer()).size();
        int len = tokens.size();
        double length = len <= 2 * ref ? 1 : 2.0 * ref / len;
        if (len < 3) return length;
        Set<String> bigrams = new HashSet<>();
        for (int i = 0; i + 1 < len; i++) bigrams.add(tokens.get(i) + " " + tokens.get(i + 1));
        // A word may occur twice ("in 5 years ... years old"); each further use counts as repetition.
        Map<String, Integer> counts = new HashMap<>();
        int excess = 0;
        for (String t : tokens) if (counts.merge(t, 1, Integer::sum) > 2) excess++;
        return length * ((double) bigrams.size() / (len - 1)) * (1.0 - (double) excess / len);
    }

    private static double cleanStop(String text) {
        int end = sentenceEnd(text);
        if (end < 0) return 0;
        return text.substring(end + 1).isBlank() ? 1 : 0;
    }

    /** The index of the first '.', '!' or '?' that ends a sentence (followed by a space or the end), or -1. */
    private static int sentenceEnd(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c == '.' || c == '!' || c == '?') && (i + 1 == text.length() || !Character.isLetterOrDigit(text.charAt(i + 1)))) {
                return i;
            }
        }
        return -1;
    }

    private static String firstSentence(String text) {
        int end = sentenceEnd(text);
        return end < 0 ? text : text.substring(0, end + 1);
    }

    /** Lower-case word tokens; "Mara's" becomes "mara", "'s"; "doesn't" stays one token. */
    static List<String> tokens(String text) {
        String s = text.replace('\u2019', '\'').toLowerCase(Locale.ROOT).replaceAll("'s\\b", " 's");
        List<String> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(s);
        while (m.find()) out.add(m.group());
        return out;
    }

    private static Set<String> lower(List<String> xs) {
        Set<String> s = new HashSet<>();
        for (String x : xs) s.add(x.toLowerCase(Locale.ROOT));
        return s;
    }
}
