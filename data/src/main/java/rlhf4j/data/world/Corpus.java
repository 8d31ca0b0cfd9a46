package rlhf4j.data.world;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes the pretraining text: every fact of every person, restated many times in different
 * wordings and little stories, plus neutral filler prose in the same plain style. The vocabulary
 * is kept small on purpose (a few hundred words plus names) so a tiny model can learn it.
 */
final class Corpus {
    private enum Fact { TOWN, JOB, AGE, BIRTH, PETS, COLOR, FOOD, SIBLING, FRIEND, COWORKER }

    /** How a sentence refers to its subject. */
    private enum Ref { FULL, FIRST, PRONOUN }

    private static final String[] FILLER = {
            "The sun was warm that day.", "It rained all morning.", "The market was busy.",
            "The river ran fast after the rain.", "The bread at the market was fresh.",
            "The children played by the river.", "A cold wind blew from the hills.", "The road was long and dusty.",
            "Birds sang in the trees.", "The days were getting shorter.", "Snow fell on the roofs.",
            "The bell rang at noon.", "Smoke rose from the chimneys.", "The fields were green after the rain.",
            "Everyone was glad when spring came.", "The night was clear and full of stars.",
            "It was a quiet day.", "The air smelled of fresh grass.", "A light rain fell in the evening.",
            "The old bridge creaked in the wind."};
    private static final String[] TOWN_FILLER = {
            "In {T}, the market opens early.", "The road from {T} to {U} is long.", "It rained all day in {T}.",
            "{T} has a small market and an old bridge.", "The people of {T} like to sing in the evening.",
            "There is a mill by the river in {T}.", "In winter, the hills around {T} are white with snow.",
            "{T} is not far from {U}.", "A long road runs from {T} to {U}.", "The river near {T} is wide and slow."};
    private static final String[] OPENERS = {
            "This is a short story about {F}.", "Here is what people say about {F}.", "Let me tell you about {F}.",
            "This is about {F}.", "Many people know {F}."};
    private static final String[] CONNECTORS = {"", "", "", "", "", "", "", "", "Also, ", "As it happens, ", "People say that ",
            "Of course, "};

    private final World w;
    private final WorldRng r;

    private final java.util.Set<String> firstNames = new java.util.HashSet<>();

    Corpus(World w, WorldRng r) {
        this.w = w;
        this.r = r;
        for (Person p : w.people()) firstNames.add(p.first());
    }

    /** All documents, shuffled; each is one {@code {"text": ...}} line of corpus.jsonl. */
    List<String> documents(WorldSize size) {
        List<String> docs = new ArrayList<>();
        for (Person p : w.people()) {
            docs.add(factSheet(p));
            for (int k = 0; k < size.repeats(); k++) docs.add(k % 2 == 0 ? profile(p) : story(p));
        }
        for (String t : w.towns()) docs.add(townDoc(t));
        for (int k = 0; k < size.fillerDocs(); k++) docs.add(filler());
        r.shuffle(docs);
        return docs;
    }

    /** Every fact once, in its canonical wording, each sentence naming the person in full. */
    private String factSheet(Person p) {
        List<Fact> facts = factsOf(p);
        r.shuffle(facts);
        StringBuilder sb = new StringBuilder();
        for (Fact f : facts) append(sb, sentence(f, p, Ref.FULL, 0));
        return sb.toString();
    }

    /** Most facts in random wordings, the subject named in full first, then by first name or pronoun. */
    private String profile(Person p) {
        List<Fact> facts = factsOf(p);
        r.shuffle(facts);
        int keep = Math.max(3, (int) Math.ceil(facts.size() * (0.6 + 0.3 * r.nextDouble())));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(keep, facts.size()); i++) {
            Ref ref = i == 0 ? Ref.FULL : r.pick(Ref.values());
            String s = sentence(facts.get(i), p, ref, r.nextInt(4) + 1);
            append(sb, i == 0 ? s : connect(s, p));
        }
        if (r.chance(0.5)) append(sb, arithmetic(p));
        return sb.toString();
    }

    /** A few facts woven between neutral sentences, after an opener. */
    private String story(Person p) {
        List<Fact> facts = factsOf(p);
        r.shuffle(facts);
        StringBuilder sb = new StringBuilder();
        append(sb, r.pick(OPENERS).replace("{F}", p.name()));
        int keep = Math.min(facts.size(), r.between(3, 6));
        for (int i = 0; i < keep; i++) {
            Ref ref = i == 0 ? r.pick(new Ref[] {Ref.FULL, Ref.FIRST}) : r.pick(Ref.values());
            append(sb, connect(sentence(facts.get(i), p, ref, r.nextInt(5)), p));
            if (r.chance(0.35)) append(sb, r.pick(FILLER));
        }
        if (r.chance(0.5)) append(sb, arithmetic(p));
        return sb.toString();
    }

    /** A town, a few of the people who live there, and some scenery. */
    private String townDoc(String town) {
        StringBuilder sb = new StringBuilder();
        append(sb, townFiller(town));
        List<Person> here = w.people().stream().filter(p -> p.town().equals(town)).toList();
        for (int i = 0; i < here.size(); i += 3) {
            List<Person> g = here.subList(i, Math.min(here.size(), i + 3));
            String names = g.size() == 1 ? g.get(0).name()
                    : String.join(", ", g.subList(0, g.size() - 1).stream().map(Person::name).toList())
                      + " and " + g.getLast().name();
            append(sb, names + (g.size() == 1 ? " lives in " : " all live in ") + town + ".");
        }
        append(sb, townFiller(town));
        return sb.toString();
    }

    private String filler() {
        StringBuilder sb = new StringBuilder();
        int k = r.between(2, 5);
        for (int i = 0; i < k; i++) append(sb, r.chance(0.5) ? townFiller(r.pick(w.towns())) : r.pick(FILLER));
        return sb.toString();
    }

    private String townFiller(String town) {
        String other = r.pick(w.towns());
        if (other.equals(town) && w.towns().size() > 1) other = w.towns().get((w.towns().indexOf(town) + 1) % w.towns().size());
        return r.pick(TOWN_FILLER).replace("{T}", town).replace("{U}", other);
    }

    /** A worked sum about the person: age in a few years, pets together with someone, an age gap. */
    private String arithmetic(Person p) {
        String s = r.pick(new Ref[] {Ref.FULL, Ref.FIRST}) == Ref.FULL ? p.name() : p.first();
        switch (r.nextInt(3)) {
            case 0 -> {
                int n = r.between(2, 10);
                return s + " is " + p.age() + " years old, so in " + n + " years " + p.subjectPronoun()
                        + " will be " + (p.age() + n) + " years old.";
            }
            case 1 -> {
                Person q = w.person(r.nextInt(w.people().size()));
                if (q == p) return s + " has " + English.pets(p.pets(), p.petKind()) + ".";
                int t = p.pets() + q.pets();
                return s + " has " + English.pets(p.pets(), p.petKind()) + " and " + q.name() + " has "
                        + English.pets(q.pets(), q.petKind()) + ", so together they have " + English.petsTotal(t) + ".";
            }
            default -> {
                Person q = w.person(r.nextInt(w.people().size()));
                if (q.age() >= p.age()) return s + " is " + p.age() + " years old.";
                return s + " is " + p.age() + " and " + q.name() + " is " + q.age() + ", so " + s + " is "
                        + English.years(p.age() - q.age()) + " older than " + q.name() + ".";
            }
        }
    }

    private static List<Fact> factsOf(Person p) {
        List<Fact> f = new ArrayList<>(List.of(Fact.TOWN, Fact.JOB, Fact.AGE, Fact.BIRTH, Fact.PETS, Fact.COLOR,
                Fact.FOOD));
        if (p.sibling() >= 0) f.add(Fact.SIBLING);
        if (p.friend() >= 0) f.add(Fact.FRIEND);
        if (p.coworker() >= 0) f.add(Fact.COWORKER);
        return f;
    }

    /**
     * One sentence stating fact {@code f} of {@code p}. Wording 0 is the canonical one (the same
     * sentence the SFT answers use when the subject is named in full).
     */
    private String sentence(Fact f, Person p, Ref ref, int wording) {
        String S = switch (ref) {
            case FULL -> p.name();
            case FIRST -> p.first();
            case PRONOUN -> English.capitalize(p.subjectPronoun());
        };
        String s = ref == Ref.PRONOUN ? p.subjectPronoun() : S;
        String P = ref == Ref.PRONOUN ? English.capitalize(p.possessive()) : S + "'s";
        String pos = ref == Ref.PRONOUN ? p.possessive() : S + "'s";
        boolean canonical = wording == 0 && ref == Ref.FULL;
        String[] t = switch (f) {
            case TOWN -> new String[] {"{S} lives in {V}.", "{S} has a home in {V}.", "{S} lives in the town of {V}.",
                    "{P} home is in {V}.", "{S} has lived in {V} for many years."};
            case JOB -> new String[] {"{S} is {aV}.", "{S} works as {aV}.", "{P} job is to work as {aV}.",
                    "{S} earns a living as {aV}.", "By trade, {s} is {aV}."};
            case AGE -> new String[] {"{S} is {V} years old.", "{S} is {V}.", "{P} age is {V}.",
                    "{S} turned {V} this year.", "This year, {s} is {V} years old."};
            case BIRTH -> new String[] {"{S} was born in {V}.", "{S} was born in the year {V}.",
                    "In {V}, {s} was born.", "The year {s} was born was {V}.", "{P} birth year is {V}."};
            case PETS -> p.pets() == 0
                    ? new String[] {"{S} has no pets.", "{S} does not keep any pets.", "There are no pets in {pos} home.",
                            "{S} has no pets at home.", "{S} has never kept a pet."}
                    : new String[] {"{S} has {V}.", "{S} keeps {V} at home.", "At home, {s} has {W}.",
                            "{S} owns {V}.", "{S} takes good care of {his} {W}."};
            case COLOR -> new String[] {"{P} favourite colour is {V}.", "{S} likes the colour {V} best.",
                    "Of all colours, {s} likes {V} best.", "{S} loves the colour {V}.", "{P} favourite colour is {V}."};
            case FOOD -> new String[] {"{P} favourite food is {V}.", "{S} likes {V} more than any other food.",
                    "Of all foods, {s} likes {V} best.", "{S} could eat {V} every day.", "{P} favourite food is {V}."};
            case SIBLING -> new String[] {"{P} {R} is {V}.", "{S} has a {R} called {V}.",
                    "{S} and {V} are {K}.", "{V} is {pos} {R}.", "{S} often visits {his} {R}, {V}."};
            case FRIEND -> new String[] {"{P} best friend is {V}.", "{S} and {V} are best friends.",
                    "{V} is {pos} best friend.", "{S} spends a lot of time with {his} best friend, {V}.",
                    "The best friend of {s} is {V}."};
            case COWORKER -> new String[] {"{S} works with {V}.", "{S} and {V} work together.",
                    "Every day, {s} works side by side with {V}.", "{V} and {s} work together.",
                    "At work, {s} works with {V}."};
        };
        String v = switch (f) {
            case TOWN -> p.town();
            case JOB -> p.job();
            case AGE -> "" + p.age();
            case BIRTH -> "" + p.birthYear(w.year());
            case PETS -> English.pets(p.pets(), p.petKind());
            case COLOR -> p.color();
            case FOOD -> p.food();
            case SIBLING -> relName(p.sibling(), canonical);
            case FRIEND -> relName(p.friend(), canonical);
            case COWORKER -> relName(p.coworker(), canonical);
        };
        String tpl = t[wording % t.length];
        String out = tpl.replace("{S}", S).replace("{s}", s).replace("{P}", P).replace("{pos}", pos).replace("{his}", p.possessive())
                .replace("{aV}", English.withArticle(v)).replace("{V}", v);
        if (out.contains("{W}")) {
            out = out.replace("{W}", r.chance(0.5) ? English.petsInWords(p.pets(), p.petKind()) : v);
        }
        if (f == Fact.SIBLING) {
            Person sib = w.person(p.sibling());
            out = out.replace("{R}", sib.siblingWord())
                    .replace("{K}", p.female() && sib.female() ? "sisters" : !p.female() && !sib.female() ? "brothers"
                            : "sister and brother");
        }
        return English.capitalize(out);
    }

    /** Relations are named in full most of the time, so the model binds them to the right person. */
    private String relName(int id, boolean canonical) {
        Person q = w.person(id);
        return canonical || r.chance(0.8) ? q.name() : q.first();
    }

    /** Prefixes a connector now and then, lower-casing the sentence start unless it is the name. */
    private String connect(String sentence, Person p) {
        String c = r.pick(CONNECTORS);
        if (c.isEmpty()) return sentence;
        boolean startsWithName = sentence.startsWith(p.first() + " ") || sentence.startsWith(p.first() + "'");
        if (!startsWithName && Character.isUpperCase(sentence.charAt(0)) && !startsWithOtherName(sentence)) {
            sentence = Character.toLowerCase(sentence.charAt(0)) + sentence.substring(1);
        }
        return c + sentence;
    }

    private boolean startsWithOtherName(String sentence) {
        int sp = sentence.indexOf(' ');
        String head = sp < 0 ? sentence : sentence.substring(0, sp);
        if (head.endsWith("'s")) head = head.substring(0, head.length() - 2);
        return firstNames.contains(head);
    }

    private static void append(StringBuilder sb, String sentence) {
        if (!sb.isEmpty()) sb.append(' ');
        sb.append(sentence);
    }
}
