package rlhf4j.data.world;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds question instances and their canonical answers, and parses a prompt back into one. The
 * generator and the judge share this one definition of "what is the right answer".
 */
public final class Questions {
    private Questions() {}

    /**
     * The question of {@code type} about person {@code x} (and {@code y}, {@code n} where the type
     * uses them), phrased with template {@code template}; empty when the world has no answer
     * (a sibling question about someone with no sibling, a pet kind for someone with no pets,
     * "how much older" when X is not older than Y).
     */
    public static Optional<Question> make(World w, QuestionType type, int x, int y, int n, int template) {
        Person p = w.person(x);
        Person q = y >= 0 ? w.person(y) : null;
        String X = p.name();
        String answer, gold;
        switch (type) {
            case TOWN -> { gold = p.town(); answer = X + " lives in " + gold + "."; }
            case JOB -> { gold = p.job(); answer = X + " is " + English.withArticle(gold) + "."; }
            case AGE -> { gold = "" + p.age(); answer = X + " is " + p.age() + " years old."; }
            case BIRTH_YEAR -> { gold = "" + p.birthYear(w.year()); answer = X + " was born in " + gold + "."; }
            case PETS -> { gold = "" + p.pets(); answer = X + " has " + English.pets(p.pets(), p.petKind()) + "."; }
            case PET_KIND -> {
                if (p.pets() == 0) return Optional.empty();
                gold = p.petKind();
                answer = X + " has " + English.pets(p.pets(), p.petKind()) + ".";
            }
            case COLOR -> { gold = p.color(); answer = X + "'s favourite colour is " + gold + "."; }
            case FOOD -> { gold = p.food(); answer = X + "'s favourite food is " + gold + "."; }
            case SIBLING -> {
                if (p.sibling() < 0) return Optional.empty();
                Person s = w.person(p.sibling());
                gold = s.name();
                answer = X + "'s " + s.siblingWord() + " is " + gold + ".";
            }
            case FRIEND -> {
                if (p.friend() < 0) return Optional.empty();
                gold = w.person(p.friend()).name();
                answer = X + "'s best friend is " + gold + ".";
            }
            case COWORKER -> {
                if (p.coworker() < 0) return Optional.empty();
                gold = w.person(p.coworker()).name();
                answer = X + " works with " + gold + ".";
            }
            case AGE_FUTURE -> {
                if (n < 1) return Optional.empty();
                gold = "" + (p.age() + n);
                answer = X + " will be " + gold + " years old in " + English.years(n) + ".";
            }
            case AGE_DIFF -> {
                if (q == null || q == p || p.age() <= q.age()) return Optional.empty();
                int d = p.age() - q.age();
                gold = "" + d;
                answer = X + " is " + English.years(d) + " older than " + q.name() + ".";
            }
            case PETS_TOTAL -> {
                if (q == null || q == p) return Optional.empty();
                int t = p.pets() + q.pets();
                gold = "" + t;
                answer = X + " and " + q.name() + " have " + English.petsTotal(t) + " together.";
            }
            default -> throw new AssertionError(type);
        }
        String prompt = type.templates.get(template)
                .replace("{X}", X)
                .replace("{Y}", q == null ? "" : q.name())
                .replace("{N}", "" + n);
        String id = type.key() + "-" + x + (type.twoPeople() ? "-" + y : "") + (n >= 0 ? "-" + n : "");
        return Optional.of(new Question(id, type, x, type.twoPeople() ? y : -1, n, template, prompt, answer, gold));
    }

    /**
     * Every question instance the world offers, in a fixed order: per person, each single-subject
     * type, plus one "in N years", one "how much older" and one "pets together" question with
     * parameters drawn from {@code rng}. Phrasing is template 0; the caller re-phrases.
     */
    static List<Question> enumerate(World w, WorldRng rng) {
        List<Question> out = new ArrayList<>();
        for (Person p : w.people()) {
            int x = p.id();
            for (QuestionType t : List.of(QuestionType.TOWN, QuestionType.JOB, QuestionType.AGE,
                    QuestionType.BIRTH_YEAR, QuestionType.PETS, QuestionType.PET_KIND, QuestionType.COLOR,
                    QuestionType.FOOD, QuestionType.SIBLING, QuestionType.FRIEND, QuestionType.COWORKER)) {
                make(w, t, x, -1, -1, 0).ifPresent(out::add);
            }
            make(w, QuestionType.AGE_FUTURE, x, -1, rng.between(2, 10), 0).ifPresent(out::add);
            // "How much older": against a relation if one is younger, else a random younger person.
            int younger = -1;
            for (int rel : new int[] {p.sibling(), p.friend(), p.coworker()}) {
                if (rel >= 0 && w.person(rel).age() < p.age()) { younger = rel; break; }
            }
            if (younger < 0) {
                int cand = rng.nextInt(w.people().size());
                if (w.person(cand).age() < p.age()) younger = cand;
            }
            if (younger >= 0) make(w, QuestionType.AGE_DIFF, x, younger, -1, 0).ifPresent(out::add);
            int other = rng.nextInt(w.people().size() - 1);
            if (other >= x) other++;
            make(w, QuestionType.PETS_TOTAL, x, other, -1, 0).ifPresent(out::add);
        }
        return out;
    }

    /** Re-phrases a question with another of its type's templates. */
    static Question rephrase(World w, Question q, int template) {
        return make(w, q.type(), q.x(), q.y(), q.n(), template).orElseThrow();
    }

    // ---- parsing a prompt back into a question ----

    private record Compiled(QuestionType type, int template, Pattern pattern) {}

    private static final List<Compiled> PATTERNS = compileAll();

    private static List<Compiled> compileAll() {
        List<Compiled> out = new ArrayList<>();
        for (QuestionType t : QuestionType.values()) {
            for (int i = 0; i < t.templates.size(); i++) {
                String tpl = t.templates.get(i);
                StringBuilder re = new StringBuilder();
                Matcher m = Pattern.compile("\\{([XYN])}").matcher(tpl);
                int last = 0;
                while (m.find()) {
                    re.append(Pattern.quote(tpl.substring(last, m.start())));
                    re.append(switch (m.group(1)) {
                        case "X" -> "(?<x>.+?)";
                        case "Y" -> "(?<y>.+?)";
                        default -> "(?<n>\\d{1,3})";
                    });
                    last = m.end();
                }
                re.append(Pattern.quote(tpl.substring(last)));
                out.add(new Compiled(t, i, Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE)));
            }
        }
        return out;
    }

    /**
     * Recognizes a prompt this world's generator could have written (whitespace is normalized,
     * case ignored) and rebuilds its question with the gold answer; empty if the prompt is not one
     * of the world's question forms or names someone who is not in the world.
     */
    static Optional<Question> parse(WorldIndex index, String prompt) {
        String s = prompt.strip().replaceAll("\\s+", " ");
        for (Compiled c : PATTERNS) {
            Matcher m = c.pattern.matcher(s);
            if (!m.matches()) continue;
            Person x = index.byName(m.group("x"));
            if (x == null) continue;
            int y = -1, n = -1;
            if (c.type.twoPeople()) {
                Person py = index.byName(m.group("y"));
                if (py == null) continue;
                y = py.id();
            }
            if (c.type == QuestionType.AGE_FUTURE) n = Integer.parseInt(m.group("n"));
            Optional<Question> q = make(index.world, c.type, x.id(), y, n, c.template);
            if (q.isPresent()) return q;
        }
        return Optional.empty();
    }
}
